"""TWC701 container-shell-pid1: a long-running program started through a shell that stays
PID 1, so it never receives the SIGTERM of `docker stop` or of the platform."""

from __future__ import annotations

import json
from typing import Iterator

from twelvecheck.checks.container._launches import problem, program, started
from twelvecheck.deploy.container import DockerfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

# An entrypoint script that waits for the database, then starts the server.
WAIT_FOR_DB = """#!/bin/sh
set -e
until python -c 'import socket; socket.create_connection(("db", 5432))'; do
  echo "waiting for the database"
  sleep 1
done
python manage.py migrate --noinput
gunicorn shop.wsgi --bind 0.0.0.0:8000
"""
EXEC_ARGS = '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec "$@"\n'


def _exec_form(shell_form: str) -> str:
    """The exec form, for the message: whole when short and plain, else its first word."""
    words = shell_form.split()
    if len(words) <= 6 and not set(shell_form) & set("$`'\"\\"):
        return json.dumps(words)
    return f"[{json.dumps(words[0])}, ...]"


class ShellPid1(DeployRule):
    code = "TWC701"
    kinds = ("dockerfile",)

    @classmethod
    def check(cls, document: DockerfileDocument) -> Iterator[Problem]:
        for launch in document.launches:
            if not launch.waited or not launch.long_running or launch.under_init:
                continue
            shell_form = launch.instruction.shell_form
            if launch.script is None and launch.through.startswith("the shell form") and \
                    not any(operator in shell_form for operator in ("&&", "||", ";", "|")):
                advice = f"use the exec form ({launch.instruction.keyword} {_exec_form(shell_form)})"
            else:
                advice = f"start it with `exec {launch.inv.program} ...` so it replaces the shell"
            yield problem(launch, {"what": started(document, launch), "program": program(launch), "advice": advice},
                          launch.fix)

    VALID = [
        Valid("FROM python:3.12-slim\nCMD celery -A shop worker\n", filename="Dockerfile.dev"),  # local-only
        Valid('FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]\n', filename="Dockerfile"),
        Valid('FROM python:3.12-slim\nCMD exec gunicorn shop.wsgi\n', filename="Dockerfile"),
        Valid('FROM python:3.12-slim\nCMD ["sh", "-c", "python manage.py migrate && exec gunicorn shop.wsgi"]\n',
              filename="Dockerfile"),
        # Short commands are fine in the shell form.
        Valid("FROM python:3.12-slim\nCMD python manage.py migrate --noinput\n", filename="Dockerfile"),
        # An init as PID 1 forwards SIGTERM.
        Valid('FROM python:3.12-slim\nRUN apt-get install -y tini\nENTRYPOINT ["/usr/bin/tini", "--"]\n'
              "CMD gunicorn shop.wsgi\n", filename="Dockerfile"),
        Valid('FROM python:3.12-slim\nENTRYPOINT ["dumb-init", "--"]\nCMD ["sh", "-c", "gunicorn shop.wsgi"]\n',
              filename="Dockerfile"),
        # `exec "$@"`: the CMD replaces the entrypoint's shell.
        Valid('FROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\n'
              'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["gunicorn", "shop.wsgi"]\n',
              filename="Dockerfile", files=(("docker-entrypoint.sh", EXEC_ARGS),)),
        Valid('FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ["./start.sh"]\n', filename="Dockerfile",
              files=(("start.sh", "#!/bin/bash\nset -e\npython manage.py collectstatic --noinput\n"
                                  "exec gunicorn shop.wsgi\n"),)),
        # Only the final stage runs.
        Valid("FROM python:3.12 AS build\nCMD gunicorn shop.wsgi\n\nFROM python:3.12-slim\n"
              'CMD ["gunicorn", "shop.wsgi"]\n', filename="Dockerfile"),
        # HEALTHCHECK CMD is no process of the container's command.
        Valid('FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n'
              'CMD ["uvicorn", "shop.asgi:app"]\n', filename="Dockerfile"),
        # A test image runs its tests and exits.
        Valid("FROM python:3.12-slim\nCMD python -m pytest -q tests/\n", filename="Dockerfile"),
        # A helper the image makes executable is judged by the tool table only.
        Valid("FROM python:3.12-slim\nCOPY scripts/check.sh /check.sh\nRUN chmod +x /check.sh\n"
              'CMD ["gunicorn", "shop.wsgi"]\n', filename="Dockerfile",
              files=(("scripts/check.sh", "#!/bin/sh\nset -e\npython scripts/smoke_test.py\n"),)),
        # A development server is the development image's business (TWC5xx).
        Valid("FROM python:3.12-slim\nCMD python manage.py runserver 0.0.0.0:8000\n", filename="Dockerfile"),
    ]
    INVALID = [
        # The shell form runs the script: its exec replaces that script's shell, not /bin/sh.
        Invalid("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ./start.sh\n", lines=(4,), filename="Dockerfile",
                files=(("start.sh", "#!/bin/bash\nset -e\nexec gunicorn shop.wsgi\n"),)),
        Invalid("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD gunicorn shop.wsgi --bind 0.0.0.0:8000\n",
                lines=(4,), filename="Dockerfile",
                fixed='FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n'
                      'CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]\n'),
        Invalid("FROM python:3.12-slim\nENTRYPOINT celery -A shop worker -l info\n", lines=(2,), filename="Dockerfile",
                fixed='FROM python:3.12-slim\nENTRYPOINT ["celery", "-A", "shop", "worker", "-l", "info"]\n'),
        Invalid("FROM python:3.12-slim\nCMD python app.py\n", lines=(2,), filename="Dockerfile"),
        # Shell syntax: no fix, the exec form would not expand $PORT.
        Invalid("FROM python:3.12-slim\nCMD gunicorn shop.wsgi --bind 0.0.0.0:$PORT\n", lines=(2,), filename="Dockerfile"),
        Invalid("FROM python:3.12-slim\nCMD python manage.py migrate && \\\n    gunicorn shop.wsgi\n", lines=(2,),
                filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nCMD ["sh", "-c", "python manage.py migrate && gunicorn shop.wsgi"]\n',
                lines=(2,), filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nCMD ["/bin/bash", "-c", "celery -A shop beat"]\n', lines=(2,), filename="Dockerfile"),
        # The entrypoint script that waits for the database, then starts gunicorn without exec.
        Invalid('FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nENTRYPOINT ["/srv/docker/entrypoint.sh"]\n',
                lines=(8,), filename="Dockerfile", files=(("docker/entrypoint.sh", WAIT_FOR_DB),),
                path="docker/entrypoint.sh"),
        Invalid('FROM python:3.12-slim\nWORKDIR /srv\nCOPY start.sh .\nCMD ["sh", "start.sh"]\n', lines=(3,),
                filename="Dockerfile", files=(("start.sh", "#!/bin/sh\nset -e\nuvicorn shop.asgi:app\n"),),
                path="start.sh"),
        # `"$@"` without exec: the CMD runs as the shell's child.
        Invalid('FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
                'CMD ["gunicorn", "shop.wsgi"]\n', lines=(3,), filename="Dockerfile",
                files=(("entrypoint.sh", '#!/bin/sh\nset -e\n"$@"\n'),), path="entrypoint.sh"),
        # A script the image makes executable for the platform to run (`command: /start-worker`).
        Invalid("FROM python:3.12-slim\nCOPY compose/worker/start /start-worker\nRUN chmod +x /start-worker\n"
                "WORKDIR /srv\n", lines=(4,), filename="Dockerfile",
                files=(("compose/worker/start", "#!/bin/bash\nset -o errexit\n\ncelery -A shop worker -l INFO\n"),),
                path="compose/worker/start"),
        # A multi-stage build: the final stage counts.
        Invalid('FROM python:3.12 AS build\nRUN pip wheel -r requirements.txt -w /wheels\n'
                'CMD ["gunicorn", "shop.wsgi"]\n\nFROM python:3.12-slim AS app\nCOPY --from=build /wheels /wheels\n'
                "CMD gunicorn shop.wsgi\n", lines=(7,), filename="Dockerfile"),
    ]
