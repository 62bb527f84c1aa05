"""A read-only walk over a libcst tree, in the order libcst's own visitor uses.

``Module.visit`` rebuilds every node it passes (each ``_visit_and_replace_children`` calls the
node's constructor and validation), which costs as much as the parse itself. A linter only
reads the tree, so twelvecheck walks the dataclass fields instead and skips the fields that can
only hold whitespace and punctuation (``lpar``, ``comma``, ``whitespace_after_*``: about half
of all nodes); a rule that asks for such nodes gets libcst's own visit. The walk passes the same nodes to
``on_visit``/``on_leave`` in the same order as ``Module.visit``; tests/test_walk.py holds it to
that on the fixtures and the standard library.
"""

from __future__ import annotations

import dataclasses
import importlib
import typing
from functools import lru_cache
from typing import Callable, Iterable

from twelvecheck.core.lazy import libcst as cst


@lru_cache(maxsize=None)
def node_types() -> tuple[type[cst.CSTNode], ...]:
    """Every node class libcst exports (abstract bases included)."""
    module = importlib.import_module("libcst")  # the module itself: ``cst`` is lazy.libcst
    return tuple(value for value in vars(module).values()
                 if isinstance(value, type) and issubclass(value, module.CSTNode))


# Whitespace, comments, operators and brackets: nodes whose subtrees hold nothing but more of
# the same. Defined by the libcst modules that declare them, plus the bracket and marker nodes
# that live among the expressions.
_PUNCTUATION_MODULES = ("libcst._nodes.whitespace", "libcst._nodes.op")
_PUNCTUATION_EXTRA = (
    "LeftParen", "RightParen", "LeftSquareBracket", "RightSquareBracket", "LeftCurlyBrace",
    "RightCurlyBrace", "Asynchronous", "ParamSlash", "ParamStar",
)


@lru_cache(maxsize=None)
def punctuation_types() -> frozenset[type[cst.CSTNode]]:
    return frozenset(
        node_type for node_type in node_types()
        if node_type.__module__ in _PUNCTUATION_MODULES or node_type.__name__ in _PUNCTUATION_EXTRA
    )


