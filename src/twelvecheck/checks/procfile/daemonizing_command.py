"""TWC511 procfile-daemonizing-command: a process type's command detaches from the platform.

Detaching options and tools come from the tool table (``deploy/tools.py``): ``--daemon``,
``--detach``, a process manager without its foreground switch, ``nohup``/``setsid``, and a
trailing ``&``. A configuration file the command gives its tool is read for the same."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import CommandCheck, command_checks, config_settings, removal
from twelvecheck.deploy.server_configs import DAEMON
from twelvecheck.deploy.options import CommandEdit, CommandFix, detaching_wrappers, init_script_start, short_lived
from twelvecheck.deploy.shell_commands import Invocation, positionals
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

# A start script that detaches its server: what `sh bin/start.sh` runs is read too.
START_SH = ("bin/start.sh", "#!/bin/sh\nset -e\npython manage.py collectstatic --noinput\n"
                            "exec gunicorn --daemon app.wsgi\n")


def _detaching(check: CommandCheck, inv: Invocation) -> Iterator[Problem]:
    if init_script_start(inv):
        yield check.problem(inv, inv.words[0], f"`{inv.spelled()}` starts the service in the background")
        return
    if inv.separator == "&" and not short_lived(inv):
        yield check.problem(inv, inv.words[0], f"`{inv.spelled()} &` runs in the background",
                            _trailing_ampersand(check, inv))
    for wrapper in detaching_wrappers(inv):
        fix = CommandFix(f"remove `{wrapper.text}`", (CommandEdit(wrapper.start, inv.words[0].start,
                                                                     remove=True),)) if inv.words else None
        yield check.problem(inv, wrapper, f"`{wrapper.text} {inv.program}` detaches", fix)
    tool = inv.tool
    if tool is None or tool.runs_command and not positionals(inv.args, tool):
        return
    yield from check.option_or_config(inv, tool.daemon, "detaches",
                                      lambda option: f"`{tool.key} {option.token.text}` detaches", fix=removal)
    if tool.role == "detacher" or tool.foreground:
        if not check.told_foreground(inv) and not check.config_unread(inv):
            note = f": {tool.note}" if tool.note else ""
            yield check.tool_problem(inv, inv.words[0], f"`{tool.key}` detaches{note}")


def _trailing_ampersand(check: CommandCheck, inv: Invocation) -> CommandFix | None:
    """Dropping `&` is right only where nothing follows it: `a & b` runs both."""
    command = check.command
    end = len(command.rstrip())
    if inv is not check.invocations[-1] or not command[:end].endswith("&") or \
            command[:end].endswith(("&&", ">&", "<&")):
        return None
    return CommandFix("remove the trailing `&`", (CommandEdit(end - 1, end, remove=True),))


SCRIPT_TOO = (("bin/start.sh", (4,)),)
# A start script that migrates, then starts a worker in the background and the web server.
START_THEN_BACKGROUND = """#!/bin/sh
set -e
python manage.py migrate --noinput
python manage.py collectstatic --noinput
celery -A shop worker -l info &
exec gunicorn shop.wsgi --bind 0.0.0.0:$PORT
"""
# Several long-running processes, all but the last in the background.
SEVERAL_IN_BACKGROUND = """#!/bin/bash
cd /srv/shop
python manage.py poll_feeds &
python manage.py send_digests &
python manage.py runworker
"""
SUPERVISORD_CONF = """[supervisord]
logfile=/dev/null
pidfile=/dev/null

