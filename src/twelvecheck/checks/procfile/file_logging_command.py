"""TWC513 procfile-file-logging: a process type's command logs to a file: a tool's log-file
option (where ``-`` or a device means standard output it is not a file), or a redirection."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import CommandCheck, command_checks, config_settings
from twelvecheck.deploy.server_configs import LOG
from twelvecheck.deploy.options import (
    CommandEdit, CommandFix, Option, find_options, finishes_first, log_files, long_running,
)
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid
from twelvecheck.program.values.exprs import STDIO_DEVICES


def _log_options(check: CommandCheck, inv: Invocation) -> Iterator[Problem]:
    tool = inv.tool
    for option in log_files(inv.args, tool):
        note = f"; {tool.note}" if option.value == "-" and tool.stdout is None and tool.note else ""
        yield check.tool_problem(inv, option.token, f"`{tool.key} {option.token.text}` logs to the file "
                                               f"{option.value!r}{note}", _to_stdout(option, tool.stdout))
    if not find_options(inv.args, tool.log) and (setting := check.config_setting(inv, LOG)) is not None:
        yield check.tool_problem(inv, inv.words[0], f"`{tool.key}` logs to a file (its configuration file sets "
                                               f"{setting.key})")


def _redirections(check: CommandCheck, inv: Invocation) -> Iterator[Problem]:
    for operator, target in inv.redirects:
        if operator.text.startswith("<") or operator.text.endswith("&") or target.text in STDIO_DEVICES \
                or target.text == "/dev/null":
            continue
        fix = CommandFix(f"remove `{operator.raw} {target.raw}`",
                         (CommandEdit(operator.start, target.end, remove=True),))
        yield check.problem(inv, operator, f"`{operator.text} {target.text}` sends the output to a file", fix)


def _to_stdout(option: Option, stdout: str | None) -> CommandFix | None:
    """`--log-file PATH` -> `--log-file -` for a tool that reads a value as standard output."""
    if not stdout:  # no such value (or one that needs quoting, like redis-server's "")
        return None
    if option.value_token is not None:
        edit = CommandEdit(option.value_token.start, option.value_token.end, stdout)
    elif "=" in option.token.raw and option.token.raw.startswith("-"):
        flag = option.token.raw.split("=", 1)[0]
        edit = CommandEdit(option.token.start, option.token.end, f"{flag}={stdout}")
    else:
        return None
    return CommandFix(f"log to `{stdout}` (standard output)", (edit,))


START_SH = """#!/bin/sh
python manage.py migrate --noinput
exec gunicorn --bind 0.0.0.0:$PORT \\
    --access-logfile logs/access.log \\
    --error-logfile logs/error.log \\
    shop.wsgi
"""
GUNICORN_LOGCONFIG = """workers = 2
logconfig_dict = {
    "version": 1,
    "handlers": {"file": {"class": "logging.handlers.RotatingFileHandler", "filename": "gunicorn.log"}},
}
"""
# supervisord running two programs in the foreground (its own log goes to stdout too): a
# worker's own --logfile (7), its stdout captured into a file (8), the web program's stderr (12).
SUPERVISORD_TWO_PROGRAMS = """[supervisord]
nodaemon=true
pidfile=/dev/null

[program:worker]
directory=/srv/shop
command=celery -A shop worker --logfile logs/celery.log
stdout_logfile=/srv/shop/logs/worker.log

[program:web]
command=gunicorn shop.wsgi
stderr_logfile=/srv/shop/logs/web.err
"""
SUPERVISORD_TO_STDOUT = """[supervisord]
nodaemon=true
logfile=/dev/null
logfile_maxbytes=0
pidfile=/dev/null