# Where libcst's visitor does not follow the dataclass field order (it follows the source),
# the source order of the fields that hold more than punctuation. Fields not named here keep
# their dataclass order after these. tests/test_walk.py finds any type missing from this table.
_SOURCE_ORDER: dict[str, tuple[str, ...]] = {
    "Arg": ("keyword", "value"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "ExceptStarHandler": ("type", "name", "body"),
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
    "TypeAlias": ("name", "type_parameters", "value"),
}


def _annotation_classes(annotation: object) -> set[object]:
    """Every class an annotation admits (``Sequence[Union[A, B]]`` -> {A, B})."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return {annotation}
    if origin is typing.Literal:
        return {str}
    classes: set[object] = set()
    for argument in typing.get_args(annotation):
        classes |= _annotation_classes(argument)
    return classes


def _is_punctuation_only(annotation: object) -> bool:
    for admitted in _annotation_classes(annotation):
        if admitted in (str, bool, int, type(None), cst.MaybeSentinel):
            continue
        if not isinstance(admitted, type) or not issubclass(admitted, cst.CSTNode):
            return False  # unknown or unresolved: walk it, the runtime check decides
        if not any(issubclass(sub, admitted) and sub not in punctuation_types() for sub in node_types()):
            continue  # every node the field admits is punctuation
        return False
    return True


@lru_cache(maxsize=None)
def _child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    try:
        hints = typing.get_type_hints(node_type)
    except Exception:  # an annotation libcst cannot resolve itself: fall back to walking all
        hints = {}
    names = [
        field.name for field in dataclasses.fields(node_type)
        if not (field.name in hints and _is_punctuation_only(hints[field.name]))
    ]
    ordered = [name for name in _SOURCE_ORDER.get(node_type.__name__, ()) if name in names]
    return tuple(ordered + [name for name in names if name not in ordered])


def walk(root: cst.CSTNode, on_visit: Callable[[cst.CSTNode], bool],
         on_leave: Callable[[cst.CSTNode], None], skip_punctuation: bool = True,
         calls_for: "frozenset[type] | None" = None) -> None:
    """Call ``on_visit`` before and ``on_leave`` after each node's children, like
    ``CSTNode.visit`` with a ``CSTVisitor``; ``on_visit`` returning False skips the children.
    With ``calls_for``, only nodes of those types get the calls (the others are still
    walked through): about 40% of a module's nodes are ones no rule asks about.

    Recursion is one Python frame per tree level (libcst's visitor uses three), so it runs
    under the same recursion limit as before; RecursionError propagates to the caller.
    With ``skip_punctuation=False`` (a rule that reads comments or operators) it is libcst's
    own visit: the order of whitespace among the fields is libcst's to know.
    """
    if not skip_punctuation:
        callbacks = cst.CSTVisitor()
        callbacks.on_visit = on_visit  # type: ignore[method-assign]
        callbacks.on_leave = on_leave  # type: ignore[method-assign]
        root.visit(callbacks)
        return

    skipped = punctuation_types()
    kinds = _VALUE_KINDS

    def visit(node: cst.CSTNode) -> None:
        called = calls_for is None or type(node) in calls_for
        if not called or on_visit(node):
            for name in _child_fields(type(node)):
                value = getattr(node, name)
                kind = kinds.get(type(value)) or _value_kind(type(value))
                if kind is _NODE:
                    if type(value) not in skipped:
                        visit(value)
                elif kind is _SEQUENCE:
                    for item in value:
                        if (kinds.get(type(item)) or _value_kind(type(item))) is _NODE and type(item) not in skipped:
                            visit(item)
        if called:
            on_leave(node)

    visit(root)


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children in source order, without the whitespace and punctuation nodes the
    walk skips. ``CSTNode.children`` builds them through libcst's visitor, which validates
    every node again: for a rule that reads a function's body this costs many times more."""
    skipped = punctuation_types()
    kinds = _VALUE_KINDS
    found = []
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        kind = kinds.get(type(value)) or _value_kind(type(value))
        if kind is _NODE:
            if type(value) not in skipped:
                found.append(value)
        elif kind is _SEQUENCE:
            found.extend(item for item in value
                         if (kinds.get(type(item)) or _value_kind(type(item))) is _NODE and type(item) not in skipped)
    return found


# What a field's value is, by its type: a node, a sequence of them, or neither. libcst's
# node classes are ABCs, and isinstance against an ABC costs several times a dict lookup;
# the walk asks it about every field of every node.
_NODE, _SEQUENCE, _OTHER = "node", "sequence", "other"
_VALUE_KINDS: dict[type, str] = {}


def _value_kind(value_type: type) -> str:
    kind = _NODE if issubclass(value_type, cst.CSTNode) else \
        _SEQUENCE if issubclass(value_type, (list, tuple)) else _OTHER
    _VALUE_KINDS[value_type] = kind
    return kind


def handles_punctuation(type_names: Iterable[str]) -> bool:
    """Whether any of these node type names is one the walk skips by default."""
    names = set(type_names)
    return any(node_type.__name__ in names for node_type in punctuation_types())


def visit_readonly(root: cst.CSTNode, visitor: object) -> None:
    """``root.visit(visitor)`` for a visitor that only reads (a ``ReadOnlyVisitor`` or a
    ``CSTVisitor``): its ``visit_*``/``leave_*`` methods run in the same order, without libcst
    rebuilding every node on the way."""
    names = {name.split("_", 1)[1] for name in dir(visitor) if name.startswith(("visit_", "leave_"))}
    walk(root, visitor.on_visit, visitor.on_leave,  # type: ignore[attr-defined]
         skip_punctuation=not handles_punctuation(names))


class ReadOnlyVisitor:
    """The dispatch of ``libcst.CSTVisitor`` (``visit_<Node>`` may return False to skip the
    children; ``leave_<Node>`` after them) for ``visit_readonly``. Defining a subclass does
    not load libcst, which a module-level ``class X(cst.CSTVisitor)`` would."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        method = getattr(self, "visit_" + type(node).__name__, None)
        return method is None or method(node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        method = getattr(self, "leave_" + type(original_node).__name__, None)
        if method is not None:
            method(original_node)
