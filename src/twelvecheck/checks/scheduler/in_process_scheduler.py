"""TWC401 in-process-scheduler: a periodic-job scheduler started inside a web or worker process."""

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.checks.scheduler._schedulers import (
    CELERY_WORKER, CELERY_WORKER_CLASSES, SCHEDULE_LOOP, SCHEDULER_CLASSES, SPAWNERS, START, THREAD_CLASSES,
    SchedulerKind, is_gui_toolkit, is_standalone, runs_embedded_beat,
)
from twelvecheck.program.values.exprs import argument, keyword_is_true, string_items
from twelvecheck.program.values.scopes import ScopeModel, Site
from twelvecheck.engine.names import dotted_name
from twelvecheck.engine.rule import Invalid, Rule, Valid


@dataclass
class Made:
    """A construction that may start scheduled jobs, and what is known about it."""

    node: cst.Call
    statement: cst.CSTNode | None
    site: Site
    kind: SchedulerKind | None  # None: a thread whose target decides
    target: cst.BaseExpression | None = None  # thread target, or the class name called
    nested: bool = False  # an argument of another such construction (reported there)
    started: bool = False


@dataclass
class Started:
    node: cst.Call
    statement: cst.CSTNode | None
    site: Site
    method: str
    receiver: cst.BaseExpression


