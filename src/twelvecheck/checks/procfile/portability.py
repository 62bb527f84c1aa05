"""TWC502 procfile-portability: a line the platforms read differently.

The message names the cause and who does what; lines that differ for the same cause in the
same way are one finding, on the first of them ("also on lines ...")."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import cause, describe_readings, judged_lines, line_span, read_by_none
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class Portability(DeployRule):
    code = "TWC502"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        procfile = document.procfile
        portability: dict[tuple[str, str], list] = {}
        for number, kind, groups in judged_lines(document):
            if read_by_none(kind, groups) or len(groups) < 2:
                continue
            why, said = cause(procfile, number), describe_readings(groups)
            # A bare \r makes the lines around it differ each in its own way: one finding.
            key = (why, "") if why.startswith("a carriage return") else (why, said)
            portability.setdefault(key, [said]).append(number)
        for (why, _), (said, *numbers) in portability.items():
            also = f" (also on line{'s' if len(numbers) > 2 else ''} {', '.join(map(str, numbers[1:]))})" \
                if len(numbers) > 1 else ""
            start, end = line_span(procfile, numbers[0])
            yield Problem.at(numbers[0], start, end, {"cause": why, "readings": said + also})

    VALID = [
        Valid("clock gunicorn app:app\n", filename="Procfile.dev"),  # local-only
        Valid("web: gunicorn app:app\r\nworker: celery -A app worker\r\n"),  # CRLF: read alike
        Valid("# a comment\nweb: gunicorn app:app   \n"),  # trailing whitespace: trimmed or kept, same command
        Valid("web:\tgunicorn app:app\n"),
        Valid('web: socat system:"echo x"\n'),
        Valid("web:\n"),  # an empty command: TWC505
    ]
    INVALID = [
        Invalid("  web: gunicorn app:app\n", lines=(1,)),
        Invalid("web:gunicorn app:app\n", lines=(1,)),
        Invalid("web : gunicorn app:app\n", lines=(1,)),
        Invalid("web.1: gunicorn app:app\n", lines=(1,)),
        Invalid("web: gunicorn app:app # the web server\n", lines=(1,)),
        Invalid("web gunicorn app:app\n", lines=(1,)),
        Invalid("\ufeffweb: gunicorn app:app\nworker: celery -A app worker\n", lines=(1,)),
        Invalid("web: a\rworker: b\r", lines=(1,)),
        Invalid("web: a\n   \nworker: b\n", lines=(2,)),
        Invalid("  # an indented comment\nweb: a\n", lines=(1,)),
        Invalid("web: socat system:\"echo 'Connection: close'\"\n", lines=(1,)),
    ]
