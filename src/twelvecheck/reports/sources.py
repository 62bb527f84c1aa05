"""The checked files' lines, for reports that show source (``--show-source``, HTML).

Files are read again, decoded the way the engine decodes them (PEP 263 cookie, BOM); a file
that can no longer be read or decoded simply has no source to show.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import click

from twelvecheck.core.findings import Finding
from twelvecheck.files.decoding import SourceError, decode_source

MAX_BYTES = 8 * 1024 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")


class SourceCache:
    def __init__(self, cwd: Path, stdin_name: str | None = None, stdin_source: bytes | None = None) -> None:
        self.cwd = cwd
        self.stdin_name = stdin_name
        self.stdin_source = stdin_source
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def _read(self, path: str) -> list[str] | None:
        if self.stdin_source is not None and path == (self.stdin_name or "-"):
            data = self.stdin_source
        else:
            target = Path(path)
            target = target if target.is_absolute() else self.cwd / target
            try:
                if target.stat().st_size > MAX_BYTES:
                    return None
                data = target.read_bytes()
            except OSError:
                return None
        try:
            text = decode_source(data)
        except (SourceError, UnicodeDecodeError, LookupError, SyntaxError):
            return None
        # Only \n, \r\n and \r end a line, as for the parser (str.splitlines also splits at
        # form feeds and U+2028, which would shift every line number after them).
        lines = _LINE_END.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        return lines


@dataclass(frozen=True)
class ContextLine:
    number: int
    text: str
    marked: bool  # part of the finding's span


def context(cache: SourceCache, finding: Finding, around: int = 2) -> list[ContextLine]:
    """The finding's lines plus ``around`` lines either side (at most 12 lines of span)."""
    lines = cache.lines(finding.path)
    if not lines:
        return []
    start, end = finding.span.line, min(finding.span.end_line, finding.span.line + 11)
    if start > len(lines):
        return []
    first, last = max(1, start - around), min(len(lines), end + around)
    return [ContextLine(n, lines[n - 1], start <= n <= end) for n in range(first, last + 1)]


def _width(text: str) -> int:
    """Terminal cells: wide (East Asian) characters take two, combining marks none."""
    cells = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells


def caret_lines(cache: SourceCache, finding: Finding, color: bool) -> list[str]:
    """ruff-style: the finding's first line with its number, and carets under the span."""
    lines = cache.lines(finding.path)
    number = finding.span.line
    if not lines or number > len(lines):
        return []
    text = lines[number - 1].rstrip("\n")
    start = max(0, finding.span.column - 1)
    end = finding.span.end_column - 1 if finding.span.end_line == number else len(text)
    end = max(start + 1, min(end, len(text)))
    # Tabs stay tabs in the padding, so the carets line up however the terminal shows them.
    padding = "".join("\t" if char == "\t" else " " * _width(char) for char in text[:start])
    carets = "^" * max(1, _width(text[start:end]))
    gutter = " " * len(str(number))
    if color:
        carets = click.style(carets, fg="red", bold=True)
    return [f"  {gutter} |", f"  {number} | {text}", f"  {gutter} | {padding}{carets}"]