class InProcessScheduler(Rule):
    code = "TWC401"
    tokens = ("Scheduler", "EmbeddedService", "MiniHuey", "run_pending", "Timer", "worker_main", "beat",
              "with_scheduler", '"-B"', "'-B'")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        model = ScopeModel()
        self.scopes, self.bindings = model.scopes, model.bindings
        self.listeners = [model]
        self.made: dict[int, Made] = {}
        self.started: list[Started] = []
        self.open_constructions: list[int] = []
        # run_pending() calls in loops: (function id, receiver still to check or None when
        # the call resolved to the schedule module itself, site).
        self.pending_loops: list[tuple[int, cst.BaseExpression | None, Site]] = []
        self.schedule_instances: set[int] = set()  # ids of schedule.Scheduler() calls
        self.thread_classes: set[int] = set()  # ids of local Thread/Process subclasses
        self.scheduler_subclasses: dict[int, SchedulerKind] = {}  # local subclasses of SCHEDULER_CLASSES
        self.relative_names: set[str] = set()
        self.reports: list[tuple[cst.CSTNode, cst.CSTNode | None, str]] = []
        self.gui = False

    def _statement(self) -> cst.CSTNode | None:
        return self.ctx.statements[-1] if self.ctx.statements else None

    # -- imports and classes --------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            qualified = self.ctx.qualify(base.value) or ""
            if qualified in THREAD_CLASSES:
                self.thread_classes.add(id(node))
            elif qualified in SCHEDULER_CLASSES and self._is_client_reference(base.value, qualified):
                self.scheduler_subclasses[id(node)] = SCHEDULER_CLASSES[qualified]

    def visit_Import(self, node: cst.Import) -> None:
        self.gui = self.gui or any(is_gui_toolkit(dotted_name(alias.name)) for alias in node.names)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            # Inside a package, its own classes imported relatively are the implementation,
            # not a client starting them.
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    local = alias.asname.name if alias.asname else alias.name
                    self.relative_names.add(dotted_name(local) or "")  # type: ignore[arg-type]
        elif node.module is not None:
            self.gui = self.gui or is_gui_toolkit(dotted_name(node.module))

    # -- calls ----------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func) or ""
        if not self._construction(node, qualified) and isinstance(node.func, cst.Attribute):
            self._method_call(node, node.func, qualified)
        elif qualified.startswith("schedule.") and qualified.endswith(".run_pending"):
            self._run_pending(None)  # `from schedule import run_pending`

    def _construction(self, node: cst.Call, qualified: str) -> bool:
        """Record a scheduler, thread, timer or local-class construction; True if it was one."""
        func = node.func
        if qualified and self._is_client_reference(func, qualified):
            kind = SCHEDULER_CLASSES.get(qualified)
            if kind is not None and not is_standalone(node, qualified):
                self._make(node, kind)
            elif qualified in THREAD_CLASSES:
                self._make(node, None, argument(node, 1, "target"))
            elif qualified == "threading.Timer":
                function = self._rearmed_function(argument(node, 1, "function"))
                if function is not None:
                    phrase = f"a threading.Timer that re-arms {function}()"
                    self._make(node, SchedulerKind("threading.Timer", START, False, phrase))
            elif qualified in SPAWNERS:
                self.made[id(node)] = Made(node, self._statement(), self.scopes.site(), None,
                                           argument(node, 0), started=True)
            elif qualified == "schedule.Scheduler":
                self.schedule_instances.add(id(node))
            else:
                return False
            return True
        last = func.attr.value if isinstance(func, cst.Attribute) else qualified.rsplit(".", 1)[-1]
        if last in CELERY_WORKER_CLASSES and keyword_is_true(node, "beat"):
            self._make(node, CELERY_WORKER)
            return True
        if isinstance(func, cst.Name) and qualified.startswith(self.ctx.module_name + "."):
            # A class defined in this module: maybe a Thread subclass running the loop, or
            # a subclass of a scheduler.
            self._make(node, None, func, register=False)
            return True
        return False

    def _method_call(self, node: cst.Call, func: cst.Attribute, qualified: str) -> None:
        method = func.attr.value
        if method == "run_pending":
            self._run_pending(None if qualified.startswith("schedule.") else func.value)
        elif method == "work" and keyword_is_true(node, "with_scheduler"):
            self.reports.append((node, self._statement(), "rq worker.work(with_scheduler=True)"))
        elif method in ("start", "start_in_background", "worker_main"):
            self.started.append(Started(node, self._statement(), self.scopes.site(), method, func.value))

    def _run_pending(self, receiver: cst.BaseExpression | None) -> None:
        """A run_pending() call; it matters inside a loop of a function (a thread target)."""
        function = self.scopes.current_function()
        if function is not None and self.scopes.current.loop_depth:
            self.pending_loops.append((id(function), receiver, self.scopes.site()))

    def leave_Call(self, node: cst.Call) -> None:
        if self.open_constructions and self.open_constructions[-1] == id(node):
            self.open_constructions.pop()

    def _is_client_reference(self, func: cst.BaseExpression, qualified: str) -> bool:
        """False for a class referred to inside its own package: defined in this module
        or imported relatively."""
        head = (dotted_name(func) or "").split(".", 1)[0]
        return head not in self.relative_names and not qualified.startswith(self.ctx.module_name + ".")

    def _make(self, node: cst.Call, kind: SchedulerKind | None, target: cst.BaseExpression | None = None,
              register: bool = True) -> None:
        nested = bool(self.open_constructions) and kind is not None
        self.made[id(node)] = Made(node, self._statement(), self.scopes.site(), kind, target, nested)
        if register and kind is not None:
            self.open_constructions.append(id(node))

    def _rearmed_function(self, target: cst.BaseExpression | None) -> str | None:
        """For Timer(interval, f) inside f itself (or self.f inside the method f): f's name."""
        function = self.scopes.current_function()
        if function is None or target is None:
            return None
        name = function.name.value
        if isinstance(target, cst.Name) and target.value == name:
            return name
        if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.attr.value == name
                and self.scopes.enclosing_class(function) is not None):
            return name
        return None

    # -- resolution, once the module is walked --------------------------------------
    def leave_Module(self, node: cst.Module) -> None:
        if self.gui:
            return
        loop_functions = self._schedule_loop_functions()
        for made in self.made.values():
            if made.kind is not None or made.target is None:
                continue
            definition = self.scopes.resolve_callable(made.target, made.site, self.ctx.qualify)
            if isinstance(made.target, cst.Name) and id(definition) in self.scheduler_subclasses:
                made.kind = self.scheduler_subclasses[id(definition)]
                continue
            loop = self._schedule_loop_target(definition, loop_functions)
            if loop is not None:
                phrase = f"a thread running the {SCHEDULE_LOOP} loop of {loop}()"
                made.kind = SchedulerKind("thread", START, False, phrase)
                if made.started:  # spawned by the call itself
                    self.reports.append((made.node, made.statement, phrase))
        for start in self.started:
            self._resolve_start(start)
        for made in self.made.values():
            if made.kind is not None and made.kind.report_unstarted and not made.started and not made.nested:
                self.reports.append((made.node, made.statement, f"{made.kind.name}, built here and started elsewhere,"))
        for report_node, statement, what in self.reports:
            self.report_at(report_node, statement, what=what)

    def _resolve_start(self, start: Started) -> None:
        argv = self._argv(start) if start.method in ("worker_main", "start") else []
        if start.method == "worker_main" or "worker" in argv:
            if runs_embedded_beat(argv):
                self.reports.append((start.node, start.statement, "celery worker with embedded beat (-B)"))
            return
        for value in self.bindings.values(start.receiver, start.site):
            made = self.made.get(id(value)) if isinstance(value, cst.Call) else None
            if made is not None and made.kind is not None and start.method in made.kind.start_methods:
                made.started = True
                self.reports.append((start.node, start.statement, made.kind.started_by(start.method)))
                return

    def _argv(self, start: Started) -> list[str]:
        """The strings of the command line given to a celery app's worker_main() or start()."""
        argv = argument(start.node, 0, "argv")
        if argv is None:
            return []
        return [s for value in self.bindings.values(argv, start.site) for s in string_items(value)]

    def _schedule_loop_functions(self) -> set[int]:
        functions = set()
        for function_id, receiver, site in self.pending_loops:
            if receiver is None or any(id(v) in self.schedule_instances
                                       for v in self.bindings.values(receiver, site)):
                functions.add(function_id)
        return functions

    def _schedule_loop_target(self, definition, loop_functions: set[int]) -> str | None:
        """The name of the function (or Thread subclass's run) with the schedule loop
        that a thread runs, if it runs one."""
        if isinstance(definition, cst.ClassDef) and id(definition) in self.thread_classes:
            run = self.scopes.by_key[id(definition)].definitions.get("run")
            if run is not None and id(run) in loop_functions:
                return f"{definition.name.value}.run"
        elif isinstance(definition, cst.FunctionDef) and id(definition) in loop_functions:
            return definition.name.value
        return None

    VALID = [
        Valid("""
            from apscheduler.schedulers.blocking import BlockingScheduler
            scheduler = BlockingScheduler()
            scheduler.add_job(print, "interval", minutes=5)
            scheduler.start()
            """),
        Valid("""
            # BackgroundScheduler().start() would run the job in every web worker
            text = "BackgroundScheduler().start()"
            def f():
                '''Never call BackgroundScheduler().start() here.'''
            """),
        Valid("""
            import threading
            def refresh_cache():
                pass
            threading.Thread(target=refresh_cache, daemon=True).start()
            threading.Timer(30.0, refresh_cache).start()
            """),
        Valid("""
            import time
            import schedule
            schedule.every(10).minutes.do(print, "tick")
            def main():
                while True:
                    schedule.run_pending()
                    time.sleep(1)
            if __name__ == "__main__":
                main()
            """),
        Valid("""
            from apscheduler import Scheduler
            with Scheduler() as scheduler:
                scheduler.run_until_stopped()
            """),
        Valid("""
            # the scheduler package's own code: classes defined here or imported relatively
            from .base import BaseScheduler
            from .blocking import BlockingScheduler
            class BackgroundScheduler(BlockingScheduler):
                def start(self, *args, **kwargs):
                    BaseScheduler.start(self, *args, **kwargs)
                    self._thread.start()
            """, filename="apscheduler/schedulers/background.py"),
        Valid("""
            from apscheduler.schedulers.qt import QtScheduler
            scheduler = QtScheduler()
            scheduler.start()
            """),
        Valid("""
            import tkinter
            from apscheduler.schedulers.background import BackgroundScheduler
            root = tkinter.Tk()
            BackgroundScheduler().start()
            root.mainloop()
            """),
        Valid("""
            from celery import Celery
            app = Celery("proj")
            app.worker_main(["worker", "--loglevel=INFO"])
            worker = app.Worker(beat=False)
            worker.start()
            """),
        Valid("""
            from rq import Worker
            def run(queues, connection, with_scheduler=False):
                Worker(queues, connection=connection).work(with_scheduler=with_scheduler)
            """),
        Valid("""
            from twisted.internet.task import LoopingCall
            LoopingCall(print).start(10)
            """),
        Valid("""
            import threading, time
            class Poller:
                def poll(self):
                    while True:
                        self.queue.run_pending()
                        time.sleep(1)
                def start(self):
                    threading.Thread(target=self.poll).start()
            """),
        Valid("""
            from apscheduler.scheduler import Scheduler
            sched = Scheduler(standalone=True)
            sched.start()
            """),
    ]

    INVALID = [
        Invalid("""
            from apscheduler.schedulers.background import BackgroundScheduler
            scheduler = BackgroundScheduler()
            scheduler.add_job(print, "interval", minutes=5)
            scheduler.start()
            """, lines=(4,)),
        Invalid("""
            import apscheduler.schedulers.asyncio as aio
            async def main():
                sched = aio.AsyncIOScheduler(timezone="UTC")
                sched.start()
            """, lines=(4,)),
        Invalid("""
            from flask import Flask
            from flask_apscheduler import APScheduler as Sched
            scheduler = Sched()
            def create_app():
                app = Flask(__name__)
                scheduler.init_app(app)
                scheduler.start()
                return app
            """, lines=(7,)),
        Invalid("""
            from apscheduler.schedulers.background import BackgroundScheduler
            class Jobs:
                def run(self):
                    self.scheduler.start()
                def __init__(self):
                    scheduler = BackgroundScheduler()
                    self.scheduler = scheduler
            """, lines=(4,)),
        Invalid("""
            from apscheduler.schedulers.background import BackgroundScheduler
            def make_scheduler():
                return BackgroundScheduler(daemon=True)
            """, lines=(3,)),
        Invalid("""
            from apscheduler import AsyncScheduler
            async def lifespan(app):
                async with AsyncScheduler() as scheduler:
                    await scheduler.start_in_background()
                    yield
            """, lines=(4,)),
        Invalid("""
            import threading, time
            import schedule
            def run_schedule():
                while True:
                    schedule.run_pending()
                    time.sleep(1)
            def start_jobs():
                schedule.every().hour.do(print, "hourly")
                worker = threading.Thread(target=run_schedule, daemon=True)
                worker.start()
            """, lines=(10,)),
        Invalid("""
            import threading, time
            import schedule
            def run_continuously(interval=1):
                stop = threading.Event()
                class ScheduleThread(threading.Thread):
                    def run(self):
                        while not stop.is_set():
                            schedule.run_pending()
                            time.sleep(interval)
                ScheduleThread().start()
                return stop
            """, lines=(10,)),
        Invalid("""
            from threading import Timer
            class Heartbeat:
                def beat(self):
                    self.send()
                    self.timer = Timer(60, self.beat)
                    self.timer.start()
            def cleanup():
                Timer(3600, cleanup).start()
            """, lines=(6, 8)),
        Invalid("""
            from celery import Celery
            app = Celery("proj")
            argv = ["worker", "--loglevel=INFO", "-B"]
            app.worker_main(argv)
            app.Worker(beat=True).start()
            def embedded():
                app.start(argv=["celery", "worker", '-B'])
            """, lines=(4, 5, 7)),
        Invalid("""
            from apscheduler.schedulers.background import BackgroundScheduler as BG
            class AppScheduler(BG):
                pass
            def boot():
                jobs = AppScheduler()
                jobs.start()
            """, lines=(6,)),
        Invalid("""
            import gevent, time
            from schedule import Scheduler, run_pending
            class Cron:
                def __init__(self):
                    self.jobs = Scheduler()
                def loop(self):
                    for _ in iter(int, 1):
                        self.jobs.run_pending()
                        time.sleep(1)
                def boot(self):
                    gevent.spawn(self.loop)
            def tick_forever():
                while True:
                    run_pending()
            gevent.spawn(lambda: tick_forever())
            """, lines=(11, 15)),
        Invalid("""
            from redis import Redis
            from rq import Queue, Worker
            Worker([Queue(connection=Redis())]).work(with_scheduler=True)
            """, lines=(3,)),
    ]
