"""TWC501 procfile-unreadable-line: a line no platform reads as a process type."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import describe_readings, judged_lines, line_span, read_by_none
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class UnreadableLine(DeployRule):
    code = "TWC501"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for number, kind, groups in judged_lines(document):
            if read_by_none(kind, groups):
                start, end = line_span(document.procfile, number)
                yield Problem.at(number, start, end, {"readings": describe_readings(groups)})

    VALID = [
        Valid("web: gunicorn app:app\n# a comment\n\nworker: celery -A app worker\n"),
        Valid("web gunicorn app:app\n"),  # Heroku (classic) reads it: TWC502
    ]
    INVALID = [
        Invalid("web: a\nworker.index.js\n", filename="Procfile.dev", lines=(2,)),  # local-only too
        Invalid("web: gunicorn app:app\nworker.index.js\n", lines=(2,)),
        Invalid("release: python manage.py migrate\n{%- if use_celery %}\nworker: celery -A app worker\n{%- endif %}\n",
              lines=(2, 4)),
        Invalid("garbage!\nweb: gunicorn app:app\n", lines=(1,)),
    ]
