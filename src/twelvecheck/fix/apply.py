"""Applying a set of fixes to a file's text.

Applying follows ruff: fixes are taken in the order of their first edit; one whose edits
overlap an edit already taken is left for the next pass (the file is checked again and the
finding, if still there, offers a fresh fix). An edit identical to one already taken (two
fixes that both add ``import sys`` at the same place) is applied once and does not conflict.
"""

from __future__ import annotations

from typing import Iterable

from twelvecheck.core.findings import Fix, LineIndex


def apply(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """The text with every fix applied that does not overlap one applied before it, and the
    fixes applied. A fix whose edits do not fit the text (a stale cache) is skipped."""
    index = LineIndex(text)
    located: list[tuple[list[tuple[int, int, str]], Fix]] = []
    for fix in fixes:
        try:
            ranges = sorted((*index.range(edit.span), edit.content) for edit in fix.edits)
        except ValueError:
            continue
        if ranges:
            located.append((ranges, fix))
    located.sort(key=lambda item: item[0][0][:2])
    taken: list[tuple[int, int, str]] = []
    applied: list[Fix] = []
    for ranges, fix in located:
        fresh = [edit for edit in ranges if edit not in taken]
        if any(_overlap(edit, other) for edit in fresh for other in taken):
            continue
        if any(_overlap(a, b) for i, a in enumerate(fresh) for b in fresh[i + 1:]):
            continue  # a malformed fix: its own edits collide
        taken.extend(fresh)
        applied.append(fix)
    pieces, cursor = [], 0
    for start, end, content in sorted(taken):
        pieces.append(text[cursor:start])
        pieces.append(content)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), applied


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two edits collide when their ranges share a character, or both insert at one point
    (their order would be a guess)."""
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1]
