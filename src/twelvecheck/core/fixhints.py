"""The options that show and apply a fix, by its applicability: every hint that tells a person
how to see or make a fix (the text summary, ``--statistics``, ``explain``, the HTML report)
names them from here, so a hint never sends an unsafe fix to plain ``--diff``, which leaves
it out (fix/fixer.py applies an unsafe fix only with ``--unsafe-fixes``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from twelvecheck.core.findings import SAFE, UNSAFE
from twelvecheck.core.lazy import deferred

shlex: Any = deferred("shlex")  # for the HTML report's commands only

SHOW = {SAFE: "--diff", UNSAFE: "--diff --unsafe-fixes"}
APPLY = {SAFE: "--fix", UNSAFE: "--fix --unsafe-fixes"}


def how_to_fix(applicability: str) -> str:
    """``twelvecheck --diff --unsafe-fixes shows it, twelvecheck --fix --unsafe-fixes applies it``."""
    return f"twelvecheck {SHOW[applicability]} shows it, twelvecheck {APPLY[applicability]} applies it"


def fix_kinds(applicabilities: Iterable[str]) -> str:
    """A rule's fixes as a person reads them: ``safe``, ``unsafe``, ``safe or unsafe``, ``none``."""
    return " or ".join(_present(applicabilities)) or "none"


def rule_fix_hint(applicabilities: Iterable[str]) -> str:
    """A sentence per fix a rule offers, naming the options that show and apply it; "" for none."""
    return " ".join(f"The {kind} fix: {how_to_fix(kind)}." for kind in _present(applicabilities))


def _present(applicabilities: Iterable[str]) -> list[str]:
    given = set(applicabilities)
    return [kind for kind in (SAFE, UNSAFE) if kind in given]


def fix_command(applicability: str, code: str, path: str, show: bool = False) -> str:
    """The command that applies a finding's fix (and the other fixes of its rule in its file),
    run from the folder the check ran in: ``twelvecheck --fix --unsafe-fixes --select TWC201
    app.py``; with ``show``, the one that prints them as a diff and writes nothing."""
    options = (SHOW if show else APPLY)[applicability]
    return f"twelvecheck {options} --select {code} {shlex.quote(path)}"
