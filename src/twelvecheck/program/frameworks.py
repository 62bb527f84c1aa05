"""What the signal rules know about libraries: who installs a SIGTERM handler when it
owns the main loop, and which calls block for good.

Every entry in FRAMEWORKS_HANDLING_SIGTERM was verified in the library's source; the
rule document TWC302 lists where. Names are the qualified names calls resolve to.
"""

from __future__ import annotations

import sys

# Calling any of these hands the main loop to a framework that handles SIGTERM itself.
FRAMEWORKS_HANDLING_SIGTERM: dict[str, str] = {
    # gunicorn: Arbiter.init_signals() registers SIGTERM (arbiter.py, SIGNALS)
    "gunicorn.app.base.BaseApplication.run": "gunicorn",
    "gunicorn.app.base.Application.run": "gunicorn",
    "gunicorn.app.wsgiapp.WSGIApplication.run": "gunicorn",
    "gunicorn.app.wsgiapp.run": "gunicorn",
    "gunicorn.arbiter.Arbiter.run": "gunicorn",
    # huey: Consumer.run() -> _set_signal_handlers() (consumer.py)
    "huey.consumer.Consumer.run": "huey",
    "huey.bin.huey_consumer.consumer_main": "huey",
    # dramatiq: cli.main() installs SIGTERM in the parent and the workers (cli.py)
    "dramatiq.cli.main": "dramatiq",
    # twisted: reactor.run() installs SIGINT/SIGTERM handlers by default
    "twisted.internet.reactor.run": "twisted",
    "twisted.internet.task.react": "twisted",
    "twisted.scripts.twistd.run": "twistd",
    "twisted.application.app.run": "twistd",
    "twisted.application.app.runApp": "twistd",
    # uvicorn: Server.serve() -> capture_signals() registers SIGINT/SIGTERM (server.py)
    "uvicorn.run": "uvicorn",
    "uvicorn.main.run": "uvicorn",
    "uvicorn.Server.run": "uvicorn",
    "uvicorn.Server.serve": "uvicorn",
    "uvicorn.server.Server.run": "uvicorn",
    "uvicorn.server.Server.serve": "uvicorn",
    # aiohttp: run_app(handle_signals=True) -> BaseRunner.setup() (web_runner.py)
    "aiohttp.web.run_app": "aiohttp",
    # hypercorn: asyncio worker_serve() installs SIGTERM when no shutdown_trigger is given
    "hypercorn.asyncio.serve": "hypercorn",
    "hypercorn.run.run": "hypercorn",
    # celery: apps/worker.py install_worker_term_handler(); beat: install_sync_handler()
    "celery.Celery.worker_main": "celery",
    "celery.Celery.start": "celery",
    "celery.app.base.Celery.worker_main": "celery",
    "celery.app.base.Celery.start": "celery",
    "celery.apps.worker.Worker.start": "celery",
    # rq: BaseWorker.work() -> _install_signal_handlers() (worker/base.py)
    "rq.Worker.work": "rq",
    "rq.SimpleWorker.work": "rq",
    "rq.worker.Worker.work": "rq",
    "rq.worker.SimpleWorker.work": "rq",
    "rq.worker_pool.WorkerPool.start": "rq",
    # granian: server/common.py startup() -> set_main_signals() (SIGINT, SIGTERM)
    "granian.Granian.serve": "granian",
    "granian.server.Granian.serve": "granian",
}

# Calls that block the calling thread for good (resolved at the call site).
BLOCKING_CALLS: dict[str, str] = {
    "apscheduler.schedulers.blocking.BlockingScheduler.start": "BlockingScheduler.start()",
    "apscheduler.schedulers.BlockingScheduler.start": "BlockingScheduler.start()",
    "tornado.ioloop.IOLoop.current().start": "IOLoop.current().start()",
    "tornado.ioloop.IOLoop.instance().start": "IOLoop.instance().start()",
    "rpyc.utils.server.ThreadedServer.start": "ThreadedServer.start()",
    "rpyc.ThreadedServer.start": "ThreadedServer.start()",
    "rpyc.utils.server.ForkingServer.start": "ForkingServer.start()",
}

# Classes a framework finds by where they are and runs as a process's main code. Django's
# `manage.py <name>` imports `<app>/management/commands/<name>.py` and runs its class
# `Command`'s `handle()`; the class is one when it derives, through the project's classes,
# from one of `bases`. (What a finding calls it: "management command '<name>'".)
COMMAND_CONVENTIONS: tuple[dict, ...] = (
    {
        "folder": "management/commands",
        "class": "Command",
        "method": "handle",
        "what": "management command",
        "bases": frozenset({
            "django.core.management.base.BaseCommand",
            "django.core.management.BaseCommand",
            "django.core.management.base.LabelCommand",
            "django.core.management.base.AppCommand",
        }),
    },
)
# Methods whose position the facts keep: one of them may be reported as an entry point.
COMMAND_METHODS = frozenset(convention["method"] for convention in COMMAND_CONVENTIONS)

# The standard library's top-level modules: a name under one of them is no project's own.
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"builtins"}
