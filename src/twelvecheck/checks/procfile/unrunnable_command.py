"""TWC505 procfile-unrunnable-command: an empty command, or one sh cannot run as meant."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import describe_readings, readings_of
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class UnrunnableCommand(DeployRule):
    code = "TWC505"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        procfile = document.procfile
        for reading in document.entries:
            entry = reading.entry
            if reading.unrunnable is not None:
                yield Problem.at(entry.line, entry.command_column, entry.end_column, {
                    "what": reading.unrunnable, "how": describe_readings(readings_of(procfile, entry.line))})
        for entry in procfile.empty_commands:
            yield Problem.at(entry.line, entry.column, entry.end_column, {
                "what": f"process type {entry.name} has no command",
                "how": describe_readings(readings_of(procfile, entry.line))})

    VALID = [
        Valid("web: gunicorn \"app:create_app()\"\n"),
        Valid("web: sh -c 'cd app && gunicorn app:app'\n"),
    ]
    INVALID = [
        Invalid("web:\n", filename="Procfile.dev", lines=(1,)),  # local-only too
        Invalid("web:\nworker: b\n", lines=(1,)),
        Invalid("web:   \nworker: b\n", lines=(1,)),
        Invalid('web: "flower -A poster --port=$PORT"\n', lines=(1,)),
        Invalid("web: echo 'unterminated\n", lines=(1,)),
    ]
