"""The child processes a module starts, and the tests that look at them (for TWC105).

:class:`ChildProcesses` is fed by the traversal after the shared :class:`ModuleModel` (it
asks the model where a call is), collects every call that starts a child, and once the
module is walked (``resolve``) tells which values are children (a pid from ``os.fork()``,
a ``Popen``, a process object built here or returned by a function of the module, its
``.pid``), which tests look at their state (a liveness or exit check, the size of the
collection children are registered in and removed from, an attribute that holds a child
and is cleared when it exits), and which functions start children or run again and again. An object the code makes and
keeps in a table under its own pid (``self.procs[proc.pid] = proc``) is a child as well,
whatever class made it: only processes have pids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.checks.process._launch import callee_name
from twelvecheck.checks.process._supervision import RUN_FUNCTIONS, SPAWN_FUNCTIONS, START_FUNCTIONS
from twelvecheck.program.values.exprs import argument, subexpressions
from twelvecheck.program.values.module_model import CallSite, ModuleModel
from twelvecheck.program.values.scopes import Scope
from twelvecheck.engine.names import dotted_name

# Calls that fork this process, and classes whose start() runs a child process
# (knowledge/process.toml [children]).
FORK_FUNCTIONS = knowledge.names("process", "children", "fork-functions")
PROCESS_CLASSES = knowledge.names("process", "children", "process-classes")
LIVENESS_CALLS = frozenset({
    "is_alive", "is_running", "pid_exists", "waitpid", "wait3", "wait4", "waitid",
    "WIFEXITED", "WIFSIGNALED", "WEXITSTATUS", "WTERMSIG",
})
EXIT_STATUS_ATTRS = frozenset({"exitcode", "returncode"})
I = TypeVar("I")
T = TypeVar("T")


@dataclass(eq=False)
class Spawn:
    site: CallSite
    kind: str  # "fork", "start" (the child runs on), "run" (runs to completion), "process"
    receiver: cst.BaseExpression | None = None  # X of X.start()


class ChildProcesses:
    def __init__(self, ctx, model: ModuleModel) -> None:
        self.ctx = ctx
        self.model = model
        self.spawns: list[Spawn] = []
        self.starts: list[Spawn] = []  # X.start(): a spawn once X is known to be a process
        self.child_calls: set[int] = set()  # calls whose value is a child (pid or handle)
        self.constructions: set[int] = set()  # Process(...) calls
        self.local_constructions: list[tuple[cst.Call, str]] = []  # calls of this module's names
        self.class_bases: dict[str, list[str]] = {}  # this module's classes -> base names
        self.looks_at_exit: set[int] = set()  # scopes that check whether a child has exited
        # Objects kept in a table by their own pid (``self.procs[proc.pid] = proc``): what
        # the code made them with starts a process. (name, id(scope)) -> the calls assigned it.
        self.assigned_calls: dict[int, str] = {}
        self.made: dict[tuple[str, int], list[CallSite]] = {}
        self.kept_by_pid: set[tuple[str, int]] = set()

    # -- collecting: the traversal calls these (a rule's listener; the shared ModuleModel has seen the node first) --
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qualified = self.ctx.imports.lookup(node.name.value) or node.name.value
        self.class_bases[qualified] = [
            True if _is_process_class(base.value, self.ctx.qualify(base.value)) else self.ctx.qualify(base.value)
            for base in node.bases]

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target, value = node.targets[0].target, node.value
        if isinstance(target, cst.Name) and isinstance(value, cst.Call):
            self.assigned_calls[id(value)] = target.value
        elif (isinstance(target, cst.Subscript) and isinstance(value, cst.Name) and len(target.slice) == 1
              and isinstance(target.slice[0].slice, cst.Index)):
            key = target.slice[0].slice.value
            if isinstance(key, cst.Attribute) and key.attr.value == "pid" and \
                    isinstance(key.value, cst.Name) and key.value.value == value.value:
                self.kept_by_pid.add((value.value, id(self.model.scope)))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in EXIT_STATUS_ATTRS:
            self.looks_at_exit.add(id(self.model.scope))

    def visit_Call(self, node: cst.Call) -> None:
        assigned_to = self.assigned_calls.pop(id(node), None)
        if assigned_to is not None:
            self.made.setdefault((assigned_to, id(self.model.scope)), []).append(self.model.call_site(node))
        name = callee_name(node)
        if name in LIVENESS_CALLS or (name == "poll" and not node.args):
            self.looks_at_exit.add(id(self.model.scope))
        if name == "start" and isinstance(node.func, cst.Attribute) and not node.args:
            self.starts.append(Spawn(self.model.call_site(node), "process", node.func.value))
            return
        qualified = self.ctx.qualify(node.func) or ""
        kind = None
        if qualified in FORK_FUNCTIONS:
            kind = "fork"
        elif qualified in RUN_FUNCTIONS:
            kind = "run"
        elif qualified in SPAWN_FUNCTIONS:
            waits = self.ctx.qualify(argument(node, 0) or cst.Name("_")) == "os.P_WAIT"
            kind = "run" if waits else "start"
        elif qualified in START_FUNCTIONS or qualified.rsplit(".", 1)[-1] == "Popen":
            kind = "start"
        elif _is_process_class(node.func, qualified):
            self.constructions.add(id(node))
        elif qualified.startswith(self.ctx.module_name + "."):
            self.local_constructions.append((node, qualified))
        if kind is not None:
            self.child_calls.add(id(node))
            self.spawns.append(Spawn(self.model.call_site(node), kind))

    # -- answering, once the module has been walked -------------------------------------
    def resolve(self) -> None:
        model = self.model
        process_classes = _grow({name for name, bases in self.class_bases.items() if True in bases},
                                self.class_bases.items(), lambda item: item[0], lambda item, found: any(
                                    base in found for base in item[1] if isinstance(base, str)))
        self.constructions |= {id(call) for call, name in self.local_constructions if name in process_classes}
        self.returns_process = _grow(set(), model.function_scopes, id, lambda s, found: any(
            self.is_process(r, s, found) for r in s.returns))
        self.spawns += [start for start in self.starts
                        if self.is_process(start.receiver, start.site.scope, self.returns_process)]
        for key in self.kept_by_pid:
            for site in self.made.get(key, ()):
                if id(site.node) not in self.child_calls:
                    self.child_calls.add(id(site.node))
                    self.spawns.append(Spawn(site, "start"))
        spawners = {id(spawn.site.scope) for spawn in self.spawns}
        self.registries = {key for key, scopes in model.collection_puts.items()
                           if key in model.collection_removals and any(id(s) in spawners for s in scopes)}
        # An attribute that holds a child and is cleared where a child's exit is handled
        # (not merely initialised to None in __init__).
        self.holders = {key for scope in model.function_scopes for key, values in scope.assigned.items()
                        if "." in key and any(id(s) in self.looks_at_exit for s in model.cleared.get(key, ()))
                        and any(self.is_child(v, scope) for v in values)}
        # (call, function of this module it may reach) for each local call
        edges = [(call, callee) for call in model.local_calls for callee in model.resolve(call.node, call.scope)]
        # Functions that start a child, or call one that does ...
        self.spawning = _grow(set(spawners), edges, lambda edge: id(edge[0].scope),
                              lambda edge, found: id(edge[1]) in found)
        # ... and functions that run again and again: called in a loop, or from such a function.
        self.repeated = _grow(set(), edges, lambda edge: id(edge[1]), lambda edge, found: (
            id(edge[0].scope) in found or self.in_loop(edge[0])))

    def is_process(self, node: cst.BaseExpression, scope: Scope, returning: set[int]) -> bool:
        """A process object: Process(...) or what a function of this module returns."""
        for value, value_scope in self.model.values(node, scope):
            if isinstance(value, cst.Call) and (id(value) in self.constructions or any(
                    id(callee) in returning for callee in self.model.resolve(value, value_scope, loose=True))):
                return True
        return False

    def is_child(self, node: cst.BaseExpression, scope: Scope) -> bool:
        """A pid or handle of a child: os.fork(), Popen(...), a process object, its .pid."""
        for value, value_scope in self.model.values(node, scope):
            if isinstance(value, cst.Attribute) and value.attr.value == "pid":
                if self.is_child(value.value, value_scope):
                    return True
            elif id(value) in self.child_calls or self.is_process(value, value_scope, self.returns_process):
                return True
        return False

    def in_loop(self, site: CallSite) -> bool:
        """Inside a ``while`` loop that repeats, not one that fills the pool up."""
        return any(not self.about_children(loop.test, site.scope) for loop in site.loops())

    def about_children(self, test: cst.BaseExpression, scope: Scope) -> bool:
        """Whether a test looks at the children's state: alive, exited, how many, gone."""
        expressions = [test]
        for node in subexpressions(test):
            if isinstance(node, cst.Name):
                expressions += [value for value, _ in self.model.values(node, scope) if value is not node]
        for expression in expressions:
            for node in subexpressions(expression):
                if isinstance(node, cst.Call):
                    name = callee_name(node)
                    if name in LIVENESS_CALLS:
                        return True
                    if name == "poll" and not node.args and isinstance(node.func, cst.Attribute) \
                            and self.is_child(node.func.value, scope):
                        return True
                    if name == "len" and node.args and dotted_name(node.args[0].value) in self.registries:
                        return True
                    if any(id(callee) in self.looks_at_exit for callee in self.model.resolve(node, scope)):
                        return True
                elif isinstance(node, cst.Attribute):
                    if node.attr.value in EXIT_STATUS_ATTRS or dotted_name(node) in self.holders:
                        return True
        return False


def _grow(found: set[T], items: Iterable[I], key: Callable[[I], T], holds: Callable[[I, set[T]], bool]) -> set[T]:
    """``found`` with the key of every item that holds given what was found, pass after pass
    until a pass adds nothing: the classes that derive from a process class, the functions
    that return a process, that start children (through their calls), that run again and again."""
    changed = True
    while changed:
        changed = False
        for item in items:
            if key(item) not in found and holds(item, found):
                found.add(key(item))
                changed = True
    return found


def _is_process_class(func: cst.BaseExpression, qualified: str | None) -> bool:
    """``multiprocessing.Process`` and friends, or ``ctx.Process`` of a context object."""
    return qualified in PROCESS_CLASSES or (isinstance(func, cst.Attribute) and func.attr.value == "Process")
