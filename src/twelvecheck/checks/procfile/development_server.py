"""TWC516 procfile-development-server: a development server or file watcher, or a reload-on-change option."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import tool_invocations
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import find_options
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class DevelopmentServer(DeployRule):
    code = "TWC516"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            tool = inv.tool
            if tool.role == "devserver":
                yield check.problem(inv, inv.words[0], f"`{tool.key}` is a development server or file watcher")
            for option in find_options(inv.args, tool.reload):
                yield check.problem(inv, option.token, f"`{tool.key} {option.token.text}` reloads on code changes, "
                                                       "a development feature")

    VALID = [
        Valid("web: gunicorn app:app\n"),
        Valid("web: python manage.py collectstatic --noinput && gunicorn app.wsgi\n"),
    ]
    INVALID = [
        Invalid("web: python manage.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
        Invalid("web: ./manage.py runserver_plus 0.0.0.0:$PORT\n", lines=(1,)),
        Invalid("web: flask run --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Invalid("web: gunicorn --reload app:app\n", lines=(1,)),
        Invalid("web: uvicorn app:app --reload --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Invalid("web: python app.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
    ]
