"""Reading source files the way Python does: BOM, PEP 263 coding cookie, strict decoding."""

from __future__ import annotations

import codecs
import io
import re
import tokenize

# PEP 263: the declaration tokenize looks for in the first two lines.
_COOKIE_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.M)


class SourceError(Exception):
    """A file that cannot become text: unreadable, binary, undecodable."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - line_start + 1


def decode_source(data: bytes) -> str:
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _position_of(data, nul)
        raise SourceError("binary file: contains a NUL byte", line, column)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        first_lines = b"\n".join(data.removeprefix(codecs.BOM_UTF8).split(b"\n", 2)[:2])
        if not _COOKIE_RE.search(first_lines):
            # No declaration at all: the first two lines are simply not UTF-8.
            encoding = "utf-8"
        else:
            # An unknown coding cookie, or a BOM that contradicts the cookie.
            line = 2 if data.split(b"\n", 1)[0].lstrip().startswith(b"#!") else 1
            raise SourceError(f"bad encoding declaration: {exc}", line) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _position_of(data, exc.start)
        raise SourceError(
            f"cannot decode as {encoding}: byte {data[exc.start:exc.start + 1]!r} is invalid",
            line,
            column,
        ) from None
    except LookupError as exc:
        raise SourceError(f"unknown encoding: {exc}") from None
