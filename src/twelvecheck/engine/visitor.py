"""The one traversal of a file: a read-only walk that keeps the rules' shared state (the
statement stack, the import table's scopes, the enclosing functions and classes) and calls
every rule's ``visit_<Node>``/``leave_<Node>`` methods for the node types they name.

A rule that raises is switched off for the rest of the file (``on_error`` says so); the
other rules go on.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from twelvecheck.core.lazy import libcst as cst
from twelvecheck.engine.rule import FileContext, Rule
from twelvecheck.engine.walk import handles_punctuation, node_types, walk


@lru_cache(maxsize=None)
def _dispatch_names(rule_class: type[Rule]) -> tuple[tuple[str, str], ...]:
    """(node type name, method name) pairs for every visit_/leave_ method of a rule."""
    pairs = []
    for attr in dir(rule_class):
        for prefix in ("visit_", "leave_"):
            if attr.startswith(prefix) and callable(getattr(rule_class, attr)):
                pairs.append((prefix + attr[len(prefix):], attr))
    return tuple(pairs)


@lru_cache(maxsize=None)
def _types_of(*bases: type) -> frozenset[type]:
    """Node classes by exact type: isinstance against libcst's abstract bases is slow per node."""
    return frozenset(node_type for node_type in node_types() if issubclass(node_type, bases))


@lru_cache(maxsize=None)
def _types_by_name() -> dict[str, list[type]]:
    by_name: dict[str, list[type]] = {}
    for node_type in node_types():
        by_name.setdefault(node_type.__name__, []).append(node_type)
    return by_name


class BatchedVisitor:
    """Keeps scopes, imports and the statement stack, then calls every rule's methods."""

    def __init__(self, ctx: FileContext, rules: list[Rule], on_error: Callable[[Rule, BaseException], None]) -> None:
        self.ctx = ctx
        self.on_error = on_error
        by_name = _types_by_name()
        self.visitors: dict[type, list[tuple[Rule, Callable]]] = {}
        self.leavers: dict[type, list[tuple[Rule, Callable]]] = {}
        self.handled: set[str] = set()
        for rule in rules:
            for key, attr in _dispatch_names(type(rule)):
                table = self.visitors if key.startswith("visit_") else self.leavers
                type_name = key.split("_", 1)[1]
                self.handled.add(type_name)
                for node_type in by_name.get(type_name, ()):
                    table.setdefault(node_type, []).append((rule, getattr(rule, attr)))
        self.broken: set[int] = set()
        self.statement_types = _types_of(cst.SimpleStatementLine, cst.BaseCompoundStatement)
        self.import_types = _types_of(cst.Import, cst.ImportFrom)

    def run(self, module: cst.Module) -> None:
        walk(module, self.on_visit, self.on_leave, skip_punctuation=not handles_punctuation(self.handled))

    def _call(self, handlers: list[tuple[Rule, Callable]], node: cst.CSTNode) -> None:
        for rule, method in handlers:
            if id(rule) in self.broken:
                continue
            try:
                method(node)
            except Exception as exc:  # a rule bug must not cost the other rules
                self.broken.add(id(rule))
                self.on_error(rule, exc)

    def on_visit(self, node: cst.CSTNode) -> bool:
        ctx = self.ctx
        node_type = type(node)
        if node_type in self.statement_types:
            ctx.statements.append(node)
        elif node_type in self.import_types:
            ctx.imports.add_import(node)  # type: ignore[arg-type]
        if node_type is cst.FunctionDef:
            ctx.imports.bind_definition(node.name.value)  # type: ignore[attr-defined]
            ctx.imports.push("function")
            ctx.functions.append(node)  # type: ignore[arg-type]
        elif node_type is cst.ClassDef:
            ctx.imports.bind_definition(node.name.value)  # type: ignore[attr-defined]
            ctx.imports.push("class")
            ctx.classes.append(node)  # type: ignore[arg-type]
        handlers = self.visitors.get(node_type)
        if handlers:
            self._call(handlers, node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        node_type = type(original_node)
        handlers = self.leavers.get(node_type)
        if handlers:
            self._call(handlers, original_node)
        ctx = self.ctx
        if node_type is cst.FunctionDef:
            ctx.imports.pop()
            ctx.functions.pop()
        elif node_type is cst.ClassDef:
            ctx.imports.pop()
            ctx.classes.pop()
        if node_type in self.statement_types:
            ctx.statements.pop()


def load_parser() -> None:
    """Load libcst, its native parser and the node tables now, not on the first file: the
    runner calls this before its worker processes fork, so they share one import."""
    _types_of(cst.SimpleStatementLine, cst.BaseCompoundStatement)
    _types_of(cst.Import, cst.ImportFrom)
    cst.parse_module("")
