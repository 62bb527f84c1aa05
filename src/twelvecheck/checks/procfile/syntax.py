"""TWC501-TWC508: Procfile syntax and portability (see _syntax.py)."""

from __future__ import annotations

from twelvecheck.engine.deploy_rule import Fires, ProcessFileRule, Quiet


class UnreadableLine(ProcessFileRule):
    code = "TWC501"
    VALID = [
        Quiet("web: gunicorn app:app\n# a comment\n\nworker: celery -A app worker\n"),
        Quiet("web gunicorn app:app\n"),  # Heroku (classic) reads it: TWC502
    ]
    INVALID = [
        Fires("web: gunicorn app:app\nworker.index.js\n", lines=(2,)),
        Fires("release: python manage.py migrate\n{%- if use_celery %}\nworker: celery -A app worker\n{%- endif %}\n",
              lines=(2, 4)),
        Fires("garbage!\nweb: gunicorn app:app\n", lines=(1,)),
    ]


class Portability(ProcessFileRule):
    code = "TWC502"
    VALID = [
        Quiet("web: gunicorn app:app\r\nworker: celery -A app worker\r\n"),  # CRLF: read alike
        Quiet("# a comment\nweb: gunicorn app:app   \n"),  # trailing whitespace: trimmed or kept, same command
        Quiet("web:\tgunicorn app:app\n"),
        Quiet('web: socat system:"echo x"\n'),
        Quiet("web:\n"),  # an empty command: TWC505
    ]
    INVALID = [
        Fires("  web: gunicorn app:app\n", lines=(1,)),
        Fires("web:gunicorn app:app\n", lines=(1,)),
        Fires("web : gunicorn app:app\n", lines=(1,)),
        Fires("web.1: gunicorn app:app\n", lines=(1,)),
        Fires("web: gunicorn app:app # the web server\n", lines=(1,)),
        Fires("web gunicorn app:app\n", lines=(1,)),
        Fires("\ufeffweb: gunicorn app:app\nworker: celery -A app worker\n", lines=(1,)),
        Fires("web: a\rworker: b\r", lines=(1,)),
        Fires("web: a\n   \nworker: b\n", lines=(2,)),
        Fires("  # an indented comment\nweb: a\n", lines=(1,)),
        Fires("web: socat system:\"echo 'Connection: close'\"\n", lines=(1,)),
    ]


class ProcessTypeName(ProcessFileRule):
    code = "TWC503"
    VALID = [
        Quiet("web: a\nworker-2: b\n"),
        Quiet("web.1: a\n"),  # not a name most platforms read at all: TWC502
    ]
    INVALID = [
        Fires("web: a\ncustom_web: b\n", lines=(2,)),
        Fires("Worker: a\n", lines=(1,)),
        Fires("a" * 64 + ": x\n", lines=(1,)),
    ]


class DuplicateProcessType(ProcessFileRule):
    code = "TWC504"
    VALID = [Quiet("web: a\nworker: b\nworker-2: b\n")]
    INVALID = [
        Fires("web: a\nworker: celery -A app worker\nworker: celery -A app beat\n", lines=(3,)),
        Fires("web: a\n\nweb: b\n\nweb: c\n", lines=(3, 5)),
    ]


class UnrunnableCommand(ProcessFileRule):
    code = "TWC505"
    VALID = [
        Quiet("web: gunicorn \"app:create_app()\"\n"),
        Quiet("web: sh -c 'cd app && gunicorn app:app'\n"),
    ]
    INVALID = [
        Fires("web:\nworker: b\n", lines=(1,)),
        Fires("web:   \nworker: b\n", lines=(1,)),
        Fires('web: "flower -A poster --port=$PORT"\n', lines=(1,)),
        Fires("web: echo 'unterminated\n", lines=(1,)),
    ]


class NoProcessTypes(ProcessFileRule):
    code = "TWC506"
    VALID = [Quiet("# the web server\nweb: gunicorn app:app\n")]
    INVALID = [
        Fires("", lines=(1,)),
        Fires("# web: gunicorn app:app\n", lines=(1,)),
        Fires("web gunicorn app:app\n", lines=(1,)),
    ]


class MergeConflict(ProcessFileRule):
    code = "TWC507"
    VALID = [Quiet("web: a\n# ======= a ruler in a comment\n")]
    INVALID = [
        Fires("web: a\n<<<<<<< HEAD\nworker: b\n=======\nworker: c\n>>>>>>> main\n", lines=(2,)),
        Fires("web: a\n=======\n", lines=(2,)),
    ]


class MisnamedProcfile(ProcessFileRule):
    code = "TWC508"
    VALID = [Quiet("web: a\n"), Quiet(files=(("Procfile.dev", "web: a\n"),), path="Procfile.dev")]
    INVALID = [
        Fires(files=(("Procfile.txt", "web: a\n"),), path="Procfile.txt", lines=(1,)),
        Fires(files=(("procfile", "web: a\n"),), path="procfile", lines=(1,)),
    ]
