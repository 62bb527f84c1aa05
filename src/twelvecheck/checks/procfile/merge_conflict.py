"""TWC507 procfile-merge-conflict: merge-conflict markers in a Procfile."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class MergeConflict(DeployRule):
    code = "TWC507"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        """One finding per conflict, from its opening marker to its closing one; a marker
        outside such a pair is one of its own."""
        procfile = document.procfile
        problems, opened = [], None
        for number, kind in procfile.kinds.items():
            if kind != "conflict":
                continue
            raw = procfile.lines[number - 1]
            if raw.startswith("<<<<<<<"):
                opened = number
            elif raw.startswith(">>>>>>>") and opened is not None:
                problems.append(Problem.at(opened, 1, len(procfile.lines[opened - 1]) + 1, end_line=number))
                opened = None
        for number, kind in procfile.kinds.items():
            if kind == "conflict" and not any(p.span.line <= number <= p.span.end_line for p in problems):
                problems.append(Problem.at(number, 1, len(procfile.lines[number - 1]) + 1))
        yield from problems

    VALID = [Valid("web: a\n# ======= a ruler in a comment\n")]
    INVALID = [
        Invalid("<<<<<<< HEAD\nweb: a\n=======\nweb: b\n>>>>>>> main\n", filename="Procfile.dev", lines=(1,)),
        Invalid("web: a\n<<<<<<< HEAD\nworker: b\n=======\nworker: c\n>>>>>>> main\n", lines=(2,)),
        Invalid("web: a\n=======\n", lines=(2,)),
    ]
