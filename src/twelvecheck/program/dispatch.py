"""Dispatch by name: a callable picked from a table (``SERVERS[kind](port)``,
``HANDLERS.get(name)``, ``backend = BACKENDS[name]; backend()``).

Which entry is picked depends on run-time input, so every entry of the table may run: the
whole-program facts count a call through a table as a call of each callable it holds. Tables
are dict, list, tuple and set literals that the name was assigned (in the function, or at
module level); a table built at run time is not read.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterable, Iterator

Values = Callable[[ast.expr], Iterable[ast.expr]]
_TABLE_LOOKUPS = frozenset({"get", "pop", "setdefault"})


def _table_entries(table: ast.expr, values: Values) -> Iterator[ast.expr]:
    for value in values(table):
        if isinstance(value, ast.Dict):
            yield from (entry for entry in value.values if entry is not None)
        elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            yield from (entry for entry in value.elts if not isinstance(entry, ast.Starred))


def _picked(node: ast.expr, values: Values) -> list[ast.expr]:
    """The entries ``node`` picks from a table: ``T[key]``, ``T.get(key[, default])``."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)):
        return list(_table_entries(node.value, values))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _TABLE_LOOKUPS \
            and isinstance(node.func.value, (ast.Name, ast.Attribute)):
        entries = list(_table_entries(node.func.value, values))
        if entries and node.func.attr == "get" and len(node.args) > 1:
            entries.append(node.args[1])  # the default is picked when the key is missing
        return entries
    return []


def dispatched(func: ast.expr, values: Values) -> list[ast.expr]:
    """The callables a call target picks from a table, directly or through a name it was
    assigned (``backend = BACKENDS[name]; backend()``); empty when it picks from none."""
    picked = _picked(func, values)
    if picked or not isinstance(func, ast.Name):
        return [entry for entry in picked if isinstance(entry, (ast.Name, ast.Attribute))]
    found = []
    for value in values(func):
        if value is not func:
            found += [entry for entry in _picked(value, values) if isinstance(entry, (ast.Name, ast.Attribute))]
    return found
