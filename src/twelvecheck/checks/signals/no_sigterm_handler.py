"""TWC302 no-sigterm-handler: a long-running entry point in a program that never handles SIGTERM."""

from __future__ import annotations

from twelvecheck.program.lifetime import unhandled_services
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.checks.signals._projects import (
    BOT_CLI, BOT_FILES, COMMAND, COPIED_LOOP, DEMO_DEPLOYED_INVALID, DRAIN, HANDLE, INSTALLS, PICKS, POLLING,
    RELAY_FILES, RELAY_MAIN, REEXPORT_STYLES, TERMINAL_AND_DEMO_VALID, last_line, picked_relay, reexported,
    service_at_run_call, stop_service, stopper, tree,
)
from twelvecheck.engine.rule import Invalid, ProjectFinding, ProjectRule, Valid


# A worker written as a top-level loop: only a process type running it makes it an entry point.
TOP_LEVEL_POLL = "import time\n\nwhile True:\n    print('polling the queue')\n    time.sleep(5)\n"


class NoSigtermHandler(ProjectRule):
    code = "TWC302"
    collectors = (ProgramFacts,)

    @classmethod
    def check_project(cls, project) -> list[ProjectFinding]:
        return unhandled_services(cls.code, project, lambda life: not life.stops_on_interrupt)

    VALID = [
        # a top-level loop only a local-only file starts (`heroku local -f Procfile.dev`):
        # stopped with Ctrl+C on a developer's machine, no entry point
        Valid(TOP_LEVEL_POLL, filename="poll.py", files=(("Procfile.dev", "poll: python poll.py\n"),)),
        # a service its package re-exports, which installs a handler
        *(Valid(main, filename="main.py", files=files) for main, files in (
            reexported('from svc import Graceful\nif __name__ == "__main__":\n    Graceful().run()\n', style)
            for style in REEXPORT_STYLES)),
        Valid(DRAIN),  # a work list drained by a helper that waits between items
        # a server class picked from a table by a setting: every class it may pick handles
        # SIGTERM, or runs no loop
        *(Valid(main, filename="relay/__main__.py", files=files) for main, files in (
            picked_relay('{"tcp": servers.GracefulRelay, "replay": servers.ReplayRelay}', pick) for pick in PICKS)),
        Valid("""
            import signal, time
            def stop(signum, frame):
                raise SystemExit(0)
            if __name__ == "__main__":
                signal.signal(signal.SIGTERM, stop)
                while True:
                    time.sleep(1)
            """),
        Valid("""
            # a one-shot script: no loop keeps it alive
            import sys
            if __name__ == "__main__":
                print(sum(int(a) for a in sys.argv[1:]))
            """),
        Valid("""
            # interactive: a person types the commands
            if __name__ == "__main__":
                while True:
                    command = input("> ")
                    print(command)
            """),
        # interactive programs whose loop talks to a person: through a helper that reads the
        # next command; a chat client's prompt loop beside its listening thread; a terminal UI
        Valid("""
            from shell.commands import dispatch
            from shell.terminal import read_command

            def main():
                while True:
                    dispatch(read_command())
            """, filename="shell/cli.py", files=tree(
            ("shell/terminal.py", 'def read_command():\n    return input("shell> ").strip()\n'),
            ("shell/commands.py", "def dispatch(command):\n    print(command)\n"),
            ("pyproject.toml", '[project]\nname = "shell"\n\n[project.scripts]\nshell = "shell.cli:main"\n'),
            main="shell/cli.py")),
        Valid("""
            import threading
            from chat.connection import listen, send

            if __name__ == "__main__":
                threading.Thread(target=listen, daemon=True).start()
                while True:
                    line = input("you> ")
                    if line == "/quit":
                        break
                    send(line)
            """, filename="chat/client.py", files=tree(("chat/connection.py", """
                import socket
                sock = socket.create_connection(("localhost", 7000))

                def listen():
                    while True:
                        print(sock.recv(4096).decode())

                def send(line):
                    sock.sendall(line.encode())
                """), main="chat/client.py")),
        Valid("""
            import curses, time
            from monitor.screen import draw

            def watch(screen):
                while True:
                    draw(screen)
                    time.sleep(1)

            if __name__ == "__main__":
                curses.wrapper(watch)
            """, filename="monitor/top.py", files=tree(
            ("monitor/screen.py", "def draw(screen):\n    screen.refresh()\n"), main="monitor/top.py")),
        *TERMINAL_AND_DEMO_VALID,  # a terminal program a person watches, a library's demo block
        # the handler is installed by a method of the class a factory returns
        Valid("""
            from relay.setup import setup_relay
            from relay import settings

            if __name__ == "__main__":
                relay = setup_relay(settings)
                relay.install_stop()
                relay.start()
            """, filename="relay/__main__.py", files=tree(*RELAY_FILES, ("relay/settings.py", "interval = 5\n"))),
        # the factory returns a framework's server, which handles SIGTERM itself
        Valid("""
            from api.server import build_server

            if __name__ == "__main__":
                while True:
                    build_server().run()
            """, filename="api/__main__.py", files=tree(("api/server.py", """
                import uvicorn

                def build_server():
                    config = uvicorn.Config("api.app:app", port=8000)
                    server = uvicorn.Server(config)
                    return server
                """))),
        # SIGTERM named by a constant (of another module, of this one, a dict's keys) or
        # passed to a helper or a decorator that installs the handler
        *(Valid(*stop_service(code)[:1], filename="svc/__main__.py", files=stop_service(code)[1]) for code in INSTALLS),
        Valid("""
            from twisted.internet import reactor
            if __name__ == "__main__":
                reactor.listenTCP(8000, factory)
                reactor.run()
            """),
        # Frameworks that own the main loop and handle SIGTERM themselves (one per program:
        # the loop around each call would fire if the framework were not recognised).
        *(Valid(f"""
            {imports}
            def serve():
                while True:
                    {call}
            if __name__ == "__main__":
                serve()
            """) for imports, call in (
            ("import uvicorn", 'uvicorn.run("service:app", port=8000)'),
            ("from aiohttp import web", "web.run_app(web.Application())"),
            ("from celery import Celery", 'Celery("tasks").worker_main(["worker"])'),
            ("from rq import Worker", 'Worker(["default"]).work()'),
            ("from gunicorn.app.wsgiapp import WSGIApplication", 'WSGIApplication("%(prog)s").run()'),
            ("from huey.consumer import Consumer", "Consumer(huey).run()"),
        )),
        Valid("""
            import asyncio, signal
            async def main():
                stop = asyncio.Event()
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
                while not stop.is_set():
                    await asyncio.sleep(1)
            if __name__ == "__main__":
                asyncio.run(main())
            """),
        # Django management commands: Command.handle is what `manage.py sync_stock` runs.
        Valid(HANDLE, filename=COMMAND, files=tree(POLLING, stopper("""
            signal.signal(signal.SIGTERM, self.stop)
            """), main=COMMAND)),
        # a handler installed on POSIX (Linux) is installed where the platform runs it
        *(Valid(HANDLE, filename=COMMAND, files=tree(POLLING, stopper(f"""
            if {test}:
                signal.signal(signal.SIGTERM, self.stop)
            else:
                signal.signal(signal.SIGBREAK, self.stop)
            """), main=COMMAND)) for test in (
            'os.name == "posix"', 'sys.platform.startswith("linux")', 'platform.system() != "Windows"',
            'not sys.platform.startswith("win")')),
        # no loop: a one-shot command; a class Command that is no Django command; a command's
        # module under tests/; the package's __init__.py and a private module (`_sync.py`)
        Valid("""
            from django.core.management.base import BaseCommand
            from shop.models import Product

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    for product in Product.objects.all():
                        product.refresh_price()
            """, filename=COMMAND, files=tree(("shop/models.py", "class Product: pass\n"), main=COMMAND)),
        *(Valid(code, filename=name, files=tree(POLLING, stopper("pass"), main=name)) for code, name in (
            (HANDLE.replace("(BaseCommand)", "").replace("from django.core.management.base import BaseCommand\n", ""),
             COMMAND),
            (HANDLE, "tests/management/commands/sync_stock.py"),
            (HANDLE, "shop/management/commands/__init__.py"),
            (HANDLE, "shop/management/commands/_sync.py"),
        )),
        Valid("""
            import time
            def main():
                while True:  # not reachable from any entry point
                    time.sleep(1)
            """),
        Valid("""
            # loops that end: a parser that breaks out, a search that returns from a nested
            # loop, a generator, a loop ended by StopIteration, a retry with a timeout
            import time
            def parse(tokens):
                while True:
                    token = next(tokens, None)
                    if token is None:
                        break
            def search(rows):
                while True:
                    for row in rows:
                        if row:
                            return row
            def forever():
                while True:
                    yield 1
            def drain(iterator):
                try:
                    while True:
                        next(iterator)
                except StopIteration:
                    pass
            def names(parts):
                while parts:
                    print(", ".join(parts), {}.get("x"))
                    parts.pop()
            def retry(limit, delay):
                attempts = 0
                while attempts < limit:
                    time.sleep(delay)
                    attempts += 1
            if __name__ == "__main__":
                parse(iter([])); search([]); forever(); drain(iter([])); names([]); retry(3, 1)
            """),
    ]

    INVALID = [
        DEMO_DEPLOYED_INVALID,  # a demo block a process type runs all the same
        # the same loop as a production process type
        Invalid(TOP_LEVEL_POLL, filename="poll.py", files=(("Procfile", "poll: python poll.py\n"),), lines=(3,)),
        # a service its package re-exports from a module (by name, or with import *)
        *(Invalid(main, filename="main.py", files=files, lines=(2,)) for main, files in (
            reexported('import svc\nif __name__ == "__main__":\n    svc.Service().run()\n', style)
            for style in REEXPORT_STYLES)),
        # a copied asyncore-style loop that waits inside the function it calls
        Invalid(RELAY_MAIN, filename="mail/relay.py", files=tree(COPIED_LOOP, main="mail/relay.py"), lines=(6,)),
        # a server class picked from a table by a setting: one of them serves with no handler
        # (reported at the module's run call, its last line: a module run whole has no line
        # of its own, and its loop is in another module)
        *(Invalid(main, filename="relay/__main__.py", files=files, lines=(last_line(main),)) for main, files in (
            picked_relay('{"tcp": servers.TcpRelay, "replay": servers.ReplayRelay}', pick) for pick in PICKS)),
        # a literal table of more than 16 signals is data, not read
        service_at_run_call("for sig in settings.STOP_SIGNALS:\n    signal.signal(sig, state.stop)",
                            "(" + "signal.SIGUSR1, " * 16 + "signal.SIGTERM)"),
        # the same idioms naming other signals
        *(service_at_run_call(other, "(signal.SIGHUP, signal.SIGUSR1)")
          for other in (code.replace("SIGTERM", "SIGHUP").replace("SIGINT", "SIGUSR1") for code in INSTALLS)),
        # the loop is in a method of the class a call returns (annotated, or returned from a
        # call or a name), of an attribute set on self in __init__, of an imported instance
        Invalid("""
            from relay.setup import setup_relay
            from relay import settings

            if __name__ == "__main__":
                relay = setup_relay(settings)
                relay.start()
            """, filename="relay/__main__.py", files=tree(*RELAY_FILES, ("relay/settings.py", "interval = 5\n")),
            lines=(4,)),
        *(Invalid("""
            from relay.setup import setup_relay
            from relay import settings

            if __name__ == "__main__":
                setup_relay(settings).start()
            """, filename="relay/__main__.py", lines=(4,), files=tree(*RELAY_FILES[:2], ("relay/setup.py", setup),
                                                                     ("relay/settings.py", "interval = 5\n")))
          for setup in (
            "from typing import Optional\nfrom relay.core import Relay\n\n"
            "def setup_relay(config) -> Optional[Relay]:\n    return config.backend_class()\n",
            "from relay.core import Relay\n\ndef setup_relay(config) -> Relay | None:\n    return config.make()\n",
            "from relay import core\n\ndef setup_relay(config) -> 'core.Relay':\n    return config.make()\n",
            "from relay.core import Relay\n\ndef setup_relay(config):\n    return Relay()\n",
            "from relay.core import Relay\n\nclass Factory:\n    @classmethod\n    def build(cls):\n        return cls()\n"
            "    def relay(self):\n        return Relay()\n\ndef setup_relay(config):\n    return Factory.build().relay()\n",
        )),
        *(Invalid(main, filename="jobs/cli.py", files=tree(("jobs/worker.py", """
            import time

            class Worker:
                def drain(self):
                    while True:
                        time.sleep(1)
            """), ("jobs/factory.py", """
            from jobs.worker import Worker

            def make_worker(queue):
                worker = Worker()
                worker.queue = queue
                return worker

            def default_worker():
                return make_worker("default")
            """), ("jobs/instances.py", "from jobs.factory import default_worker\n\nworker = default_worker()\n"),
            main="jobs/cli.py"), lines=(line,)) for main, line in (
            ("""
            from jobs.factory import make_worker

            if __name__ == "__main__":
                make_worker("mail").drain()
            """, 3),
            ("""
            from jobs import factory

            class Service:
                def __init__(self):
                    self.worker = factory.default_worker()

                def run(self):
                    self.worker.drain()

            if __name__ == "__main__":
                Service().run()
            """, 10),
            ("""
            from jobs.instances import worker

            if __name__ == "__main__":
                worker.drain()
            """, 3),
            ("""
            from jobs import factory

            class BaseService:
                def __init__(self):
                    self.worker = factory.default_worker()

            class Service(BaseService):
                def run(self):
                    self.worker.drain()

            if __name__ == "__main__":
                Service().run()
            """, 11),
        )),
        # a service whose command line also asks questions in another branch (a setup wizard)
        Invalid(BOT_CLI, filename="bot/cli.py", files=tree(*BOT_FILES, main="bot/cli.py"), lines=(5,)),
        Invalid(BOT_CLI.replace("create_config()", 'name = input("Bot name: ")'), filename="bot/cli.py",
                files=tree(*BOT_FILES, main="bot/cli.py"), lines=(5,)),
        # a management command whose loop is a call away, with no handler at all or one that
        # is installed only on Windows
        Invalid(HANDLE, filename=COMMAND, files=tree(POLLING, stopper("pass"), main=COMMAND), lines=(7,)),
        *(Invalid(HANDLE, filename=COMMAND, files=tree(POLLING, stopper(init, header), main=COMMAND),
                  lines=(7,))
          for init, header in (
            ("""
            if IS_WINDOWS:
                signal.signal(signal.SIGTERM, self.stop)
            """, 'IS_WINDOWS = platform.system().lower() in ("windows", "cygwin")\n'),
            ("""
            if not sys.platform.startswith("linux") and os.name != "posix":
                signal.signal(signal.SIGTERM, self.stop)
            """, ""),
        )),
        *(Invalid(HANDLE, filename=COMMAND, files=tree(POLLING, stopper(init), main=COMMAND), lines=(7,))
          for init in (
            """
            if platform.system() == "Windows":
                signal.signal(signal.SIGTERM, self.stop)
            else:
                signal.signal(signal.SIGUSR1, self.stop)
            """,
            """
            if sys.platform == "win32" or sys.platform == "cygwin":
                signal.signal(signal.SIGTERM, self.stop)
            """,
            """
            if sys.platform.startswith("win"):
                signal.signal(signal.SIGTERM, self.stop)
            """,
            """
            if os.name == "posix":
                signal.signal(signal.SIGUSR1, self.stop)
            else:
                signal.signal(signal.SIGTERM, self.stop)
            """,
        )),
        # the command derives from the project's base command, in another module; the loop
        # runs until a setting that nothing changes stops it (`--duration 0`: for good)
        Invalid("""
            import time
            from shop.management.base import ShopCommand
            from shop.stock import sync_once

            class Command(ShopCommand):
                def handle(self, *args, **options):
                    duration, started = options["duration"], time.monotonic()
                    while duration <= 0 or time.monotonic() - started < duration:
                        sync_once()
                        time.sleep(options["sleep"])
            """, filename=COMMAND, files=tree(
            ("shop/management/base.py", """
                from django.core.management import BaseCommand

                class ShopCommand(BaseCommand):
                    requires_migrations_checks = True
                """),
            ("shop/stock.py", "def sync_once():\n    pass\n"), main=COMMAND), lines=(6,)),
        Invalid("""
            import time
            def work():
                while True:
                    time.sleep(5)
            if __name__ == "__main__":
                work()
            """, lines=(5,)),
        Invalid("""
            import asyncio
            async def main():
                while True:
                    await asyncio.sleep(1000)
            if __name__ == "__main__":
                asyncio.run(main())
            """, lines=(5,)),
        Invalid("""
            from http.server import HTTPServer, BaseHTTPRequestHandler
            class Service:
                def __init__(self):
                    self.httpd = HTTPServer(("", 8000), BaseHTTPRequestHandler)
                def run(self):
                    self.httpd.serve_forever()
            if __name__ == "__main__":
                Service().run()
            """, lines=(7,)),
        Invalid("""
            from apscheduler.schedulers.blocking import BlockingScheduler
            if __name__ == "__main__":
                scheduler = BlockingScheduler()
                scheduler.start()
            """, lines=(2,)),
    ]
