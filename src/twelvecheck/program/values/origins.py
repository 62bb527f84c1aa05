"""Whether a value carries this program's own command line (``sys.executable``,
``sys.argv``): the part of the module model (``module_model.py``) the self-supervision rules
ask when a launched command may be the program itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.names import dotted_name
from twelvecheck.engine.walk import child_nodes

if TYPE_CHECKING:
    from twelvecheck.program.values.scopes import Scope

# What a command-line expression may carry of this program's own command line.
PROGRAM = "program"      # the interpreter or script that runs us: sys.executable, sys.argv[0]
ARGUMENTS = "arguments"  # our arguments: sys.argv (or a slice of it)
SELF_COMMAND = frozenset({PROGRAM, ARGUMENTS})
SYS_SOURCES = {
    "sys.executable": frozenset({PROGRAM}),
    "sys._base_executable": frozenset({PROGRAM}),
    "sys.argv": SELF_COMMAND,
    "sys.orig_argv": SELF_COMMAND,
}
SOURCE_ATTRS = frozenset(name.split(".", 1)[1] for name in SYS_SOURCES)
MAX_DEPTH = 8


class CommandOrigins:
    """Answers from what the model recorded: ``sources`` (expressions that name one of
    SYS_SOURCES), each scope's assignments and returns, and the module's calls."""

    sources: dict[int, frozenset[str]]
    _origin_memo: dict[tuple[int, int], frozenset[str]]

    def command_origin(self, node: cst.CSTNode, scope: "Scope", depth: int = 0) -> frozenset[str]:
        """What of this program's own command line (PROGRAM, ARGUMENTS) the value carries."""
        memo_key = (id(node), id(scope))
        if memo_key in self._origin_memo:
            return self._origin_memo[memo_key]
        if depth > MAX_DEPTH:
            return frozenset()
        self._origin_memo[memo_key] = frozenset()  # a cycle contributes nothing
        result = self._origin(node, scope, depth)
        self._origin_memo[memo_key] = result
        return result

    def _origin(self, node: cst.CSTNode, scope: "Scope", depth: int) -> frozenset[str]:
        if id(node) in self.sources:
            return self.sources[id(node)]
        if isinstance(node, cst.Subscript):
            return _pick(self.command_origin(node.value, scope, depth + 1), node)
        if isinstance(node, (cst.Name, cst.Attribute)):
            key = dotted_name(node)
            if key is not None:
                found = self.assigned_anywhere(key, scope)  # type: ignore[attr-defined]
                if found:
                    return _union(self.command_origin(v, s, depth + 1) for v, s in found)
                if isinstance(node, cst.Attribute):  # an attribute of a value built from argv
                    return self.command_origin(node.value, scope, depth + 1)
                return frozenset()
        result = frozenset()
        if isinstance(node, cst.Call):
            for callee in self.resolve(node, scope, loose=True):  # type: ignore[attr-defined]
                result |= _union(self.command_origin(r, callee, depth + 1) for r in callee.returns)
        if isinstance(node, (cst.Lambda, cst.FunctionDef)):
            return result
        return result | _union(self.command_origin(child, scope, depth + 1) for child in child_nodes(node))

    def is_self_command(self, node: cst.BaseExpression, scope: "Scope") -> bool:
        return self.command_origin(node, scope) >= SELF_COMMAND


def _union(sets: Any) -> frozenset[str]:
    result: frozenset[str] = frozenset()
    for item in sets:
        result |= item
    return result


def _pick(origin: frozenset[str], subscript: cst.Subscript) -> frozenset[str]:
    """``argv[0]`` is the program; ``argv[1:]`` and ``argv[2]`` are only arguments."""
    if len(subscript.slice) != 1:
        return origin
    index = subscript.slice[0].slice
    if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
        return origin & {PROGRAM} if index.value.evaluated_value == 0 else origin - {PROGRAM}
    if isinstance(index, cst.Slice) and isinstance(index.lower, cst.Integer) and index.lower.evaluated_value >= 1:
        return origin - {PROGRAM}
    return origin
