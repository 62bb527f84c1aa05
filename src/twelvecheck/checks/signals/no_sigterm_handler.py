"""TWC302 no-sigterm-handler: a long-running entry point in a program that never handles SIGTERM."""

from __future__ import annotations

from textwrap import dedent

from twelvecheck.program.lifetime import unhandled_services
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.engine.rule import Invalid, ProjectFinding, ProjectRule, Valid


def _tree(*files: tuple[str, str], main: str = "") -> tuple[tuple[str, str], ...]:
    """Files of a case's project, dedented, with the ``__init__.py`` of every folder (of
    ``main``, the case's own file, too)."""
    paths = [main, *(path for path, _ in files)]
    packages = {path.rsplit("/", depth)[0] for path in paths for depth in range(1, path.count("/") + 1)}
    return (*((f"{package}/__init__.py", "") for package in sorted(packages)),
            *((path, dedent(text).lstrip("\n")) for path, text in files))


# A Django app whose management command runs a polling loop in a module of its own.
_COMMAND = "shop/management/commands/sync_stock.py"
_POLLING = ("shop/stock.py", """
    import time
    from shop.signals import Stopper

    def poll_forever(interval):
        stopper = Stopper()
        while not stopper.stopped:
            time.sleep(interval)
    """)


def _stopper(installs: str) -> tuple[str, str]:
    """The module of the stop handler; ``installs`` is its ``__init__`` body."""
    body = "\n".join(" " * 8 + line for line in dedent(installs).strip().splitlines())
    return ("shop/signals.py", "import os, platform, signal, sys\n\n\nclass Stopper:\n    stopped = False\n\n"
            "    def __init__(self):\n" + body + "\n\n    def stop(self, signum, frame):\n        self.stopped = True\n")


_HANDLE = """
    from django.core.management.base import BaseCommand
    from shop.stock import poll_forever

    class Command(BaseCommand):
        help = "Keep the stock in sync"

        def handle(self, *args, **options):
            poll_forever(options.get("interval", 30))
    """


# A chat bot's command line: `init` asks a few questions through a prompt helper, the
# default runs the bot (item of interactivity: the prompt is a branch, not the main loop).
_BOT_CLI = """
    import argparse
    from bot.wizard import create_config
    from bot.runner import run_bot

    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--init", action="store_true")
        args = parser.parse_args()
        if args.init:
            create_config()
        else:
            run_bot()
    """
_BOT_FILES = (
    ("bot/prompts.py", """
        def ask(question, choices):
            while True:
                answer = input(question + " ")
                if answer in choices:
                    return answer
                print("please answer one of", choices)
        """),
    ("bot/wizard.py", """
        from bot.prompts import ask

        def create_config():
            backend = ask("Backend?", ["irc", "slack"])
            with open("config.py", "w") as config:
                config.write(f"BACKEND = {backend!r}\\n")
        """),
    ("bot/runner.py", """
        import time

        def run_bot():
            while True:
                time.sleep(1)
        """),
    ("pyproject.toml", '[project]\nname = "bot"\n\n[project.scripts]\nbot = "bot.cli:main"\n'),
)


# What a call returns, across modules: the bot's class comes from a factory annotated with
# it, its loop from a base class in a third module.
_RELAY_FILES = (
    ("relay/backends/base.py", """
        import time

        class Backend:
            running = True

            def start(self):
                while self.running:
                    self.poll()
                    time.sleep(self.interval)

            def poll(self):
                pass
        """),
    ("relay/core.py", """
        import signal
        from relay.backends.base import Backend

        class Relay(Backend):
            interval = 5

            def install_stop(self):
                signal.signal(signal.SIGTERM, self.stop)

            def stop(self, signum, frame):
                self.running = False
        """),
    ("relay/setup.py", """
        from relay.core import Relay

        def setup_relay(config) -> Relay:
            relay = config.backend_class()
            relay.interval = config.interval
            return relay
        """),
)


# Signals named away from signal.signal(): a settings module's constant, a dict of
# handlers, a helper or a decorator that takes the signal as a parameter.
_STATE = ("svc/state.py", """
    import time

    stopping = False

    def stop(signum, frame):
        global stopping
        stopping = True

    def run():
        while not stopping:
            time.sleep(1)
    """)
_HELPERS = (("svc/util.py", """
    import signal

    def install(signum, handler):
        signal.signal(signum, handler)
    """), ("svc/hooks.py", """
    import signal

    def on_signal(signum):
        def register(function):
            signal.signal(signum, function)
            return function
        return register
    """))


def _installs(code: str, settings: str = "(signal.SIGTERM, signal.SIGINT)") -> tuple[str, tuple]:
    """A service's __main__.py that installs its handlers by ``code``, with its modules."""
    main = "import signal\nfrom svc import settings, state\nfrom svc.settings import STOP_SIGNALS\n" \
           "from svc.util import install\nfrom svc.hooks import on_signal\n\n" + dedent(code).strip() + \
           "\n\nstate.run()\n"
    return main, _tree(_STATE, *_HELPERS, ("svc/settings.py", f"import signal\n\nSTOP_SIGNALS = {settings}\n"),
                       main="svc/__main__.py")


_INSTALLS = (
    "for sig in settings.STOP_SIGNALS:\n    signal.signal(sig, state.stop)",
    "for sig in STOP_SIGNALS:\n    signal.signal(sig, state.stop)",
    "SIGNALS = [signal.SIGTERM, signal.SIGINT]\nfor sig in SIGNALS:\n    signal.signal(sig, state.stop)",
    "HANDLERS = {signal.SIGTERM: state.stop}\nfor sig, handler in HANDLERS.items():\n    signal.signal(sig, handler)",
    "install(signal.SIGTERM, state.stop)",
    "install(handler=state.stop, signum=signal.SIGTERM)",
    "@on_signal(signal.SIGTERM)\ndef stop(signum, frame):\n    state.stop(signum, frame)",
)


