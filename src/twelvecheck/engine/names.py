"""Qualified names from an import table built during the one traversal.

libcst's ``QualifiedNameProvider`` costs about nine parses per file (see the costs note);
the rules only need "what does this dotted expression refer to", which an import table
answers: ``import logging as lg`` binds ``lg`` to ``logging``, ``from logging.handlers
import RotatingFileHandler as R`` binds ``R`` to ``logging.handlers.RotatingFileHandler``.

Scopes follow Python's rules closely enough for this purpose: function bodies get their
own table, class bodies too, and a class body's names are not visible in its methods.
Rebinding a name by plain assignment is not tracked.

The table takes libcst's nodes (the per-file rules) and CPython's ``ast`` nodes (the
whole-program facts, which need no libcst parse: program/facts.py) alike.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from twelvecheck.core.lazy import libcst as cst

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: "cst.BaseExpression | ast.expr") -> str | None:
    """``a.b.c`` for a Name/Attribute chain (libcst's or ``ast``'s), else None."""
    parts: list[str] = []
    if isinstance(node, ast.AST):
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))
    # type() rather than isinstance: libcst's classes are ABCs (slow to test), and these two
    # have no subclasses.
    attribute, name = cst.Attribute, cst.Name
    while type(node) is attribute:
        parts.append(node.attr.value)  # type: ignore[union-attr]
        node = node.value  # type: ignore[union-attr]
    if type(node) is not name:
        return None
    parts.append(node.value)  # type: ignore[union-attr]
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
        self._generation = 0  # changes whenever what a name means may change

    # -- building -------------------------------------------------------------------
    def scope_key(self) -> int:
        """An answer of ``qualify`` given under this key holds until it changes: a scope
        entered or left, a name bound."""
        return self._generation

    def push(self, kind: str) -> None:
        self._scopes.append(_Scope(kind))
        self._generation += 1

    def pop(self) -> None:
        self._scopes.pop()
        self._generation += 1

    def bind(self, name: str, qualified: str) -> None:
        self._scopes[-1].bindings[name] = qualified
        self._generation += 1

    def bind_definition(self, name: str) -> None:
        """A ``def`` or ``class`` in the current scope."""
        prefix = self.module_name if len(self._scopes) == 1 else f"{self.module_name}.<locals>"
        self.bind(name, f"{prefix}.{name}")

    def add_import(self, node: "cst.Import | cst.ImportFrom | ast.Import | ast.ImportFrom") -> None:
        """Bind the names an import statement binds; ``(name, asname)`` pairs from either tree."""
        if isinstance(node, ast.AST):
            pairs = [(alias.name, alias.asname) for alias in node.names]  # type: ignore[union-attr]
            if isinstance(node, ast.Import):
                self._bind_modules(pairs)
            else:
                self._bind_from(node.module or "", node.level, pairs)  # type: ignore[union-attr]
            return
        if isinstance(node.names, cst.ImportStar):
            return
        pairs = [(_module_expr_name(alias.name), dotted_name(alias.asname.name) if alias.asname else None)
                 for alias in node.names]  # type: ignore[union-attr]
        if isinstance(node, cst.Import):
            self._bind_modules(pairs)
        else:
            self._bind_from(_module_expr_name(node.module), len(node.relative), pairs)  # type: ignore[union-attr]

    def _bind_modules(self, pairs: list[tuple[str, str | None]]) -> None:
        for target, local in pairs:
            if local is not None:
                self.bind(local, target)
            else:
                # `import a.b.c` binds `a`; `a.b.c` then resolves through it.
                head = target.split(".", 1)[0]
                self.bind(head, head)

    def _bind_from(self, module: str, level: int, pairs: list[tuple[str, str | None]]) -> None:
        base = self._absolute_module(module, level)
        if base is None:
            return
        for imported, local in pairs:
            if imported == "*":
                return
            local = local or imported
            if local:
                self.bind(local, f"{base}.{imported}" if base else imported)

    def source_module(self, node: "ast.ImportFrom") -> str | None:
        """The absolute name of the module a ``from ... import`` statement reads."""
        return self._absolute_module(node.module or "", node.level) or None

    def _absolute_module(self, module: str, level: int) -> str | None:
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

    def qualify(self, node: "cst.BaseExpression | ast.expr") -> str | None:
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


# `try: ... except* E:` (ast.TryStar) is new in Python 3.11.
AST_TRY = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_AST_COMPOUND = (ast.If, *AST_TRY, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)


def collect_ast_module_bindings(tree: ast.Module, table: ImportTable) -> None:
    """``collect_module_bindings`` for CPython's tree: the same statements, the same order."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            table.add_import(stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            table.bind_definition(stmt.name)
        elif isinstance(stmt, _AST_COMPOUND):
            for block in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, block, ()))
            for handler in getattr(stmt, "handlers", ()):
                pending.extend(handler.body)


def _child_blocks(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements of a compound statement's blocks: its body, an ``elif`` (as the ``If``
    statement it is, whose own blocks follow when it is taken), ``else``, ``finally``, then
    the ``except`` blocks; the order ``ast``'s fields give (collect_ast_module_bindings)."""
    blocks: list[cst.BaseSuite] = []
    statements: list[cst.CSTNode] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        blocks.append(body)
    for attr in ("orelse", "finalbody"):
        extra = getattr(stmt, attr, None)
        if isinstance(extra, (cst.Else, cst.Finally)):
            blocks.append(extra.body)
    for handler in getattr(stmt, "handlers", ()):
        blocks.append(handler.body)
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            statements.extend(block.body)
        elif isinstance(block, cst.SimpleStatementSuite):
            statements.append(cst.SimpleStatementLine(body=block.body))
        if block is body and isinstance(getattr(stmt, "orelse", None), cst.If):
            statements.append(stmt.orelse)  # type: ignore[attr-defined]
    return statements
