"""The module model: what one module binds, returns and calls, asked about values once the
module has been walked. Every rule that needs more than the node it visits reads it.

The engine builds one per file for the rules that list it in ``models`` (engine/rule.py)
and the one traversal feeds it before any rule sees a node, so a rule's ``leave_Module``
asks a model that holds the whole module. It keeps:

- the scopes (``scopes.py``): :class:`Scope` per module, class and function, with what
  each function assigns (``name``, ``self.attr``, ``items[]``) and returns, and a
  :class:`Site` for where an expression is;
- the bindings as Python scopes them (``bindings.located``: a name in a method, a nested
  function, under ``global``) and, module-wide, ``values``: what a name or ``self.attr``
  was assigned in the function or anywhere in the module's classes;
- the calls: of the module's own functions and methods (``local_calls``, ``resolve``) and by
  the name called (``flows.py``: factories, attributes of other objects, parameters bound
  at the module's calls, ``reaches``);
- the collections stored into and emptied, and the targets cleared (``None``, ``del``);
- what of ``sys.argv``/``sys.executable`` a value carries (``origins.py``);
- what a function's body does, through the functions it calls (``bodies``:
  :class:`FunctionBodies`, which reads the tree itself and also answers during the walk).

Everything stays inside one module; other modules are the whole-program facts' business
(``program/facts.py``, ``program/project.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.names import dotted_name
from twelvecheck.program.values.bodies import FunctionBodies
from twelvecheck.program.values.flows import Flows
from twelvecheck.program.values.origins import SOURCE_ATTRS, SYS_SOURCES, CommandOrigins
from twelvecheck.program.values.scopes import Bindings, Scope, Scopes, assignment_targets

if TYPE_CHECKING:
    from twelvecheck.engine.rule import FileContext

_MAX_DEPTH = 8


@dataclass(eq=False)
class CallSite:
    """A call, where it is: its function and the statements that enclose it there."""

    node: cst.Call
    scope: Scope  # its function, or the module
    # The function's def (or the module) first, then each enclosing statement inwards.
    path: tuple[cst.CSTNode, ...]

    @property
    def statement(self) -> cst.CSTNode:
        """The statement the call is in: a finding reported from after the walk names it,
        so that suppression comments on its first line apply."""
        return self.path[-1]

    def loops(self) -> list[cst.While]:
        """The enclosing ``while`` loops of its function, outermost first."""
        return [statement for statement in self.path[1:] if isinstance(statement, cst.While)]

    def guards(self) -> list[cst.BaseExpression]:
        """The tests it runs under: enclosing if/while tests, and earlier
        ``if test: return/continue/break/raise`` statements in each enclosing block."""
        tests = []
        for parent, child in zip(self.path, self.path[1:]):
            if isinstance(parent, (cst.If, cst.While)):
                tests.append(parent.test)
            for sibling in _preceding(parent, child):
                if isinstance(sibling, cst.If) and sibling.orelse is None and _ends_in_exit(sibling.body):
                    tests.append(sibling.test)
        return tests


def _preceding(parent: cst.CSTNode, child: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements before ``child`` in the block of ``parent`` that holds it."""
    blocks = [parent.body] if isinstance(parent, cst.Module) else []
    for suite in (getattr(parent, "body", None), getattr(getattr(parent, "orelse", None), "body", None),
                  getattr(getattr(parent, "finalbody", None), "body", None),
                  *(handler.body for handler in getattr(parent, "handlers", ()))):
        if isinstance(suite, cst.IndentedBlock):
            blocks.append(suite.body)
    for block in blocks:
        for index, statement in enumerate(block):
            if statement is child:
                return list(block[:index])
    return []


def _ends_in_exit(suite: cst.BaseSuite) -> bool:
    last = suite.body[-1] if isinstance(suite, cst.IndentedBlock) and suite.body else suite
    smalls = last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    return any(isinstance(small, (cst.Return, cst.Continue, cst.Break, cst.Raise)) for small in smalls)


