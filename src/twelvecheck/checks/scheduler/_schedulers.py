"""What runs scheduled jobs (TWC401's knowledge): each library's scheduler classes and how
they start, the other ways a process runs a job loop of its own (threads, spawners, celery's
beat flag), and the GUI toolkits whose programs are not web or worker processes."""

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import keyword_is_true


@dataclass(frozen=True)
class SchedulerKind:
    name: str  # as shown in the message
    start_methods: frozenset[str]  # the calls that start it running in the background
    # How its start reads in the message, when "<name>.<method>()" does not fit.
    phrase: str | None = None
    knowledge: str | None = None  # the knowledge entry it comes from (config/knowledge.entry_id)
    # Reported where it is built, once started: a re-armed Timer's message names the
    # Timer(...) call, which says what runs and how often; its .start() only arms it.
    at_construction: bool = False

    def started_by(self, method: str) -> str:
        return self.phrase or f"{self.name}.{method}()"


START = frozenset({"start"})
# The prefilter's tokens: what names a scheduler, a job loop or an embedded beat; and the
# calls that start an object some other module made (the whole program says what it is).
# They are a performance device (TWC401 skips a file that contains none of them), not
# knowledge: they stay in code. An entry added to knowledge/schedulers.toml needs a file that
# uses it to contain one of them.
SCHEDULING_TOKENS = ("Scheduler", "EmbeddedService", "MiniHuey", "run_pending", "Timer", "worker_main", "beat",
                     "with_scheduler", '"-B"', "'-B'")
START_TOKENS = (".start(", ".start_in_background(")
# Schedulers that run their jobs in a thread, greenlet or event loop of the process that
# starts them (knowledge/schedulers.toml [scheduler-classes], which says why each is one
# and why BlockingScheduler and QtScheduler are not).
SCHEDULER_CLASSES = {name: SchedulerKind(row["name"], frozenset(row["start"]),
                                         knowledge=knowledge.entry_id("scheduler-classes", name, False))
                     for name, row in knowledge.mapping("schedulers", "scheduler-classes").items()}
# celery's worker classes, which run beat in the worker when constructed with beat=True, and
# the worker options that do (knowledge/schedulers.toml [celery-worker]).
_CELERY_WORKER = knowledge.builtin("schedulers")["celery-worker"]
CELERY_WORKER = SchedulerKind(_CELERY_WORKER["name"], frozenset(_CELERY_WORKER["start"]))
CELERY_WORKER_CLASSES = frozenset(_CELERY_WORKER["classes"])
SCHEDULE_LOOP = "schedule.run_pending()"
# Threads, timers and spawners that run a job loop of their own, and the GUI toolkits whose
# programs are not web or worker processes ([job-loops]: a Timer calls its function once;
# one whose function builds it again, or a subclass whose run() loops, calls it for good).
TIMER_CLASSES = knowledge.names("schedulers", "job-loops", "timer-classes")
REPEATING_TIMER = "a threading.Timer subclass whose run() loops"
THREAD_CLASSES = knowledge.names("schedulers", "job-loops", "thread-classes")
# Calls that start their first argument running right away.
SPAWNERS = knowledge.names("schedulers", "job-loops", "spawners")
GUI_TOOLKITS = knowledge.names("schedulers", "job-loops", "gui-toolkits")


def user_scheduler(qualified: str) -> str | None:
    """The knowledge entry of a call the project's configuration says starts a scheduler in
    the calling process (``[tool.twelvecheck.knowledge] schedulers``)."""
    if qualified in knowledge.user().schedulers:
        return knowledge.entry_id("schedulers", qualified, True)
    return None


def user_scheduler_tokens() -> tuple[str, ...]:
    """What the prefilter looks for besides SCHEDULING_TOKENS: the last part of each name
    the project's configuration calls a scheduler."""
    return tuple(name.rsplit(".", 1)[-1] for name in knowledge.user().schedulers)


def is_gui_toolkit(module: str | None) -> bool:
    return bool(module) and module.split(".", 1)[0] in GUI_TOOLKITS  # type: ignore[union-attr]


def is_standalone(node: cst.Call, qualified: str) -> bool:
    """APScheduler 2's Scheduler(standalone=True) blocks like a clock process."""
    return qualified == "apscheduler.scheduler.Scheduler" and keyword_is_true(node, "standalone")


BEAT_FLAGS = frozenset(_CELERY_WORKER["beat-flags"])


def runs_embedded_beat(argv: list[str]) -> bool:
    """A celery command line whose worker runs beat too."""
    return any(s in BEAT_FLAGS or s.startswith("--beat=") for s in argv)
