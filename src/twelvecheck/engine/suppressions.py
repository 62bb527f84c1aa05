"""Suppression comments.

- ``# twelvecheck: ignore[TWC201]`` (codes or slugs, comma-separated) at the end of a line
  covers findings that start or end on that line; on a line of its own it covers the
  statement that follows the comment block (or the finding that starts on that line).
- ``# twelvecheck: ignore`` with no list covers every code.
- ``# noqa: TWC201`` is honoured for TWC codes (and a local rule's or plugin's code); a bare ``# noqa`` is not enough.
- ``# twelvecheck: ignore-file[TWC201]`` (or without a list) covers the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_DIRECTIVE_RE = re.compile(
    r"#\s*twelvecheck\s*:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.I
)
_NOQA_RE = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Za-z]+\d+(?:[\s,]+[A-Za-z]+\d+)*)", re.I)
# A directive at the end of a line of a `#`-commented file that is no Python (a Procfile's
# `web: gunicorn app:app --pid x.pid  # twelvecheck: ignore[TWC512]`): after a space or a
# tab, to the end of the line, without a quote (a `#` inside a quoted word is no comment).
TRAILING_DIRECTIVE = re.compile(r"""[ \t](?P<comment>#[ \t]*(?:twelvecheck|noqa)[ \t]*:[^"'\r\n]*)$""", re.I)
_TWC_CODE_RE = re.compile(r"^TWC\d+$", re.I)
# Cheap test before tokenizing: most files hold no directive at all.
MARKERS = ("twelvecheck", "noqa", "TWELVECHECK", "NOQA")


@dataclass
class Suppression:
    line: int
    column: int
    kind: str  # "ignore", "ignore-file" or "noqa"
    own_line: bool
    # Codes as written; empty means "every code" (not allowed for noqa).
    written: tuple[str, ...]
    # What each written code resolved to (None: no such rule).
    resolved: dict[str, str | None]
    covers_line: int = 0  # own-line directives: the first code line after the comment
    used: set[str] = field(default_factory=set)

    def applies_to(self, code: str) -> bool:
        return not self.written or code in self.resolved.values()


def parse_codes(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part for part in re.split(r"[\s,]+", text.strip()) if part)


def _comments(text: str) -> list[tuple[int, int, str, bool]]:
    """(line, column, comment, own_line) for every comment, via the tokenizer."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return _comments_by_line(text)
    code_lines: set[int] = set()
    for tok in tokens:
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            found.append((tok.start[0], tok.start[1] + 1, tok.string, tok.start[0] not in code_lines))
    return found


def _comments_by_line(text: str) -> list[tuple[int, int, str, bool]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        index = line.find("#")
        if index != -1:
            found.append((number, index + 1, line[index:], not line[:index].strip()))
    return found


def _next_code_lines(text: str) -> list[int]:
    """For each line (1-based index), the first line at or after it that holds code."""
    lines = text.splitlines()
    following = [0] * (len(lines) + 2)
    nxt = 0
    for number in range(len(lines), 0, -1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            nxt = number
        following[number] = nxt
    return following


class Suppressions:
    def __init__(self, items: list[Suppression]) -> None:
        self.items = items

    @classmethod
    def empty(cls) -> "Suppressions":
        return cls([])

    @classmethod
    def scan(cls, text: str, resolve_code, by_line: bool = False) -> "Suppressions":
        """``resolve_code(str) -> code or None`` maps a code or slug to a known code.
        ``by_line``: comments are found line by line (a `#` and what follows it), not by
        Python's tokenizer (shell scripts, ini files)."""
        if not any(marker in text for marker in MARKERS):
            return cls.empty()
        items = []
        following: list[int] | None = None
        for line, column, comment, own_line in (_comments_by_line(text) if by_line else _comments(text)):
            for kind, codes_text, offset in directives(comment):
                written = parse_codes(codes_text)
                if kind == "noqa":
                    # Ours: TWC codes, and the codes of the local rules and plugins in use.
                    written = tuple(c for c in written if _TWC_CODE_RE.match(c) or resolve_code(c) is not None)
                    if not written:
                        continue
                item = Suppression(
                    line=line,
                    column=column + offset,
                    kind=kind,
                    own_line=own_line,
                    written=written,
                    resolved={c: resolve_code(c) for c in written},
                )
                if own_line and kind != "ignore-file":
                    if following is None:
                        following = _next_code_lines(text)
                    item.covers_line = following[line + 1] if line + 1 < len(following) else 0
                items.append(item)
        return cls(items)

    def suppresses(self, code: str, line: int, end_line: int, statement_line: int) -> bool:
        """Whether a finding is silenced; marks the directive as used."""
        hit = False
        for item in self.items:
            if not item.applies_to(code):
                continue
            if item.kind == "ignore-file":
                covered = True
            elif item.own_line:
                covered = item.covers_line in (line, statement_line)
            else:
                covered = item.line in (line, end_line)
            if covered:
                item.used.add(code)
                hit = True
        return hit

    def unused(self, ran: set[str]) -> list[tuple[Suppression, str]]:
        """(directive, reason) for every directive or listed code that silenced nothing.

        Only codes that ran on this file can be judged; a code that was not run is not
        reported, so the answer does not depend on ``--select``.
        """
        problems = []
        for item in self.items:
            if not item.written:
                if not item.used and ran:
                    problems.append((item, "silences no finding"))
                continue
            for written, code in item.resolved.items():
                if code is None:
                    problems.append((item, f"names {written!r}, which is no twelvecheck rule"))
                elif code in ran and code not in item.used:
                    problems.append((item, f"{written} silences no finding"))
        return problems


def directives(comment: str):
    for match in _DIRECTIVE_RE.finditer(comment):
        yield match.group("kind").lower(), match.group("codes"), match.start()
    for match in _NOQA_RE.finditer(comment):
        yield "noqa", match.group("codes"), match.start()
