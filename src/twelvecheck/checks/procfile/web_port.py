"""TWC515 procfile-web-port: the ``web`` process type does not listen on ``$PORT``: a fixed
port, ``PORT`` replaced or taken away, or a server whose default is not ``$PORT`` and is
not told."""

from __future__ import annotations

import re
from typing import Iterator

from twelvecheck.checks.procfile._entry import EntryCheck, entry_checks
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import Option, find_options, first_argument
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

PORT_REFERENCE = re.compile(r"\$\{?PORT\b|%PORT%|\$\(PORT\)")
FIXED_PORT = re.compile(r"(^|:)\d+$")
GENERIC_PORT_OPTIONS = ("--port", "--server.port", "-Dserver.port", "--http-port", "--listen-port")


def _port(check: EntryCheck, inv: Invocation) -> Iterator[Problem]:
    for assignment in inv.env:
        name, _, value = assignment.text.partition("=")
        if name == "PORT" and not PORT_REFERENCE.search(value):
            yield check.problem(inv, assignment, f"`{assignment.text}` replaces the port the platform assigns")
    if inv.program in ("unset", "export") and any(t.text == "PORT" or t.text.startswith("PORT=")
                                                  for t in inv.words[1:]):
        yield check.problem(inv, inv.words[0], f"`{inv.spelled()}` takes away the port the platform assigns")
    tool = inv.tool
    if tool is None:
        yield from _generic_port(check, inv)
        return
    if not tool.port and not tool.listens:
        return
    given = find_options(inv.args, tool.port)
    if "ARG" in tool.port and (first := first_argument(inv)) is not None:
        given.append(Option("ARG", first, first.text))
    ports = [o for o in given if o.value and (PORT_REFERENCE.search(o.value) or FIXED_PORT.search(o.value))]
    if any(PORT_REFERENCE.search(o.value) for o in ports):
        return
    if ports:
        option = ports[0]
        spelled = option.token.text if option.spec == "ARG" or "=" in option.token.text else \
            f"{option.token.text} {option.value}"
        yield check.problem(inv, option.token, f"`{tool.key} {spelled}` listens on a fixed port")
    elif tool.listens and tool.listens != "$PORT" and not find_options(inv.args, tool.config):
        flag = next((s.split()[0] for s in tool.port if s.split()[0] != "ARG"), "")
        how = f"pass {flag} $PORT" if flag and "port" in flag else "give it $PORT"
        yield check.problem(inv, inv.words[0], f"`{tool.key}` listens on {tool.listens}, not on $PORT, "
                                               f"unless told ({how})")


def _generic_port(check: EntryCheck, inv: Invocation) -> Iterator[Problem]:
    """A program the table does not know, given a fixed port by a common option."""
    for option in find_options(inv.words[1:], tuple(f"{flag} N" for flag in GENERIC_PORT_OPTIONS)):
        if option.value and FIXED_PORT.search(option.value) and not PORT_REFERENCE.search(option.value):
            yield check.problem(inv, option.token, f"`{inv.program} {option.token.text}` listens on a fixed port")


class WebPort(DeployRule):
    code = "TWC515"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check in entry_checks(document):
            if check.name == "web":  # the only process type the platform routes traffic to
                for inv in check.invocations:
                    yield from _port(check, inv)

    VALID = [
        Valid("web: gunicorn app:app --bind 0.0.0.0:8000\n", filename="Procfile.dev"),  # local-only
        Valid("web: gunicorn app:app\n"),  # gunicorn binds $PORT by itself
        Valid("web: gunicorn -b 0.0.0.0:$PORT app:app\n"),
        Valid("web: uvicorn app:app --host 0.0.0.0 --port $PORT\n"),
        Valid("web: uvicorn app:app --host 0.0.0.0 --port=${PORT:-8000}\n"),
        Valid("web: waitress-serve --port=$PORT app:app\n"),
        Valid("web: daphne -b 0.0.0.0 -p $PORT app.asgi:application\n"),
        Valid("worker: uvicorn app:app --port 8000\n"),  # only web receives traffic on $PORT
        Valid("web: bin/rails server -b 0.0.0.0\n"),
        Valid("web: gunicorn -c gunicorn.conf.py app:app\n"),
        Valid("web: python manage.py runserver 0.0.0.0:$PORT\n"),
    ]
    INVALID = [
        Invalid("web: gunicorn -b 0.0.0.0:8000 app:app\n", lines=(1,)),
        Invalid("web: gunicorn --bind=:5000 app:app\n", lines=(1,)),
        Invalid("web: uvicorn app:app --host 0.0.0.0\n", lines=(1,)),
        Invalid("web: uvicorn app:app --port 8000\n", lines=(1,)),
        Invalid("web: waitress-serve app:app\n", lines=(1,)),
        Invalid("web: daphne app.asgi:application\n", lines=(1,)),
        Invalid("web: PORT=8000 python app.py\n", lines=(1,)),
        Invalid("web: python manage.py runserver\n", lines=(1,)),
        Invalid("web: python manage.py runserver 0.0.0.0:5000\n", lines=(1,)),
        Invalid("web: python -m http.server 8080\n", lines=(1,)),
        Invalid("web: unset PORT && bin/rails server\n", lines=(1,)),
        Invalid("web: streamlit run app.py --server.port=8000\n", lines=(1,)),
        Invalid("web: java -Dserver.port=8080 -jar app.jar\n", lines=(1,)),
    ]
