"""TWC517 procfile-nested-process-manager: a process manager (honcho, foreman, supervisord) run as a process type."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import tool_invocations
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class NestedProcessManager(DeployRule):
    code = "TWC517"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            if inv.tool.role == "manager":
                yield check.problem(inv, inv.words[0], f"`{inv.tool.key}` runs a process manager")

    VALID = [
        Valid("dev: honcho start -f Procfile.services\n", filename="Procfile.dev"),  # local-only
        Valid("web: gunicorn app:app\nworker: celery -A app worker\n"),
    ]
    INVALID = [
        Invalid("web: honcho -f Procfile.prod start --port $PORT\n", lines=(1,)),
        Invalid("web: foreman start -f Procfile.web\n", lines=(1,)),
        Invalid("all: supervisord -n -c supervisord.conf\n", lines=(1,)),
    ]
