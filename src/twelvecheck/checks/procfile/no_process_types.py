"""TWC506 procfile-no-process-types: a Procfile that declares no process type."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import line_span
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.platforms import PLATFORMS, labels
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class NoProcessTypes(DeployRule):
    code = "TWC506"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        procfile = document.procfile
        if procfile.entries:
            return
        kinds = set(procfile.kinds.values())
        if not procfile.text.strip():
            what = "the file is empty"
        elif kinds <= {"blank", "comment"}:
            what = "every line is blank or a comment"
        else:
            what = "no line declares a process type the way every platform reads it"
        refusing = [key for key, platform in PLATFORMS.items() if platform.no_entries == "reject"]
        heroku = procfile.readings["heroku_classic"].process_types
        if heroku:
            what += f" (only Heroku (classic) reads {', '.join(name for name, _ in heroku)})"
        yield Problem.at(1, 1, line_span(procfile, 1)[1] if procfile.lines else 1,
                         {"what": what, "how": f"{labels(refusing)} refuse to start; the others run nothing"})

    VALID = [Valid("# the web server\nweb: gunicorn app:app\n")]
    INVALID = [
        Invalid("# web: flask run\n", filename="Procfile.dev", lines=(1,)),  # local-only too
        Invalid("", lines=(1,)),
        Invalid("# web: gunicorn app:app\n", lines=(1,)),
        Invalid("web gunicorn app:app\n", lines=(1,)),
    ]
