"""Where the running process's id goes: the arguments of a call that carry ``os.getpid()``
(through local names and ``self`` attributes assigned in the same function), read from
CPython's ``ast`` for the whole-program facts.

A function that writes one of its parameters into a file writes a PID file when a caller
hands it the process id: ``Pidfile.create(self, pid)`` in one module, and
``Pidfile(path).create(os.getpid())`` in another. The facts record, per unit, the calls that
pass it (``pid_args``: [callee, index or keyword]); ``Project.given_process_id`` answers,
and the run reads the callee's module with the per-file rules even where the prefilter
would skip it (run/analysis.py), so that the finding does not depend on the prefilter.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterable

MAX_DEPTH = 4
PROCESS_ID_CALLS = frozenset({"os.getpid"})


def carries_process_id(node: ast.expr, qualify: Callable[[ast.expr], "str | None"],
                       values: Callable[[ast.expr], Iterable[ast.expr]], depth: int = 0,
                       seen: "set[int] | None" = None) -> bool:
    """Whether the expression is, or is built from, the process id: ``os.getpid()``,
    ``str(pid)``, ``"%d" % pid``, ``f"{pid}"`` where ``pid = os.getpid()`` here. Each node
    is looked at once (a name assigned many times, from names assigned many times, would
    otherwise cost exponentially)."""
    seen = set() if seen is None else seen
    if depth > MAX_DEPTH or id(node) in seen:
        return False
    seen.add(id(node))
    parts: list[ast.expr] = []
    if isinstance(node, ast.Call):
        if qualify(node.func) in PROCESS_ID_CALLS:
            return True
        parts = [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(node.func, ast.Attribute):  # "{}".format(pid), str(pid).encode()
            parts.append(node.func.value)
    elif isinstance(node, (ast.Name, ast.Attribute)):
        parts = [value for value in values(node) if value is not node]
    elif isinstance(node, ast.BinOp):
        parts = [node.left, node.right]
    elif isinstance(node, ast.JoinedStr):
        parts = [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
    return any(carries_process_id(part, qualify, values, depth + 1, seen) for part in parts)


def process_id_arguments(node: ast.Call, qualify: Callable[[ast.expr], "str | None"],
                         values: Callable[[ast.expr], Iterable[ast.expr]]
                         ) -> tuple[list[int | str], list[tuple[int | str, str]]]:
    """The positions and keywords of a call's arguments that carry the process id; and those
    that are a ``self`` attribute this function does not assign ((where, attribute)): the
    process id if another method of the class assigns it (``self_attribute``)."""
    found: list[int | str] = []
    attributes: list[tuple[int | str, str]] = []
    given = [(index, argument) for index, argument in enumerate(node.args) if not isinstance(argument, ast.Starred)]
    given += [(keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg]
    for where, argument in given:
        if carries_process_id(argument, qualify, values):
            found.append(where)
        elif (attribute := self_attribute(argument)) is not None and \
                all(value is argument for value in values(argument)):
            attributes.append((where, attribute))
    return found, attributes


def self_attribute(node: ast.expr) -> str | None:
    """``x`` of ``self.x``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None
