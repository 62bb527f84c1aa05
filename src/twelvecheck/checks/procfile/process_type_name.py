"""TWC503 procfile-process-type-name: a name some platform renames or rejects."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._readings import describe_readings
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.platforms import PLATFORMS
from twelvecheck.deploy.procfile import PORTABLE_NAME
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class ProcessTypeName(DeployRule):
    code = "TWC503"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for entry in document.procfile.entries:
            name = entry.name
            if not PORTABLE_NAME.match(name):
                continue  # the line itself is read differently: procfile-portability
            groups: dict[str, list[str]] = {}
            for key, platform in PLATFORMS.items():
                if platform.max_name is not None and len(name) > platform.max_name:
                    groups.setdefault("reject the file", []).append(key)
                elif platform.names is not None and not platform.names.match(name):
                    what = "reject the file" if platform.other_names == "reject" else \
                        f"rename it to {platform.rewrite(name)!r} (with a warning)"
                    groups.setdefault(what, []).append(key)
            if not groups:
                continue
            reason = "is longer than 63 characters" if len(name) > 63 else \
                "is not a lower-case DNS label (only a-z, 0-9 and '-')"
            yield Problem.at(entry.line, entry.column, entry.column + len(name),
                             {"name": name, "reason": reason, "how": describe_readings(groups)})

    VALID = [
        Valid("Web_Hook: flask run\n", filename="Procfile.windows"),  # local-only
        Valid("web: a\nworker-2: b\n"),
        Valid("web.1: a\n"),  # not a name most platforms read at all: TWC502
    ]
    INVALID = [
        Invalid("web: a\ncustom_web: b\n", lines=(2,)),
        Invalid("Worker: a\n", lines=(1,)),
        Invalid("a" * 64 + ": x\n", lines=(1,)),
    ]
