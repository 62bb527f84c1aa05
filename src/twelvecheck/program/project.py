"""The whole program: every file's facts joined, entry points found, calls followed.

Entry points are ``if __name__ == "__main__":`` blocks, the module body of a package's
``__main__.py``, the functions named by console scripts (read by ``packaging.py``), Django
management commands' ``handle``, and the code a Procfile's process types run
(``deployed``, filled in by ``deploy/process_model.process_entry_points``).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Iterable, Iterator

from twelvecheck.files.modulepath import namespace_names
from twelvecheck.program.frameworks import COMMAND_CONVENTIONS

_TEST_PATH_RE = re.compile(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_test\.py$|(^|/)conftest\.py$")
# A module a framework runs by where it is: `<app>/management/commands/<name>.py`, not one
# whose name starts with `_` (Django's find_commands skips those, __init__.py too).
_COMMAND_PATH_RES = tuple(
    (re.compile(rf"(^|/){re.escape(convention['folder'])}/(?!_)([^/]+)\.py$"), convention)
    for convention in COMMAND_CONVENTIONS
)
# How many steps Project.instances follows from a holder to a class: `f()` returns `g()`,
# which returns `Bot()`, is two.
MAX_HOLD_STEPS = 3
# How many re-exports Project.canonical follows (a package re-exporting a subpackage's).
MAX_EXPORT_STEPS = 4
# Where a finding about a whole file goes (a __main__.py, a module a process type runs).
FILE_START = (1, 1, 1, 2)


@lru_cache(maxsize=None)
def is_test_path(path: str) -> bool:
    """Tests are run by a test runner, not deployed as processes: no entry points there."""
    return bool(_TEST_PATH_RE.search(path))


def command_convention(path: str) -> tuple[dict, str] | None:
    """The convention (frameworks.COMMAND_CONVENTIONS) by which a framework runs the module at
    ``path`` as a command, and the command's name; None for any other module."""
    for pattern, convention in _COMMAND_PATH_RES:
        match = pattern.search(path)
        if match:
            return convention, match.group(2)
    return None


@dataclass(frozen=True)
class EntryPoint:
    path: str  # display path of the file holding it
    unit: str  # qualified unit name: "pkg.mod.main", "pkg.mod.<main>", "pkg.__main__.<module>"
    span: tuple[int, int, int, int]
    what: str  # for messages: 'the __main__ block', "console script 'serve'", "process type 'worker' (Procfile)"
    # (display path, line) of each line that declares it: a Procfile's process types.
    declared: tuple[tuple[str, int], ...] = ()


