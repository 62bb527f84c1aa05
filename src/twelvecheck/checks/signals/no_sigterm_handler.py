"""TWC302 no-sigterm-handler: a long-running entry point in a program that never handles SIGTERM."""

from __future__ import annotations

from twelvecheck.program.lifetime import unhandled_services
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.engine.rule import Invalid, ProjectFinding, ProjectRule, Valid


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
            if __name__ == "__main__":
                parse(iter([])); search([]); forever(); drain(iter([])); names([])
            """),
    ]

    INVALID = [
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
