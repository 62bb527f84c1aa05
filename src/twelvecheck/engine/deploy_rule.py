"""Rules about Procfiles and formations: declarations only.

The engine runs them on files of their kinds (``procfile``, ``appjson``) through
``deploy/analysis.py`` and the project pass in ``deploy/process_model.py``; a rule class
here holds the code and the cases that must and must not fire. A case is a small project:
a Procfile, and any other files (``app.json``, Python modules, scripts), written to a
folder and checked with the real pipeline by tests/test_process_rule_cases.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from twelvecheck.engine.rule import Rule


@dataclass(frozen=True)
class ProjectCase:
    procfile: str | None = None  # the Procfile's text (None: no Procfile)
    files: tuple[tuple[str, str], ...] = ()  # (path, text) of other files
    path: str = "Procfile"  # the file whose findings are checked
    options: tuple[str, ...] = ()  # extra command-line options (--formation web=2)

    def written(self) -> dict[str, str]:
        found = dict(self.files)
        if self.procfile is not None:
            found["Procfile"] = self.procfile
        return found


@dataclass(frozen=True)
class Quiet(ProjectCase):
    """Must produce no finding of the rule."""


@dataclass(frozen=True)
class Fires(ProjectCase):
    """Must produce findings of the rule on exactly ``lines`` of ``path`` (any, when empty)."""

    lines: tuple[int, ...] = ()


class ProcessFileRule(Rule):
    kinds: ClassVar[tuple[str, ...]] = ("procfile", "appjson")