@dataclass
class Project:
    files: dict[str, dict[str, Any]]  # display path -> facts
    scripts: list[tuple[str, str]] = field(default_factory=list)  # (script name, "module.function")
    # Entry points a deployment declares (a Procfile's process types). One stands in for the
    # entry point the code itself makes at the same unit, so that is reported once, naming
    # the process type.
    deployed: list[EntryPoint] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.units: dict[str, dict[str, Any]] = {}
        self.unit_paths: dict[str, str] = {}
        self.classes: dict[str, list[str]] = {}
        self.class_paths: dict[str, str] = {}
        self.holds: dict[str, list[str]] = {}  # holder -> what it holds (holds.py)
        self.signal_constants: dict[str, list[str]] = {}  # SIGNALS = (SIGTERM, SIGINT) -> names
        # What packages re-export: `svc.run` -> `svc.service.run` (`from .service import run`
        # in svc/__init__.py), and the modules a package re-exports whole (`import *`).
        self.exports: dict[str, str] = {}
        self.star_sources: dict[str, list[str]] = {}
        self._canonical: dict[str, str] = {}
        self._instances: dict[str, tuple[list[str], list[str]]] = {}
        self.path_units: dict[str, list[str]] = {}  # display path -> the units defined there
        # `jobs.poll` -> `poll`: a module inside folders without __init__.py (namespace
        # packages) is named from its outermost package, and imported by the longer name.
        self.namespace_aliases: dict[str, str] = {}
        self._resolved: dict[str, list[str]] = {}
        self._external: dict[str, list[str]] = {}
        self.silenced: list = []  # ProjectFindings a knowledge entry silenced (lifetime.py)
        for path, facts in sorted(self.files.items()):
            program = facts.get("program") or {}
            for name, unit in program.get("units", {}).items():
                if name in self.units:
                    continue  # two files with one module name: the first stands for it
                self.units[name] = unit
                self.unit_paths[name] = path
                self.path_units.setdefault(path, []).append(name)
            self.classes.update(program.get("classes", {}))
            for name in program.get("classes", {}):
                self.class_paths.setdefault(name, path)
            for holder, made in program.get("holds", {}).items():
                self.holds.setdefault(holder, made)
            for constant, signals in program.get("signal_constants", {}).items():
                self.signal_constants.setdefault(constant, signals)
            for name, target in program.get("exports", {}).items():
                self.exports.setdefault(name, target)
            module_unit = next((unit for unit in program.get("units", {}) if unit.endswith(".<module>")), None)
            if module_unit is not None:  # a module of a namespace package: also known by the longer name
                for alias in namespace_names(path, module_unit[: -len(".<module>")]):
                    self.namespace_aliases.setdefault(alias, module_unit[: -len(".<module>")])
            if program.get("star_sources"):
                package = next((unit[: -len(".<module>")] for unit in program.get("units", {})
                                if unit.endswith(".<module>")), None)
                if package is not None:
                    self.star_sources.setdefault(package, program["star_sources"])

    # -- entry points ----------------------------------------------------------------
    def entry_points(self) -> Iterator[EntryPoint]:
        """Each entry point once (by unit), a deployed one in place of the code's own."""
        found: dict[str, EntryPoint] = {}
        for entry in self._code_entries:
            found.setdefault(entry.unit, entry)
        found.update((entry.unit, entry) for entry in self.deployed)
        yield from sorted(found.values(), key=lambda e: (e.path, e.span, e.unit))

    @cached_property
    def _code_entries(self) -> list[EntryPoint]:
        """The code's own entry points (the deployment's are added per call): the rules and
        the closure ask for them once per entry point and wave."""
        return list(self._code_entry_points())

    def _code_entry_points(self) -> Iterator[EntryPoint]:
        for name, unit in sorted(self.units.items()):
            if is_test_path(self.unit_paths[name]):
                continue  # tests are run by a test runner, not deployed as processes
            if unit["kind"] == "main":
                yield self.entry_point(name, "the __main__ block")
            elif unit["kind"] == "module" and name.endswith(".__main__.<module>"):
                yield self.entry_point(name, "the package's __main__.py")
        yield from self._command_entry_points()
        for script, target in self.scripts:
            unit = self.units.get(target)
            if unit is not None and unit["kind"] == "function" and not is_test_path(self.unit_paths[target]):
                yield self.entry_point(target, f"console script '{script}'")

    def _command_entry_points(self) -> Iterator[EntryPoint]:
        """The method a framework runs in a module it finds by its path (a Django management
        command's ``Command.handle``), when the class derives from the framework's base."""
        for cls, path in sorted(self.class_paths.items()):
            found = command_convention(path) if not is_test_path(path) else None
            if found is None:
                continue
            convention, command = found
            for target in self._command_method(cls, path, convention):
                yield self.entry_point(target, f"{convention['what']} '{command}'")

    def command_units(self, path: str) -> list[str]:
        """The method a framework runs for the command module at ``path`` (``Command.handle``
        of a Django management command), when its class derives from the framework's base."""
        found = command_convention(path)
        if found is None:
            return []
        convention = found[0]
        module = next((unit[: -len(".<module>")] for unit in self.path_units.get(path, ())
                       if unit.endswith(".<module>")), None)
        cls = f"{module}.{convention['class']}"
        if module is None or self.class_paths.get(cls) != path:
            return []
        return self._command_method(cls, path, convention)

    def _command_method(self, cls: str, path: str, convention: dict) -> list[str]:
        module, _, name = cls.rpartition(".")
        if name != convention["class"] or self.unit_paths.get(f"{module}.<module>") != path:
            return []  # not a class of the module's top level
        if not self.derives_from(cls, convention["bases"]):
            return []
        return [target for target in self.resolve(f"{cls}.{convention['method']}")
                if self.units[target]["kind"] == "function"]

    def derives_from(self, cls: str, bases: frozenset[str]) -> bool:
        """Whether ``cls`` derives from one of ``bases``, through the project's classes."""
        seen = set()
        pending = [cls]
        while pending:
            current = pending.pop()
            if current in bases:
                return True
            if current in seen:
                continue
            seen.add(current)
            if current not in self.classes and (defined := self.canonical(current)) != current:
                pending.append(defined)  # a class a package re-exports
            pending.extend(self.classes.get(current, ()))
        return False

    def canonical(self, name: str) -> str:
        """The name where it is defined: a package's re-export (``svc.run`` for
        ``svc.service.run``, also through ``import *``) replaced by what it names, a few
        steps at most (a package re-exporting another package's re-export)."""
        found = self._canonical.get(name)
        if found is None:
            found = self._canonical[name] = self._defined(name)
        return found

    def _defined(self, name: str) -> str:
        for _ in range(MAX_EXPORT_STEPS):
            parts = name.split(".")
            for end in range(len(parts), 0, -1):
                prefix, rest = ".".join(parts[:end]), parts[end:]
                # `from .actor import actor` in a package: `pkg.actor(...)` is the function,
                # but `pkg.actor.Actor` is read in the submodule it was imported from.
                shadowed = end < len(parts) and f"{prefix}.<module>" in self.units
                target = None if shadowed else self.exports.get(prefix)
                if target is None and end < len(parts):
                    target = next((f"{source}.{parts[end]}" for source in self.star_sources.get(prefix, ())
                                   if self._defines(f"{source}.{parts[end]}")), None)
                    rest = parts[end + 1:]
                if target is not None:
                    name = ".".join([target, *rest])
                    break
            else:
                return name
        return name

    def defining_modules(self, name: str) -> set[str]:
        """Modules that may define ``name`` (the fact closure fetches them): its prefixes,
        those of where a package's re-export points, and the modules a prefix re-exports
        with ``import *``."""
        found = set(_prefixes(name)) | set(_prefixes(self.canonical(name)))
        if self.namespace_aliases:
            found |= set(_prefixes(self._unaliased(name)))
        for prefix in list(found):
            for source in self.star_sources.get(prefix, ()):
                found.update(_prefixes(source))
        return found

    def _defines(self, name: str) -> bool:
        return name in self.units or name in self.classes or name in self.exports or f"{name}()" in self.holds

    def makes_instance_of(self, callee: str, bases: frozenset[str]) -> bool:
        """Whether calling ``callee`` gives an instance of a class deriving from one of
        ``bases``: a project class (its bases followed across modules), or a function whose
        return value holds one (``instances``, bounded). A name the project does not define
        answers no unless it is one of ``bases`` itself."""
        if callee in self.classes:
            return self.derives_from(callee, bases)
        return any(self.derives_from(cls, bases) for cls in self.instances(f"{callee}()")[0])

    def holds_instance_of(self, holder: str, bases: frozenset[str]) -> bool:
        """Whether a holder (a module-level name, ``pkg.mod.scheduler``) holds an instance of
        a class deriving from one of ``bases`` (``instances``, bounded)."""
        return any(self.derives_from(cls, bases) for cls in self.instances(self.canonical(holder))[0])

    def entry_point(self, name: str, what: str) -> EntryPoint:
        """An entry point at unit ``name``, reported where it starts: the __main__ test,
        the function's name, or for a module body its last top-level call (else the top of
        the file)."""
        at = self.units[name]["at"] or self.units[name].get("runs_at")
        return EntryPoint(self.unit_paths[name], name, tuple(at) if at else FILE_START, what)

    def sequence(self, steps: list[str], at: str) -> str:
        """A unit that runs ``steps`` (units) one after the other, reported where unit ``at``
        is: what a command-line framework runs for the command whose function is ``at``
        (cli_commands.py: the command, the modules imported first, the app factory, the
        groups' callbacks). One per command: the steps of every way it is run are joined."""
        name = f"{at}.<runs>"
        unit = self.units.get(name)
        if unit is None:
            unit = self.units[name] = {"kind": "function", "at": self.units[at]["at"], "calls": [], "loops": [],
                                       "sigterm": [], "sigint": False, "catches_interrupt": False,
                                       "interactive": False}
            self.unit_paths[name] = self.unit_paths[at]
        unit["calls"] += [step for step in steps if step not in unit["calls"]]
        return name

    def units_in(self, path: str, suffix: str) -> list[str]:
        """The units of a file whose names end with ``suffix`` (".<module>", ".<main>", ".main")."""
        return [name for name in self.path_units.get(path, []) if name.endswith(suffix)]

    # -- the call graph --------------------------------------------------------------
    def resolve(self, callee: str) -> list[str]:
        """Project units a called name may run: a function, a class's __init__, a method
        found through the class's bases (project classes first). Memoized: the whole-program
        rules and the closure ask about the same callees millions of times on a large tree."""
        found = self._resolved.get(callee)
        if found is None:
            self._resolved[callee] = []  # a class hierarchy with a cycle ends here
            found = self._resolved[callee] = self._resolve(callee)
        return found

    def _resolve(self, callee: str) -> list[str]:
        if callee not in self.units and callee not in self.classes:
            # `from svc import run` where svc/__init__ re-exports it; the defined name is
            # not made canonical again (a re-export naming itself would never end)
            callee = self.canonical(callee)
        if callee not in self.units and callee not in self.classes and self.namespace_aliases:
            callee = self._unaliased(callee)
        return self._resolve_defined(callee)

    def _unaliased(self, name: str) -> str:
        """``jobs.poll.main`` -> ``poll.main`` when ``jobs`` is a namespace package's folder
        (and no module of the project is named ``jobs.poll`` itself)."""
        parts = name.split(".")
        for end in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:end])
            if f"{prefix}.<module>" in self.units:
                return name  # a module of that name exists: the name is its
            module = self.namespace_aliases.get(prefix)
            if module is not None:
                return ".".join([module, *parts[end:]])
        return name

    def _resolve_defined(self, callee: str) -> list[str]:
        if callee in self.units:
            return [callee]
        if callee in self.classes:
            return self.resolve(f"{callee}.__init__")
        owner, _, method = callee.rpartition(".")
        if owner in self.classes:
            for base in self.classes[owner]:
                found = self.resolve(f"{base}.{method}")
                if found:
                    return found
            return []
        # setup().serve_forever(), self.server.run(), server.run() with `server` imported
        found = []
        for cls in self.instances(owner)[0]:
            found += [unit for unit in self.resolve(f"{cls}.{method}") if unit not in found]
        return found

    def instances(self, holder: str) -> tuple[list[str], list[str]]:
        """The classes whose instances a holder (holds.py: ``pkg.setup()``, ``pkg.Cls.attr``,
        ``pkg.mod.name``) may hold, following at most MAX_HOLD_STEPS steps; and every name
        looked at on the way (the fact closure fetches their modules). A class outside the
        project counts when its name is capitalized: ``make() -> uvicorn.Server``."""
        cached = self._instances.get(holder)
        if cached is None:
            classes: list[str] = []
            trail: list[str] = []
            self._instances[holder] = ([], [])  # a cycle ends here
            self._follow(holder, 0, classes, trail)
            cached = self._instances[holder] = (classes, trail)
        return cached

    def _follow(self, holder: str, steps: int, classes: list[str], trail: list[str]) -> None:
        if steps > MAX_HOLD_STEPS or holder in trail:
            return
        trail.append(holder)
        if holder.endswith("()"):
            made = holder[:-2]
            if made not in self.classes and made not in self.units:
                made = self.canonical(made)
            if made in self.classes:
                classes.append(made)
                return
            targets = self.resolve(made)
            if not targets and made not in self.units and made.rsplit(".", 1)[-1][:1].isupper():
                classes.append(made)  # a class outside the analyzed files
                return
            values = [value for target in targets for value in self.holds.get(f"{target}()", ())]
        else:
            values = list(self.holds.get(holder, ()))
            owner, _, attr = holder.rpartition(".")
            if not values and owner in self.classes:  # self.attr set in a base class's method:
                for base in self.classes[owner]:  # the same attribute, not a step
                    self._follow(f"{base}.{attr}", steps, classes, trail)
        for value in values:
            self._follow(value, steps + 1, classes, trail)

    def passes_parameter(self, callee: str, where: int | str, target: str, index: int | None, name: str) -> bool:
        """Whether an argument at ``where`` (a position or a keyword) of a call of ``callee``
        is the parameter ``index``/``name`` of the unit ``target`` (a method's parameters
        start with self: ``obj.install(SIGTERM)`` passes it second)."""
        if target not in self.resolve(callee):
            return False
        shift = 1 if target.rpartition(".")[0] in self.classes else 0
        return where == name or where == index or (
            bool(shift) and isinstance(where, int) and index is not None and index == where + shift)

    def given_process_id(self, function: str, index: int | None, name: str) -> bool:
        """Whether some call of the program passes the running process's id (``os.getpid()``)
        for this parameter of ``function`` (process_id.py)."""
        return any(self.passes_parameter(callee, where, function, index, name)
                   for unit in self.units.values() for callee, where in unit.get("pid_args", ()))

    def process_id_callees(self) -> set[str]:
        """The names called with the process id somewhere in the program."""
        return {callee for unit in self.units.values() for callee, _ in unit.get("pid_args", ())}

    def external_calls(self, callee: str) -> list[str]:
        """The names a call may denote outside the project: itself, and the same method
        on the external bases of a project class (``class App(BaseApplication)``)."""
        cached = self._external.get(callee)
        if cached is None:
            cached = self._external[callee] = self._external_calls(callee)
        return cached

    def _external_calls(self, callee: str) -> list[str]:
        names = [callee]
        owner, _, method = callee.rpartition(".")
        seen = set()
        pending = [owner]
        if owner not in self.classes:  # make().run() where make() returns uvicorn.Server()
            for cls in self.instances(owner)[0]:
                names.append(f"{cls}.{method}")
                pending.append(cls)
        while pending:
            cls = pending.pop()
            if cls in seen or cls not in self.classes:
                continue
            seen.add(cls)
            for base in self.classes[cls]:
                base = base if base in self.classes else self.canonical(base)
                names.append(f"{base}.{method}")
                pending.append(base)
        return names

    def reachable(self, start: str) -> list[tuple[str, dict[str, Any]]]:
        """Units reachable from ``start`` by calls (breadth first, each once)."""
        return self.reachable_from([start])

    def reachable_from(self, starts: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        """Units reachable from any of ``starts``, each once."""
        return [(name, unit) for name, unit, _ in self.reachable_levels(starts)]

    def reachable_levels(self, starts: Iterable[str]) -> list[tuple[str, dict[str, Any], int]]:
        """Units reachable from any of ``starts``, each once, with how many calls away."""
        order = []
        seen = set(starts)
        queue = deque((name, 0) for name in sorted(seen))
        while queue:
            name, depth = queue.popleft()
            unit = self.units.get(name)
            if unit is None:
                continue
            order.append((name, unit, depth))
            for callee in unit["calls"]:
                for target in self.resolve(callee):
                    if target not in seen:
                        seen.add(target)
                        queue.append((target, depth + 1))
        return order


@lru_cache(maxsize=65536)
def _prefixes(dotted: str) -> tuple[str, ...]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: any of them may be the module that defines it."""
    parts = dotted.split(".")
    return tuple(".".join(parts[:end]) for end in range(1, len(parts) + 1))
