"""What runs scheduled jobs (TWC401's knowledge): each library's scheduler classes and how
they start, the other ways a process runs a job loop of its own (threads, spawners, celery's
beat flag), and the GUI toolkits whose programs are not web or worker processes."""

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import keyword_is_true


@dataclass(frozen=True)
class SchedulerKind:
    name: str  # as shown in the message
    start_methods: frozenset[str]  # the calls that start it running in the background
    # How its start reads in the message, when "<name>.<method>()" does not fit.
    phrase: str | None = None

    def started_by(self, method: str) -> str:
        return self.phrase or f"{self.name}.{method}()"


START = frozenset({"start"})
# The prefilter's tokens: what names a scheduler, a job loop or an embedded beat; and the
# calls that start an object some other module made (the whole program says what it is).
SCHEDULING_TOKENS = ("Scheduler", "EmbeddedService", "MiniHuey", "run_pending", "Timer", "worker_main", "beat",
                     "with_scheduler", '"-B"', "'-B'")
START_TOKENS = (".start(", ".start_in_background(")
APS4_START = frozenset({"start_in_background"})
# Schedulers that run their jobs in a thread, greenlet or event loop of the process that
# starts them. APScheduler's BlockingScheduler (and APScheduler 4's run_until_stopped())
# is the whole program: a clock process. QtScheduler needs a Qt event loop, which means a
# desktop application, not a scaled web or worker process.
SCHEDULER_CLASSES = {
    "apscheduler.schedulers.background.BackgroundScheduler": SchedulerKind("BackgroundScheduler", START),
    "apscheduler.schedulers.asyncio.AsyncIOScheduler": SchedulerKind("AsyncIOScheduler", START),
    "apscheduler.schedulers.gevent.GeventScheduler": SchedulerKind("GeventScheduler", START),
    "apscheduler.schedulers.tornado.TornadoScheduler": SchedulerKind("TornadoScheduler", START),
    "apscheduler.schedulers.twisted.TwistedScheduler": SchedulerKind("TwistedScheduler", START),
    # APScheduler 2: a thread unless constructed with standalone=True.
    "apscheduler.scheduler.Scheduler": SchedulerKind("apscheduler Scheduler", START),
    "apscheduler.Scheduler": SchedulerKind("APScheduler Scheduler", APS4_START),
    "apscheduler.AsyncScheduler": SchedulerKind("APScheduler AsyncScheduler", APS4_START),
    "apscheduler._schedulers.sync.Scheduler": SchedulerKind("APScheduler Scheduler", APS4_START),
    "apscheduler._schedulers.async_.AsyncScheduler": SchedulerKind("APScheduler AsyncScheduler", APS4_START),
    "flask_apscheduler.APScheduler": SchedulerKind("flask_apscheduler APScheduler", START),
    "flask_apscheduler.scheduler.APScheduler": SchedulerKind("flask_apscheduler APScheduler", START),
    "celery.beat.EmbeddedService": SchedulerKind("celery beat EmbeddedService", START),
    "huey.contrib.mini.MiniHuey": SchedulerKind("MiniHuey", START),
}
CELERY_WORKER = SchedulerKind("celery Worker(beat=True)", START)
CELERY_WORKER_CLASSES = frozenset({"Worker", "WorkController"})
SCHEDULE_LOOP = "schedule.run_pending()"
# A Timer calls its function once; one whose function builds it again, or a subclass whose
# run() loops, calls it for good.
TIMER_CLASSES = frozenset({"threading.Timer"})
REPEATING_TIMER = "a threading.Timer subclass whose run() loops"
THREAD_CLASSES = frozenset({"threading.Thread", "multiprocessing.Process", "multiprocessing.context.Process"})
# Calls that start their first argument running right away.
SPAWNERS = frozenset({"_thread.start_new_thread", "gevent.spawn", "eventlet.spawn", "eventlet.spawn_n"})
# A program built on a desktop GUI toolkit is not a web or worker process.
GUI_TOOLKITS = frozenset({"tkinter", "Tkinter", "PyQt4", "PyQt5", "PyQt6", "PySide", "PySide2", "PySide6",
                          "qtpy", "wx", "kivy", "toga"})


def is_gui_toolkit(module: str | None) -> bool:
    return bool(module) and module.split(".", 1)[0] in GUI_TOOLKITS  # type: ignore[union-attr]


def is_standalone(node: cst.Call, qualified: str) -> bool:
    """APScheduler 2's Scheduler(standalone=True) blocks like a clock process."""
    return qualified == "apscheduler.scheduler.Scheduler" and keyword_is_true(node, "standalone")


BEAT_FLAGS = frozenset({"-B", "--beat"})


def runs_embedded_beat(argv: list[str]) -> bool:
    """A celery command line whose worker runs beat too."""
    return any(s in BEAT_FLAGS or s.startswith("--beat=") for s in argv)
