"""TWC512 procfile-pid-file: a process type's command writes a PID file (an option, or its
configuration file, or the tool's default when neither names one: twistd's ``twistd.pid``)."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import config_settings, removal, tool_invocations
from twelvecheck.deploy.server_configs import PID
from twelvecheck.deploy.options import find_options, pid_files
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


# A gunicorn config module reading its settings from the environment, with file defaults.
GUNICORN_FROM_ENV = """import os

bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 3))
pidfile = os.environ.get("GUNICORN_PID", "/tmp/gunicorn.pid")
errorlog = os.getenv("GUNICORN_ERRORLOG", "-")
"""


class PidFileCommand(DeployRule):
    code = "TWC512"
    # A Dockerfile's command (deploy/container.py), scripts, server configurations and the
    # deployment descriptors' commands (deploy/descriptor_documents.py) too.
    kinds = ("procfile", "dockerfile", "script", "server-config", "compose", "platform", "kubernetes")

    @classmethod
    def check(cls, document) -> Iterator[Problem]:
        yield from config_settings(document, PID)
        for check, inv in tool_invocations(document):
            tool = inv.tool
            written = pid_files(inv.args, tool)
            for effect in written:
                if effect.option is not None:
                    option = effect.option
                    yield check.tool_problem(inv, option.token, f"`{tool.key} {option.token.text}` writes the PID file "
                                                           f"{option.value or ''}".rstrip(), removal(option))
            if written and written[0].option is not None or find_options(inv.args, tool.pid):
                continue  # named on the command line (or turned off: `--pidfile=`)
            in_config = list(check.option_or_config(inv, tool.pid, "writes a PID file", str))
            yield from in_config
            if written and not in_config and not check.config_unread(inv):
                flag = tool.pid[-1].split()[0]
                yield check.tool_problem(inv, inv.words[0], f"`{tool.key}` writes the PID file {written[0].value} "
                                                       f"by default (unless given `{flag}=`)")

    VALID = [
        Valid("worker: celery -A app worker --pidfile=/tmp/w.pid\n", filename="Procfile.local"),  # local-only
        Valid('FROM python:3.12-slim\nCMD ["celery", "-A", "app", "worker", "--pidfile=/tmp/w.pid"]\n',
              filename="Dockerfile.dev"),
        Valid(filename="docker-compose.override.yml", code="services:\n  beat:\n    build: .\n"
              "    command: celery -A app beat --pidfile=/tmp/beat.pid\n"),
        Valid("web: gunicorn -w 3 --preload app:app\n"),
        Valid("worker: celery -A app worker -P solo\n"),  # -P is the pool
        Valid("web: uwsgi --http :$PORT --die-on-term --processes 4 --module app\n"),  # uwsgi -p: processes
        Valid("web: twistd --pidfile= -n web --listen tcp:$PORT\n"),  # an empty --pidfile= writes none
        Valid(filename="start.sh", code="#!/bin/sh\nexec celery -A shop beat -s /tmp/beat-schedule\n"),
        # A configuration file the run cannot find may set the pid file, or turn it off.
        Valid(filename="bin/launch_task.sh", code="#!/bin/sh\nexec supervisord -c /etc/supervisord_task.conf\n"),
        Valid(filename="gunicorn.conf.py", code='import os\nworkers = 3\npidfile = os.environ.get("PIDFILE")\n'),
        Valid(filename="gunicorn.conf.py", code="workers = 3\npidfile = None\n"),
        Valid(filename="uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\nmaster = true\n"),
        Valid(filename="conf.d/mailer.conf", code="[program:mailer]\ncommand=python -m shop.mailer\n"),
    ]
    INVALID = [
        # A Compose service's command (line 4); an override for development is not judged.
        Invalid(filename="docker-compose.yml", code="services:\n  beat:\n    build: .\n"
                "    command: celery -A app beat --pidfile=/tmp/beat.pid\n", lines=(4,)),
        Invalid("web: gunicorn -p /tmp/gunicorn.pid app:app\n", lines=(1,), fixed="web: gunicorn app:app\n"),
        Invalid("web: gunicorn --pid=/tmp/gunicorn.pid app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --safe-pidfile /tmp/u.pid --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker --pidfile=/tmp/celery.pid\n", lines=(1,)),
        Invalid("worker: dramatiq app.tasks --pid-file /tmp/d.pid\n", lines=(1,)),
        Invalid("worker: rq worker --pid /tmp/rq.pid\n", lines=(1,)),
        Invalid("web: hypercorn -p /tmp/h.pid -b 0.0.0.0:$PORT app:app\n", lines=(1,)),
        Invalid("server: bin/rails server --pid=/tmp/rails.pid\n", lines=(1,)),
        Invalid("web: twistd -n web --listen tcp:$PORT\n", lines=(1,)),  # twistd.pid, even in the foreground
        Invalid("web: twistd -noy app.tac --pidfile /tmp/twistd.pid\n", lines=(1,)),
        # scripts and server configurations
        Invalid(filename="start.sh", code="#!/bin/sh\npython manage.py migrate\nexec celery beat --pidfile=x.pid\n",
                lines=(3,)),
        Invalid(filename="start.sh", code="#!/bin/sh\nexec gunicorn -c gunicorn.conf.py shop.wsgi\n", lines=(2,),
                files=(("gunicorn.conf.py", 'workers = 3\npidfile = "/tmp/gunicorn.pid"\n'),),
                elsewhere=(("gunicorn.conf.py", (2,)),)),
        Invalid(filename="gunicorn.conf.py", code=GUNICORN_FROM_ENV, lines=(5,)),
        # a module named with -c python:pkg.mod is read as gunicorn's config, whatever its name
        Invalid(filename="docker/start.sh", code="#!/bin/sh\nexec gunicorn -c python:shop.web_settings shop.wsgi\n",
                files=(("shop/web_settings.py", 'workers = 2\npidfile = "/tmp/web.pid"\n'),), lines=(2,)),
        Invalid(filename="config/gunicorn_prod.py", code='bind = ":8000"\nworkers = 2\npidfile = "run/g.pid"\n',
                lines=(3,)),
        Invalid(filename="uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\nsafe-pidfile = /tmp/uwsgi.pid\n", lines=(3,)),
        Invalid(filename="supervisord.conf", code="[supervisord]\nnodaemon=true\nlogfile=/dev/null\n", lines=(1,)),
        Invalid(filename="supervisord.conf", code="[supervisord]\nnodaemon=true\npidfile=/tmp/s.pid\n", lines=(3,)),
    ]
