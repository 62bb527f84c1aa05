"""What a local name (or ``self.attr``) was assigned, within the function being visited.

Not a real data-flow analysis: it remembers every value assigned to a simple target in
the current function (or module), in traversal order, so that a rule can ask "could this
name hold an opened file?" at a later use. Aliases (``b = a``) are followed a few steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from twelvecheck.lazy import libcst as cst

from twelvecheck.checks._exprs import target_key

if TYPE_CHECKING:
    from twelvecheck.engine import FileContext

_MAX_ALIAS_DEPTH = 4


class AssignedValues:
    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self._by_scope: dict[int, dict[str, list[cst.BaseExpression]]] = {}

    def _scope(self) -> dict[str, list[cst.BaseExpression]]:
        key = id(self.ctx.functions[-1]) if self.ctx.functions else 0
        return self._by_scope.setdefault(key, {})

    def record_assign(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            key = target_key(target)
            if key is not None:
                self._scope().setdefault(key, []).append(node.value)

    def record_with_item(self, item: cst.WithItem) -> None:
        if item.asname is None:
            return
        key = target_key(item.asname.name)  # type: ignore[arg-type]
        if key is not None:
            self._scope().setdefault(key, []).append(item.item)

    def values(self, node: cst.BaseExpression, depth: int = 0) -> Iterator[cst.BaseExpression]:
        """The expression itself, or everything the name it is was assigned."""
        if isinstance(node, cst.IfExp):
            yield from self.values(node.body, depth + 1)
            yield from self.values(node.orelse, depth + 1)
            return
        key = target_key(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
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