class NoSigtermHandler(ProjectRule):
    code = "TWC302"
    collectors = (ProgramFacts,)

    @classmethod
    def check_project(cls, project) -> list[ProjectFinding]:
        return unhandled_services(cls.code, project, lambda life: not life.stops_on_interrupt)

    VALID = [
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
            """, filename="shell/cli.py", files=_tree(
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
            """, filename="chat/client.py", files=_tree(("chat/connection.py", """
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
            """, filename="monitor/top.py", files=_tree(
            ("monitor/screen.py", "def draw(screen):\n    screen.refresh()\n"), main="monitor/top.py")),
        # the handler is installed by a method of the class a factory returns
        Valid("""
            from relay.setup import setup_relay
            from relay import settings

            if __name__ == "__main__":
                relay = setup_relay(settings)
                relay.install_stop()
                relay.start()
            """, filename="relay/__main__.py", files=_tree(*_RELAY_FILES, ("relay/settings.py", "interval = 5\n"))),
        # the factory returns a framework's server, which handles SIGTERM itself
        Valid("""
            from api.server import build_server

            if __name__ == "__main__":
                while True:
                    build_server().run()
            """, filename="api/__main__.py", files=_tree(("api/server.py", """
                import uvicorn

                def build_server():
                    config = uvicorn.Config("api.app:app", port=8000)
                    server = uvicorn.Server(config)
                    return server
                """))),
        # SIGTERM named by a constant (of another module, of this one, a dict's keys) or
        # passed to a helper or a decorator that installs the handler
        *(Valid(*_installs(code)[:1], filename="svc/__main__.py", files=_installs(code)[1]) for code in _INSTALLS),
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
        Valid(_HANDLE, filename=_COMMAND, files=_tree(_POLLING, _stopper("""
            signal.signal(signal.SIGTERM, self.stop)
            """), main=_COMMAND)),
        # a handler installed on POSIX (Linux) is installed where the platform runs it
        *(Valid(_HANDLE, filename=_COMMAND, files=_tree(_POLLING, _stopper(f"""
            if {test}:
                signal.signal(signal.SIGTERM, self.stop)
            else:
                signal.signal(signal.SIGBREAK, self.stop)
            """), main=_COMMAND)) for test in (
            'os.name == "posix"', 'sys.platform.startswith("linux")', 'platform.system() != "Windows"',
            'not sys.platform.startswith("win")')),
        # no loop: a one-shot command; a class Command that is no Django command; a command's
        # module under tests/; the package's __init__.py
        Valid("""
            from django.core.management.base import BaseCommand
            from shop.models import Product

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    for product in Product.objects.all():
                        product.refresh_price()
            """, filename=_COMMAND, files=_tree(("shop/models.py", "class Product: pass\n"), main=_COMMAND)),
        *(Valid(code, filename=name, files=_tree(_POLLING, _stopper("pass"), main=name)) for code, name in (
            (_HANDLE.replace("(BaseCommand)", "").replace("from django.core.management.base import BaseCommand\n", ""),
             _COMMAND),
            (_HANDLE, "tests/management/commands/sync_stock.py"),
            (_HANDLE, "shop/management/commands/__init__.py"),
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
        # the same idioms naming other signals
        *(Invalid(*_installs(other, "(signal.SIGHUP, signal.SIGUSR1)")[:1], filename="svc/__main__.py", lines=(1,),
                  files=_installs(other, "(signal.SIGHUP, signal.SIGUSR1)")[1])
          for other in (code.replace("SIGTERM", "SIGHUP").replace("SIGINT", "SIGUSR1") for code in _INSTALLS)),
        # the loop is in a method of the class a call returns (annotated, or returned from a
        # call or a name), of an attribute set on self in __init__, of an imported instance
        Invalid("""
            from relay.setup import setup_relay
            from relay import settings

            if __name__ == "__main__":
                relay = setup_relay(settings)
                relay.start()
            """, filename="relay/__main__.py", files=_tree(*_RELAY_FILES, ("relay/settings.py", "interval = 5\n")),
            lines=(4,)),
        *(Invalid(main, filename="jobs/cli.py", files=_tree(("jobs/worker.py", """
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
        )),
        # a service whose command line also asks questions in another branch (a setup wizard)
        Invalid(_BOT_CLI, filename="bot/cli.py", files=_tree(*_BOT_FILES, main="bot/cli.py"), lines=(5,)),
        Invalid(_BOT_CLI.replace("create_config()", 'name = input("Bot name: ")'), filename="bot/cli.py",
                files=_tree(*_BOT_FILES, main="bot/cli.py"), lines=(5,)),
        # a management command whose loop is a call away, with no handler at all or one that
        # is installed only on Windows
        Invalid(_HANDLE, filename=_COMMAND, files=_tree(_POLLING, _stopper("pass"), main=_COMMAND), lines=(7,)),
        *(Invalid(_HANDLE, filename=_COMMAND, files=_tree(_POLLING, _stopper(installs), main=_COMMAND), lines=(7,))
          for installs in (
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
            """, filename=_COMMAND, files=_tree(
            ("shop/management/base.py", """
                from django.core.management import BaseCommand

                class ShopCommand(BaseCommand):
                    requires_migrations_checks = True
                """),
            ("shop/stock.py", "def sync_once():\n    pass\n"), main=_COMMAND), lines=(6,)),
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
