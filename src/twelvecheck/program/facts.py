"""Per-file facts about the program's shape, for the whole-program signal rules.

For each code unit of a file — a function or method, the module body, the
``if __name__ == "__main__":`` block — it records what the unit calls (qualified names,
project-internal or not), the loops and blocking waits that keep a process alive, the
SIGTERM/SIGINT handlers it installs (also for signals named by constants of other modules or
passed to a helper), whether it catches KeyboardInterrupt, and whether it talks to a person
(a console or GUI main loop, a loop asking for input, a prompt). Per file it also records
what module names, ``self`` attributes and functions hold or return (holds.py) and the
module constants that name signals. ``project.py`` joins these into a call
graph; the signal rules read it. Calls are resolved by qualified name only: dynamic
dispatch, plugins and callbacks registered by string are not followed.

The facts are read from CPython's ``ast`` tree, which the engine has for every file (it
vets each file with ``ast.parse`` first): a file that only has to give facts (code an entry
point reaches, with none of a per-file rule's tokens) costs no libcst parse, which is ten
times dearer. The walk keeps libcst's order (decorators before the body, as in the source)
and scopes, so names resolve as the per-file rules resolve them.
"""

from __future__ import annotations

# size: one walk over CPython's tree gathers every whole-program fact of a file (readers of
# their own are in platforms.py, holds.py and signals.py); splitting the walk would walk twice.

import ast
import re
from typing import Any, Callable

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.exprs import argument, string_value
from twelvecheck.program.frameworks import BLOCKING_CALLS, COMMAND_METHODS
from twelvecheck.program.platforms import on_linux
from twelvecheck.program.process_id import carries_process_id, process_id_arguments, self_attribute
from twelvecheck.program.dispatch import dispatched
from twelvecheck.program.holds import Holds
from twelvecheck.program.cli_facts import REGISTERING_METHODS, CliFacts
from twelvecheck.program.signals import ELSEWHERE, collection_signals, elsewhere, handler_kind, signals_of
from twelvecheck.program.main_block import main_block_facts
from twelvecheck.engine.factscope import FileScope, children
from twelvecheck.engine.names import AST_TRY, dotted_name
from twelvecheck.engine.positions import SourceSpans
from twelvecheck.program.django_loading import (
    APP_CONFIG, HANDLER_FACTORIES, HTTP_HANDLER, INSTALLED_TASKS, settings_assigned, settings_loads, settings_named, tasks_packages,
)
from twelvecheck.engine.rule import FactCollector

# Method names whose call blocks for good: a server or an event loop's main loop.
BLOCKING_METHODS = frozenset({"serve_forever", "run_forever", "start_consuming"})
# Iterating over these keeps reading messages until the connection closes.
CONSUMING_METHODS = frozenset({"listen", "consume"})
CONSUMER_CLASSES = frozenset({"kafka.KafkaConsumer", "aiokafka.AIOKafkaConsumer"})
# Calls that hand the process to a person for good: a console, a terminal UI. (A lone
# `input()` is a prompt, not one of these: see _visit_while and lifetime.py.)
INTERACTIVE_CALLS = frozenset({
    "code.interact", "IPython.embed",
    "curses.wrapper", "curses.initscr",  # a curses screen (celery's `events` top view)
    "rich.live.Live",  # a live-updating terminal display
    "prompt_toolkit.prompt", "prompt_toolkit.shortcuts.prompt", "prompt_toolkit.PromptSession",
    "prompt_toolkit.shortcuts.PromptSession", "urwid.MainLoop",
})
INTERACTIVE_METHODS = frozenset({"cmdloop", "mainloop", "interact"})
GUI_APPLICATIONS = ("QApplication", "QCoreApplication", "QGuiApplication")
SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep", "eventlet.sleep"})
WAITING_METHODS = frozenset({"wait", "poll", "select", "accept", "recv", "recvfrom", "sleep"})
# A loop inside `try:` that catches these ends by the exception: it is not a service loop.
ENDING_EXCEPTIONS = frozenset({"builtins.StopIteration", "builtins.EOFError", "queue.Empty", "builtins.StopAsyncIteration"})


_NOT_COVERED = re.compile(r"#\s*pragma:\s*no\s*cover", re.IGNORECASE)


def _line(text: str, number: int) -> str:
    """Line ``number`` (1-based) of ``text``."""
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:end if end >= 0 else len(text)]


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_REFERENCES = (ast.Name, ast.Attribute)


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    strings = [s for s in sides if string_value(s) == "__main__"]
    return len(names) == 1 and len(strings) == 1


def _span(spans: SourceSpans, node: ast.AST) -> list[int]:
    span = spans.span(node)
    return [span.line, span.column, span.end_line, span.end_column]


