"""Shell words: a POSIX-sh tokenizer that keeps where every word is.

Quotes and backslashes are undone; ``$(...)``, ``${...}`` and backquotes stay inside their
word; operators (``&& || ; & | ( )``) and redirections (``>``, ``2>>``, ``&>``, ``2>&``)
are tokens of their own; a ``#`` that starts a word starts a comment (mid-word it does not,
as in sh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REDIRECT_RE = re.compile(r"&>>?|\d*(?:>>|>&|>\||>|<&|<<<|<<|<>|<)")
_WORD_END = " \t\n;&|()<>"


@dataclass(frozen=True)
class Token:
    text: str  # quotes and escapes removed
    start: int  # offsets in the command string
    end: int
    op: bool = False
    quoted: bool = False
    raw: str = ""  # as written


class QuoteError(ValueError):
    pass


def tokenize(text: str) -> list[Token]:
    """Shell words and operators with their offsets; a ``#`` that starts a word ends the
    line. Raises QuoteError for an unterminated quote."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\n":
            i += 1
            continue
        if char == "#":
            break
        match = REDIRECT_RE.match(text, i)
        if match:
            tokens.append(Token(match.group(), i, match.end(), op=True, raw=match.group()))
            i = match.end()
            continue
        if text.startswith(("&&", "||", ";;"), i):
            tokens.append(Token(text[i:i + 2], i, i + 2, op=True, raw=text[i:i + 2]))
            i += 2
            continue
        if char in ";&|()":
            tokens.append(Token(char, i, i + 1, op=True, raw=char))
            i += 1
            continue
        start, parts, quoted = i, [], False
        while i < n and text[i] not in _WORD_END:
            char = text[i]
            if char == "'":
                close = text.find("'", i + 1)
                if close == -1:
                    raise QuoteError(f"unterminated ' at column {i + 1}")
                parts.append(text[i + 1:close])
                i, quoted = close + 1, True
            elif char == '"':
                i, piece = _double_quoted(text, i)
                parts.append(piece)
                quoted = True
            elif char == "\\":
                parts.append(text[i + 1:i + 2])
                i += 2
            elif text.startswith(("$(", "${"), i) or char == "`":
                end = _matching(text, i)
                parts.append(text[i:end])
                i = end
            else:
                parts.append(char)
                i += 1
        tokens.append(Token("".join(parts), start, i, quoted=quoted, raw=text[start:i]))
    return tokens


def _double_quoted(text: str, i: int) -> tuple[int, str]:
    parts = []
    j = i + 1
    while j < len(text):
        char = text[j]
        if char == '"':
            return j + 1, "".join(parts)
        if char == "\\" and j + 1 < len(text) and text[j + 1] in '$`"\\\n':
            parts.append(text[j + 1])
            j += 2
        elif text.startswith(("$(", "${"), j) or char == "`":
            end = _matching(text, j)
            parts.append(text[j:end])
            j = end
        else:
            parts.append(char)
            j += 1
    raise QuoteError(f'unterminated " at column {i + 1}')


def _matching(text: str, i: int) -> int:
    """End of ``$(...)``, ``${...}`` or a backquoted command starting at ``i``."""
    if text[i] == "`":
        end = text.find("`", i + 1)
        return len(text) if end == -1 else end + 1
    opening, closing = ("(", ")") if text[i + 1] == "(" else ("{", "}")
    depth, j = 0, i + 1
    while j < len(text):
        if text[j] == opening:
            depth += 1
        elif text[j] == closing:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(text)
