"""A finding's fix as the HTML report shows it: the fix alone applied to the file as it is now,
as a unified diff, with its kind (safe or unsafe) and the command that applies it.

The diff is computed from the file read again (reports/sources.py), so it shows exactly the
edits the fix carries; ``--fix`` applies the same edits (and, in later passes, what the file
offers after them), so what is shown is what the first pass writes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from twelvecheck.core.findings import Finding, Fix, LineIndex
from twelvecheck.core.fixhints import fix_command
from twelvecheck.reports.sources import SourceCache

CONTEXT = 1  # unchanged lines shown around each change


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk" (an @@ header), "context", "removed", "added"
    old: int | None  # its number in the file as it is, for context and removed lines
    new: int | None  # its number after the fix, for context and added lines
    text: str


@dataclass(frozen=True)
class FixView:
    applicability: str
    message: str
    command: str  # applies it
    preview: str  # shows the diff of the same fixes without writing
    diff: list[DiffLine]  # empty when the file can no longer be read or the fix does not fit it


def fix_view(cache: SourceCache, finding: Finding) -> FixView | None:
    """The view of ``finding``'s fix; None for a finding without one."""
    fix = finding.fix
    if fix is None:
        return None
    command = fix_command(fix.applicability, finding.code, finding.path)
    preview = fix_command(fix.applicability, finding.code, finding.path, show=True)
    lines = cache.lines(finding.path)
    fixed = None if lines is None else _apply_alone("\n".join(lines) + "\n", fix)
    diff = [] if fixed is None or lines is None else _diff(lines, fixed.split("\n")[:-1])
    return FixView(fix.applicability, fix.message, command, preview, diff)


def _apply_alone(text: str, fix: Fix) -> str | None:
    """``text`` with this one fix's edits made; None when they do not fit it (the file changed
    since the run) or collide with each other."""
    index = LineIndex(text)
    try:
        ranges = sorted({(*index.range(edit.span), edit.content) for edit in fix.edits})
    except ValueError:
        return None
    if any(later[0] < earlier[1] for earlier, later in zip(ranges, ranges[1:])):
        return None
    for start, end, content in reversed(ranges):
        text = text[:start] + content + text[end:]
    return text


def _diff(old: list[str], new: list[str]) -> list[DiffLine]:
    rows: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(CONTEXT):
        first, last = group[0], group[-1]
        rows.append(DiffLine("hunk", None, None, f"@@ -{first[1] + 1},{last[2] - first[1]} "
                                                 f"+{first[3] + 1},{last[4] - first[3]} @@"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffLine("context", i1 + n + 1, j1 + n + 1, old[i1 + n]) for n in range(i2 - i1)]
                continue
            rows += [DiffLine("removed", n + 1, None, old[n]) for n in range(i1, i2)]
            rows += [DiffLine("added", None, n + 1, new[n]) for n in range(j1, j2)]
    return rows
