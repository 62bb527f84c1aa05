"""Fixes: text edits attached to a finding, and how a set of them is applied to a file.

A fix is plain data (it is cached with its finding and printed in the JSON report): edits
located by 1-based line and column like every span, end exclusive, plus whether it is safe.
Safe fixes keep what the program means apart from the finding itself; unsafe ones may
change behaviour a reader should look at first (``--unsafe-fixes`` applies them).

Applying follows ruff: fixes are taken in the order of their first edit; one whose edits
overlap an edit already taken is left for the next pass (the file is checked again and the
finding, if still there, offers a fresh fix). An edit identical to one already taken (two
fixes that both add ``import sys`` at the same place) is applied once and does not conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from twelvecheck.core.findings import Span

SAFE, UNSAFE = "safe", "unsafe"
_NEWLINE = re.compile(r"\r\n?|\n")  # as libcst counts lines (positions.py)


@dataclass(frozen=True)
class Edit:
    span: Span  # what is replaced; an empty span inserts
    content: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.span.line, "column": self.span.column, "end_line": self.span.end_line,
                "end_column": self.span.end_column, "content": self.content}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "Edit":
        span = Span(int(item["line"]), int(item["column"]), int(item["end_line"]), int(item["end_column"]))
        if not isinstance(item["content"], str):
            raise TypeError("edit content is not a string")
        return cls(span, item["content"])


@dataclass(frozen=True)
class Fix:
    applicability: str  # SAFE or UNSAFE
    message: str  # what the fix does, in a few words
    edits: tuple[Edit, ...]

    @property
    def safe(self) -> bool:
        return self.applicability == SAFE

    def to_json(self) -> dict[str, Any]:
        return {"applicability": self.applicability, "message": self.message,
                "edits": [edit.to_json() for edit in self.edits]}

    @classmethod
    def from_json(cls, item: dict[str, Any] | None) -> "Fix | None":
        if item is None:
            return None
        if item["applicability"] not in (SAFE, UNSAFE) or not isinstance(item["message"], str):
            raise ValueError("not a fix")
        return cls(item["applicability"], item["message"], tuple(Edit.from_json(e) for e in item["edits"]))


class LineIndex:
    """Offsets of 1-based (line, column) points in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self.starts):
            raise ValueError(f"line {line} is outside the file")
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        offset = start + column - 1
        if not start <= offset <= end:
            raise ValueError(f"column {column} is outside line {line}")
        return offset

    def range(self, span: Span) -> tuple[int, int]:
        start, end = self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)
        if end < start:
            raise ValueError("an edit ends before it starts")
        return start, end


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
