"""TWC401 in-process-scheduler: a periodic-job scheduler started inside a web or worker process.

The knowledge is in the family's helpers: ``_schedulers.py`` (the scheduler classes and
how they start) and ``_threads.py`` (threads and timers that run a job loop). Where a
scheduler goes between the statement that builds it and the one that starts it is the
module model's answer (``program/values/module_model.py`` and its ``flows.py``).
"""
# size: the logic is about 230 lines; the rest are the cases, which are the rule's
# specification (every claim and exception of rules/TWC401.md), kept beside it.

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.checks.scheduler._schedulers import (
    CELERY_WORKER, CELERY_WORKER_CLASSES, SCHEDULING_TOKENS, START_TOKENS, SCHEDULER_CLASSES, SPAWNERS, THREAD_CLASSES, TIMER_CLASSES,
    SchedulerKind, is_gui_toolkit, is_standalone, runs_embedded_beat, user_scheduler, user_scheduler_tokens,
)
from twelvecheck.checks.scheduler._threads import JobThreads
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.program.values.exprs import argument, keyword_is_true, string_items
from twelvecheck.program.values.module_model import ModuleModel
from twelvecheck.program.values.scopes import Site
from twelvecheck.engine.names import dotted_name
from twelvecheck.core.findings import Requires
from twelvecheck.engine.rule import Invalid, Rule, Valid
from twelvecheck.program.frameworks import STDLIB_MODULES


@dataclass
class Made:
    """A construction that may start scheduled jobs, and what is known about it."""

    node: cst.Call
    statement: cst.CSTNode | None
    site: Site
    kind: SchedulerKind | None  # None: a thread whose target decides
    target: cst.BaseExpression | None = None  # thread target, or the class name called
    started: bool = False  # a spawner's call starts it
    # A class or factory this module cannot judge (another module's, or a local class with an
    # imported base): what the whole program is asked whether calling it makes a scheduler.
    elsewhere: str | None = None


@dataclass
class Started:
    node: cst.Call
    statement: cst.CSTNode | None
    site: Site
    method: str
    receiver: cst.BaseExpression
    holder: str | None = None  # the receiver's qualified name: an object another module made


