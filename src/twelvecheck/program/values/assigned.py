"""What a local name (or ``self.attr``) was assigned, within the function being visited: the
point-of-walk view of the module model.

Not a real data-flow analysis: it remembers every value assigned to a simple target in
the current function (or module), in traversal order, so that a rule can ask "could this
name hold an opened file?" at a later use. Aliases (``b = a``) are followed a few steps.
A tuple target pairs with a tuple value element by element; otherwise each of its names
holds the whole value (``fd, name = tempfile.mkstemp()``: enough to know where they came
from).

The engine builds one per file for the rules that name it in ``Rule.models`` and feeds it
(``visit_Assign``, ``visit_AnnAssign``, ``visit_WithItem``) before any rule sees the
statement, so in a rule's own visit of an assignment the assignment already counts. The
whole-program facts (``program/facts.py``) feed their own from CPython's ``ast`` nodes with
``record_assign`` and ``record_with_item``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import target_key

if TYPE_CHECKING:
    from twelvecheck.engine.analyze import FileContext

_MAX_ALIAS_DEPTH = 4


class AssignedValues:
    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self._by_scope: dict[int, dict[str, list[cst.BaseExpression]]] = {}

    def _scope(self) -> dict[str, list[cst.BaseExpression]]:
        key = id(self.ctx.functions[-1]) if self.ctx.functions else 0
        return self._by_scope.setdefault(key, {})

    def record_assign(self, node: "cst.Assign | cst.AnnAssign | ast.Assign | ast.AnnAssign") -> None:
        if node.value is None:
            return
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            self.visit_Assign(node)
            return
        for target in targets:
            self._record(target, node.value)

    # -- fed by the traversal, as a shared model ------------------------------------------
    def visit_Assign(self, node: "cst.Assign | cst.AnnAssign") -> None:
        if node.value is None:
            return
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            self._record_target(target, node.value)

    visit_AnnAssign = visit_Assign

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.record_with_item(node)

    def _record_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not isinstance(target, (cst.Tuple, cst.List)):
            self._record(target, value)
            return
        names = [element.value for element in target.elements]
        paired = isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(names) and not any(
            isinstance(element, cst.StarredElement) for element in (*target.elements, *value.elements))
        for index, name in enumerate(names):
            self._record_target(name, value.elements[index].value if paired else value)  # type: ignore[union-attr]

    def record_with_item(self, item: "cst.WithItem | ast.withitem") -> None:
        if isinstance(item, ast.withitem):
            if item.optional_vars is not None:
                self._record(item.optional_vars, item.context_expr)
        elif item.asname is not None:
            self._record(item.asname.name, item.item)  # type: ignore[arg-type]

    def _record(self, target, value) -> None:
        key = target_key(target)
        if key is not None:
            self._scope().setdefault(key, []).append(value)

    def values(self, node: cst.BaseExpression, depth: int = 0) -> Iterator[cst.BaseExpression]:
        """The expression itself, or everything the name it is was assigned."""
        if isinstance(node, ast.AST):
            choice, reference = isinstance(node, ast.IfExp), isinstance(node, (ast.Name, ast.Attribute))
        else:
            choice, reference = isinstance(node, cst.IfExp), isinstance(node, (cst.Name, cst.Attribute))
        if choice:
            yield from self.values(node.body, depth + 1)  # type: ignore[union-attr]
            yield from self.values(node.orelse, depth + 1)  # type: ignore[union-attr]
            return
        key = target_key(node) if reference else None
        if key is None:
            yield node
            return
        assigned = self._scope().get(key)
        if not assigned and self.ctx.functions:
            assigned = self._by_scope.get(0, {}).get(key)
        if not assigned or depth >= _MAX_ALIAS_DEPTH:
            yield node
            return
        for value in assigned:
            yield from self.values(value, depth + 1)