class _Unit:
    def __init__(self, kind: str, at: list[int] | None) -> None:
        self.kind = kind
        self.at = at
        self.calls: set[str] = set()
        self.loops: list[list[Any]] = []
        self.sigterm: list[list[int]] = []
        self.sigint = False
        self.catches_interrupt = False
        self.interactive = False  # talks to a person for good: a REPL, a console, a GUI loop
        self.prompts = False  # calls input()
        self.prompt_loop = False  # a loop that asks until answered (or until a quit command)
        self.loop_calls: set[str] = set()  # what the bodies of its service `while` loops call
        self.waits = False  # sleeps or blocks somewhere in its body (a sleep, select, accept, get)
        # `while <flag>:` loops that wait only through a function they call (a copied
        # asyncore loop: `while map: poll(timeout, map)`): [span, description, callees]
        self.waiting_loops: list[list[Any]] = []
        # Signals named elsewhere: constants of other modules it installs a handler for
        # (`for sig in settings.STOP_SIGNALS`), its parameters that it (or a function nested
        # in it) installs a handler for ([index, name]), and the calls passing SIGTERM/SIGINT
        # to a function ([callee, index or keyword, names]).
        self.signal_refs: set[str] = set()
        self.signal_params: list[list[Any]] = []
        self.signal_args: list[list[Any]] = []
        self.pid_args: list[list[Any]] = []  # calls passing the process id: [callee, index or keyword]
        # A module body's last top-level call (`main()`, `serve()`): where a finding about the
        # module run whole goes (program/lifetime.py ``located``) rather than line 1.
        self.runs_at: list[int] | None = None

    def to_facts(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": self.at,
            "calls": sorted(self.calls),
            "loops": self.loops,
            "sigterm": self.sigterm,
            "sigint": self.sigint,
            "catches_interrupt": self.catches_interrupt,
            "interactive": self.interactive,
            # Kept only when set (read with .get): most units have none of them.
            **({"prompts": True} if self.prompts else {}),
            **({"prompt_loop": True} if self.prompt_loop else {}),
            **({"loop_calls": sorted(self.loop_calls)} if self.loop_calls else {}),
            **({"waits": True} if self.waits else {}),
            **({"waiting_loops": self.waiting_loops} if self.waiting_loops else {}),
            **({"signal_refs": sorted(self.signal_refs)} if self.signal_refs else {}),
            **({"signal_params": self.signal_params} if self.signal_params else {}),
            **({"signal_args": self.signal_args} if self.signal_args else {}),
            **({"pid_args": self.pid_args} if self.pid_args else {}),
            **({"runs_at": self.runs_at} if self.runs_at else {}),
        }


def _top_level_calls(body: list[ast.stmt]):
    """The calls a module body makes as statements (``main()``, ``await serve()``), in
    order, inside ``try``/``with``/``if``/loops but not functions, classes or the
    ``__main__`` block (a unit of its own)."""
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, (ast.Call, ast.Await)):
            yield statement.value
        elif isinstance(statement, ast.If) and _is_main_guard(statement.test):
            continue
        elif isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith, ast.If,
                                    ast.For, ast.While)):
            for field in ("body", "handlers", "orelse", "finalbody"):
                for part in getattr(statement, field, ()):
                    yield from _top_level_calls(part.body if isinstance(part, ast.ExceptHandler) else [part])


