"""TWC303 sigint-only: the clean stop is wired to Ctrl+C (SIGINT) but not to SIGTERM."""

from __future__ import annotations

from twelvecheck.program.lifetime import unhandled_services
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.checks.signals._fix import sigterm_fix
from twelvecheck.core.findings import Fix
from twelvecheck.engine.rule import Invalid, ProjectFinding, ProjectRule, Valid


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
        Invalid("""
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
            """, lines=(10,)),
    ]
