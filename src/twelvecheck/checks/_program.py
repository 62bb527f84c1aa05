"""Per-file facts about the program's shape, for the whole-program signal rules.

For each code unit of a file — a function or method, the module body, the
``if __name__ == "__main__":`` block — it records what the unit calls (qualified names,
project-internal or not), the loops and blocking waits that keep a process alive, the
SIGTERM/SIGINT handlers it installs, whether it catches KeyboardInterrupt, and whether it
talks to a person (``input()``, a GUI main loop). ``project.py`` joins these into a call
graph; the signal rules read it. Calls are resolved by qualified name only: dynamic
dispatch, plugins and callbacks registered by string are not followed.
"""

from __future__ import annotations

from typing import Any

from twelvecheck.lazy import libcst as cst

from twelvecheck.checks._dataflow import AssignedValues
from twelvecheck.checks._exprs import argument, string_value
from twelvecheck.checks._shutdown import BLOCKING_CALLS
from twelvecheck.checks._signals import handler_kind, signals_of
from twelvecheck.checks._sigterm_fix import main_block_facts
from twelvecheck.names import dotted_name
from twelvecheck.rule import FactCollector
from twelvecheck.walk import ReadOnlyVisitor, visit_readonly

# Method names whose call blocks for good: a server or an event loop's main loop.
BLOCKING_METHODS = frozenset({"serve_forever", "run_forever", "start_consuming"})
# Iterating over these keeps reading messages until the connection closes.
CONSUMING_METHODS = frozenset({"listen", "consume"})
CONSUMER_CLASSES = frozenset({"kafka.KafkaConsumer", "aiokafka.AIOKafkaConsumer"})
INTERACTIVE_CALLS = frozenset({
    "builtins.input", "code.interact", "IPython.embed", "curses.wrapper", "pdb.set_trace",
})
INTERACTIVE_METHODS = frozenset({"cmdloop", "mainloop", "interact"})
GUI_APPLICATIONS = ("QApplication", "QCoreApplication", "QGuiApplication")
SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep", "eventlet.sleep"})
WAITING_METHODS = frozenset({"wait", "poll", "select", "accept", "recv", "recvfrom", "sleep"})
# A loop inside `try:` that catches these ends by the exception: it is not a service loop.
ENDING_EXCEPTIONS = frozenset({"builtins.StopIteration", "builtins.EOFError", "queue.Empty", "builtins.StopAsyncIteration"})


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [s for s in sides if string_value(s) == "__main__"]
    return len(names) == 1 and len(strings) == 1


class _Unit:
    def __init__(self, kind: str, at: cst.CSTNode | None) -> None:
        self.kind = kind
        self.at = at
        self.calls: set[str] = set()
        self.loops: list[tuple[cst.CSTNode, str]] = []
        self.sigterm: list[cst.CSTNode] = []
        self.sigint = False
        self.catches_interrupt = False
        self.interactive = False

    def to_facts(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": self.at,
            "calls": sorted(self.calls),
            "loops": [[node, text] for node, text in self.loops],
            "sigterm": self.sigterm,
            "sigint": self.sigint,
            "catches_interrupt": self.catches_interrupt,
            "interactive": self.interactive,
        }