class ProgramFacts(FactCollector):
    key = "program"

    @classmethod
    def collect(cls, scope: FileScope) -> dict[str, Any]:
        facts = cls(scope)
        for statement in scope.tree.body:
            facts._walk(statement)
        calls = list(_top_level_calls(scope.tree.body))
        if calls:
            facts.units[f"{scope.module_name}.<module>"].runs_at = _span(scope.spans, calls[-1])
        return facts.facts()

    def __init__(self, scope: FileScope) -> None:
        self.ctx = scope
        module = scope.module_name
        self.units: dict[str, _Unit] = {f"{module}.<module>": _Unit("module", None)}
        self.stack: list[str] = [f"{module}.<module>"]
        self.classes: dict[str, list[str]] = {}
        self.class_stack: list[str] = []
        self.loop_signals: dict[str, set[str]] = {}
        self.signal_constants: dict[str, list[str]] = {}  # module constants naming signals
        self.function_names: dict[int, str] = {}  # id(FunctionDef) -> its unit
        # self attributes a class's methods assign the process id, and the calls given one
        # of the class's self attributes (resolved once the file is walked).
        self.gets_pid = "getpid" in scope.text  # the process id can come from nowhere else
        self.pid_attributes: set[tuple[str, str]] = set()
        self.pid_attribute_args: list[tuple[Any, str, int | str, str, str]] = []
        self.decorating = 0
        self.is_package = scope.imports.is_package
        self.exports: dict[str, str] = {}  # a package's re-exported name -> what it names
        self.star_sources: list[str] = []  # modules a package re-exports with `import *`
        self.assigned = AssignedValues(scope)  # type: ignore[arg-type]
        self.holds = Holds(scope, self.assigned.values)  # type: ignore[arg-type]
        self.cli = CliFacts(scope)  # click/typer/Flask commands (cli_facts.py)
        self.main_block: ast.If | None = None
        self.main_fix: dict[str, Any] | None = None  # what TWC303's fix needs (main_block.py)
        self.try_stack: list[set[str]] = []
        self.elsewhere = 0  # inside a branch that does not run on Linux (platforms.py)
        self.settings_module: str | None = None  # DJANGO_SETTINGS_MODULE as this file sets it
        self.autodiscovering: list[_Unit] = []  # units calling celery's autodiscover_tasks() for the installed apps
        self.handling: list[_Unit] = []  # units making Django's HTTP handler
        self._visits: dict[type, Callable[[Any], None]] = {
            ast.Assign: self._visit_assign, ast.AnnAssign: self._visit_assign, ast.Return: self._visit_return,
            ast.withitem: self.assigned.record_with_item, ast.Import: self._visit_import,
            ast.ImportFrom: self._visit_import_from, ast.Call: self._visit_call, ast.For: self._visit_for,
            ast.AsyncFor: self._visit_for, **{kind: self._visit_try for kind in AST_TRY},
            ast.While: self._visit_while, ast.Await: self._visit_await, ast.ExceptHandler: self._visit_except,
        }
        self._leaves: dict[type, Callable[[Any], None]] = {
            ast.For: self._leave_for, ast.AsyncFor: self._leave_for,
            **{kind: self._leave_try for kind in AST_TRY},
        }

    def facts(self) -> dict[str, Any]:
        self._django_loads()
        for unit, callee, where, cls, attribute in self.pid_attribute_args:
            if (cls, attribute) in self.pid_attributes:
                unit.pid_args.append([callee, where])
        return {
            "units": {name: unit.to_facts() for name, unit in self.units.items()},
            "classes": self.classes,
            **({"exports": self.exports} if self.exports else {}),
            **({"star_sources": self.star_sources} if self.star_sources else {}),
            "main_fix": self.main_fix,
            "holds": self.holds.facts(),
            "signal_constants": self.signal_constants,
            **({"cli": cli} if (cli := self.cli.facts()) else {}),
        }

    # -- the walk ------------------------------------------------------------------
    def _walk(self, node: ast.AST) -> None:
        kind = type(node)
        if kind in _FUNCTIONS:
            self._function(node)  # type: ignore[arg-type]
            return
        if kind is ast.ClassDef:
            self._class(node)  # type: ignore[arg-type]
            return
        if kind is ast.If:
            self._if(node)  # type: ignore[arg-type]
            return
        visit = self._visits.get(kind)
        if visit is not None:
            visit(node)
        for child in children(node):
            self._walk(child)
        leave = self._leaves.get(kind)
        if leave is not None:
            leave(node)

    def _function(self, node: "ast.FunctionDef | ast.AsyncFunctionDef") -> None:
        ctx = self.ctx
        ctx.imports.bind_definition(node.name)
        ctx.imports.push("function")
        ctx.functions.append(node)
        in_class_body = bool(self.class_stack) and len(ctx.functions) == 1
        if in_class_body:
            qualname = f"{self.class_stack[-1]}.{node.name}"
        elif len(ctx.functions) == 1:
            qualname = f"{ctx.module_name}.{node.name}"
        else:
            qualname = f"{ctx.module_name}.<locals>.{node.name}"
        # A function's position is needed only if it may be reported: console-script targets,
        # the methods a framework runs by convention (a Django command's handle()) and click,
        # typer or Flask commands (cli_facts.py; recorded in the unit defining them).
        command = bool(node.decorator_list) and self.cli.decorated(node, qualname, self.stack[-1])
        reported = command or qualname in ctx.entry_functions or (in_class_body and node.name in COMMAND_METHODS)
        at = ctx.spans.name_span(node) if reported else None
        self.function_names[id(node)] = qualname
        self.units[qualname] = _Unit("function", None if at is None else [at.line, at.column, at.end_line,
                                                                           at.end_column])
        if node.returns is not None:
            self.holds.record_annotation(node.returns, qualname)
        self.stack.append(qualname)
        self.decorating += 1  # a decorator runs where the function is defined (_signal_arguments)
        for child in node.decorator_list:
            self._walk(child)
        self.decorating -= 1
        for child in (node.args, *([node.returns] if node.returns else []), *node.body):
            self._walk(child)
        self.stack.pop()
        ctx.imports.pop()
        ctx.functions.pop()

    def _class(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        ctx.imports.bind_definition(node.name)
        ctx.imports.push("class")
        ctx.classes.append(node)
        if len(ctx.functions):
            qualname = f"{ctx.module_name}.<locals>.{node.name}"
        elif self.class_stack:
            qualname = f"{self.class_stack[-1]}.{node.name}"
        else:
            qualname = f"{ctx.module_name}.{node.name}"
        self.classes[qualname] = [q for base in node.bases if (q := ctx.qualify(base))]
        if APP_CONFIG in self.classes[qualname] and not ctx.functions and not self.class_stack and any(
                isinstance(item, _FUNCTIONS) and item.name == "ready" for item in node.body):
            # Django calls each installed app's AppConfig.ready() once the apps are loaded
            self.units[f"{ctx.module_name}.<module>"].calls.add(f"{qualname}.ready")
        self.class_stack.append(qualname)
        for child in (*node.decorator_list, *node.bases, *node.keywords, *node.body):
            self._walk(child)
        self.class_stack.pop()
        ctx.imports.pop()
        ctx.classes.pop()

    # -- units ---------------------------------------------------------------------
    @property
    def unit(self) -> _Unit:
        return self.units[self.stack[-1]]

    def _if(self, node: ast.If) -> None:
        """An ``if``: a branch that does not run on Linux (``if sys.platform == "win32":``,
        the ``else`` of ``if os.name == "posix":``) installs no handler there."""
        self._visit_if(node)
        runs = on_linux(node.test, self.ctx.qualify, self.assigned.values) if not self.main_block is node else None
        self._walk(node.test)
        for branch, skipped in ((node.body, runs is False), (node.orelse, runs is True)):
            self.elsewhere += skipped
            for statement in branch:
                self._walk(statement)
            self.elsewhere -= skipped
        self._leave_if(node)

    def _visit_if(self, node: ast.If) -> None:
        ctx = self.ctx
        if self.main_block is None and not ctx.functions and not ctx.classes and _is_main_guard(node.test):
            self.main_block = node
            self.main_fix = main_block_facts(node, ctx)
            unit = f"{ctx.module_name}.<main>"
            # A block coverage leaves out (`# pragma: no cover`) is a library's demo, not how
            # a service starts: no entry point of its own (a command that runs the file
            # still starts there).
            kind = "demo" if _NOT_COVERED.search(_line(ctx.text, node.lineno)) else "main"
            self.units[unit] = _Unit(kind, _span(ctx.spans, node.test))
            # The block runs after the module body: that code is part of the program.
            self.units[unit].calls.add(f"{ctx.module_name}.<module>")
            self.stack.append(unit)

    def _leave_if(self, node: ast.If) -> None:
        if node is self.main_block:
            self.stack.pop()

    # -- names and calls -----------------------------------------------------------
    def _made_by(self, call: ast.Call, method: str) -> str | None:
        made = self.ctx.qualify(call.func)
        if not made:
            return None
        # C().m() calls a method of C; f().m() a method of whatever f returns.
        last = made.rsplit(".", 1)[-1]
        return f"{made}.{method}" if last[:1].isupper() else f"{made}().{method}"

    def _callee(self, func: ast.expr) -> str | None:
        """The qualified name a call target resolves to, or None."""
        if isinstance(func, ast.Attribute):
            owner, method = func.value, func.attr
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls") and self.class_stack:
                return f"{self.class_stack[-1]}.{method}"
            if isinstance(owner, ast.Call):
                return self._made_by(owner, method)
            if isinstance(owner, _REFERENCES):
                for value in self.assigned.values(owner):
                    if isinstance(value, ast.Call):
                        made = self._made_by(value, method)
                        if made:
                            return made
                # self.server.run(): what the class's methods set self.server to (holds.py)
                if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) \
                        and owner.value.id == "self" and self.class_stack:
                    return f"{self.class_stack[-1]}.{owner.attr}.{method}"
        return self.ctx.qualify(func)

    def _visit_assign(self, node: "ast.Assign | ast.AnnAssign") -> None:
        if self.gets_pid and self.class_stack and node.value is not None and \
                carries_process_id(node.value, self.ctx.qualify, self.assigned.values):  # type: ignore[arg-type]
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if (attribute := self_attribute(target)) is not None:
                    self.pid_attributes.add((self.class_stack[-1], attribute))
        self.assigned.record_assign(node)
        self.holds.record_assign(node, self.class_stack[-1] if self.class_stack else None)
        self.cli.assign(node)
        ctx = self.ctx
        if isinstance(node, ast.Assign) and (settings := settings_assigned(node, ctx.qualify)) is not None:
            self._django_settings(settings)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not ctx.functions and not ctx.classes and len(targets) == 1 and isinstance(targets[0], ast.Name) \
                and isinstance(node.value, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Attribute)):
            # SIGNALS = (signal.SIGTERM, signal.SIGINT): a constant another module may loop over
            found = {name for name in collection_signals(node.value, ctx, {}, lambda value: [value])  # type: ignore[arg-type]
                     if not name.startswith(ELSEWHERE)}
            if found:
                self.signal_constants[f"{ctx.module_name}.{targets[0].id}"] = sorted(found)

    def _django_settings(self, settings: str) -> None:
        """The settings module this code tells Django to use: django.setup() imports it."""
        self.unit.calls.add(f"{settings}.<module>")
        self.settings_module = self.settings_module or settings

    def _django_loads(self) -> None:
        """What Django and celery import by name (django_loading.py), as calls: a settings
        module's apps, URLconf and middleware; the tasks modules autodiscovery imports."""
        module = self.ctx.module_name
        loads, apps, handled = settings_loads(self.ctx.tree)
        self.units[f"{module}.<module>"].calls.update(f"{name}.<module>" for name in loads)
        for loader, names in ((INSTALLED_TASKS, [f"{app}.tasks" for app in apps]), (HTTP_HANDLER, handled)):
            if names:
                self.units[f"{module}.{loader}"] = _Unit("loader", None)
                self.units[f"{module}.{loader}"].calls.update(f"{name}.<module>" for name in names)
        if self.settings_module is not None:
            for loader, units in ((INSTALLED_TASKS, self.autodiscovering), (HTTP_HANDLER, self.handling)):
                for unit in units:
                    unit.calls.add(f"{self.settings_module}.{loader}")

    def _visit_return(self, node: ast.Return) -> None:
        if self.unit.kind == "function":
            self.holds.record_return(node, self.stack[-1], self.class_stack[-1] if self.class_stack else None)

    def _visit_import(self, node: ast.Import) -> None:
        self.ctx.imports.add_import(node)
        for alias in node.names:
            self._imports(alias.name)

    def _visit_import_from(self, node: ast.ImportFrom) -> None:
        self.ctx.imports.add_import(node)
        # A package's __init__ re-exports what it imports at its top level: `from svc import
        # run` names `svc.service.run` (project.py follows these names).
        exports = self.is_package and not self.ctx.functions and not self.ctx.classes
        for alias in node.names:
            if alias.name == "*":
                source = self.ctx.imports.source_module(node) if exports else None
                if source:
                    self.star_sources.append(source)
                return
            local = alias.asname or alias.name
            qualified = self.ctx.imports.lookup(local)
            if qualified:
                self._imports(qualified.rsplit(".", 1)[0])
                self._imports(qualified)  # the name may itself be a module
                if exports and qualified != f"{self.ctx.module_name}.{local}":
                    self.exports[f"{self.ctx.module_name}.{local}"] = qualified

    def _imports(self, module: str) -> None:
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            self.unit.calls.add(".".join(parts[:end]) + ".<module>")

    def _dispatched_callees(self, func: ast.expr) -> list[str]:
        """What a call picks from a table may run, each entry (program/dispatch.py):
        ``HANDLERS[name]()`` calls every handler, ``SERVERS[kind](port).run()`` and
        ``relay = SERVERS[kind](port); relay.run()`` the ``run`` of every server class."""
        values = self.assigned.values
        if not isinstance(func, ast.Attribute):
            return [name for entry in dispatched(func, values) if (name := self.ctx.qualify(entry))]
        owners = [func.value] if isinstance(func.value, ast.Call) else \
            [value for value in values(func.value) if isinstance(value, ast.Call)] \
            if isinstance(func.value, _REFERENCES) else []
        return [f"{name}.{func.attr}" for owner in owners for entry in dispatched(owner.func, values)
                if (name := self.ctx.qualify(entry))]

    def _visit_call(self, node: ast.Call) -> None:
        self.cli.call(node, self.stack[-1])
        callee = self._callee(node.func)
        for callee in [callee] if callee else self._dispatched_callees(node.func):
            self._call_of(node, callee)
        self._call_shape(node)

    def _call_of(self, node: ast.Call, callee: str) -> None:
        """What calling ``callee`` at ``node`` tells: a call, a blocking call, a prompt, a
        signal handler installed."""
        unit = self.unit
        unit.calls.add(callee)
        if (settings := settings_named(node, callee)) is not None:
            self._django_settings(settings)
        elif callee in HANDLER_FACTORIES:
            self.handling.append(unit)
        if callee in BLOCKING_CALLS:
            unit.loops.append([_span(self.ctx.spans, node), BLOCKING_CALLS[callee]])
        if callee in INTERACTIVE_CALLS:
            unit.interactive = True
        elif callee == "builtins.input":
            unit.prompts = True
        elif callee == "signal.signal":
            self._signal_handler(node)
        elif node.args or node.keywords:
            self._signal_arguments(node, callee)
            if self.gets_pid and not self.elsewhere:
                found, attributes = process_id_arguments(node, self.ctx.qualify, self.assigned.values)  # type: ignore[arg-type]
                unit.pid_args.extend([callee, where] for where in found)
                if attributes and self.class_stack:  # self.pid, set to os.getpid() in another method
                    self.pid_attribute_args += [(unit, callee, where, self.class_stack[-1], attribute)
                                                for where, attribute in attributes]

    def _call_shape(self, node: ast.Call) -> None:
        """What a call tells by its method's name and its arguments, whatever it calls."""
        unit = self.unit
        if not unit.waits and _blocks(node, self.ctx.qualify(node.func)):
            unit.waits = True
        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in BLOCKING_METHODS:
                unit.loops.append([_span(self.ctx.spans, node), f"{method}()"])
            elif method in INTERACTIVE_METHODS or (method in ("exec", "exec_") and self._is_gui_app(node.func.value)):
                unit.interactive = True
            elif method == "add_signal_handler":
                self._signal_handler(node)
            elif method == "autodiscover_tasks":  # celery imports each package's tasks module
                packages = tasks_packages(node)
                if packages is not None:
                    unit.calls.update(f"{package}.tasks.<module>" for package in packages)
                else:
                    self.autodiscovering.append(unit)
        # Functions passed as arguments (thread targets, callbacks) run in this program; not a
        # command given to a command group (`cli.add_command(consume)`), which runs only when
        # a command line names it (cli_commands.py finds which).
        registers = isinstance(node.func, ast.Attribute) and node.func.attr in REGISTERING_METHODS
        for value in () if registers else (*node.args, *(keyword.value for keyword in node.keywords)):
            if isinstance(value, ast.Starred):
                value = value.value
            if isinstance(value, _REFERENCES):
                target = self._callee(value)
                if target:
                    unit.calls.add(target)

    def _is_gui_app(self, owner: ast.expr) -> bool:
        """``app`` in ``app.exec()`` was made by a Qt application class (however imported)."""
        for value in self.assigned.values(owner):
            if isinstance(value, ast.Call):
                made = dotted_name(value.func) or ""
                if made.rsplit(".", 1)[-1] in GUI_APPLICATIONS:
                    return True
        return False

    def _signal_handler(self, node: ast.Call) -> None:
        signal = argument(node, 0, "signalnum") or argument(node, 0, "sig")  # type: ignore[arg-type]
        names = signals_of(signal, self.ctx, self.loop_signals, self.assigned.values)  # type: ignore[arg-type]
        handler = argument(node, 1, "handler") or argument(node, 1, "callback")  # type: ignore[arg-type]
        kind = handler_kind(handler, self.ctx, self.assigned.values)  # type: ignore[arg-type]
        if kind == "default" or self.elsewhere:
            return
        if not names and signal is not None:
            names = elsewhere(signal, self.ctx) or self._parameter(signal)  # type: ignore[arg-type]
        self.unit.signal_refs.update(name[1:] for name in names if name.startswith(ELSEWHERE))
        if "SIGTERM" in names:
            self.unit.sigterm.append(_span(self.ctx.spans, node))
        if "SIGINT" in names:
            self.unit.sigint = True

    def _parameter(self, node: ast.expr) -> set[str]:
        """A signal that is a parameter of the enclosing functions (``def install(sig, fn):``):
        the function that takes it installs a handler for what its callers pass."""
        if not isinstance(node, ast.Name):
            return set()
        for function in reversed(self.ctx.functions):
            arguments = function.args  # type: ignore[attr-defined]
            positional = [*arguments.posonlyargs, *arguments.args]
            for index, parameter in enumerate([*positional, *arguments.kwonlyargs]):
                if parameter.arg == node.id:
                    unit = self.units[self.function_names[id(function)]]
                    entry = [index if index < len(positional) else None, node.id]
                    if entry not in unit.signal_params:
                        unit.signal_params.append(entry)
                    return set()
        return set()

    def _signal_arguments(self, node: ast.Call, callee: str) -> None:
        """``install(signal.SIGTERM, stop)``: SIGTERM/SIGINT passed to a function."""
        if self.elsewhere:
            return
        keywords = [(keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg]
        for where, value in (*enumerate(node.args), *keywords):
            last = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else ""
            if last.startswith("SIG"):
                names = signals_of(value, self.ctx, self.loop_signals) & {"SIGTERM", "SIGINT"}  # type: ignore[arg-type]
                if names:  # `@on_signal(SIGTERM)` is called by the code defining the function
                    unit = self.units[self.stack[-2]] if self.decorating else self.unit
                    unit.signal_args.append([callee, where, sorted(names)])

    def _visit_for(self, node: "ast.For | ast.AsyncFor") -> None:
        target, iterated = node.target, node.iter
        if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute) \
                and iterated.func.attr in ("items", "keys") and not iterated.args:
            # for sig, handler in HANDLERS.items(): the dict's keys
            target = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
            iterated = iterated.func.value
        if isinstance(target, ast.Name) and isinstance(iterated, (ast.Tuple, ast.List, ast.Set, *_REFERENCES)):
            found = collection_signals(iterated, self.ctx, self.loop_signals, self.assigned.values)  # type: ignore[arg-type]
            if found:
                self.loop_signals[target.id] = found
        iterated = node.iter
        if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute) \
                and iterated.func.attr in CONSUMING_METHODS:
            self.unit.loops.append([_span(self.ctx.spans, iterated), f"for ... in {iterated.func.attr}()"])
        elif isinstance(iterated, _REFERENCES):
            for value in self.assigned.values(iterated):
                if isinstance(value, ast.Call) and self.ctx.qualify(value.func) in CONSUMER_CLASSES:
                    self.unit.loops.append([_span(self.ctx.spans, iterated), "a message consumer loop"])
                    break

    def _leave_for(self, node: "ast.For | ast.AsyncFor") -> None:
        target = node.target.elts[0] if isinstance(node.target, ast.Tuple) and node.target.elts else node.target
        if isinstance(target, ast.Name):
            self.loop_signals.pop(target.id, None)

    def _caught(self, handler: ast.ExceptHandler) -> list[str]:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return [qualified for kind in kinds if kind is not None and (qualified := self.ctx.qualify(kind))]

    def _visit_try(self, node: ast.Try) -> None:  # or ast.TryStar: `except* KeyboardInterrupt` catches it too
        self.try_stack.append({name for handler in node.handlers for name in self._caught(handler)})

    def _leave_try(self, node: ast.Try) -> None:
        self.try_stack.pop()

    def _visit_while(self, node: ast.While) -> None:
        body = _LoopBody(self.ctx, node.body)
        if self.try_stack and self.try_stack[-1] & ENDING_EXCEPTIONS:
            body.leaves = True
        description = _service_loop(node, body)
        if description:  # and what its body calls: a helper may ask a person (lifetime.py)
            self.unit.loops.append([_span(self.ctx.spans, node.test), description])
            self.unit.loop_calls.update(callee for call in body.call_nodes if (callee := self._callee(call.func)))
        elif not body.sleeps and not body.leaves and not body.asks and (flag := _flag_of(node.test)) is not None \
                and not _changes(flag, body):
            callees = sorted({callee for call in body.call_nodes if (callee := self._callee(call.func))})
            if callees:
                self.unit.waiting_loops.append([_span(self.ctx.spans, node.test),
                                                f"while {dotted_name(flag) or '...'} loop", callees])
        if body.asks and body.leaves:
            self.unit.prompt_loop = True
        elif body.asks:
            self.unit.interactive = True

    def _visit_await(self, node: ast.Await) -> None:
        # `await asyncio.Event().wait()` / `await asyncio.Future()`: waits for good.
        awaited = node.value
        if isinstance(awaited, ast.Call):
            callee = self._callee(awaited.func)
            if callee in ("asyncio.Event.wait", "asyncio.Future", "asyncio.locks.Event.wait"):
                self.unit.loops.append([_span(self.ctx.spans, node),
                                        "await on an asyncio future that nothing resolves"])

    def _visit_except(self, node: ast.ExceptHandler) -> None:
        if "builtins.KeyboardInterrupt" in self._caught(node):
            self.unit.catches_interrupt = True