[program:web]
command=gunicorn shop.wsgi
"""


class DaemonizingCommand(DeployRule):
    code = "TWC511"
    # A Dockerfile's command (deploy/container.py), scripts, server configurations and the
    # deployment descriptors' commands (deploy/descriptor_documents.py) too.
    kinds = ("procfile", "dockerfile", "script", "server-config", "compose", "platform", "kubernetes")

    @classmethod
    def check(cls, document) -> Iterator[Problem]:
        for check in command_checks(document):
            for inv in check.invocations:
                yield from _detaching(check, inv)
        yield from config_settings(document, DAEMON)

    VALID = [
        Valid("worker: celery -A app worker --detach\n", filename="Procfile.dev"),  # local-only
        Valid("web: gunicorn app:app\nworker: celery -A app worker\nbeat: celery -A app beat\n"),
        Valid("web: hypercorn -D app:app\n"),  # hypercorn has no daemon mode
        Valid("web: nginx -g 'daemon off;' -c nginx.conf\n"),
        Valid("web: supervisord -n -c supervisord.conf\n"),
        Valid("cache: redis-server --daemonize no\n"),
        Valid("web: gunicorn app:app 2>&1\n"),
        Valid("web: uwsgi --http :$PORT --die-on-term --module app\n"),
        Valid("web: sh bin/start.sh\n", files=(("bin/start.sh", "#!/bin/sh\nexec gunicorn app.wsgi\n"),)),
        # scripts: short-lived commands in the background, the foreground server, here-documents
        Valid(filename="start.sh", code="#!/bin/sh\nset -e\npython manage.py migrate --noinput\n"
                                        "python manage.py collectstatic --noinput &\necho starting &\nmkdir -p /tmp/x &\n"
                                        "wait\nexec gunicorn shop.wsgi --bind 0.0.0.0:$PORT\n"),
        Valid(filename="start.sh", code="#!/bin/sh\ncat > /etc/motd <<'EOF'\ngunicorn --daemon shop.wsgi &\nEOF\n"
                                        "exec gunicorn shop.wsgi\n"),
        Valid(filename="start.sh", code="#!/bin/sh\n# gunicorn --daemon shop.wsgi &\nexec gunicorn shop.wsgi\n"),
        Valid(filename="start.sh", code="#!/bin/sh\ngunicorn -D shop.wsgi  # twelvecheck: ignore[TWC511]\n"),
        Valid(filename="dev.sh", code="#!/bin/bash\nscreen -S tunnel -dm\nsudo /etc/init.d/postgresql reload\n"),
        Valid(filename="bin/run", code="#!/usr/bin/env python3\nimport os\nos.system('gunicorn -D app &')\n"),
        Valid(filename="entrypoint.sh", code="#!/bin/sh\nexec supervisord -c supervisord.conf\n",
              files=(("supervisord.conf", "[supervisord]\nnodaemon=true\nlogfile=/dev/null\npidfile=/dev/null\n"),)),
        # A configuration file the run cannot find (made in the image from a template): whether
        # it says nodaemon=true is unknown, so supervisord's default is not assumed.
        Valid(filename="bin/launch_task.sh", code="#!/bin/sh\nset -e\nexec supervisord -c /etc/supervisord_task.conf\n"),
        Valid("web: nginx -c /etc/nginx/site.conf\n"),
        # ... a file named by its container path is looked for by its name beside the script
        # and above it (where the Dockerfile copies it from), and read when found.
        Valid(filename="docker/start.sh", code="#!/bin/sh\nexec supervisord -c /etc/supervisor/conf.d/app.conf\n",
              files=(("app.conf", "[supervisord]\nnodaemon=true\npidfile=/dev/null\n"),)),
        # server configurations: the foreground, and a module that is no gunicorn config
        Valid(filename="gunicorn.conf.py", code='bind = "0.0.0.0:8000"\ndaemon = False\n'),
        Valid(filename="gunicorn_helpers.py", code="daemon = True\n"),  # one setting: not taken for a config
        Valid(filename="settings.py", code="daemon = True\npidfile = 'x.pid'\n"),  # not named like one
        Valid(filename="uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\ndaemonize = false\n"),
        Valid(filename="supervisord.conf", code="[supervisord]\nnodaemon=true\n"),
        Valid(filename="tox.ini", code="[tox]\nenvlist = py3\n[testenv]\ncommands = daemonize = 1\n"),
    ]
    INVALID = [
        Invalid(filename="docker/start.sh", code="#!/bin/sh\nsupervisord -c /etc/supervisor/conf.d/app.conf\n"
                "exec gunicorn app:app\n", lines=(2,),
                files=(("app.conf", "[supervisord]\nnodaemon=false\n"),), elsewhere=(("app.conf", (2,)),)),
        # A Kubernetes container's args (an argument vector: the first word's column is exact).
        Invalid(filename="deploy/worker.yaml", code="apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                "  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n"
                "          image: shop:1.0\n          args: [celery, -A, app, worker, --detach]\n", lines=(11,)),
        Invalid("web: gunicorn -D app:app\n", lines=(1,), fixed="web: gunicorn app:app\n"),
        Invalid("web: gunicorn --daemon app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --daemonize /tmp/uwsgi.log --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker --detach\n", lines=(1,)),
        Invalid("worker: celery -A app worker -D\n", lines=(1,)),
        Invalid("beat: celery -A app beat --detach\n", lines=(1,)),
        Invalid("worker: celery multi start w1 -A app\n", lines=(1,)),
        Invalid("web: supervisord -c supervisord.conf\n", lines=(1,),
                files=(("supervisord.conf", "[supervisord]\nlogfile=/dev/null\n"),),
                elsewhere=(("supervisord.conf", (1,)),)),  # the file is judged too
        Invalid("cache: redis-server --daemonize yes\n", lines=(1,)),
        Invalid("web: nginx -c nginx.conf\n", lines=(1,), files=(("nginx.conf", "worker_processes 2;\n"),)),
        Invalid("worker: nohup python worker.py\n", lines=(1,)),
        Invalid("web: python worker.py & gunicorn app:app\n", lines=(1,)),
        Invalid("worker: start-stop-daemon --start --exec /usr/bin/worker\n", lines=(1,)),
        Invalid("web: service nginx start && gunicorn app:app\n", lines=(1,)),
        Invalid("web: sh -c 'gunicorn --daemon app:app'\n", lines=(1,)),
        # The script is a checked file too: its own line is reported as well (SCRIPT_TOO).
        Invalid("web: sh bin/start.sh\n", files=(START_SH,), lines=(1,), elsewhere=SCRIPT_TOO),
        Invalid("web: ./bin/start.sh\n", files=(START_SH,), lines=(1,), elsewhere=SCRIPT_TOO),
        Invalid("web: cd bin && sh start.sh\n", files=(START_SH,), lines=(1,), elsewhere=SCRIPT_TOO),
        # -- shell scripts: each command at its own line --------------------------------------
        Invalid(filename="start.sh", code=START_THEN_BACKGROUND, lines=(5,)),
        Invalid(filename="bin/run", code="#!/usr/bin/env bash\nnohup celery -A shop worker >/dev/null 2>&1 &\n"
                                         "exec gunicorn shop.wsgi\n", lines=(2, 2)),
        Invalid(filename="run.sh", code=SEVERAL_IN_BACKGROUND, lines=(3, 4)),
        Invalid(filename="start.sh", code="#!/bin/sh\nsetsid python -m shop.mailer\nexec gunicorn shop.wsgi\n",
                lines=(2,)),
        Invalid(filename="start.sh", code="#!/bin/sh\ngunicorn --daemon \\\n  --workers 3 shop.wsgi\n", lines=(2,)),
        Invalid(filename="start.sh", code="#!/bin/sh\nservice nginx start\n/etc/init.d/memcached start\n"
                                          "exec gunicorn shop.wsgi\n", lines=(2, 3)),
        Invalid(filename="entrypoint.sh", code="#!/bin/sh\nsupervisord -c supervisord.conf\n", lines=(2,),
                files=(("supervisord.conf", "[supervisord]\nnodaemon=false\n[program:web]\ncommand=gunicorn app\n"),),
                elsewhere=(("supervisord.conf", (2,)),)),
        # gunicorn reads ./gunicorn.conf.py when not given -c: the command and the setting
        Invalid("web: gunicorn shop.wsgi\n", files=(("gunicorn.conf.py", "workers = 2\ndaemon = True\n"),),
                lines=(1,), elsewhere=(("gunicorn.conf.py", (2,)),)),
        # -- server configurations ------------------------------------------------------------
        Invalid(filename="gunicorn.conf.py", code='import os\nbind = "0.0.0.0:" + os.environ.get("PORT", "8000")\n'
                                                  'daemon = True\n', lines=(3,)),
        Invalid(filename="deploy/uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\ndaemonize = /var/log/uwsgi.log\n",
                lines=(3,)),
        Invalid(filename="uwsgi.yaml", code="uwsgi:\n  module: shop.wsgi\n  daemonize2: /tmp/uwsgi.log\n", lines=(3,)),
        Invalid(filename="supervisord.conf", code=SUPERVISORD_CONF, lines=(1,)),
        Invalid(filename="supervisord.conf", code="[supervisord]\nnodaemon=false\n", lines=(2,)),
    ]
