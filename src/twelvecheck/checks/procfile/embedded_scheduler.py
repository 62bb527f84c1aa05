"""TWC514 procfile-embedded-scheduler: a worker started with its scheduler inside (``celery worker -B``)."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import tool_invocations
from twelvecheck.deploy.options import find_options
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class EmbeddedScheduler(DeployRule):
    code = "TWC514"
    # A Dockerfile's command (deploy/container.py), scripts, server configurations and the
    # deployment descriptors' commands (deploy/descriptor_documents.py) too.
    kinds = ("procfile", "dockerfile", "script", "server-config", "compose", "platform", "kubernetes")

    @classmethod
    def check(cls, document) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            if inv.tool.role != "scheduler":  # a clock process is the right place for one
                for option in find_options(inv.args, inv.tool.scheduler):
                    yield check.tool_problem(inv, option.token, f"`{inv.tool.key} {option.token.text}`")

    VALID = [
        Valid("worker: celery -A app worker -B\n", filename="Procfile.dev"),  # local-only
        Valid(filename="docker-compose.dev.yml",
              code="services:\n  worker:\n    build: .\n    command: celery -A app worker -B\n"),
        Valid(filename="worker.sh", code="#!/bin/sh\ncelery -A shop beat &\nexec celery -A shop worker\n"),
        Valid("worker: celery -A app worker\nbeat: celery -A app beat\n"),
        Valid("worker: rq worker default\n"),
        Valid("worker: celery -A app worker -P solo -Q default\n"),
        # wrappers pass their command through: what runs after them is judged
        Valid("worker: newrelic-admin run-program python /app/.venv/bin/celery -A app worker -Q mail\n"
              "clock: doppler run -p shop -c prd -- celery -A app beat\n"),
        Valid("clock: chamber exec shop-prd -- python /usr/local/bin/celery --app=app beat -l info\n"),
    ]
    INVALID = [
        # heroku.yml's run entry; a railway.json startCommand.
        Invalid(filename="heroku.yml", code="build:\n  docker:\n    web: Dockerfile\nrun:\n"
                "  worker: celery -A app worker -B\n", lines=(5,)),
        Invalid(filename="railway.json", code='{\n  "deploy": {\n    "startCommand": "celery -A app worker --beat"\n'
                                              '  }\n}\n', lines=(3,)),
        Invalid(filename="worker.sh", code="#!/bin/sh\nexec celery -A shop worker -B -l info\n", lines=(2,)),
        Invalid(filename="supervisord.conf", code="[program:worker]\ncommand=celery -A shop worker --beat\n",
                lines=(2,)),
        Invalid("worker: celery -A app worker -B\n", lines=(1,)),
        Invalid("worker: celery worker --app=app --beat -c 2\n", lines=(1,)),
        Invalid("worker: python manage.py celeryd --beat\n", lines=(1,)),
        Invalid("worker: rq worker --with-scheduler default\n", lines=(1,)),
        Invalid("web: gunicorn app:wsgi\n"
                "worker: newrelic-admin run-program python /app/.heroku/python/bin/celery --app=app:celery worker -B\n",
                lines=(2,)),
        Invalid("worker: doppler run -p shop -c prd -- ddtrace-run celery -A app worker --beat\n"
                "jobs: chamber exec shop-prd shared -- envdir /etc/env rq worker --with-scheduler\n"
                "tasks: dotenv -f .env run --no-override pipenv run python -m celery -A app worker -B\n",
                lines=(1, 2, 3)),
    ]
