"""What a function's body does, itself or through the functions of the module it calls: the
part of the module model (``module_model.py``) that judges a helper by its body rather than
its name.

It reads the parsed module directly, so it answers during the traversal as well as after
it: a call ``f()`` reaches the module's function ``f`` (when the name is not imported), a
function defined in an enclosing function, and ``self.m()`` / ``cls.m()`` the method ``m``
of the enclosing class. A call on any other receiver, or to another module, reaches
nothing here (other modules' functions are the whole-program facts' business:
``program/project.py``).
"""

from __future__ import annotations

from typing import Callable, Iterator

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

MAX_DEPTH = 3
# The parent leaves: the calls that end the process.
EXIT_CALLS = knowledge.names("process", "exits", "calls")


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (nested functions and classes included)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(child_nodes(current)))


def calls_in(function: cst.FunctionDef) -> list[cst.Call]:
    return [n for n in walk(function.body) if isinstance(n, cst.Call)]


class FunctionBodies:
    """The functions and methods of one module, reached from call sites by what they call."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self._top: dict[str, cst.FunctionDef] | None = None
        self._classes: dict[str, dict[str, cst.FunctionDef]] = {}
        self._memo: dict[tuple[str, int], bool] = {}

    def _index(self) -> dict[str, cst.FunctionDef]:
        if self._top is None:
            self._top = {}
            for statement in self.ctx.module.body:
                if isinstance(statement, cst.FunctionDef):
                    self._top[statement.name.value] = statement
                elif isinstance(statement, cst.ClassDef):
                    self._classes[statement.name.value] = {
                        m.name.value: m for m in statement.body.body if isinstance(m, cst.FunctionDef)}
        return self._top

    def resolve(self, call: cst.Call, class_name: str | None,
                functions: "list[cst.FunctionDef] | tuple[cst.FunctionDef, ...]") -> cst.FunctionDef | None:
        """The function of this module ``call`` reaches. ``class_name``: the class of the
        method the call is in; ``functions``: the enclosing functions, outermost first."""
        top = self._index()
        func = call.func
        if isinstance(func, cst.Name):
            for outer in reversed(functions):
                for statement in outer.body.body:
                    if isinstance(statement, cst.FunctionDef) and statement.name.value == func.value:
                        return statement
            if func.value in top and self.ctx.qualify(func) == f"{self.ctx.module_name}.{func.value}":
                return top[func.value]
            return None
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value in ("self", "cls")):
            if class_name is not None:
                return self._classes.get(class_name, {}).get(func.attr.value)
        return None

    def class_of(self, function: cst.FunctionDef) -> str | None:
        """The class a method of this module belongs to."""
        self._index()
        for name, methods in self._classes.items():
            if methods.get(function.name.value) is function:
                return name
        return None

    def resolve_here(self, call: cst.Call) -> cst.FunctionDef | None:
        """``resolve`` at the node being visited."""
        classes = self.ctx.classes
        return self.resolve(call, classes[-1].name.value if classes else None, self.ctx.functions)

    def does(self, function: cst.FunctionDef, key: str, direct: Callable[[cst.CSTNode], bool],
             depth: int = 0) -> bool:
        """Whether the body of ``function`` has a node ``direct`` accepts, itself or through
        the module's functions it calls (at most MAX_DEPTH calls deep)."""
        memo_key = (key, id(function))
        if memo_key in self._memo:
            return self._memo[memo_key]
        self._memo[memo_key] = False  # recursion guard
        found = False
        class_name = self.class_of(function)
        for node in walk(function.body):
            if direct(node):
                found = True
                break
            if isinstance(node, cst.Call) and depth < MAX_DEPTH:
                callee = self.resolve(node, class_name, (function,))
                if callee is not None and callee is not function and self.does(callee, key, direct, depth + 1):
                    found = True
                    break
        self._memo[memo_key] = found
        return found

    # -- the behaviours the process rules ask about ------------------------------------
    def _is_exit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            return self.ctx.qualify(node.func) in EXIT_CALLS
        if isinstance(node, cst.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
            return self.ctx.qualify(exc) == "builtins.SystemExit"
        return False

    def exits(self, function: cst.FunctionDef) -> bool:
        """The body ends the process: ``sys.exit()``, ``os._exit()``, ``raise SystemExit``."""
        return self.does(function, "exits", self._is_exit)

    def forks(self, function: cst.FunctionDef) -> bool:
        return self.does(function, "forks", lambda n: isinstance(n, cst.Call) and self.ctx.qualify(n.func) == "os.fork")

    def setsids(self, function: cst.FunctionDef) -> bool:
        return self.does(function, "setsid",
                         lambda n: isinstance(n, cst.Call) and self.ctx.qualify(n.func) == "os.setsid")

    def is_fork_helper(self, function: cst.FunctionDef) -> bool:
        """Forks and lets the parent leave (exits, or makes the child a session leader)."""
        return self.forks(function) and (self.exits(function) or self.setsids(function))