class ProgramFacts(FactCollector):
    key = "program"

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        module = ctx.module_name
        self.units: dict[str, _Unit] = {f"{module}.<module>": _Unit("module", None)}
        self.stack: list[str] = [f"{module}.<module>"]
        self.classes: dict[str, list[str]] = {}
        self.class_stack: list[str] = []
        self.loop_signals: dict[str, set[str]] = {}
        self.assigned = AssignedValues(ctx)
        self.main_block: cst.If | None = None
        self.main_fix: dict[str, Any] | None = None  # what TWC303's fix needs (_sigterm_fix.py)
        self.try_stack: list[set[str]] = []

    # -- units ---------------------------------------------------------------------
    @property
    def unit(self) -> _Unit:
        return self.units[self.stack[-1]]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # ctx.functions already holds this def (the engine pushes before rules run).
        in_class_body = bool(self.class_stack) and len(self.ctx.functions) == 1
        if in_class_body:
            qualname = f"{self.class_stack[-1]}.{node.name.value}"
        elif len(self.ctx.functions) == 1:
            qualname = f"{self.ctx.module_name}.{node.name.value}"
        else:
            qualname = f"{self.ctx.module_name}.<locals>.{node.name.value}"
        # A function's position is needed only if it may be reported: console-script targets.
        at = node.name if qualname in self.ctx.entry_functions else None
        self.units[qualname] = _Unit("function", at)
        self.stack.append(qualname)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.ctx.functions:
            qualname = f"{self.ctx.module_name}.<locals>.{node.name.value}"
        elif self.class_stack:
            qualname = f"{self.class_stack[-1]}.{node.name.value}"
        else:
            qualname = f"{self.ctx.module_name}.{node.name.value}"
        self.classes[qualname] = [q for base in node.bases if (q := self.ctx.qualify(base.value))]
        self.class_stack.append(qualname)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.pop()

    def visit_If(self, node: cst.If) -> None:
        if self.main_block is None and not self.ctx.functions and not self.ctx.classes and _is_main_guard(node.test):
            self.main_block = node
            self.main_fix = main_block_facts(node, self.ctx)
            unit = f"{self.ctx.module_name}.<main>"
            self.units[unit] = _Unit("main", node.test)
            # The block runs after the module body: that code is part of the program.
            self.units[unit].calls.add(f"{self.ctx.module_name}.<module>")
            self.stack.append(unit)

    def leave_If(self, node: cst.If) -> None:
        if node is self.main_block:
            self.stack.pop()

    # -- names and calls -----------------------------------------------------------
    def _callee(self, func: cst.BaseExpression) -> str | None:
        """The qualified name a call target resolves to, or None."""
        if isinstance(func, cst.Attribute):
            owner, method = func.value, func.attr.value
            if isinstance(owner, cst.Name) and owner.value in ("self", "cls") and self.class_stack:
                return f"{self.class_stack[-1]}.{method}"
            if isinstance(owner, cst.Call):
                made = self.ctx.qualify(owner.func)
                if made:
                    # C().m() calls a method of C; f().m() a method of whatever f returns.
                    last = made.rsplit(".", 1)[-1]
                    return f"{made}.{method}" if last[:1].isupper() else f"{made}().{method}"
                return None
            if isinstance(owner, (cst.Name, cst.Attribute)):
                for value in self.assigned.values(owner):
                    if isinstance(value, cst.Call):
                        made = self.ctx.qualify(value.func)
                        if made:
                            last = made.rsplit(".", 1)[-1]
                            return f"{made}.{method}" if last[:1].isupper() else f"{made}().{method}"
        return self.ctx.qualify(func)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigned.record_assign(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.assigned.record_assign(node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.assigned.record_with_item(node)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if name:
                self._imports(name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            qualified = self.ctx.imports.lookup(dotted_name(alias.asname.name) if alias.asname else alias.name.value)  # type: ignore[arg-type]
            if qualified:
                self._imports(qualified.rsplit(".", 1)[0])
                self._imports(qualified)  # the name may itself be a module

    def _imports(self, module: str) -> None:
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            self.unit.calls.add(".".join(parts[:end]) + ".<module>")

    def visit_Call(self, node: cst.Call) -> None:
        unit = self.unit
        callee = self._callee(node.func)
        if callee:
            unit.calls.add(callee)
            if callee in BLOCKING_CALLS:
                unit.loops.append((node, BLOCKING_CALLS[callee]))
            if callee in INTERACTIVE_CALLS:
                unit.interactive = True
            elif callee in ("signal.signal",):
                self._signal_handler(node)
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            if method in BLOCKING_METHODS:
                unit.loops.append((node, f"{method}()"))
            elif method in INTERACTIVE_METHODS or (method in ("exec", "exec_") and self._is_gui_app(node.func.value)):
                unit.interactive = True
            elif method == "add_signal_handler":
                self._signal_handler(node)
        # Functions passed as arguments (thread targets, callbacks) run in this program.
        for arg in node.args:
            if isinstance(arg.value, (cst.Name, cst.Attribute)):
                target = self._callee(arg.value)
                if target:
                    unit.calls.add(target)

    def _is_gui_app(self, owner: cst.BaseExpression) -> bool:
        """``app`` in ``app.exec()`` was made by a Qt application class (however imported)."""
        for value in self.assigned.values(owner):
            if isinstance(value, cst.Call):
                made = dotted_name(value.func) or ""
                if made.rsplit(".", 1)[-1] in GUI_APPLICATIONS:
                    return True
        return False

    def _signal_handler(self, node: cst.Call) -> None:
        names = signals_of(argument(node, 0, "signalnum") or argument(node, 0, "sig"), self.ctx,
                           self.loop_signals, self.assigned.values)
        handler = argument(node, 1, "handler") or argument(node, 1, "callback")
        kind = handler_kind(handler, self.ctx, self.assigned.values)
        if kind == "default":
            return
        if "SIGTERM" in names:
            self.unit.sigterm.append(node)
        if "SIGINT" in names:
            self.unit.sigint = True

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            elements = getattr(node.iter, "elements", None)
            if elements is not None:
                found: set[str] = set()
                for element in elements:
                    found |= signals_of(element.value, self.ctx, self.loop_signals)
                if found:
                    self.loop_signals[node.target.value] = found
        iterated = node.iter
        if isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute) \
                and iterated.func.attr.value in CONSUMING_METHODS:
            self.unit.loops.append((node.iter, f"for ... in {iterated.func.attr.value}()"))
        elif isinstance(iterated, (cst.Name, cst.Attribute)):
            for value in self.assigned.values(iterated):
                if isinstance(value, cst.Call) and self.ctx.qualify(value.func) in CONSUMER_CLASSES:
                    self.unit.loops.append((node.iter, "a message consumer loop"))
                    break

    def leave_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.loop_signals.pop(node.target.value, None)

    def visit_Try(self, node: cst.Try) -> None:
        caught: set[str] = set()
        for handler in node.handlers:
            kinds = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
            for kind in kinds:
                if kind is not None and (qualified := self.ctx.qualify(kind)):
                    caught.add(qualified)
        self.try_stack.append(caught)

    def leave_Try(self, node: cst.Try) -> None:
        self.try_stack.pop()

    def visit_While(self, node: cst.While) -> None:
        body = _scan(node.body, self.ctx)
        if self.try_stack and self.try_stack[-1] & ENDING_EXCEPTIONS:
            body.leaves = True
        description = _service_loop(node, body)
        if description:
            self.unit.loops.append((node.test, description))
        if body.asks:
            self.unit.interactive = True

    def visit_Await(self, node: cst.Await) -> None:
        # `await asyncio.Event().wait()` / `await asyncio.Future()`: waits for good.
        awaited = node.expression
        if isinstance(awaited, cst.Call):
            callee = self._callee(awaited.func)
            if callee in ("asyncio.Event.wait", "asyncio.Future", "asyncio.locks.Event.wait"):
                self.unit.loops.append((node, "await on an asyncio future that nothing resolves"))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        caught = node.type
        candidates = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
        for candidate in candidates:
            if candidate is not None and self.ctx.qualify(candidate) == "builtins.KeyboardInterrupt":
                self.unit.catches_interrupt = True

    def facts(self) -> dict[str, Any]:
        return {
            "units": {name: unit.to_facts() for name, unit in self.units.items()},
            "classes": self.classes,
            "main_fix": self.main_fix,
        }


def _service_loop(node: cst.While, body: "_Finder") -> str | None:
    """A ``while`` that keeps a process alive: what it looks like, or None.

    ``while True`` counts when nothing in its own body leaves it (break/return): a loop
    that breaks out is a retry, a parser or a bounded wait. A flag loop (``while not stop``,
    ``while self.running``) counts when it sleeps or waits between rounds, and
    ``while not event.is_set()`` always does.
    """
    test = node.test
    if isinstance(test, cst.Name) and test.value == "True" or isinstance(test, cst.Integer) and test.value == "1":
        return None if body.leaves else "while True loop"
    inner = test.expression if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) else test
    if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "is_set":
        return "while not <event>.is_set() loop"
    # `while self.running:` waits between rounds; `while pending:` drains a work list.
    if isinstance(inner, (cst.Name, cst.Attribute)) and body.sleeps:
        return f"while {'not ' if inner is not test else ''}{dotted_name(inner) or '...'} loop"
    return None


class _Finder(ReadOnlyVisitor):
    """Looks into a loop body (not into nested functions or classes): does anything leave
    the loop, does it wait between rounds, does it ask a person for input?"""

    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.nested_loops = 0
        self.leaves = False
        self.sleeps = False
        self.asks = False

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_While(self, node) -> None:
        self.nested_loops += 1

    def leave_While(self, node) -> None:
        self.nested_loops -= 1

    def visit_For(self, node) -> None:
        self.nested_loops += 1

    def leave_For(self, node) -> None:
        self.nested_loops -= 1

    def visit_Break(self, node) -> None:
        if not self.nested_loops:  # a break in a nested loop only leaves that loop
            self.leaves = True

    def visit_Return(self, node) -> None:
        self.leaves = True

    def visit_Yield(self, node) -> None:
        self.leaves = True  # a generator: its consumer decides how long it runs

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.qualify(node.func)
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        positional = [arg for arg in node.args if arg.keyword is None]
        # queue.get() and thread.join() block; dict.get(key) and str.join(parts) do not
        # (they always take a positional argument).
        if callee in SLEEPS or method in WAITING_METHODS or (method in ("get", "join") and not positional):
            self.sleeps = True
        if callee == "builtins.input":
            self.asks = True


def _scan(body: cst.BaseSuite, ctx) -> _Finder:
    finder = _Finder(ctx)
    visit_readonly(body, finder)
    return finder
