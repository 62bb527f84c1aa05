"""Threads and timers that run a job loop (TWC401's knowledge of them, in one module):

- a thread (``threading.Thread``, ``multiprocessing.Process``, a ``Thread`` subclass whose
  ``run()`` it is, a spawner such as ``gevent.spawn``) running a loop of the ``schedule``
  library's ``run_pending()``;
- a ``threading.Timer`` whose function arms it again, itself or through the functions it
  calls (a method, a nested function): the timer fires for good;
- a ``threading.Timer`` subclass whose ``run()`` loops (the "repeat timer" recipe).

The rule feeds it during the traversal and asks it once the module is walked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.checks.scheduler._schedulers import (
    REPEATING_TIMER, SCHEDULE_LOOP, START, THREAD_CLASSES, TIMER_CLASSES, SchedulerKind,
)
from twelvecheck.program.values.module_model import ModuleModel
from twelvecheck.program.values.scopes import Site


@dataclass
class Timer:
    """A threading.Timer built inside a function: periodic if its function arms it again."""

    node: cst.Call
    site: Site
    function: cst.FunctionDef  # the function building it
    target: cst.BaseExpression  # the function it calls


class JobThreads:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.scopes, self.bindings = model.scopes, model.bindings
        self.thread_classes: set[int] = set()  # ids of local Thread/Process subclasses
        self.timer_classes: set[int] = set()  # ids of local threading.Timer subclasses
        self.looping: set[int] = set()  # ids of functions with a loop
        # run_pending() calls in loops: (function id, receiver still to check or None when
        # the call resolved to the schedule module itself, site).
        self.pending_loops: list[tuple[int, cst.BaseExpression | None, Site]] = []
        self.schedule_instances: set[int] = set()  # ids of schedule.Scheduler() calls
        self.timers: list[Timer] = []
        self._loop_functions: set[int] | None = None

    # -- fed by the traversal ---------------------------------------------------------
    def record_base(self, node: cst.ClassDef, qualified: str, client: bool) -> bool:
        """A base of a local class: True if it makes the class a thread or a timer."""
        if qualified in THREAD_CLASSES:
            self.thread_classes.add(id(node))
        elif qualified in TIMER_CLASSES and client:
            self.timer_classes.add(id(node))
        else:
            return False
        return True

    def record_loop(self) -> None:
        function = self.scopes.current_function()
        if function is not None:
            self.looping.add(id(function))

    def record_timer(self, node: cst.Call, target: cst.BaseExpression | None) -> None:
        function = self.scopes.current_function()
        if function is not None and target is not None:
            self.timers.append(Timer(node, self.scopes.site(), function, target))

    def record_run_pending(self, receiver: cst.BaseExpression | None) -> None:
        """A run_pending() call; it matters inside a loop of a function (a thread target)."""
        function = self.scopes.current_function()
        if function is not None and self.scopes.current.loop_depth:
            self.pending_loops.append((id(function), receiver, self.scopes.site()))

    # -- questions, once the module is walked ------------------------------------------
    def kind_of(self, definition) -> SchedulerKind | None:
        """What a thread or local class runs, when it runs jobs for good: a local Timer
        subclass whose run() loops, or (as a thread's target) a schedule loop."""
        if isinstance(definition, cst.ClassDef) and id(definition) in self.timer_classes:
            run = self.scopes.by_key[id(definition)].definitions.get("run")
            if run is not None and id(run) in self.looping:
                return SchedulerKind(REPEATING_TIMER, START, f"{definition.name.value}, {REPEATING_TIMER},")
            return None
        loop = self._schedule_loop_target(definition)
        if loop is None:
            return None
        return SchedulerKind("thread", START, f"a thread running the {SCHEDULE_LOOP} loop of {loop}()")

    def rearmed_timers(self) -> Iterator[tuple[cst.Call, SchedulerKind]]:
        """Each timer whose function, run, builds the timer again (``Timer(i, self.poll)``
        in ``arm``, and ``poll`` calls ``self.arm()``; or ``Timer(i, tick)`` inside ``tick``),
        with what it is: it fires for good, from where it is started."""
        for timer in self.timers:
            target = self.model.callable_at(timer.target, timer.site)
            if isinstance(target, cst.FunctionDef) and self.model.reaches(target, timer.function):
                yield timer.node, SchedulerKind("threading.Timer", START,
                                                f"a threading.Timer that {target.name.value}() arms again",
                                                at_construction=True)

    def _schedule_loop_functions(self) -> set[int]:
        if self._loop_functions is None:
            self._loop_functions = set()
            for function_id, receiver, site in self.pending_loops:
                if receiver is None or any(id(v) in self.schedule_instances
                                           for v in self.bindings.values(receiver, site)):
                    self._loop_functions.add(function_id)
        return self._loop_functions

    def _schedule_loop_target(self, definition) -> str | None:
        """The name of the function (or Thread subclass's run) with the schedule loop
        that a thread runs, if it runs one."""
        loop_functions = self._schedule_loop_functions()
        if isinstance(definition, cst.ClassDef) and id(definition) in self.thread_classes:
            run = self.scopes.by_key[id(definition)].definitions.get("run")
            if run is not None and id(run) in loop_functions:
                return f"{definition.name.value}.run"
        elif isinstance(definition, cst.FunctionDef) and id(definition) in loop_functions:
            return definition.name.value
        return None
