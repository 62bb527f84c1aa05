"""Where a scheduler or timer goes between the statement that builds it and the one that starts
it, inside one module (TWC401's value model, on top of ``program/values/scopes.py``):

- a function that returns it (a factory): ``jobs = make_scheduler()`` holds what
  ``make_scheduler`` returns;
- an attribute of another object: ``app.jobs = BackgroundScheduler()`` in one function,
  ``app.jobs.start()`` in another, whatever the object is called there; and
  ``self.jobs.scheduler.start()`` on an object whose class set ``self.scheduler``;
- a parameter: what the module's calls of the function (or of the class, for ``__init__``)
  pass for it;
- what each function calls, to tell a timer that its own function arms again (a timer
  re-armed through another function or a nested one: ``Timer(i, tick)`` in ``arm``, and
  ``tick`` calls ``arm``).

The rule feeds it during the traversal (``record_*``) and asks once the module is walked.
"""

from __future__ import annotations

from typing import Callable, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import argument
from twelvecheck.program.values.scopes import ScopeModel, Site

_MAX_DEPTH = 6
_OWN = ("self", "cls")


class Flows:
    def __init__(self, model: ScopeModel, qualify: Callable[[cst.BaseExpression], str | None]) -> None:
        self.scopes, self.bindings = model.scopes, model.bindings
        self.qualify = qualify
        self.returns: dict[int, list[tuple[cst.BaseExpression, Site]]] = {}  # function id -> returned values
        self.attributes: dict[str, list[tuple[cst.BaseExpression, Site]]] = {}  # attribute name -> values
        # calls by the name called (``f(...)``, ``obj.f(...)``): the module's functions and classes
        self.calls: dict[str, list[tuple[cst.Call, Site]]] = {}
        self.called: dict[int, list[tuple[cst.BaseExpression, Site]]] = {}  # function id -> what it calls

    # -- fed by the traversal ---------------------------------------------------------
    def record_return(self, node: cst.Return) -> None:
        function = self.scopes.current_function()
        if function is not None and node.value is not None:
            self.returns.setdefault(id(function), []).append((node.value, self.scopes.site()))

    def record_assign(self, node: cst.Assign) -> None:
        for target in (t.target for t in node.targets):
            if isinstance(target, cst.Attribute):
                self.attributes.setdefault(target.attr.value, []).append((node.value, self.scopes.site()))

    def record_call(self, node: cst.Call) -> None:
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
    def values(self, node: cst.BaseExpression, site: Site, depth: int = 0,
               seen: set[int] | None = None) -> Iterator[cst.BaseExpression]:
        """What ``node`` may hold: the module's own bindings, then what a factory it was
        assigned from returns, what another object's attribute of that name was given, and
        what the module's callers pass for a parameter."""
        seen = set() if seen is None else seen
        if depth > _MAX_DEPTH or id(node) in seen:
            return
        seen.add(id(node))
        for value, at in self.bindings.located(node, site):
            yield value
            if isinstance(value, cst.Call):
                definition = self.scopes.resolve_callable(value.func, at, self.qualify)
                if isinstance(definition, cst.FunctionDef):
                    for returned, where in self.returns.get(id(definition), ()):
                        yield from self.values(returned, where, depth + 1, seen)
            elif isinstance(value, cst.Attribute) and not (
                    isinstance(value.value, cst.Name) and value.value.value in _OWN):
                for assigned, where in self.attributes.get(value.attr.value, ()):
                    yield from self.values(assigned, where, depth + 1, seen)
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
            if self.scopes.resolve_callable(call.func, at, self.qualify) is not callee and not (
                    is_method and callee is function and isinstance(call.func, cst.Attribute)):
                continue
            position = params.index(name) - (1 if is_method else 0) if name in params else -1
            passed = argument(call, position, name) if position >= 0 else argument(call, 10 ** 6, name)
            if passed is not None:
                yield from self.values(passed, at, depth + 1, seen)

    def reaches(self, start: cst.FunctionDef, goal: cst.FunctionDef, steps: int = 3) -> bool:
        """Whether running ``start`` calls ``goal`` (itself, or within a few calls)."""
        frontier, seen = [start], {id(start)}
        for _ in range(steps + 1):
            if any(function is goal for function in frontier):
                return True
            following = []
            for function in frontier:
                for func, at in self.called.get(id(function), ()):
                    found = self.scopes.resolve_callable(func, at, self.qualify)
                    if isinstance(found, cst.FunctionDef) and id(found) not in seen:
                        seen.add(id(found))
                        following.append(found)
            frontier = following
        return False
