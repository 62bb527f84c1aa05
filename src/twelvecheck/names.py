"""Qualified names from an import table built during the one traversal.

libcst's ``QualifiedNameProvider`` costs about nine parses per file (see the costs note);
the rules only need "what does this dotted expression refer to", which an import table
answers: ``import logging as lg`` binds ``lg`` to ``logging``, ``from logging.handlers
import RotatingFileHandler as R`` binds ``R`` to ``logging.handlers.RotatingFileHandler``.

Scopes follow Python's rules closely enough for this purpose: function bodies get their
own table, class bodies too, and a class body's names are not visible in its methods.
Rebinding a name by plain assignment is not tracked.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from twelvecheck.lazy import libcst as cst

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _module_expr_name(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    name = dotted_name(node)
    return name or ""


@dataclass
class _Scope:
    kind: str  # "module", "class" or "function"
    bindings: dict[str, str] = field(default_factory=dict)


class ImportTable:
    def __init__(self, module_name: str, is_package: bool = False) -> None:
        self.module_name = module_name
        self.is_package = is_package
        self._scopes = [_Scope("module")]

    # -- building -------------------------------------------------------------------
    def push(self, kind: str) -> None:
        self._scopes.append(_Scope(kind))

    def pop(self) -> None:
        self._scopes.pop()

    def bind(self, name: str, qualified: str) -> None:
        self._scopes[-1].bindings[name] = qualified

    def bind_definition(self, name: str) -> None:
        """A ``def`` or ``class`` in the current scope."""
        prefix = self.module_name if len(self._scopes) == 1 else f"{self.module_name}.<locals>"
        self.bind(name, f"{prefix}.{name}")

    def add_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                target = _module_expr_name(alias.name)
                if alias.asname is not None:
                    local = dotted_name(alias.asname.name)  # type: ignore[arg-type]
                    if local:
                        self.bind(local, target)
                else:
                    # `import a.b.c` binds `a`; `a.b.c` then resolves through it.
                    head = target.split(".", 1)[0]
                    self.bind(head, head)
            return
        base = self._absolute_module(node)
        if base is None or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            imported = _module_expr_name(alias.name)
            local = dotted_name(alias.asname.name) if alias.asname else imported  # type: ignore[arg-type]
            if local:
                self.bind(local, f"{base}.{imported}" if base else imported)

    def _absolute_module(self, node: cst.ImportFrom) -> str | None:
        module = _module_expr_name(node.module)
        level = len(node.relative)
        if level == 0:
            return module
        package = self.module_name.split(".")
        if not self.is_package:
            package = package[:-1]
        if level - 1 > len(package):
            return None
        if level > 1:
            package = package[: len(package) - (level - 1)]
        return ".".join(p for p in (*package, module) if p)

    # -- resolving ------------------------------------------------------------------
    def lookup(self, name: str) -> str | None:
        innermost = len(self._scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = self._scopes[depth]
            if scope.kind == "class" and depth != innermost:
                continue
            if name in scope.bindings:
                return scope.bindings[name]
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

    def alias_of(self, qualified: str) -> str | None:
        """A module-level name bound to exactly ``qualified`` (``sig`` after ``import signal as sig``)."""
        names = sorted(name for name, bound in self._scopes[0].bindings.items() if bound == qualified)
        return names[0] if names else None

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The qualified name a Name/Attribute chain refers to, or None when unknown."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        resolved = self.lookup(head)
        if resolved is None:
            return None
        return f"{resolved}.{rest}" if rest else resolved


def collect_module_bindings(module: cst.Module, table: ImportTable) -> None:
    """Bind module-level imports and definitions before the traversal starts.

    A function body may use a name imported further down the module; the traversal
    reaches the function first, so module-level names are collected up front (only the
    top-level statements and the blocks of top-level if/try/with/for, not function bodies).
    """
    pending: list[cst.CSTNode] = list(module.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    table.add_import(small)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            table.bind_definition(stmt.name.value)
        elif isinstance(stmt, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            pending.extend(_child_blocks(stmt))


def _child_blocks(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    blocks: list[cst.BaseSuite] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        blocks.append(body)
    for attr in ("orelse", "finalbody"):
        extra = getattr(stmt, attr, None)
        if isinstance(extra, cst.If):
            blocks.append(extra.body)
            if extra.orelse is not None:
                blocks.extend(_child_blocks(extra))
        elif isinstance(extra, (cst.Else, cst.Finally)):
            blocks.append(extra.body)
    for handler in getattr(stmt, "handlers", ()):
        blocks.append(handler.body)
    statements: list[cst.CSTNode] = []
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            statements.extend(block.body)
        elif isinstance(block, cst.SimpleStatementSuite):
            statements.append(cst.SimpleStatementLine(body=block.body))
    return statements
