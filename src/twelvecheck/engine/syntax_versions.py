"""Which Python reads the syntax that the running one rejects (knowledge/syntax.toml).

twelvecheck parses with the CPython it runs on. A file written for a newer Python (type
parameter lists, PEP 701 f-strings) does not parse on an older one, and a TWC001 that only
said "not valid Python: expected '('" would call a good file broken. The table is read only
when a file fails to parse.
"""

from __future__ import annotations

import re
import sys

from twelvecheck.config import knowledge

RUNNING = sys.version_info[:2]


def running_python() -> str:
    return f"{RUNNING[0]}.{RUNNING[1]}"


def newer_syntax(message: str, line_text: str) -> tuple[str, str] | None:
    """(Python version, feature) of the first row of the table that a syntax error with
    ``message``, at a line reading ``line_text``, matches, among the rows newer than the
    running Python; None if none does."""
    for row in knowledge.builtin("syntax")["newer-syntax"].values():
        if tuple(int(part) for part in row["python"].split(".")) <= RUNNING:
            continue
        if ("error" in row and re.search(row["error"], message)) or \
                ("line" in row and re.search(row["line"], line_text)):
            return row["python"], row["feature"]
    return None
