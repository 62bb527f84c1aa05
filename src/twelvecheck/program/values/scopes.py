"""The scopes of a module and what their names are bound to, as Python scopes them.

An object is usually built in one statement and used in another, often in another method
(``self.scheduler = BackgroundScheduler()`` in ``__init__``, ``self.scheduler.start()`` in
``run``), and the function a thread runs may be defined below the thread. The module model
(``module_model.py``) keeps these two structures up to date during the one traversal, and
they are asked once the module has been walked:

- :class:`Scopes`: the stack of module/class/function scopes (:class:`Scope`), which
  functions and classes each defines, how deep inside loops the current function is, and
  where an expression is (:class:`Site`);
- :class:`Bindings`: what was assigned to a name or ``self.attr``, keyed so a use can be
  looked up from any later point (a method, a nested function, a ``global``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import argument
from twelvecheck.engine.names import dotted_name

MODULE_SCOPE = 0
_MAX_ALIAS_DEPTH = 4


@dataclass(eq=False)
class Scope:
    """The module body, a class body or a function: what it defines, and, for a function or
    the module, what it assigns and returns (keyed by dotted target: ``name``, ``self.attr``,
    ``items[]`` for any item of a collection)."""

    kind: str  # "module", "class" or "function"
    node: cst.CSTNode  # the Module, ClassDef or FunctionDef
    name: str = "<module>"
    class_name: str = ""  # the class a function is a method of; "" otherwise
    # Functions and classes defined directly in this scope, by name.
    definitions: dict[str, cst.FunctionDef | cst.ClassDef] = field(default_factory=dict)
    # Names declared ``global`` here: assignments to them bind at module level.
    globals: set[str] = field(default_factory=set)
    loop_depth: int = 0
    assigned: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    returns: list[cst.BaseExpression] = field(default_factory=list)

    @property
    def key(self) -> int:
        return MODULE_SCOPE if self.kind == "module" else id(self.node)


@dataclass(frozen=True)
class Site:
    """Where an expression was seen: the scopes needed to resolve its names later."""

    functions: tuple[int, ...]  # keys of the enclosing function scopes, innermost first
    lexical: tuple[int, ...]  # keys of the enclosing non-class scopes, innermost first, module last
    cls: int | None  # key of the class whose method this is, if any
    global_names: frozenset[str] = frozenset()


class Scopes:
    """The scope stack; ``enter``/``leave`` are called on each FunctionDef and ClassDef."""

    def __init__(self, module: cst.Module) -> None:
        self.stack: list[Scope] = [Scope("module", module)]
        self.by_key: dict[int, Scope] = {MODULE_SCOPE: self.stack[0]}
        # Each function/class node -> the scope it is defined in.
        self.parent_of: dict[int, Scope] = {}
        self._site: Site | None = None  # the current site, until the stack or its globals change

    def enter(self, node: cst.FunctionDef | cst.ClassDef) -> Scope:
        parent = self.stack[-1]
        parent.definitions.setdefault(node.name.value, node)
        self.parent_of[id(node)] = parent
        if isinstance(node, cst.ClassDef):
            scope = Scope("class", node, node.name.value)
        else:
            scope = Scope("function", node, node.name.value, parent.node.name.value if parent.kind == "class" else "")
        self.stack.append(scope)
        self.by_key[scope.key] = scope
        self._site = None
        return scope

    def leave(self) -> None:
        self.stack.pop()
        self._site = None

    def declare_global(self, names: Iterable[str]) -> None:
        self.current.globals.update(names)
        self._site = None

    @property
    def current(self) -> Scope:
        return self.stack[-1]

    @property
    def function_scope(self) -> Scope:
        """The innermost function (or the module): where a statement's names are bound."""
        for scope in reversed(self.stack):
            if scope.kind != "class":
                return scope
        return self.stack[0]

    def current_function(self) -> cst.FunctionDef | None:
        node = self.current.node
        return node if isinstance(node, cst.FunctionDef) else None

    def enclosing_class(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        """The class a function is a method of, if it is one."""
        parent = self.parent_of.get(id(function))
        return parent.node if parent is not None and parent.kind == "class" else None  # type: ignore[return-value]

    def site(self) -> Site:
        if self._site is None:
            self._site = self._make_site()
        return self._site

    def _make_site(self) -> Site:
        functions = tuple(s.key for s in reversed(self.stack) if s.kind == "function")
        lexical = (*functions, MODULE_SCOPE)
        cls = None
        function = self.current_function()
        if function is not None:
            owner = self.enclosing_class(function)
            cls = id(owner) if owner is not None else None
        return Site(functions, lexical, cls, frozenset(self.current.globals))

    def resolve_definition(self, name: str, site: Site) -> cst.FunctionDef | cst.ClassDef | None:
        """The function or class a bare name refers to from ``site`` (class bodies are
        not visible from their methods, as in Python)."""
        for key in site.lexical:
            definition = self.by_key[key].definitions.get(name)
            if definition is not None:
                return definition
        return None

    def resolve_method(self, name: str, site: Site) -> cst.FunctionDef | None:
        """``self.name`` from a method: a method of the same class."""
        if site.cls is None:
            return None
        definition = self.by_key[site.cls].definitions.get(name)
        return definition if isinstance(definition, cst.FunctionDef) else None

    def resolve_callable(self, target: cst.BaseExpression, site: Site,
                         qualify: Callable[[cst.BaseExpression], str | None]) -> cst.FunctionDef | cst.ClassDef | None:
        """The function or class of this module that calling ``target`` runs (a thread
        target: a name, ``self.method``, or one wrapped in a lambda or functools.partial)."""
        for value in alternatives(target):
            if isinstance(value, cst.Lambda) and isinstance(value.body, cst.Call):
                value = value.body.func
            elif isinstance(value, cst.Call) and (qualify(value.func) or "") == "functools.partial":
                value = argument(value, 0) or value
            if isinstance(value, cst.Name):
                return self.resolve_definition(value.value, site)
            if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
                return self.resolve_method(value.attr.value, site)
        return None


class Bindings:
    """Every value assigned to a name or ``self.attr``, in every scope."""

    def __init__(self) -> None:
        # (scope key, target) -> (value, where the assignment is) for each assignment
        self._values: dict[tuple[int, str], list[tuple[cst.BaseExpression, Site]]] = {}

    @staticmethod
    def _target_keys(target: str, site: Site) -> list[tuple[int, str]]:
        """Where a use of ``target`` could have been bound, innermost first."""
        if target.startswith(("self.", "cls.")) and site.cls is not None:
            return [(site.cls, target.split(".", 1)[1])]
        head = target.split(".", 1)[0]
        if head in site.global_names:
            return [(MODULE_SCOPE, target)]
        return [(key, target) for key in site.lexical]

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression, site: Site) -> None:
        name = dotted_name(target)
        if name is not None:
            self._values.setdefault(self._target_keys(name, site)[0], []).append((value, site))

    def values(self, node: cst.BaseExpression, site: Site, depth: int = 0) -> Iterator[cst.BaseExpression]:
        """What the expression may be: itself, or what its name was assigned in the
        nearest scope that assigns it (after the whole module has been walked), following
        ``b = a`` a few steps."""
        for value, _ in self.located(node, site, depth):
            yield value

    def located(self, node: cst.BaseExpression, site: Site,
                depth: int = 0) -> Iterator[tuple[cst.BaseExpression, Site]]:
        """``values``, each with the site its expression is at (a name that is not assigned,
        such as a parameter, is resolved there)."""
        name = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if name is None:
            for alternative in alternatives(node):
                yield alternative, site
            return
        for key in self._target_keys(name, site):
            if key in self._values and depth < _MAX_ALIAS_DEPTH:
                for value, assigned_at in self._values[key]:
                    for alternative in alternatives(value):
                        if isinstance(alternative, (cst.Name, cst.Attribute)):
                            yield from self.located(alternative, assigned_at, depth + 1)
                        else:
                            yield alternative, assigned_at
                return
        yield node, site


def alternatives(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """``a or b``, ``a if c else b``, ``await a``: the values the expression may take."""
    if isinstance(node, cst.BooleanOperation):
        yield from alternatives(node.left)
        yield from alternatives(node.right)
    elif isinstance(node, cst.IfExp):
        yield from alternatives(node.body)
        yield from alternatives(node.orelse)
    elif isinstance(node, cst.Await):
        yield from alternatives(node.expression)
    else:
        yield node


def assignment_targets(node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> list[cst.BaseExpression]:
    if isinstance(node, cst.Assign):
        return [t.target for t in node.targets]
    return [node.target]
