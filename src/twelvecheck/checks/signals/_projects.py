"""Small projects the signal rules' cases are written in: a Django app, a chat bot's command
line, a relay service whose class comes from a factory, a service that names its stop
signals in a settings module. The rule modules build their VALID and INVALID cases from
these, changing one idiom at a time."""

from __future__ import annotations

from textwrap import dedent

from twelvecheck.engine.rule import Invalid, Valid


def tree(*files: tuple[str, str], main: str = "") -> tuple[tuple[str, str], ...]:
    """Files of a case's project, dedented, with the ``__init__.py`` of every folder (of
    ``main``, the case's own file, too)."""
    paths = [main, *(path for path, _ in files)]
    packages = {path.rsplit("/", depth)[0] for path in paths for depth in range(1, path.count("/") + 1)}
    return (*((f"{package}/__init__.py", "") for package in sorted(packages)),
            *((path, dedent(text).lstrip("\n")) for path, text in files))


# A Django app whose management command runs a polling loop in a module of its own.
COMMAND = "shop/management/commands/sync_stock.py"
POLLING = ("shop/stock.py", """
    import time
    from shop.signals import Stopper

    def poll_forever(interval):
        stopper = Stopper()
        while not stopper.stopped:
            time.sleep(interval)
    """)


def stopper(installs: str, header: str = "") -> tuple[str, str]:
    """The module of the stop handler; ``installs`` is its ``__init__`` body."""
    body = "\n".join(" " * 8 + line for line in dedent(installs).strip().splitlines())
    return ("shop/signals.py", f"import os, platform, signal, sys\n{header}\n\nclass Stopper:\n    stopped = False\n\n"
            "    def __init__(self):\n" + body + "\n\n    def stop(self, signum, frame):\n        self.stopped = True\n")


HANDLE = """
    from django.core.management.base import BaseCommand
    from shop.stock import poll_forever

    class Command(BaseCommand):
        help = "Keep the stock in sync"

        def handle(self, *args, **options):
            poll_forever(options.get("interval", 30))
    """


# A chat bot's command line: `init` asks a few questions through a prompt helper, the
# default runs the bot: the prompt is a branch of the command line, not its main loop.
BOT_CLI = """
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
BOT_FILES = (
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
RELAY_FILES = (
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
STATE = ("svc/state.py", """
    import time

    stopping = False

    def stop(signum, frame):
        global stopping
        stopping = True

    def run():
        while not stopping:
            time.sleep(1)
    """)
HELPERS = (("svc/util.py", """
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


def last_line(source: str) -> int:
    """The line of a case's last statement (its module's run call), as the case is checked."""
    return len(dedent(source).strip("\n").splitlines())


def service_at_run_call(code: str, settings: str) -> Invalid:
    """A ``stop_service`` whose handlers miss SIGTERM, reported at its last line, ``state.run()``:
    its module runs whole and its loop is in another module."""
    main, files = stop_service(code, settings)
    return Invalid(main, filename="svc/__main__.py", files=files, lines=(last_line(main),))


def stop_service(code: str, settings: str = "(signal.SIGTERM, signal.SIGINT)") -> tuple[str, tuple]:
    """A service's __main__.py that installs its handlers by ``code``, with its modules."""
    main = "import signal\nfrom svc import settings, state\nfrom svc.settings import STOP_SIGNALS\n" \
           "from svc.util import install\nfrom svc.hooks import on_signal\n\n" + dedent(code).strip() + \
           "\n\nstate.run()\n"
    return main, tree(STATE, *HELPERS, ("svc/settings.py", f"import signal\n\nSTOP_SIGNALS = {settings}\n"),
                       main="svc/__main__.py")


INSTALLS = (
    "for sig in settings.STOP_SIGNALS:\n    signal.signal(sig, state.stop)",
    "for sig in STOP_SIGNALS:\n    signal.signal(sig, state.stop)",
    "SIGNALS = [signal.SIGTERM, signal.SIGINT]\nfor sig in SIGNALS:\n    signal.signal(sig, state.stop)",
    "HANDLERS = {signal.SIGTERM: state.stop}\nfor sig, handler in HANDLERS.items():\n    signal.signal(sig, handler)",
    "install(signal.SIGTERM, state.stop)",
    "install(handler=state.stop, signum=signal.SIGTERM)",
    "@on_signal(signal.SIGTERM)\ndef stop(signum, frame):\n    state.stop(signum, frame)",
)


# A relay whose server class is picked from a table by a setting: every entry may run.
RELAY_KINDS = ("relay/servers.py", """
    import signal
    import socketserver

    class TcpRelay:
        def __init__(self, port):
            self.server = socketserver.TCPServer(("", port), socketserver.BaseRequestHandler)

        def run(self):
            self.server.serve_forever()

    class GracefulRelay(TcpRelay):
        def run(self):
            signal.signal(signal.SIGTERM, lambda signum, frame: self.server.shutdown())
            self.server.serve_forever()

    class ReplayRelay:
        def run(self):
            print("replayed")
    """)


