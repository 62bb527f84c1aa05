"""What the whole-program rules report in a file (its suppressions and ignores applied), and
what a knowledge entry kept them from reporting (``--show-silenced``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable, Iterator

from twelvecheck.core.ruledocs import resolve_code
from twelvecheck.engine.rule import ProjectFinding
from twelvecheck.engine.suppressions import Suppressions
from twelvecheck.engine.task import FileTask
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.program.project import Project


@dataclasses.dataclass(frozen=True)
class Silenced:
    """A finding a rule did not report because a knowledge entry says the code does it right
    (``[handles-sigterm]``: a framework handles SIGTERM for the process): --show-silenced."""

    code: str
    path: str  # display path
    line: int
    column: int
    knowledge: str  # the entry (config/knowledge.entry_id)
    reason: str  # what the entry says, before its name: "SIGTERM handled by"

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "path": self.path, "line": self.line, "column": self.column,
                "knowledge": self.knowledge, "reason": self.reason}

    def line_text(self) -> str:
        """``app/worker.py:12: TWC302 not reported: SIGTERM handled by user:ourlib.worker.Worker.run``"""
        return f"{self.path}:{self.line}: {self.code} not reported: {self.reason} {self.knowledge}"


def silenced_findings(project: Project, tasks: list[FileTask]) -> list[Silenced]:
    """What the whole-program rules would have reported where a knowledge entry says the
    code does it right (--show-silenced), with the file's suppressions and ignores applied."""
    by_path = {task.display_path: task for task in tasks}
    return [Silenced(item.code, item.path, item.span[0], item.span[1], item.fields["knowledge"], item.fields["reason"])
            for item, _, _ in reported(project.silenced, by_path)]


def reported(found: Iterable[ProjectFinding], by_path: dict[str, FileTask]) \
        -> Iterator[tuple[ProjectFinding, FileTask, list[str]]]:
    """(project finding, its file's task, the file's lines) for each one its file reports:
    the file checks its code and no suppression comment covers it."""
    for item in found:
        task = by_path.get(item.path)
        if task is None or item.code not in task.report:
            continue
        text = read_text(task)
        suppressions = Suppressions.scan(text, resolve_code)
        # A comment at a related place of the same file silences it too: the entry point
        # where such a finding was reported before it moved to the loop.
        if any(suppressions.suppresses(item.code, at[0], at[2], at[0])
               for at in [item.span, *(span for path, span, _ in item.related if path == item.path)]):
            continue
        yield item, task, text.splitlines()


def read_text(task: FileTask) -> str:
    """The file's text, or "" if it cannot be read (then no comment suppresses anything)."""
    try:
        data = task.source if task.source is not None else Path(task.path).read_bytes()
        return decode_source(data)
    except (OSError, SourceError):
        return ""
