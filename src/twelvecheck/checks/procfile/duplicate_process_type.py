"""TWC504 procfile-duplicate-process-type: a process type declared twice."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import describe_readings
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.platforms import PLATFORMS
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class DuplicateProcessType(DeployRule):
    code = "TWC504"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        entries = document.procfile.entries
        lines: dict[str, list[int]] = {}
        for entry in entries:
            lines.setdefault(entry.name, []).append(entry.line)
        for entry in entries:
            declared = lines[entry.name]
            if len(declared) < 2 or entry.line == declared[0]:
                continue
            groups: dict[str, list[str]] = {}
            for key, platform in PLATFORMS.items():
                what = {"reject": "reject the file", "both": "run every one",
                        "last": f"run only the last one (line {declared[-1]})"}[platform.duplicates]
                groups.setdefault(what, []).append(key)
            yield Problem.at(entry.line, entry.column, entry.column + len(entry.name), {
                "name": entry.name, "first": str(declared[0]), "how": describe_readings(groups)})

    VALID = [Valid("web: a\nworker: b\nworker-2: b\n")]
    INVALID = [
        Invalid("web: a\nweb: b\n", filename="Procfile.windows", lines=(2,)),  # local-only too
        Invalid("web: a\nworker: celery -A app worker\nworker: celery -A app beat\n", lines=(3,)),
        Invalid("web: a\n\nweb: b\n\nweb: c\n", lines=(3, 5)),
    ]
