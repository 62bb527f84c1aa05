"""Whole-program facts only where the whole-program rules can look: the prefilter for them.

The signal rules (TWC302/TWC303) and the process model follow calls from entry points, so
they need facts from every file an entry point can reach, and from no other. Facts come
from CPython's tree, which every file gets anyway, but walking it in Python is not free
(0.73 s against libcst's 11.3 s parse on Django's 883 files, 6.6 s against 118 s on the
standard library, one process). So the first pass collects them only from the files that can hold an entry point (a
``__main__`` test, a ``__main__.py``, a console script's module, a file a Procfile runs, a
module a framework runs by its path such as a Django management command, and
every file sharing a module name with one of those, since the first by path stands for the
name), and from every file parsed anyway for its own rules; then, until nothing new turns
up, the files that the reachable code calls into and the modules of the classes it inherits
from are analyzed with facts as well.

The result equals collecting facts everywhere: a file outside the closure is one no entry
point reaches, and the rules never read it (``--no-prefilter`` keeps the old way; the tests
compare both).
"""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from twelvecheck.engine.task import FileTask
from twelvecheck.core.findings import FileResult
from twelvecheck.files.imports_text import imports_in_text
from twelvecheck.files.modulepath import module_name_from_path, namespace_names
from twelvecheck.program.project import Project, command_convention, is_test_path

Analyze = Callable[[list[FileTask]], list[FileResult]]