class InProcessScheduler(Rule):
    code = "TWC401"
    tokens = (*SCHEDULING_TOKENS, *START_TOKENS)
    # A scheduler class of the project, subclassed across modules: the classes each way of
    # starting one applies to (a question of a conditional finding, run/conditions.py).
    known_classes = {method: frozenset(name for name, kind in SCHEDULER_CLASSES.items()
                                       if method in kind.start_methods)
                     for method in ("start", "start_in_background")}
    collectors = (ProgramFacts,)
    models = (ModuleModel,)

    @classmethod
    def mentioned_in(cls, text: str) -> bool:
        # The project's own schedulers ([tool.twelvecheck.knowledge]) are named by it alone.
        return super().mentioned_in(text) or any(token in text for token in user_scheduler_tokens())

    @classmethod
    def models_to_feed(cls, text: str) -> tuple[type, ...]:
        # Where the text only starts something, the one question is what another module's
        # object is, which needs no model of this one.
        return cls.models if any(token in text for token in SCHEDULING_TOKENS) else ()

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.model = ctx.model_of(ModuleModel)
        self.scopes, self.bindings = self.model.scopes, self.model.bindings
        self.threads = JobThreads(self.model)
        self.made: dict[int, Made] = {}
        self.started: list[Started] = []
        self.scheduler_subclasses: dict[int, SchedulerKind] = {}  # local subclasses of SCHEDULER_CLASSES
        self.local_schedulers: dict[str, SchedulerKind] = {}  # their qualified names (subclassed again)
        self.relative_names: set[str] = set()
        self.reports: list[tuple] = []  # (node, statement, what[, requires])
        self.gui = False

    def _statement(self) -> cst.CSTNode | None:
        return self.ctx.statements[-1] if self.ctx.statements else None

    # -- imports, classes, what the value model needs -------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            qualified = self.ctx.qualify(base.value) or ""
            client = self._is_client_reference(base.value, qualified)
            if self.threads.record_base(node, qualified, client):
                continue
            kind = self.local_schedulers.get(qualified) or (SCHEDULER_CLASSES.get(qualified) if client else None)
            if kind is not None:
                self.scheduler_subclasses[id(node)] = kind
                if not self.ctx.functions and len(self.ctx.classes) == 1:  # a class of the module
                    self.local_schedulers[f"{self.ctx.module_name}.{node.name.value}"] = kind

    def visit_While(self, node: cst.While) -> None:
        self.threads.record_loop()

    def visit_For(self, node: cst.For) -> None:
        self.threads.record_loop()

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
        entry = user_scheduler(qualified)
        if entry:  # the configuration says calling it starts one
            self.reports.append((node, self._statement(), f"{qualified}()", None, entry))
            return
        constructed = self._construction(node, qualified)
        if not constructed and "." in qualified and qualified not in SCHEDULER_CLASSES \
                and not qualified.startswith(self.ctx.module_name + "."):
            # Another module's class or factory: judged if something starts what it gives.
            self.made[id(node)] = Made(node, self._statement(), self.scopes.site(), None, elsewhere=qualified)
        if not constructed and isinstance(node.func, cst.Attribute):
            self._method_call(node, node.func, qualified)
        elif qualified.startswith("schedule.") and qualified.endswith(".run_pending"):
            self.threads.record_run_pending(None)  # `from schedule import run_pending`

    def _construction(self, node: cst.Call, qualified: str) -> bool:
        """Record a scheduler, thread, timer or local-class construction; True if it was one."""
        func = node.func
        if qualified and self._is_client_reference(func, qualified):
            kind = SCHEDULER_CLASSES.get(qualified)
            if kind is not None and not is_standalone(node, qualified):
                self._make(node, kind)
            elif qualified in THREAD_CLASSES:
                self._make(node, None, argument(node, 1, "target"))
            elif qualified in TIMER_CLASSES:
                self._make(node, None)  # periodic if its function arms it again
                self.threads.record_timer(node, argument(node, 1, "function"))
            elif qualified in SPAWNERS:
                self.made[id(node)] = Made(node, self._statement(), self.scopes.site(), None,
                                           argument(node, 0), started=True)
            elif qualified == "schedule.Scheduler":
                self.threads.schedule_instances.add(id(node))
            else:
                return False
            return True
        last = func.attr.value if isinstance(func, cst.Attribute) else qualified.rsplit(".", 1)[-1]
        if last in CELERY_WORKER_CLASSES and keyword_is_true(node, "beat"):
            self._make(node, CELERY_WORKER)
            return True
        if isinstance(func, cst.Name) and qualified.startswith(self.ctx.module_name + "."):
            # A class defined in this module: maybe a Thread or Timer subclass running a
            # loop, or a subclass of a scheduler.
            self._make(node, None, func)
            return True
        return False

    def _method_call(self, node: cst.Call, func: cst.Attribute, qualified: str) -> None:
        method = func.attr.value
        if method == "run_pending":
            self.threads.record_run_pending(None if qualified.startswith("schedule.") else func.value)
        elif method == "work" and keyword_is_true(node, "with_scheduler"):
            self.reports.append((node, self._statement(), "rq worker.work(with_scheduler=True)"))
        elif method in ("start", "start_in_background", "worker_main"):
            holder = self.ctx.qualify(func.value) if isinstance(func.value, (cst.Name, cst.Attribute)) else None
            self.started.append(Started(node, self._statement(), self.scopes.site(), method, func.value, holder))

    def _is_client_reference(self, func: cst.BaseExpression, qualified: str) -> bool:
        """False for a class referred to inside its own package: defined in this module
        or imported relatively."""
        head = (dotted_name(func) or "").split(".", 1)[0]
        return head not in self.relative_names and not qualified.startswith(self.ctx.module_name + ".")

    def _make(self, node: cst.Call, kind: SchedulerKind | None, target: cst.BaseExpression | None = None) -> None:
        self.made[id(node)] = Made(node, self._statement(), self.scopes.site(), kind, target)

    # -- resolution, once the module is walked --------------------------------------
    def leave_Module(self, node: cst.Module) -> None:
        if self.gui:
            return
        for made in self.made.values():
            if made.kind is not None or made.target is None:
                continue
            definition = self.model.callable_at(made.target, made.site)
            if isinstance(made.target, cst.Name) and id(definition) in self.scheduler_subclasses:
                made.kind = self.scheduler_subclasses[id(definition)]
                continue
            made.kind = self.threads.kind_of(definition)
            if made.kind is None and not made.started and isinstance(made.target, cst.Name):
                local = self.ctx.qualify(made.target)  # a local class: its bases may be imported
                made.elsewhere = local if local not in SCHEDULER_CLASSES else None  # not the library's own
            if made.kind is not None and made.started:  # spawned by the call itself
                self.reports.append((made.node, made.statement, made.kind.started_by("start"), None,
                                     made.kind.knowledge))
        for timer, kind in self.threads.rearmed_timers():
            self.made[id(timer)].kind = kind
        # A scheduler is reported where it starts: one built here and started nowhere in
        # this module runs nothing here (built for another process, or never started).
        for start in self.started:
            self._resolve_start(start)
        for report_node, statement, what, *more in self.reports:  # [requires[, knowledge entry]]
            requires, entry = (*more, None, None)[:2]
            self.report_at(report_node, statement, what=what, requires=requires, knowledge=entry)

    def _resolve_start(self, start: Started) -> None:
        argv = self._argv(start) if start.method in ("worker_main", "start") else []
        if start.method == "worker_main" or "worker" in argv:
            if runs_embedded_beat(argv):
                self.reports.append((start.node, start.statement, "celery worker with embedded beat (-B)"))
            return
        for value in self.model.holds(start.receiver, start.site):
            made = self.made.get(id(value)) if isinstance(value, cst.Call) else None
            if made is not None and made.kind is not None and start.method in made.kind.start_methods:
                where = (made.node, made.statement) if made.kind.at_construction else (start.node, start.statement)
                self.reports.append((*where, made.kind.started_by(start.method), None, made.kind.knowledge))
                return
        # Only where one of the rule's tokens occurs: the prefilter must not change a finding.
        if start.method not in self.known_classes or not self.mentioned_in(self.ctx.code):
            return
        for value in self.model.holds(start.receiver, start.site):
            made = self.made.get(id(value)) if isinstance(value, cst.Call) else None
            # The standard library makes no scheduler of this table (`re.search(...).start()`).
            if made is not None and made.kind is None and made.elsewhere \
                    and made.elsewhere.split(".", 1)[0] not in STDLIB_MODULES:
                name = made.elsewhere.rsplit(".", 1)[-1]
                self.reports.append((start.node, start.statement, f"{name}.{start.method}()",
                                     Requires.instance_of(made.elsewhere, start.method)))
                return
        # An object another module made (`from app.extensions import scheduler`): the whole
        # program says what it holds.
        holder = start.holder
        if holder and "." in holder and not holder.startswith(self.ctx.module_name + ".") \
                and holder.split(".", 1)[0] not in STDLIB_MODULES:
            self.reports.append((start.node, start.statement, f"{holder.rsplit('.', 1)[-1]}.{start.method}()",
                                 Requires.holds_instance_of(holder, start.method)))

    def _argv(self, start: Started) -> list[str]:
        """The strings of the command line given to a celery app's worker_main() or start()."""
        argv = argument(start.node, 0, "argv")
        if argv is None:
            return []
        return [s for value in self.bindings.values(argv, start.site) for s in string_items(value)]

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
        # Built only when a caller asks for it (the clock entry point), stored on the app
        # and started in that clock process's __main__ block; one of the two is never started.
        Valid("""
            from flask import Flask
            from shop.bootstrap import configure
            app = configure(Flask(__name__))
            """, filename="wsgi.py", files=(
            ("shop/__init__.py", ""),
            ("shop/bootstrap.py", (
                "def configure(app, enable_jobs=False):\n"
                "    app.config.from_envvar('SHOP_SETTINGS')\n"
                "    if enable_jobs:\n"
                "        from apscheduler.schedulers.asyncio import AsyncIOScheduler\n"
                "        from apscheduler.schedulers.background import BackgroundScheduler\n"
                "        app.async_jobs = AsyncIOScheduler()\n"
                "        app.nightly = BackgroundScheduler(timezone='UTC')\n"
                "    return app\n")),
            ("clock.py", (
                "import time\n"
                "from flask import Flask\n"
                "from shop.bootstrap import configure\n"
                "app = configure(Flask('clock'), enable_jobs=True)\n"
                "if __name__ == '__main__':\n"
                "    app.nightly.start()\n"
                "    while True:\n"
                "        time.sleep(60)\n")),
            ("Procfile", "web: gunicorn wsgi:app\nclock: python clock.py\n"))),
        Valid("""
            from apscheduler.schedulers.background import BackgroundScheduler
            def make_scheduler():
                return BackgroundScheduler(daemon=True)
            """),
        Valid("""
            from threading import Timer
            class Client:
                def on_kick(self, channel):
                    def rejoin():
                        self.join(channel)
                    Timer(self.rejoin_delay, rejoin).start()
                def join(self, channel):
                    self.send("JOIN " + channel)
            class NamedTimer(Timer):
                def run(self):
                    self.name = "delayed-" + self.name
                    super().run()
            NamedTimer(5, print).start()
            """),
        # Started classes of other modules that are no background scheduler: a blocking one
        # (a clock process), a class of the project's own with a start() method.
        Valid("""
            from app.clock import ClockScheduler
            from app.tasks import TaskScheduler

            def main():
                TaskScheduler().start()
                ClockScheduler().start()
            """, filename="app/main.py",
            files=(("app/__init__.py", ""),
                   ("app/clock.py", "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
                                    "class ClockScheduler(BlockingScheduler):\n    pass\n"),
                   ("app/tasks.py", "class TaskScheduler:\n    def start(self):\n        return None\n"))),
        # Objects other modules made, started here, that run no scheduled jobs here: a worker
        # thread, a blocking scheduler (the clock process's), a standard-library object.
        Valid("""
            from . import state
            from .clock import jobs
            from .workers import poller

            def boot():
                poller.start()
                jobs.start()
                state.listener.start()
            """, filename="svc/boot.py",
            files=(("svc/__init__.py", ""),
                   ("svc/workers.py", "import threading\n\ndef poll():\n    pass\n\n"
                                      "poller = threading.Thread(target=poll, daemon=True)\n"),
                   ("svc/clock.py", "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
                                    "jobs = BlockingScheduler()\n"),
                   ("svc/state.py", "import logging.handlers, queue\n\n"
                                    "listener = logging.handlers.QueueListener(queue.Queue())\n"))),
    ]

    INVALID = [
        # A background scheduler another module made (an app's extensions module), started
        # where it is imported: in an app factory, whatever the object is called.
        Invalid("""
            from flask import Flask
            from .extensions import cron
            from . import extensions

            def create_app():
                app = Flask(__name__)
                cron.start()
                extensions.timers.start()
                return app
            """, filename="svc/factory.py", lines=(7, 8),
            files=(("svc/__init__.py", ""),
                   ("svc/extensions.py", "from apscheduler.schedulers.background import BackgroundScheduler\n"
                                         "from flask_apscheduler import APScheduler\n\n"
                                         "cron = APScheduler()\ntimers = BackgroundScheduler(timezone='UTC')\n"))),
        # A background scheduler's subclass two modules away, started here: built here
        # (imported relatively), or by a factory of another module.
        Invalid("""
            from .jobs import JobScheduler
            from app.factory import make_scheduler

            def start_jobs():
                JobScheduler().start()
                scheduler = make_scheduler()
                scheduler.start()
            """, filename="app/main.py", lines=(5, 7),
            files=(("app/__init__.py", ""),
                   ("app/base.py", "from apscheduler.schedulers.background import BackgroundScheduler\n\n"
                                   "class BaseScheduler(BackgroundScheduler):\n    pass\n"),
                   ("app/jobs.py", "from app.base import BaseScheduler\n\nclass JobScheduler(BaseScheduler):\n"
                                   "    pass\n"),
                   ("app/factory.py", "from app.jobs import JobScheduler\n\ndef make_scheduler():\n"
                                      "    return JobScheduler(timezone='UTC')\n"))),
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
            from flask import Flask
            def build_jobs(settings):
                jobs = BackgroundScheduler(timezone=settings["TZ"])
                jobs.add_job(print, "cron", hour=7)
                return jobs
            def install(app):
                app.jobs = build_jobs(app.config)
            def create_app():
                app = Flask(__name__)
                install(app)
                app.jobs.start()
                return app
            """, lines=(12,)),
        Invalid("""
            from apscheduler.schedulers.asyncio import AsyncIOScheduler
            class Runner:
                def __init__(self, scheduler, *, name="jobs"):
                    self.scheduler = scheduler
                def boot(self):
                    self.scheduler.start()
            async def startup(app):
                app.state.runner = Runner(AsyncIOScheduler(), name="digest")
                app.state.runner.boot()
            """, lines=(6,)),
        Invalid("""
            from apscheduler.schedulers.gevent import GeventScheduler
            class Jobs:
                def __init__(self, settings):
                    self.scheduler = GeventScheduler(timezone=settings.TZ)
            class Service:
                def __init__(self, settings):
                    self.jobs = Jobs(settings)
                def serve(self):
                    self.jobs.scheduler.start()
            """, lines=(9,)),
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
            """, lines=(5, 8)),
        Invalid("""
            import logging
            from threading import Timer
            class Plugin:
                def every(self, interval, job):
                    self._arm(interval, job)
                def _arm(self, interval, job):
                    timer = Timer(interval, self._fire, kwargs={"interval": interval, "job": job})
                    timer.daemon = True
                    timer.start()
                def _fire(self, interval, job):
                    try:
                        job()
                    except Exception:
                        logging.exception("job failed")
                    self._arm(interval, job)
            """, lines=(7,)),
        Invalid("""
            import threading
            def repeat(seconds, job):
                def tick():
                    job()
                    arm()
                def arm():
                    threading.Timer(seconds, tick).start()
                arm()
            """, lines=(7,)),
        Invalid("""
            from threading import Timer
            from .metrics import flush
            class RepeatTimer(Timer):
                def run(self):
                    while not self.finished.wait(self.interval):
                        self.function(*self.args, **self.kwargs)
            def start_flushing():
                flusher = RepeatTimer(30, flush)
                flusher.daemon = True
                flusher.start()
            """, lines=(10,)),
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
            class MailScheduler(AppScheduler):
                pass
            def boot():
                jobs = AppScheduler()
                jobs.start()
                MailScheduler().start()
            """, lines=(8, 9)),
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