class ModuleModel(Flows, CommandOrigins):
    """One module's scopes, bindings, returns and calls; fed by the traversal, asked after it."""

    def __init__(self, ctx: "FileContext") -> None:
        Flows.__init__(self)
        self.ctx = ctx
        self.scopes = Scopes(ctx.module)
        self.bindings = Bindings()
        self.bodies = FunctionBodies(ctx)
        self.module_scope = self.scopes.stack[0]
        self.function_scopes: list[Scope] = [self.module_scope]  # the module body and every function
        self.by_name: dict[str, list[Scope]] = {}
        self.attributes: dict[str, list[tuple[cst.BaseExpression, Scope]]] = {}
        self.local_calls: list[CallSite] = []  # calls of self.method() / function() of this module
        self.sources: dict[int, frozenset[str]] = {}  # id(expr) -> what of sys it names
        self.source_names: set[str] = set()  # local names imported from sys
        self.skip_names: set[int] = set()  # ids of Name nodes that are attribute names
        # Collections stored into (``c[k] = v``, ``c.append(v)``), and where.
        self.collection_puts: dict[str, list[Scope]] = {}
        self.collection_removals: set[str] = set()
        self.cleared: dict[str, list[Scope]] = {}  # targets assigned None/0/False/-1 or deleted
        self._origin_memo: dict[tuple[int, int], frozenset[str]] = {}

    # -- collecting: the traversal calls these, before any rule sees the node -------------
    @property
    def scope(self) -> Scope:
        """The function being walked, or the module."""
        return self.scopes.function_scope

    def visit_Module(self, module: cst.Module) -> None:
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.ImportFrom):
                        self._note_import(small)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._note_import(node)

    def _note_import(self, node: cst.ImportFrom) -> None:
        if node.relative or dotted_name(node.module or cst.Name("_")) != "sys" or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value in SOURCE_ATTRS:
                local = alias.asname.name if alias.asname else alias.name
                if isinstance(local, cst.Name):
                    self.source_names.add(local.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.enter(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self.scopes.enter(node)
        self.function_scopes.append(scope)
        self.by_name.setdefault(scope.name, []).append(scope)

    def leave_ClassDef(self, node: cst.ClassDef | cst.FunctionDef) -> None:
        self.scopes.leave()

    leave_FunctionDef = leave_ClassDef

    def visit_While(self, node: cst.While | cst.For) -> None:
        self.scopes.current.loop_depth += 1

    def leave_While(self, node: cst.While | cst.For) -> None:
        self.scopes.current.loop_depth -= 1

    visit_For, leave_For = visit_While, leave_While

    def visit_Global(self, node: cst.Global) -> None:
        self.scopes.declare_global(item.name.value for item in node.names)

    def call_site(self, node: cst.Call) -> CallSite:
        """The call being visited, with its function and the statements around it."""
        scope = self.scope
        statements = self.ctx.statements
        if scope is self.module_scope:
            return CallSite(node, scope, (scope.node, *statements))
        for index in range(len(statements) - 1, -1, -1):
            if statements[index] is scope.node:
                return CallSite(node, scope, tuple(statements[index:]))
        return CallSite(node, scope, (scope.node,))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.source_names and id(node) not in self.skip_names:
            source = SYS_SOURCES.get(self.ctx.qualify(node) or "")
            if source:
                self.sources[id(node)] = source

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name in self.source_names:
            self.skip_names.add(id(node.attr))
        if name in SOURCE_ATTRS:
            source = SYS_SOURCES.get(self.ctx.qualify(node) or "")
            if source:
                self.sources[id(node)] = source

    def visit_Assign(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> None:
        if node.value is None:
            return
        targets = assignment_targets(node)
        for target in targets:
            self._bind(target, node.value, replaces=not isinstance(node, cst.AugAssign))
        if not isinstance(node, cst.AugAssign):
            site = self.scopes.site()
            for target in targets:
                self.bindings.bind(target, node.value, site)
        if isinstance(node, cst.Assign):
            self._record_store(node)

    visit_AnnAssign = visit_AugAssign = visit_Assign

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, (cst.Name, cst.Attribute)):
            self.bindings.bind(node.asname.name, node.item, self.scopes.site())

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression, replaces: bool) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if not isinstance(element, cst.StarredElement):
                    self._bind(element.value, value, replaces)
            return
        if isinstance(target, cst.Subscript):
            key = dotted_name(target.value)
            if key is None:
                return
            self.collection_puts.setdefault(key, []).append(self.scope)
            key += "[]"  # what the collection's items were assigned
        else:
            key = dotted_name(target)
        if key is None:
            return
        scope = self.scope
        scope.assigned.setdefault(key, []).append(value)
        if "." in key:
            self.attributes.setdefault(key, []).append((value, scope))
        if replaces and _is_empty_literal(value):
            self.cleared.setdefault(key, []).append(scope)

    def visit_Del(self, node: cst.Del) -> None:
        targets = [e.value for e in node.target.elements] if isinstance(node.target, (cst.Tuple, cst.List)) else [node.target]
        for target in targets:
            if isinstance(target, cst.Subscript):
                key = dotted_name(target.value)
                if key:
                    self.collection_removals.add(key)
            else:
                key = dotted_name(target)
                if key:
                    self.cleared.setdefault(key, []).append(self.scope)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.scope.returns.append(node.value)
            self._record_return(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        self._record_call(node)
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = dotted_name(func.value)
            method = func.attr.value
            if receiver is not None:
                if method in ("append", "appendleft", "add", "insert", "setdefault", "extend"):
                    self.collection_puts.setdefault(receiver, []).append(self.scope)
                    if node.args and method in ("append", "insert", "extend"):
                        # sys.argv copies grown in place: args.insert(0, sys.executable)
                        self.scope.assigned.setdefault(receiver, []).append(node.args[-1].value)
                elif method in ("pop", "popitem", "remove", "discard", "clear", "popleft"):
                    self.collection_removals.add(receiver)
            if isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
                self.local_calls.append(self.call_site(node))
        elif isinstance(func, cst.Name):
            qualified = self.ctx.imports.lookup(func.value)
            if qualified is not None and qualified.startswith(self.ctx.module_name + "."):
                self.local_calls.append(self.call_site(node))

    # -- answering, once the module has been walked -------------------------------------
    def resolve(self, call: cst.Call, scope: Scope, loose: bool = False) -> list[Scope]:
        """The functions of this module a call may reach: ``f()`` the functions named f,
        ``self.m()`` the methods named m of the caller's class (else of any class), and
        with ``loose``, ``anything.m()`` any method named m."""
        func = call.func
        if isinstance(func, cst.Name):
            return [s for s in self.by_name.get(func.value, ()) if not s.class_name]
        if not isinstance(func, cst.Attribute):
            return []
        methods = [s for s in self.by_name.get(func.attr.value, ()) if s.class_name]
        if isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            own = [s for s in methods if s.class_name == scope.class_name]
            return own or methods
        return methods if loose else []

    def values(self, node: cst.BaseExpression, scope: Scope) -> Iterator[tuple[cst.BaseExpression, Scope]]:
        """The expression itself, or what the name or ``self.attr`` it is was assigned, in
        its function, the module, or (for an attribute) any function of the module
        (following names assigned from names; each name once)."""
        pending = [(node, scope, 0)]
        seen: set[tuple[str, int]] = set()
        while pending:
            current, current_scope, depth = pending.pop()
            key = _value_key(current)
            found = []
            if key and depth < _MAX_DEPTH and (key, id(current_scope)) not in seen:
                seen.add((key, id(current_scope)))
                found = self.assigned_anywhere(key, current_scope)
            if not found:
                yield current, current_scope
            pending += [(value, value_scope, depth + 1) for value, value_scope in reversed(found)]

    def assigned_anywhere(self, key: str, scope: Scope) -> list[tuple[cst.BaseExpression, Scope]]:
        """What ``key`` was assigned in ``scope`` or the module, and for ``obj.attr`` in
        every other function as well."""
        if "." in key:
            local = [(v, scope) for v in scope.assigned.get(key, ())]
            return local + [pair for pair in self.attributes.get(key, ()) if pair[1] is not scope]
        values = scope.assigned.get(key) or self.module_scope.assigned.get(key, ())
        owner = scope if key in scope.assigned else self.module_scope
        return [(v, owner) for v in values]


def _value_key(node: cst.BaseExpression) -> str | None:
    """``name``, ``self.attr``, or ``items[]`` for any item of a collection ``items[i]``."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return dotted_name(node)
    if isinstance(node, cst.Subscript):
        base = dotted_name(node.value)
        return base + "[]" if base else None
    return None


def _is_empty_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("None", "False")
    if isinstance(node, cst.Integer):
        return node.evaluated_value == 0
    return isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer)
