"""The parts of a module's text that are code: what the prefilter looks for rule tokens in.

A word in a comment or a docstring cannot make a rule fire (no rule reads either), but it
used to send the file to libcst all the same: ``# see signal.signal`` in a comment, a
docstring that mentions ``subprocess``. On the standard library a quarter of the bytes
parsed, on Django more than a third, were parsed for such words alone.

The code is found from CPython's tree, by statements only (a walk of every expression
would cost more than it saves): each simple statement's exact span, and each compound
statement's header lines with its decorators, whole, up to the last line of the header's
own expressions. What no statement covers is comments
and blank lines; what follows a one-line statement on its line is a comment. A statement
that is a bare string (a docstring, or one documenting an attribute) does nothing and is
left out. A
line of a statement that spans several lines is kept whole, comment or not: the kept text
may hold more than the code, never less, so a rule is never skipped where it could fire.
"""

from __future__ import annotations

import ast

_COMPOUND_FIELDS = ("body", "orelse", "finalbody")
_BODY_FIELDS = frozenset({*_COMPOUND_FIELDS, "handlers", "cases"})


def code_text(text: str, tree: ast.Module) -> str:
    """The code of ``text`` (parsed as ``tree``), each kept piece on a line of its own."""
    if "\r" in text or "\f" in text:
        # Line numbers are the tokenizer's; where they may differ from a split on "\n",
        # keep everything rather than risk cutting code.
        return text
    lines = text.split("\n")
    pieces: list[str] = []
    _collect(tree.body, lines, pieces)
    return "\n".join(pieces)


def _collect(body: list[ast.stmt], lines: list[str], pieces: list[str]) -> None:
    for statement in body:
        if _is_bare_string(statement):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _header(statement, lines, pieces, first=min(
                [decorator.lineno for decorator in statement.decorator_list] + [statement.lineno]))
            _collect(statement.body, lines, pieces)
        elif _is_compound(statement):
            _header(statement, lines, pieces, first=statement.lineno)
            for field in _COMPOUND_FIELDS:
                _collect(getattr(statement, field, None) or [], lines, pieces)
            for handler in getattr(statement, "handlers", None) or []:
                _header(handler, lines, pieces, first=handler.lineno)
                _collect(handler.body, lines, pieces)
            for case in getattr(statement, "cases", None) or []:
                # A case's lines are its pattern's and its guard's ('case' is on the first).
                pieces.extend(lines[case.pattern.lineno - 1:_header_end(case)])
                _collect(case.body, lines, pieces)
        else:
            _span(statement, lines, pieces)


def _is_compound(statement: ast.stmt) -> bool:
    return hasattr(statement, "body") or hasattr(statement, "cases")


def _is_bare_string(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and \
        isinstance(statement.value.value, str)


def _header(statement: ast.AST, lines: list[str], pieces: list[str], first: int) -> None:
    """The lines from ``first`` to the last line of the header's own expressions, whole
    (with any comment on them: keeping it costs little); a comment after the colon, on
    lines of its own, is left out."""
    body = getattr(statement, "body", None)
    line = getattr(statement, "lineno", 0)
    if body and body[0].lineno == line + 1 and not _slice(lines[line], 0, body[0].col_offset).strip():
        end = line  # the usual header on one line, its body starting the next: no search
    else:
        end = _header_end(statement)
    pieces.extend(lines[first - 1:max(end, first)])


def _header_end(node: ast.AST) -> int:
    """The last line of the expressions in a compound statement's header (its test, its
    arguments, its bases, its context managers), or its first line where it has none."""
    end = getattr(node, "lineno", 0)
    for field, value in ast.iter_fields(node):
        if field in _BODY_FIELDS:
            continue
        for child in value if isinstance(value, list) else [value]:
            if not isinstance(child, ast.AST):
                continue
            child_end = getattr(child, "end_lineno", None)
            # arguments and withitem carry no position of their own: their parts do
            end = max(end, child_end if child_end is not None else _header_end(child))
    return end


def _span(statement: ast.stmt, lines: list[str], pieces: list[str]) -> None:
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    if first == last:
        pieces.append(_slice(lines[first - 1], statement.col_offset, statement.end_col_offset))
        return
    pieces.append(_slice(lines[first - 1], statement.col_offset, None))
    pieces.extend(lines[first:last])  # the continuation lines, whole


def _slice(line: str, start: int, end: int | None) -> str:
    """Part of a line by the tree's offsets, which count UTF-8 bytes."""
    if line.isascii():
        return line[start:end]
    data = line.encode("utf-8")
    return data[start:end].decode("utf-8", errors="replace")
