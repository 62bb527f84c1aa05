"""What the whole-program rules report in a file (its suppressions and ignores applied), and
what a knowledge entry kept them from reporting (``--show-silenced``)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from twelvecheck.core.findings import FileResult, Span
from twelvecheck.core.ruledocs import resolve_code
from twelvecheck.engine.knowledge_scope import SILENCED_REASONS
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.rule import ProjectFinding
from twelvecheck.engine.suppressions import Suppressions
from twelvecheck.engine.task import FileTask, FindingFactory
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.program.project import Project
from twelvecheck.run.conditions import answer
from twelvecheck.run.model import Silenced


def silenced_findings(project: Project | None, tasks: list[FileTask], results: list[FileResult]) -> list[Silenced]:
    """What the rules would have reported where a knowledge entry says the code does it right
    (--show-silenced), sorted: the whole-program rules' (TWC302, TWC303), with the file's
    suppressions and ignores applied, and the per-file rules' that each file's analysis kept
    (engine/analyze.py: already past its suppressions and ignores), those that hold on a
    question about other modules only where the project answers yes (conditions.py)."""
    by_path = {task.display_path: task for task in tasks}
    found = [] if project is None else [
        Silenced(item.code, item.path, item.span[0], item.span[1], item.fields["knowledge"], item.fields["reason"],
                 FindingFactory(task, lines).make(item.code, Span(*item.span), item.fields).message)
        for item, task, lines in reported(project.silenced, by_path)]
    rules = load_rules()
    for finding in answer([item for result in results for item in result.silenced], project):
        key = rules[finding.code].silenced_inside if finding.code in rules else ""
        found.append(Silenced(finding.code, finding.path, finding.line, finding.column, finding.knowledge or "",
                              SILENCED_REASONS.get(key, f"{key} entry"), finding.message))
    return sorted(found, key=Silenced.sort_key)


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
