"""What a worker is given for one file, and how a finding is made from a rule's report.

Kept apart from the analysis (``analyze.py``) so that a run whose every file comes from the
cache imports neither the analysis nor libcst: a warm run costs the start-up and the reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twelvecheck.core.findings import Finding, Severity, Span
from twelvecheck.core.ruledocs import load_rule_docs

if TYPE_CHECKING:
    from twelvecheck.core.findings import Fix, Requires

@dataclass(frozen=True)
class FileTask:
    """Everything a worker process needs to analyze one file (picklable)."""

    path: str  # file system path
    display_path: str  # path as reported (relative to the working directory, '/')
    report: frozenset[str]  # codes whose findings are reported
    severities: tuple[tuple[str, Severity], ...] = ()
    source: bytes | None = None  # the bytes read from standard input, for "-"
    kind: str = "python"
    # Skip the libcst parse when no enabled rule's tokens occur in the file.
    prefilter: bool = True
    # Qualified names of functions that packaging metadata makes entry points.
    entry_functions: frozenset[str] = frozenset()
    # Whole-program facts for the project rules: only from files they can reach (run/closure.py).
    collect_facts: bool = True
    # ``source`` is a new version of the file at ``path`` (the fixer's), not standard input.
    in_place: bool = False


class FindingFactory:
    def __init__(self, task: FileTask, lines: list[str]) -> None:
        self.task = task
        self.lines = lines
        self.docs = load_rule_docs()
        self.severities = dict(task.severities)

    def make(self, code: str, span: Span, fields: dict[str, Any] | None = None, message: str | None = None,
             fix: "Fix | None" = None, requires: "Requires | None" = None) -> Finding:
        doc = self.docs[code]
        if message is None:
            message = doc.message.format_map(_Fields(fields or {}))
        anchor = " ".join(" ".join(self.lines[span.line - 1: span.end_line]).split())[:500]
        return Finding(
            code=code,
            name=doc.name,
            family=doc.family,
            severity=self.severities.get(code, doc.severity),
            message=message,
            path=self.task.display_path,
            span=span,
            help_uri=doc.help_uri,
            anchor_text=anchor,
            fix=fix,
            requires=requires,
            # A rule names the knowledge entry behind a finding as the field "knowledge".
            knowledge=(fields or {}).get("knowledge"),
        )


class _Fields(dict):
    """Leaves an unknown placeholder visible instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