class FactClosure:
    def __init__(self, tasks: list[FileTask], scripts: list[tuple[str, str]],
                 content: Callable[[str], Any] | None = None) -> None:
        self.tasks = tasks
        # The cache's view of a file (cache.Content: has_main), so an unchanged file is not read.
        self.content = content
        self.by_module: dict[str, list[int]] = {}
        self.by_display: dict[str, int] = {}
        self.modules: dict[int, str] = {}
        for index, task in enumerate(tasks):
            if task.kind == "python":
                self.modules[index] = _module_of(task)
                self.by_module.setdefault(self.modules[index], []).append(index)
                self.by_display[task.display_path] = index
                for alias in namespace_names(task.display_path, self.modules[index]):  # jobs.poll for jobs/poll.py
                    self.by_module.setdefault(alias, []).append(index)
        self.script_modules = {prefix for _, target in scripts for prefix in _prefixes(target)}
        self.asked: set[int] = set()  # files whose facts the closure asked for

    # -- the first pass ----------------------------------------------------------------
    def mark_roots(self) -> None:
        """Facts, in the first pass, from the files that may hold an entry point."""
        roots = [index for index, task in enumerate(self.tasks)
                 if task.kind == "python" and self._may_start(index, task)]
        wanted = {self._module(index) for index in roots}
        # The project's modules an entry point imports are almost always asked for next:
        # their facts come in the first pass too, rather than in a wave of their own.
        wanted |= {module for index in roots for module in self._imports_of(index) if module in self.by_module}
        for index, task in enumerate(self.tasks):
            if task.kind == "python":
                self.tasks[index] = dataclasses.replace(task, collect_facts=self._module(index) in wanted)
                if self._module(index) in wanted:
                    self.asked.add(index)

    def _imports_of(self, index: int) -> set[str]:
        """The modules a file imports, read from its text (a guess for the first pass only:
        a module missed here is asked for by a later wave, one taken wrongly costs its facts)."""
        task = self.tasks[index]
        return imports_in_text(task.path, self.modules[index])

    def _may_start(self, index: int, task: FileTask) -> bool:
        if is_test_path(task.display_path):
            return False  # the project skips entry points in tests (a Procfile's are found later)
        if os.path.basename(task.path) == "__main__.py" or self.modules[index] in self.script_modules:
            return True
        if command_convention(task.display_path) is not None:
            return True  # a module a framework runs by its path: a Django management command
        if self.content is not None:
            content = self.content(task.path)
            return content is not None and content.has_main  # unreadable: the analysis reports it
        try:
            return b"__main__" in Path(task.path).read_bytes()
        except OSError:
            return False  # the analysis reports it

    def assume(self, display_paths: Iterable[str]) -> None:
        """Facts, in the first pass, from these files too: the files the closure asked for
        on the last run (the cache remembers them), so a run whose files come from the cache
        needs no further waves. Extra facts never change a finding (a file no entry point
        reaches is read by no rule), and these files do not widen the closure by their bases:
        only the files it asks for do, so a file no longer needed drops out of the next list."""
        for path in display_paths:
            index = self.by_display.get(path)
            if index is not None and not self.tasks[index].collect_facts:
                self.tasks[index] = dataclasses.replace(self.tasks[index], collect_facts=True)

    def asked_paths(self) -> list[str]:
        """The files whose facts the closure asked for (what ``assume`` takes next time)."""
        return sorted(self.tasks[index].display_path for index in self.asked)

    def settle(self, results: list[FileResult]) -> None:
        """A file parsed for its own rules already gave its facts (engine/analyze.py): no later wave
        reads it again."""
        for index, result in enumerate(results):
            task = self.tasks[index]
            if result.parsed and not task.collect_facts:
                self.tasks[index] = dataclasses.replace(task, collect_facts=True)

    # -- the closure -------------------------------------------------------------------
    def missing(self, project: Project, starts: Iterable[str], deployed_paths: Iterable[str]) -> list[int]:
        """Files without facts that the code reachable from ``starts`` (or a process type's
        files) may call into or inherit from."""
        starts, deployed_paths = list(starts), list(deployed_paths)
        while True:
            needed = self._needed(project, starts, deployed_paths)
            fresh = needed - self.asked
            self.asked |= needed
            # A needed file that already has its facts (parsed for its own rules, see settle)
            # may name more base classes: follow them now, no analysis is waiting for them.
            if not any(self.tasks[i].collect_facts for i in fresh):
                return sorted(i for i in needed if not self.tasks[i].collect_facts)

    def _needed(self, project: Project, starts: list[str], deployed_paths: list[str]) -> set[int]:
        modules: set[str] = set()
        indexes: set[int] = set()
        for name, unit in project.reachable_from(starts):
            if (index := self.by_display.get(project.unit_paths[name])) is not None:
                indexes.add(index)
            for constant in unit.get("signal_refs", ()):  # for sig in settings.STOP_SIGNALS
                modules.update(_prefixes(constant))
            for callee in unit["calls"]:
                if not project.resolve(callee):
                    modules.update(project.defining_modules(callee))
                    # setup().run(): the modules of what setup() returns, step by step
                    classes, trail = project.instances(callee.rpartition(".")[0])
                    for name in (*classes, *trail):
                        modules.update(_prefixes(name))
        # Bases of the classes in the files the closure asked for; a file that gave its facts
        # only because it was parsed anyway does not widen the closure by itself.
        for index in self.asked:
            program = (project.files.get(self.tasks[index].display_path) or {}).get("program") or {}
            for bases in program.get("classes", {}).values():
                for base in bases:
                    modules.update(project.defining_modules(base))
        indexes |= {i for module in modules for i in self.by_module.get(module, ())}
        indexes |= {i for path in deployed_paths if (i := self.by_display.get(path)) is not None}
        # A file joins with every file of its module name: the first by path stands for it.
        indexes |= {i for index in list(indexes) for i in self.by_module[self._module(index)]}
        return indexes

    def needed_for(self, project: Project, names: Iterable[str]) -> list[int]:
        """Files without facts that answering a question about ``names`` reads
        (run/conditions.py): the modules that may define each name, then those of what a
        function there returns and of every base of the classes found, step by step (each
        wave of facts asks again)."""
        modules: set[str] = set()
        seen: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            modules.update(project.defining_modules(name))
            pending.extend(project.classes.get(name, ()))
            for held in (f"{name}()", name):  # what calling it gives, and what it holds
                classes, trail = project.instances(held)
                pending.extend(classes)
                for holder in trail:
                    modules.update(_prefixes(holder.removesuffix("()")))
        return sorted({i for module in modules for i in self.by_module.get(module, ())
                       if not self.tasks[i].collect_facts})

    def collect(self, indexes: list[int], results: list[FileResult], analyze: Analyze) -> None:
        for index in indexes:
            self.tasks[index] = dataclasses.replace(self.tasks[index], collect_facts=True)
        self.asked.update(indexes)
        for index, result in zip(indexes, analyze([self.tasks[i] for i in indexes])):
            results[index] = result
        self.settle(results)

    def _module(self, index: int) -> str:
        return self.modules[index]


def _module_of(task: FileTask) -> str:
    return module_name_from_path(task.path)[0]


@lru_cache(maxsize=65536)
def _prefixes(dotted: str) -> tuple[str, ...]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: any of them may be the module that defines it."""
    parts = dotted.split(".")
    return tuple(".".join(parts[:end]) for end in range(1, len(parts) + 1))