def picked_relay(table: str, pick: str) -> tuple[str, tuple]:
    """A relay's __main__.py that picks its server class from ``table`` by ``pick``."""
    main = "import os\nfrom relay import servers\n\n" + f"KINDS = {table}\n\n" + dedent(pick).strip() + "\n"
    return main, tree(RELAY_KINDS, main="relay/__main__.py")


PICKS = (
    'KINDS[os.environ.get("RELAY", "tcp")](8000).run()',
    'relay = KINDS[os.environ["RELAY"]](8000)\nrelay.run()',
    'def main():\n    kind = KINDS.get(os.environ.get("RELAY"), servers.ReplayRelay)\n    kind(8000).run()\n\nmain()',
)


# A mail relay running a copied asyncore-style loop: `while channels:` waits only inside the
# poll function it calls.
COPIED_LOOP = ("mail/_vendor/dispatch.py", """
    import select

    socket_map = {}

    def poll(timeout, channels):
        readable = [fd for fd, channel in channels.items() if channel.readable()]
        ready, _, _ = select.select(readable, [], [], timeout)
        for fd in ready:
            channels[fd].handle_read()

    def loop(timeout=30.0, channels=None):
        if channels is None:
            channels = socket_map
        while channels:
            poll(timeout, channels)
    """)
RELAY_MAIN = """
from mail._vendor import dispatch

def serve(port):
    dispatch.loop(timeout=1.0)

if __name__ == "__main__":
    serve(2525)
"""
# A work list drained by a helper that waits between items: it ends when the list is empty.
DRAIN = """
import time

def handle(item):
    time.sleep(0.1)

def drain(pending):
    while pending:
        handle(pending.pop())

if __name__ == "__main__":
    drain([1, 2, 3])
"""


# A service imported from its package, which re-exports it from a module (by name or with
# `import *`, through a subpackage).
REEXPORTED = (("svc/core/loop.py", """
    import signal
    import time

    class Service:
        def run(self):
            while True:
                time.sleep(1)

    class StoppableService(Service):
        def run(self):
            signal.signal(signal.SIGTERM, lambda signum, frame: exit(0))
            super().run()
    """), ("svc/core/__init__.py", "from .loop import Service, StoppableService as Graceful\n"))
REEXPORT_STYLES = ("from .core import Service, Graceful\n", "from .core import *\n")


def reexported(main: str, style: str) -> tuple[str, tuple]:
    """``main`` with the svc package re-exporting in ``style`` from svc/core."""
    return dedent(main).lstrip("\n"), tree(*REEXPORTED, ("svc/__init__.py", style), main="main.py")


# Terminal programs a person watches: a curses screen, a live-updating rich display.
CURSES_TOP = ("ops/top.py", """
    import curses
    import time

    from ops.stats import draw

    def main():
        screen = curses.initscr()
        while True:
            draw(screen)
            time.sleep(1)

    if __name__ == "__main__":
        main()
    """)
LIVE_BOARD = ("ops/board.py", """
    import time

    from rich.live import Live
    from ops.stats import table

    if __name__ == "__main__":
        with Live(table(), refresh_per_second=1) as live:
            while True:
                live.update(table())
                time.sleep(1)
    """)
STATS = ("ops/stats.py", "def draw(screen):\n    screen.refresh()\n\ndef table():\n    return 'jobs: 3'\n")
# A library module's demo, which coverage leaves out: run by hand, never deployed...
DEMO_SPINNER = ("spinner/core.py", """
    import sys
    import time

    def spin(frames="|/-\\\\"):
        shown = 0
        while True:
            sys.stdout.write(frames[shown % len(frames)] + "\\r")
            shown += 1
            time.sleep(0.1)

    if __name__ == "__main__":  # pragma: no cover
        spin()
    """)
# ...unless a process type runs the file.
DEMO_DEPLOYED = ("Procfile", "spinner: python spinner/core.py\n")
TERMINAL_AND_DEMO_VALID = (
    *(Valid(dedent(text).lstrip("\n"), filename=path, files=tree(STATS, main=path)) for path, text in (
        CURSES_TOP, LIVE_BOARD)),
    Valid(dedent(DEMO_SPINNER[1]).lstrip("\n"), filename=DEMO_SPINNER[0], files=tree(main=DEMO_SPINNER[0])),
)
DEMO_DEPLOYED_INVALID = Invalid(dedent(DEMO_SPINNER[1]).lstrip("\n"), filename=DEMO_SPINNER[0],
                                files=(*tree(main=DEMO_SPINNER[0]), DEMO_DEPLOYED), lines=(11,))