[program:web]
command=gunicorn shop.wsgi
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
stderr_logfile=/dev/fd/2
stderr_logfile_maxbytes=0
"""


class FileLoggingCommand(DeployRule):
    code = "TWC513"
    # A Dockerfile's command (deploy/container.py), scripts, server configurations and the
    # deployment descriptors' commands (deploy/descriptor_documents.py) too.
    kinds = ("procfile", "dockerfile", "script", "server-config", "compose", "platform", "kubernetes")

    @classmethod
    def check(cls, document) -> Iterator[Problem]:
        for check in command_checks(document):
            for inv in check.invocations:
                if inv.tool is not None:
                    yield from _log_options(check, inv)
                # A line of a script the command runs is judged as a script's line (a script
                # makes files too); the command's own words (and its `sh -c`) run on.
                runs_on = check.every_command_runs_on and inv.origin in ("", "sh -c")
                if (runs_on or long_running(inv)) and not finishes_first(inv):
                    yield from _redirections(check, inv)
        yield from config_settings(document, LOG)

    VALID = [
        Valid("web: gunicorn app:app --log-file app.log\n", filename="Procfile.dev"),  # local-only
        Valid("web: gunicorn --log-file - --access-logfile - app:app\n"),
        Valid("web: gunicorn --error-logfile=- app:app\n"),
        # A command the next one waits for renders a file, then the server runs on.
        Valid(filename="compose.yaml", code="services:\n  web:\n    image: nginx\n    command: /bin/bash -c "
              "\"envsubst < /tmp/site.conf > /etc/nginx/conf.d/default.conf && nginx -g 'daemon off;'\"\n"),
        Valid("web: python -m shop.render_settings > settings.ini && exec gunicorn shop.wsgi\n"),
        # A script the command runs writes a file before it hands over to the server.
        Valid(filename="compose.yaml", code="services:\n  web:\n    build: .\n    command: ./bin/run-prod.sh\n",
              files=(("bin/run-prod.sh", '#!/bin/sh\nmkdir -p static\necho "$GIT_SHA" > static/revision.txt\n'
                                         "exec gunicorn shop.wsgi\n"),)),
        Valid("web: hypercorn --access-logfile - -b 0.0.0.0:$PORT app:app\n"),
        Valid("web: daphne --access-log - -b 0.0.0.0 -p $PORT app.asgi:application\n"),
        Valid("web: gunicorn app:app 2>&1\nrelease: python manage.py migrate > /dev/null\n"),
        Valid("web: gunicorn app:app --log-file /dev/stdout\n"),
        Valid(filename="start.sh", code="#!/bin/sh\npython manage.py migrate > /dev/null\n"
                                        "exec gunicorn --access-logfile - --error-logfile - shop.wsgi\n"),
        Valid(filename="gunicorn.conf.py", code='accesslog = "-"\nerrorlog = "/dev/stderr"\ncapture_output = True\n'),
        Valid(filename="gunicorn.conf.py", code='import os\nworkers = 2\nerrorlog = os.environ.get("ERRORLOG")\n'),
        Valid(filename="uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\nlogto = /dev/stdout\n"),
        Valid(filename="supervisord.conf", code=SUPERVISORD_TO_STDOUT),
        Valid("web: gunicorn --access-logfile - shop.wsgi\n",  # the command line wins over the file
              files=(("gunicorn.conf.py", 'workers = 2\naccesslog = "-"\n'),)),
        # files a script makes are no logs: only a long-running command's output is one
        Valid(filename="entrypoint.sh", code="#!/bin/sh\nenvsubst < nginx.tmpl > /etc/nginx/conf.d/default.conf\n"
                                             "echo \"PORT=$PORT\" >> .env\nexec nginx -g 'daemon off;'\n"),
        # a host's own supervisord reads etc/supervisor/*.conf: the host routes the streams
        Valid(filename="etc/supervisor/web.conf", code="[program:web]\ncommand=gunicorn app\nstdout_logfile=/tmp/w.log\n"),
    ]
    INVALID = [
        # render.yaml's startCommand, and a fly.toml process.
        Invalid(filename="render.yaml", code="services:\n  - type: web\n    name: web\n"
                "    startCommand: gunicorn app:app --error-logfile /var/log/web.log\n", lines=(4,)),
        Invalid(filename="fly.toml", code='app = "shop"\n\n[processes]\n  worker = "celery -A app worker '
                                          '--logfile /var/log/worker.log"\n', lines=(4,)),
        Invalid("web: gunicorn --log-file app.log app:app\n", lines=(1,), fixed="web: gunicorn --log-file - app:app\n"),
        Invalid("web: gunicorn --access-logfile /var/log/access.log app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --logto /var/log/uwsgi.log --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker -f -\n", lines=(1,)),  # celery writes a file named "-"
        Invalid("worker: celery -A app worker --logfile=celery.log\n", lines=(1,)),
        Invalid("worker: dramatiq app.tasks --log-file dramatiq.log\n", lines=(1,)),
        Invalid("worker: huey_consumer app.huey -l huey.log\n", lines=(1,)),
        Invalid("web: daphne --access-log access.log -p $PORT app.asgi:application\n", lines=(1,)),
        Invalid("web: hypercorn --error-logfile errors.log -b :$PORT app:app\n", lines=(1,)),
        Invalid("worker: python worker.py >> worker.log 2>&1\n", lines=(1,)),
        # A script the Procfile runs: its long-running line's redirection, at the Procfile
        # word and in the script.
        Invalid("web: sh bin/start.sh\n", lines=(1,), files=(("bin/start.sh", "#!/bin/sh\necho ready > /tmp/ready\n"
                                                                             "exec gunicorn shop.wsgi >> web.log 2>&1\n"),),
                elsewhere=(("bin/start.sh", (3,)),)),
        # A server of the tool table runs on whatever follows it.
        Invalid("web: gunicorn shop.wsgi > web.log; echo stopped\n", lines=(1,)),
        # scripts: each option at its own line of a command continued over several
        Invalid(filename="start.sh", code=START_SH, lines=(4, 5)),
        Invalid(filename="run.sh", code="#!/bin/sh\nexec python worker.py >> /var/log/worker.log 2>&1\n", lines=(2,)),
        # the configuration file a command gives its tool (here gunicorn's implicit one)
        Invalid("web: gunicorn shop.wsgi\n", files=(("gunicorn.conf.py", 'workers = 2\naccesslog = "a.log"\n'),),
                lines=(1,), elsewhere=(("gunicorn.conf.py", (2,)),)),
        # server configurations
        Invalid(filename="gunicorn.py", code='bind = "0.0.0.0:8000"\nworkers = 4\naccesslog = "access.log"\n'
                                             'errorlog = "error.log"\ncapture_output = True\n', lines=(3, 4, 5)),
        Invalid(filename="gunicorn.conf.py", code=GUNICORN_LOGCONFIG, lines=(2,)),
        Invalid(filename="gunicorn.conf.py", code='import os\nLOGS = "/var/log/shop"\n'
                                                  'errorlog = os.path.join(LOGS, "error.log")\n', lines=(3,)),
        Invalid(filename="uwsgi.ini", code="[uwsgi]\nmodule = shop.wsgi\nlogto = /var/log/uwsgi.log\n"
                                           "req-logger = file:/var/log/requests.log\n", lines=(3, 4)),
        Invalid(filename="supervisord.conf", code=SUPERVISORD_TWO_PROGRAMS, lines=(7, 8, 12)),
        Invalid(filename="conf.d/worker.conf", code="[program:worker]\ncommand=rq worker\nstdout_logfile=rq.log\n",
                lines=(3,)),
        # in the background supervisord writes supervisord.log and nothing to stdout
        Invalid(filename="supervisord.conf", code="[supervisord]\nnodaemon=false\npidfile=/dev/null\n", lines=(1,)),
    ]
