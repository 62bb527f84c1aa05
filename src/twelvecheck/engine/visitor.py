"""The one traversal of a file: a read-only walk that keeps the rules' shared state (the
statement stack, the import table's scopes, the enclosing functions and classes) and calls
every rule's ``visit_<Node>``/``leave_<Node>`` methods for the node types they name, those
of the models in its ``listeners``, and those of the shared models (``Rule.models``: first
on the way in, last on the way out; see rule.py).

A rule that raises, or one of its listeners, is switched off with them for the rest of the
file (``on_error`` says so); the other rules go on. A shared model that raises switches off
every rule that reads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

from twelvecheck.core.lazy import libcst as cst
from twelvecheck.engine.rule import FileContext, Rule
from twelvecheck.engine.walk import handles_punctuation, node_types, walk


@lru_cache(maxsize=None)
def _dispatch_names(handler_class: type, prefix: str) -> tuple[tuple[str, str], ...]:
    """(node type name, method name) for every method of a rule or listener class named ``prefix<Node>``."""
    return tuple((attr[len(prefix):], attr) for attr in dir(handler_class)
                 if attr.startswith(prefix) and callable(getattr(handler_class, attr)))


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

    def __init__(self, ctx: FileContext, rules: list[Rule], on_error: Callable[[Rule, BaseException], None],
                 models: Sequence[object] = ()) -> None:
        self.ctx = ctx
        self.on_error = on_error
        self.visitors: dict[type, list[tuple[object, Callable]]] = {}
        self.leavers: dict[type, list[tuple[object, Callable]]] = {}
        self.handled: set[str] = set()
        # A shared model sees a node before every rule and leaves it after all of them; its
        # error switches off the rules that read it.
        self.readers = {id(model): [rule for rule in rules if type(model) in rule.models] for model in models}
        for model in models:
            self._register(model, model, "visit_", self.visitors)
        for rule in rules:
            # A listener sees a node before its rule and leaves it after, so that in both
            # of the rule's methods the model already holds the node (a scope entered, not left).
            for handler in (*rule.listeners, rule):
                self._register(rule, handler, "visit_", self.visitors)
            for handler in (rule, *reversed(rule.listeners)):
                self._register(rule, handler, "leave_", self.leavers)
        for model in models:
            self._register(model, model, "leave_", self.leavers)
        self.broken: set[int] = set()
        self.statement_types = _types_of(cst.SimpleStatementLine, cst.BaseCompoundStatement)
        self.import_types = _types_of(cst.Import, cst.ImportFrom)

    def _register(self, owner: object, handler: object, prefix: str,
                  table: dict[type, list[tuple[object, Callable]]]) -> None:
        """Add ``handler``'s methods named ``prefix<Node>`` to ``table`` as ``owner``'s (a
        rule, or a shared model): its error stops them."""
        for type_name, attr in _dispatch_names(type(handler), prefix):
            self.handled.add(type_name)
            for node_type in _types_by_name().get(type_name, ()):
                table.setdefault(node_type, []).append((owner, getattr(handler, attr)))

    def run(self, module: cst.Module) -> None:
        # The nodes that need a call: those a rule or model handles, and those whose scope or
        # statement the context keeps.
        calls_for = frozenset({*self.visitors, *self.leavers, *self.statement_types, *self.import_types,
                               cst.FunctionDef, cst.ClassDef})
        walk(module, self.on_visit, self.on_leave, skip_punctuation=not handles_punctuation(self.handled),
             calls_for=calls_for)

    def _call(self, handlers: list[tuple[object, Callable]], node: cst.CSTNode) -> None:
        for owner, method in handlers:
            if id(owner) in self.broken:
                continue
            try:
                method(node)
            except Exception as exc:  # a rule bug must not cost the other rules
                self.broken.add(id(owner))
                for rule in self.readers.get(id(owner), [owner]):
                    if rule is owner or id(rule) not in self.broken:
                        self.broken.add(id(rule))
                        self.on_error(rule, exc)  # type: ignore[arg-type]

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