def _service_loop(node: ast.While, body: "_LoopBody") -> str | None:
    """A ``while`` that keeps a process alive: what it looks like, or None.

    ``while True`` counts when nothing in its own body leaves it (break/return): a loop
    that breaks out is a retry, a parser or a bounded wait. A flag loop (``while not stop``,
    ``while self.running``) counts when it sleeps or waits between rounds, and
    ``while not event.is_set()`` always does.
    """
    test = node.test
    if isinstance(test, ast.Constant) and (test.value is True or (type(test.value) is int and test.value == 1)):
        return None if body.leaves else "while True loop"
    inner = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "is_set":
        return "while not <event>.is_set() loop"
    # `while self.running:` waits between rounds; `while pending:` drains a work list.
    if isinstance(inner, _REFERENCES) and body.sleeps:
        return f"while {'not ' if inner is not test else ''}{dotted_name(inner) or '...'} loop"
    # `while duration <= 0 or elapsed() < duration:` runs for good whenever a condition that
    # nothing in the body changes holds (a setting compared with a constant), and it waits.
    conditions = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
    if body.sleeps and any(_invariant(condition, body.assigned) for condition in conditions):
        return "while loop whose condition the loop never changes"
    return None


def _invariant(test: ast.expr, assigned: set[str]) -> bool:
    """A comparison of names and constants, none of which the loop body assigns."""
    if not isinstance(test, ast.Compare):
        return False
    names = []
    for operand in (test.left, *test.comparators):
        if isinstance(operand, ast.Constant):
            continue
        name = dotted_name(operand) if isinstance(operand, _REFERENCES) else None
        if name is None:
            return False
        names.append(name)
    return bool(names) and not any(name in assigned for name in names)


