"""Where the project's knowledge silences a rule: the lines of the functions that
``[tool.twelvecheck.knowledge]`` says do the right thing (``logs-to-stdout``: a logging
setup that writes to standard output, whatever it looks like to the logging rules).

A name is the function's module and its enclosing classes and functions, dotted
(``ourlib.log.setup``, ``ourlib.log.Setup.install``); a rule that declares
``silenced_inside = "<key>"`` reports nothing inside a function the key names, nested
functions included.
"""

from __future__ import annotations

import ast
from typing import Iterator

from twelvecheck.config import knowledge


# What each key's entry says, as --show-silenced names it before the entry
# (``TWC201 not reported: logging to stdout set up by user:ourlib.log.setup``).
SILENCED_REASONS = {"logs-to-stdout": "logging to stdout set up by"}


def silenced_lines(tree: ast.Module, module_name: str, key: str) -> list[tuple[int, int, str]]:
    """(first line, last line, knowledge entry) of each function of the module that the
    user's knowledge names under ``key``; empty when it names none of this module's."""
    names = frozenset(getattr(knowledge.user(), key.replace("-", "_")))
    if not any(name.startswith(module_name + ".") for name in names):
        return []
    return [(node.lineno, node.end_lineno or node.lineno, knowledge.entry_id(key, name, True))
            for name, node in _functions(tree.body, module_name) if name in names]


def _functions(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.AST]]:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}.{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield name, node
            yield from _functions(node.body, name)
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith)):  # `if TYPE_CHECKING:`, try/except ImportError
            for block in (getattr(node, "body", []), getattr(node, "orelse", []), getattr(node, "finalbody", []),
                          *(handler.body for handler in getattr(node, "handlers", []))):
                yield from _functions(block, prefix)


def silencing_entry(spans: list[tuple[int, int, str]], line: int) -> str | None:
    """The knowledge entry whose function holds ``line``, if any."""
    for first, last, entry in spans:
        if first <= line <= last:
            return entry
    return None
