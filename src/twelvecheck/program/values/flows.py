"""Where an object goes between the statement that builds it and the one that uses it, inside
one module: the part of the module model (``module_model.py``) that follows a value

- out of a function that returns it (a factory): ``jobs = make_scheduler()`` holds what
  ``make_scheduler`` returns;
- through an attribute of another object: ``app.jobs = BackgroundScheduler()`` in one
  function, ``app.jobs.start()`` in another, whatever the object is called there; and
  ``self.jobs.scheduler.start()`` on an object whose class set ``self.scheduler``;
- into a parameter: what the module's calls of the function (or of the class, for
  ``__init__``) pass for it;

and which functions a function calls, a few calls deep (a timer re-armed through another
function or a nested one). Bounds: MAX_DEPTH steps of value following, REACH_STEPS calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import argument
from twelvecheck.program.values.scopes import Bindings, Scopes, Site

if TYPE_CHECKING:
    from twelvecheck.engine.rule import FileContext

MAX_DEPTH = 6
REACH_STEPS = 3
_OWN = ("self", "cls")

class Flows:
    """The recorded returns, attribute stores and calls, and the questions asked of them. The
    module model inherits it; it keeps ``scopes`` and ``bindings`` up to date."""

    ctx: "FileContext"
    scopes: Scopes
    bindings: Bindings

    def __init__(self) -> None:
        self.returned: dict[int, list[tuple[cst.BaseExpression, Site]]] = {}  # function id -> returned values
        self.stored: dict[str, list[tuple[cst.BaseExpression, Site]]] = {}  # attribute name -> values
        # calls by the name called (``f(...)``, ``obj.f(...)``): the module's functions and classes
        self.calls: dict[str, list[tuple[cst.Call, Site]]] = {}
        self.called: dict[int, list[tuple[cst.BaseExpression, Site]]] = {}  # function id -> what it calls

    # -- fed by the model's traversal methods --------------------------------------------
    def _record_return(self, value: cst.BaseExpression) -> None:
        function = self.scopes.current_function()
        if function is not None:
            self.returned.setdefault(id(function), []).append((value, self.scopes.site()))

    def _record_store(self, node: cst.Assign) -> None:
        for target in (t.target for t in node.targets):
            if isinstance(target, cst.Attribute):
                self.stored.setdefault(target.attr.value, []).append((node.value, self.scopes.site()))

    def _record_call(self, node: cst.Call) -> None:
        func = node.func
        name = func.value if isinstance(func, cst.Name) else (
            func.attr.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) else None)
        if name is not None:
            site = self.scopes.site()
            self.calls.setdefault(name, []).append((node, site))
            function = self.scopes.current_function()
            if function is not None:
                self.called.setdefault(id(function), []).append((func, site))

    # -- questions, once the module is walked ------------------------------------------
    def callable_at(self, target: cst.BaseExpression, site: Site) -> cst.FunctionDef | cst.ClassDef | None:
        """The function or class of this module that calling ``target`` from ``site`` runs."""
        return self.scopes.resolve_callable(target, site, self.ctx.qualify)

    def holds(self, node: cst.BaseExpression, site: Site, depth: int = 0,
              seen: set[int] | None = None) -> Iterator[cst.BaseExpression]:
        """What ``node`` may hold: the module's own bindings, then what a factory it was
        assigned from returns, what another object's attribute of that name was given, and
        what the module's callers pass for a parameter."""
        seen = set() if seen is None else seen
        if depth > MAX_DEPTH or id(node) in seen:
            return
        seen.add(id(node))
        for value, at in self.bindings.located(node, site):
            yield value
            if isinstance(value, cst.Call):
                definition = self.callable_at(value.func, at)
                if isinstance(definition, cst.FunctionDef):
                    for returned, where in self.returned.get(id(definition), ()):
                        yield from self.holds(returned, where, depth + 1, seen)
            elif isinstance(value, cst.Attribute) and not (
                    isinstance(value.value, cst.Name) and value.value.value in _OWN):
                for assigned, where in self.stored.get(value.attr.value, ()):
                    yield from self.holds(assigned, where, depth + 1, seen)
            elif isinstance(value, cst.Name) and at.functions:
                yield from self._passed_for(value.value, at, depth, seen)

    def _passed_for(self, name: str, site: Site, depth: int, seen: set[int]) -> Iterator[cst.BaseExpression]:
        """What the module's calls pass for parameter ``name`` of the function at ``site``."""
        function = self.scopes.by_key[site.functions[0]].node
        if not isinstance(function, cst.FunctionDef):
            return
        params = [p.name.value for p in function.params.params]
        if name not in params and name not in (p.name.value for p in function.params.kwonly_params):
            return
        owner = self.scopes.enclosing_class(function)
        is_method = owner is not None and params[:1] in (["self"], ["cls"])
        callee = owner if owner is not None and function.name.value == "__init__" else function
        for call, at in self.calls.get(callee.name.value, ()):
            # ``obj.method(...)`` on another object is taken for a call of the method by its name.
            if self.callable_at(call.func, at) is not callee and not (
                    is_method and callee is function and isinstance(call.func, cst.Attribute)):
                continue
            position = params.index(name) - (1 if is_method else 0) if name in params else -1
            passed = argument(call, position, name) if position >= 0 else argument(call, 10 ** 6, name)
            if passed is not None:
                yield from self.holds(passed, at, depth + 1, seen)

    def reaches(self, start: cst.FunctionDef, goal: cst.FunctionDef, steps: int = REACH_STEPS) -> bool:
        """Whether running ``start`` calls ``goal`` (itself, or within ``steps`` calls)."""
        frontier, seen = [start], {id(start)}
        for _ in range(steps + 1):
            if any(function is goal for function in frontier):
                return True
            following = []
            for function in frontier:
                for func, at in self.called.get(id(function), ()):
                    found = self.callable_at(func, at)
                    if isinstance(found, cst.FunctionDef) and id(found) not in seen:
                        seen.add(id(found))
                        following.append(found)
            frontier = following
        return False