def _blocks(node: ast.Call, callee: str | None) -> bool:
    """The call sleeps or waits: a sleep, or a waiting method. queue.get() and thread.join()
    block; dict.get(key) and str.join(parts) do not (they always take a positional argument)."""
    method = node.func.attr if isinstance(node.func, ast.Attribute) else None
    if callee in SLEEPS or method in WAITING_METHODS:
        return True
    return method in ("get", "join") and not (node.args or any(keyword.arg is None for keyword in node.keywords))


def _flag_of(test: ast.expr) -> ast.expr | None:
    """The name or attribute a ``while flag:`` / ``while not flag:`` loop tests."""
    inner = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
    return inner if isinstance(inner, _REFERENCES) else None


def _changes(flag: ast.expr, body: "_LoopBody") -> bool:
    """The loop's own body changes what it tests (``pending = rest``, ``pending.pop()``): a
    work list drained, not a process kept alive."""
    name = dotted_name(flag)
    return name is None or name in body.assigned or name in body.methods_on


class _LoopBody:
    """What a loop body does (not counting nested functions or classes): does anything leave
    the loop, does it wait between rounds, does it ask a person for input?"""

    def __init__(self, ctx: FileScope, body: list[ast.stmt]) -> None:
        self.ctx = ctx
        self.call_nodes: list[ast.Call] = []
        self.leaves = False
        self.sleeps = False
        self.asks = False
        self.assigned: set[str] = set()  # names and attributes the body assigns
        self.methods_on: set[str] = set()  # names and attributes whose methods the body calls
        for statement in body:
            self._scan(statement, 0)

    def _scan(self, node: ast.AST, nested_loops: int) -> None:
        kind = type(node)
        if kind in _FUNCTIONS or kind is ast.ClassDef or kind is ast.Lambda:
            return
        if kind is ast.Break:
            if not nested_loops:  # a break in a nested loop only leaves that loop
                self.leaves = True
        elif kind in (ast.Return, ast.Yield, ast.YieldFrom):
            self.leaves = True  # a generator's consumer decides how long it runs
        elif kind is ast.Call:
            self._call(node)  # type: ignore[arg-type]
        elif kind in _LOOPS:
            nested_loops += 1
            if kind is not ast.While:
                self.assigned.update(n for part in ast.walk(node.target)  # type: ignore[attr-defined]
                                     if isinstance(part, _REFERENCES) and (n := dotted_name(part)))
        elif kind is ast.Assign or kind is ast.AugAssign or kind is ast.AnnAssign or kind is ast.NamedExpr:
            for target in (node.targets if kind is ast.Assign else [node.target]):  # type: ignore[attr-defined]
                for part in ast.walk(target):
                    if isinstance(part, _REFERENCES) and (name := dotted_name(part)):
                        self.assigned.add(name)
        for child in ast.iter_child_nodes(node):
            self._scan(child, nested_loops)

    def _call(self, node: ast.Call) -> None:
        callee = self.ctx.qualify(node.func)
        self.call_nodes.append(node)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if _blocks(node, callee):
            self.sleeps = True
        if method is not None and isinstance(node.func.value, _REFERENCES):  # type: ignore[union-attr]
            self.methods_on.add(dotted_name(node.func.value) or "")  # type: ignore[union-attr]
        if callee == "builtins.input":
            self.asks = True
