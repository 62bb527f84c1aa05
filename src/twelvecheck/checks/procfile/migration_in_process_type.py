"""TWC518 procfile-migration-in-process-type: a migration chained with other commands in a
long-running process type (directly, or through a process manager that starts it), instead
of in ``release``."""

from __future__ import annotations

import posixpath
from typing import Iterator

from twelvecheck.checks.procfile._entry import entry_checks
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import uses
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

# Commands that prepare a step rather than being one.
NOT_A_STEP = frozenset({"cd", "echo", "export", "set", "true", ":", "printf", "sleep", "unset", "mkdir", "touch", "yes"})


class MigrationInProcessType(DeployRule):
    code = "TWC518"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check in entry_checks(document):
            if check.name == "release":
                continue
            # (where to report, the step) for its own steps and those of the types it starts
            steps = [(inv, inv) for inv in check.invocations]
            steps += [(manager, inv) for manager, started in check.started for inv in started]
            steps = [(at, inv) for at, inv in steps if posixpath.basename(inv.program) not in NOT_A_STEP]
            migrations = [(at, inv) for at, inv in steps if uses(inv.tool, "migration")]
            if migrations and len(steps) > 1:
                at, inv = migrations[0]
                via = "" if at is inv else f" (through `{at.tool.key}`)"
                yield check.problem(at, at.words[0], f"`{inv.tool.key}` runs in process type {check.name}{via} "
                                                     "together with other commands")

    VALID = [
        Valid("web: python manage.py migrate && python manage.py runserver\n", filename="Procfile.dev"),  # local-only
        Valid("release: python manage.py migrate --noinput\nweb: gunicorn app.wsgi\n"),
        Valid("release: cd app && python manage.py migrate && python manage.py collectstatic\n"),
        Valid("migrate: python manage.py migrate\n"),
    ]
    INVALID = [
        Invalid("web: python manage.py migrate && gunicorn app.wsgi\n", lines=(1,)),
        Invalid("web: flask db upgrade; gunicorn app:app\n", lines=(1,)),
        Invalid("web: bundle exec rake db:migrate && bundle exec puma -C config/puma.rb\n", lines=(1,)),
        Invalid("web: sh -c 'alembic upgrade head && uvicorn app:app --host 0.0.0.0 --port $PORT'\n", lines=(1,)),
        Invalid("migrate: python manage.py migrate\nall: honcho start migrate web\nweb: gunicorn app.wsgi\n",
              lines=(2,)),
    ]
