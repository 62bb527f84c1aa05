"""TWC303 sigint-only: the clean stop is wired to Ctrl+C (SIGINT) but not to SIGTERM."""

from __future__ import annotations

from twelvecheck.program.lifetime import unhandled_services
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.checks.signals._fix import sigterm_fix
from twelvecheck.core.findings import Fix
from twelvecheck.engine.rule import Invalid, ProjectFinding, ProjectRule, Valid


# What the cases import: a serving loop, and a helper that installs a handler for the signal it is given.
LOOP = "import time\n\n\ndef serve():\n    while True:\n        time.sleep(1)\n"
STOPPING = ("import signal\n\n\ndef _stop(signum, frame):\n    raise SystemExit(0)\n\n\n"
            "def install(sig):\n    signal.signal(sig, _stop)\n")
STOPS_ON_SIGINT = """
    import signal, time
    running = True
    def stop(signum, frame):
        global running
        running = False
    def main():
        signal.signal(signal.SIGINT, stop)
        while running:
            time.sleep(1)
    if __name__ == "__main__":
        main()
    """


class SigintOnly(ProjectRule):
    code = "TWC303"
    collectors = (ProgramFacts,)

    @classmethod
    def check_project(cls, project) -> list[ProjectFinding]:
        return unhandled_services(cls.code, project, lambda life: life.stops_on_interrupt,
                                  lambda entry, life: cls._fix(project, entry, life))

    @staticmethod
    def _fix(project, entry, life) -> Fix | None:
        if not entry.unit.endswith(".<main>") or not life.catches_interrupt or life.sigint_handler:
            return None
        return sigterm_fix(project.files.get(entry.path, {}).get("program", {}).get("main_fix"))

    VALID = [
        Valid("""
            import signal, time
            if __name__ == "__main__":
                signal.signal(signal.SIGTERM, signal.default_int_handler)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    print("bye")
            """),
        Valid("""
            import time
            if __name__ == "__main__":
                try:
                    time.sleep(3)  # one-shot: not a service
                except KeyboardInterrupt:
                    pass
            """),
        Valid("""
            import time
            if __name__ == "__main__":
                while True:  # no clean stop at all: that is TWC302's case
                    time.sleep(1)
            """),
        # SIGTERM handled: through a helper of another module that installs what it is given,
        # through another module's constant, or by a framework that installs its own handler.
        Valid("""
            import signal
            import time

            from svc.stopping import install


            def main():
                install(signal.SIGTERM)
                install(signal.SIGINT)
                while True:
                    time.sleep(1)


            if __name__ == "__main__":
                main()
            """, filename="svc/run.py", files=(("svc/__init__.py", ""), ("svc/stopping.py", STOPPING))),
        Valid("""
            import signal
            import time

            from svc import settings


            def _stop(signum, frame):
                raise KeyboardInterrupt


            def main():
                for sig in settings.STOP_SIGNALS:
                    signal.signal(sig, _stop)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass


            if __name__ == "__main__":
                main()
            """, filename="svc/run.py", files=(
            ("svc/__init__.py", ""),
            ("svc/settings.py", "import signal\n\nSTOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)\n"))),
        Valid("""
            import threading

            import uvicorn

            from svc.asgi import app
            from svc.feeds import poll_forever

            if __name__ == "__main__":
                threading.Thread(target=poll_forever, daemon=True).start()
                try:
                    uvicorn.run(app, port=8000)
                except KeyboardInterrupt:
                    pass
            """, filename="serve.py", files=(
            ("svc/__init__.py", ""), ("svc/asgi.py", "async def app(scope, receive, send):\n    pass\n"),
            ("svc/feeds.py", "import time\n\n\ndef poll_forever():\n    while True:\n        time.sleep(60)\n"))),
    ]

    INVALID = [
        # the stop signals come from a settings module, a Django command runs the loop
        Invalid("""
            import signal, time
            from django.core.management.base import BaseCommand
            from feeds import settings

            class Command(BaseCommand):
                stopping = False

                def handle(self, *args, **options):
                    for sig in settings.STOP_SIGNALS:
                        signal.signal(sig, self.stop)
                    while not self.stopping:
                        time.sleep(options["interval"])

                def stop(self, signum, frame):
                    self.stopping = True
            """, filename="feeds/management/commands/poll_feeds.py", lines=(8,), files=(
            ("feeds/__init__.py", ""), ("feeds/management/__init__.py", ""),
            ("feeds/management/commands/__init__.py", ""),
            ("feeds/settings.py", "import signal\n\nSTOP_SIGNALS = (signal.SIGINT, signal.SIGQUIT)\n"))),
        Invalid("""
            import time
            def serve():
                while True:
                    time.sleep(1)
            if __name__ == "__main__":
                try:
                    serve()
                except KeyboardInterrupt:
                    print("shutting down cleanly")
            """, lines=(5,), fixed="""
            import time
            import signal
            def serve():
                while True:
                    time.sleep(1)
            if __name__ == "__main__":
                signal.signal(signal.SIGTERM, signal.default_int_handler)
                try:
                    serve()
                except KeyboardInterrupt:
                    print("shutting down cleanly")
            """),
        Invalid(STOPS_ON_SIGINT, lines=(10,), fixed=STOPS_ON_SIGINT),  # a SIGINT handler of its own: no fix
        # A package's __main__.py; a console script; the code Procfile process types run
        # (a script with no __main__ block, `python -m`, a console script), with the SIGINT
        # handler installed by a helper of another module.
        Invalid("""
            from relay.loop import serve

            try:
                serve()
            except KeyboardInterrupt:
                pass
            """, filename="relay/__main__.py", files=(("relay/__init__.py", ""), ("relay/loop.py", LOOP)),
            lines=(4,)),  # its call of serve(): a module run whole has no line, its loop is elsewhere
        Invalid("""
            from relay.loop import serve


            def main():
                try:
                    serve()
                except KeyboardInterrupt:
                    print("bye")
            """, filename="relay/cli.py", files=(("relay/__init__.py", ""), ("relay/loop.py", LOOP), (
                "pyproject.toml", '[project]\nname = "relay"\nversion = "1"\n[project.scripts]\nrelay = "relay.cli:main"\n')),
            lines=(4,)),
        Invalid("""
            import time

            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
            """, filename="relay/worker.py", files=(("relay/__init__.py", ""), ("Procfile", "worker: python relay/worker.py\n")),
            lines=(4,)),  # at its loop: a module run whole has no line of its own
        Invalid("""
            import signal
            import time

            from relay.stopping import install


            def main():
                install(signal.SIGINT)
                while True:
                    time.sleep(1)


            if __name__ == "__main__":
                main()
            """, filename="relay/beat.py", files=(("relay/__init__.py", ""), ("relay/stopping.py", STOPPING),
                                                ("Procfile", "beat: python -m relay.beat\n")), lines=(13,)),
        Invalid("""
            import time


            def main():
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    print("bye")
            """, filename="relay/cli.py", files=(("relay/__init__.py", ""), ("Procfile", "relay: relay-serve\n"), (
                "pyproject.toml", '[project]\nname = "relay"\nversion = "1"\n[project.scripts]\nrelay-serve = "relay.cli:main"\n')),
            lines=(4,)),
        # A SIGTERM handler installed only on Windows does not count; the fix adds no import.
        Invalid("""
            import signal
            import sys
            import time


            def stop(signum, frame):
                raise KeyboardInterrupt


            if __name__ == "__main__":
                if sys.platform == "win32":
                    signal.signal(signal.SIGTERM, stop)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            """, lines=(10,), fixed="""
            import signal
            import sys
            import time


            def stop(signum, frame):
                raise KeyboardInterrupt


            if __name__ == "__main__":
                signal.signal(signal.SIGTERM, signal.default_int_handler)
                if sys.platform == "win32":
                    signal.signal(signal.SIGTERM, stop)
                try:
                    while True:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
            """),  # `import signal` is there already
    ]
