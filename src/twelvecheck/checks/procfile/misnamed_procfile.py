"""TWC508 procfile-misnamed: a file named like a Procfile that no platform reads."""

from __future__ import annotations

import posixpath
from typing import Iterator

from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class MisnamedProcfile(DeployRule):
    code = "TWC508"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        if document.variant == "misnamed":
            yield Problem.at(1, 1, 2, {"name": posixpath.basename(document.display_path)})

    VALID = [Valid("web: a\n"), Valid(files=(("Procfile.dev", "web: a\n"),), path="Procfile.dev")]
    INVALID = [
        Invalid(files=(("Procfile.txt", "web: a\n"),), path="Procfile.txt", lines=(1,)),
        Invalid(files=(("procfile", "web: a\n"),), path="procfile", lines=(1,)),
    ]
