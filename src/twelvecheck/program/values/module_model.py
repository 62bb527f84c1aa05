"""What the whole module tells about a value, for the self-supervision rules (TWC104, TWC105).

Both rules need facts that only the whole module tells: what a name or ``self.attr`` was
assigned anywhere in the class, what a function of this module returns, which functions a
call of ``self.method()`` or ``function()`` reaches, and whether a command is this program's
own command line. :class:`ModuleModel` collects them during the one traversal (qualified
names are resolved there, in the right scope), fed as a rule's listener (engine/rule.py),
and answers questions once the module is walked.

It records each function (and the module body) as a :class:`FunctionScope` and each call
it may need again as a :class:`CallSite`. Everything stays inside one module: calls are
resolved by name to functions defined in it, ``self.method()`` to the methods of the
enclosing class (or, failing that, any class here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

from twelvecheck.engine.names import dotted_name

# What a command-line expression may carry of this program's own command line.
PROGRAM = "program"      # the interpreter or script that runs us: sys.executable, sys.argv[0]
ARGUMENTS = "arguments"  # our arguments: sys.argv (or a slice of it)
SELF_COMMAND = frozenset({PROGRAM, ARGUMENTS})
SYS_SOURCES = {
    "sys.executable": frozenset({PROGRAM}),
    "sys._base_executable": frozenset({PROGRAM}),
    "sys.argv": SELF_COMMAND,
    "sys.orig_argv": SELF_COMMAND,
}
_SOURCE_ATTRS = frozenset(name.split(".", 1)[1] for name in SYS_SOURCES)

_MAX_DEPTH = 8


@dataclass(eq=False)
class FunctionScope:
    """A function of the module, or the module body itself: what it assigns and returns."""

    node: cst.CSTNode
    class_name: str  # the class this function is a method of; "" otherwise
    name: str
    assigned: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    returns: list[cst.BaseExpression] = field(default_factory=list)


@dataclass(eq=False)
class CallSite:
    """A call, where it is: its function and the statements that enclose it there."""

    node: cst.Call
    scope: FunctionScope
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


class ModuleModel:
    """What one module assigns, returns and calls; asked about values once it is walked."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.module_scope = FunctionScope(ctx.module, "", "<module>")
        self.scopes: list[FunctionScope] = [self.module_scope]
        self.by_name: dict[str, list[FunctionScope]] = {}
        self._stack: list[FunctionScope | str] = []  # enclosing functions and classes (by name)
        self.attributes: dict[str, list[tuple[cst.BaseExpression, FunctionScope]]] = {}
        self.local_calls: list[CallSite] = []  # calls of self.method() / function() of this module
        self.sources: dict[int, frozenset[str]] = {}  # id(expr) -> what of sys it names
        self.source_names: set[str] = set()  # local names imported from sys
        self.skip_names: set[int] = set()  # ids of Name nodes that are attribute names
        # Collections stored into (``c[k] = v``, ``c.append(v)``), and where.
        self.collection_puts: dict[str, list[FunctionScope]] = {}
        self.collection_removals: set[str] = set()
        self.cleared: dict[str, list[FunctionScope]] = {}  # targets assigned None/0/False/-1 or deleted
        self._memo: dict[tuple[int, int], frozenset[str]] = {}

    # -- collecting: the traversal calls these (the model is a rule's listener) ----------
    @property
    def scope(self) -> FunctionScope:
        for item in reversed(self._stack):
            if isinstance(item, FunctionScope):
                return item
        return self.module_scope

    def visit_Module(self, module: cst.Module) -> None:
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.ImportFrom):
                        self.note_import(small)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.note_import(node)

    def note_import(self, node: cst.ImportFrom) -> None:
        if node.relative or dotted_name(node.module or cst.Name("_")) != "sys" or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value in _SOURCE_ATTRS:
                local = alias.asname.name if alias.asname else alias.name
                if isinstance(local, cst.Name):
                    self.source_names.add(local.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._stack.append(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        class_name = self._stack[-1] if self._stack and isinstance(self._stack[-1], str) else ""
        scope = FunctionScope(node, class_name, node.name.value)
        self._stack.append(scope)
        self.scopes.append(scope)
        self.by_name.setdefault(scope.name, []).append(scope)

    def leave_ClassDef(self, node: cst.ClassDef | cst.FunctionDef) -> None:
        self._stack.pop()

    leave_FunctionDef = leave_ClassDef

    def site(self, node: cst.Call) -> CallSite:
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
        if name in _SOURCE_ATTRS:
            source = SYS_SOURCES.get(self.ctx.qualify(node) or "")
            if source:
                self.sources[id(node)] = source

    def visit_Assign(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign) -> None:
        if node.value is None:
            return
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            self._bind(target, node.value, replaces=not isinstance(node, cst.AugAssign))

    visit_AnnAssign = visit_AugAssign = visit_Assign

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

    def visit_Call(self, node: cst.Call) -> None:
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
                self.local_calls.append(self.site(node))
        elif isinstance(func, cst.Name):
            qualified = self.ctx.imports.lookup(func.value)
            if qualified is not None and qualified.startswith(self.ctx.module_name + "."):
                self.local_calls.append(self.site(node))

    # -- answering, once the module has been walked -------------------------------------
    def resolve(self, call: cst.Call, scope: FunctionScope, loose: bool = False) -> list[FunctionScope]:
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

    def values(self, node: cst.BaseExpression,
               scope: FunctionScope) -> Iterator[tuple[cst.BaseExpression, FunctionScope]]:
        """The expression itself, or what the name or ``self.attr`` it is was assigned
        (following names assigned from names; each name once)."""
        pending = [(node, scope, 0)]
        seen: set[tuple[str, int]] = set()
        while pending:
            current, current_scope, depth = pending.pop()
            key = _value_key(current)
            found = []
            if key and depth < _MAX_DEPTH and (key, id(current_scope)) not in seen:
                seen.add((key, id(current_scope)))
                found = self._assigned(key, current_scope)
            if not found:
                yield current, current_scope
            pending += [(value, value_scope, depth + 1) for value, value_scope in reversed(found)]

    def _assigned(self, key: str, scope: FunctionScope) -> list[tuple[cst.BaseExpression, FunctionScope]]:
        if "." in key:
            local = [(v, scope) for v in scope.assigned.get(key, ())]
            return local + [pair for pair in self.attributes.get(key, ()) if pair[1] is not scope]
        values = scope.assigned.get(key) or self.module_scope.assigned.get(key, ())
        owner = scope if key in scope.assigned else self.module_scope
        return [(v, owner) for v in values]

    def command_origin(self, node: cst.CSTNode, scope: FunctionScope, depth: int = 0) -> frozenset[str]:
        """What of this program's own command line (PROGRAM, ARGUMENTS) the value carries."""
        memo_key = (id(node), id(scope))
        if memo_key in self._memo:
            return self._memo[memo_key]
        if depth > _MAX_DEPTH:
            return frozenset()
        self._memo[memo_key] = frozenset()  # a cycle contributes nothing
        result = self._origin(node, scope, depth)
        self._memo[memo_key] = result
        return result

    def _origin(self, node: cst.CSTNode, scope: FunctionScope, depth: int) -> frozenset[str]:
        if id(node) in self.sources:
            return self.sources[id(node)]
        if isinstance(node, cst.Subscript):
            return _pick(self.command_origin(node.value, scope, depth + 1), node)
        if isinstance(node, (cst.Name, cst.Attribute)):
            key = dotted_name(node)
            if key is not None:
                found = self._assigned(key, scope)
                if found:
                    return _union(self.command_origin(v, s, depth + 1) for v, s in found)
                if isinstance(node, cst.Attribute):  # an attribute of a value built from argv
                    return self.command_origin(node.value, scope, depth + 1)
                return frozenset()
        result = frozenset()
        if isinstance(node, cst.Call):
            for callee in self.resolve(node, scope, loose=True):
                result |= _union(self.command_origin(r, callee, depth + 1) for r in callee.returns)
        if isinstance(node, (cst.Lambda, cst.FunctionDef)):
            return result
        return result | _union(self.command_origin(child, scope, depth + 1) for child in child_nodes(node))

    def is_self_command(self, node: cst.BaseExpression, scope: FunctionScope) -> bool:
        return self.command_origin(node, scope) >= SELF_COMMAND


def _value_key(node: cst.BaseExpression) -> str | None:
    """``name``, ``self.attr``, or ``items[]`` for any item of a collection ``items[i]``."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return dotted_name(node)
    if isinstance(node, cst.Subscript):
        base = dotted_name(node.value)
        return base + "[]" if base else None
    return None


def _union(sets: Any) -> frozenset[str]:
    result: frozenset[str] = frozenset()
    for item in sets:
        result |= item
    return result


def _pick(origin: frozenset[str], subscript: cst.Subscript) -> frozenset[str]:
    """``argv[0]`` is the program; ``argv[1:]`` and ``argv[2]`` are only arguments."""
    if len(subscript.slice) != 1:
        return origin
    index = subscript.slice[0].slice
    if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
        return origin & {PROGRAM} if index.value.evaluated_value == 0 else origin - {PROGRAM}
    if isinstance(index, cst.Slice) and isinstance(index.lower, cst.Integer) and index.lower.evaluated_value >= 1:
        return origin - {PROGRAM}
    return origin


def _is_empty_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("None", "False")
    if isinstance(node, cst.Integer):
        return node.evaluated_value == 0
    return isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer)
