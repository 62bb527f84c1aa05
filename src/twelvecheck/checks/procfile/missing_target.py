"""TWC520 procfile-missing-target: a process type runs code that exists nowhere."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import LineCheck, entry_checks
from twelvecheck.deploy.descriptor_documents import DescriptorDocument
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.targets import missing_targets
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

REQUIREMENTS = ("requirements.txt", "Django==5.2\ngunicorn==23.0\ncelery==5.4\n")
DJANGO_PROJECT = (("config/__init__.py", ""), ("config/wsgi.py", "application = None\n"),
                  ("config/asgi.py", "application = None\n"), ("config/celery.py", "app = None\n"), REQUIREMENTS)

MANAGE_PY = ("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n")
# Settings whose INSTALLED_APPS are Django's and the project's own: every command is known.
CLOSED_SETTINGS = ("config/settings.py", "INSTALLED_APPS = [\n    'django.contrib.auth',\n    'shop',\n]\n")
SHOP_COMMAND = (("shop/__init__.py", ""), ("shop/management/commands/poll_queue.py", "class Command: ...\n"))
# An image that copies the service's code from src/ into its WORKDIR.
SRC_IMAGE = ("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                           "RUN pip install -r requirements.txt\nCOPY src/ .\nCMD [\"gunicorn\", \"web:app\"]\n")
COMPOSE_WORKER = "services:\n  worker:\n    build: .\n    command: python worker.py\n"


class MissingTarget(DeployRule):
    code = "TWC520"

    kinds = ("procfile", "compose")

    @classmethod
    def check(cls, document: ProcfileDocument | DescriptorDocument) -> Iterator[Problem]:
        if isinstance(document, DescriptorDocument):
            # A service's command, where the image's WORKDIR says which folder it runs in (the
            # commands know it); elsewhere (an image built elsewhere, a WORKDIR no COPY
            # fills) nothing is said. The build context declares the dependencies.
            for command, context in document.commands_and_folders:
                if context is not None:
                    check = LineCheck(document, command)
                    for missing in missing_targets(command.invocations, context, document.root):
                        yield check.problem(missing.inv, missing.token, missing.what, looked=missing.looked,
                                            problem=missing.problem)
            return
        for check in entry_checks(document):
            for missing in missing_targets(check.invocations, document.directory, document.root):
                yield check.problem(missing.inv, missing.token, missing.what, looked=missing.looked,
                                    problem=missing.problem)

    VALID = [
        Valid("worker: python printing.py\n", files=(("printing.py", "print('hi')\n"), REQUIREMENTS)),
        # a script that runs something: a call, a main block, or an import of the project's code
        Valid("clock: python clock.py\nworker: python run.py\n", files=(REQUIREMENTS, ("jobs.py", "run()\n"), (
            "clock.py", "from apscheduler.schedulers.blocking import BlockingScheduler\n\n"
                        "def job():\n    pass\n\nif __name__ == '__main__':\n    BlockingScheduler().start()\n"),
            ("run.py", "import jobs\n\ndef main():\n    pass\n"))),
        Valid("worker: python bin/printing.py\n", files=(("bin/printing.py", "print('hi')\n"),)),
        Valid("web: gunicorn config.wsgi:application\nworker: celery -A config worker\n", files=DJANGO_PROJECT),
        # a package of the project's own packaging, in a src/ layout
        Valid("web: gunicorn shop.web:app\n", files=(
            ("pyproject.toml", "[project]\nname = 'shop'\ndependencies = ['gunicorn']\n"),
            ("src/shop/__init__.py", ""), ("src/shop/web.py", "app = None\n"))),
        # the standard library, and declared distributions (names normalized)
        Valid("web: python -m http.server $PORT\nworker: python -m json.tool\n", files=(REQUIREMENTS,)),
        Valid("worker: python -m dramatiq_dashboard\n", files=(("requirements.txt", "Dramatiq-Dashboard==0.4\n"),)),
        Valid("web: gunicorn 'superset.app:create_app()'\n", files=(("requirements.txt", "apache-superset\n"),)),
        Valid("web: gunicorn -k uvicorn.workers.UvicornWorker main:app\n",
              files=(("main.py", "app = None\n"), ("requirements.txt", "gunicorn\nuvicorn\n"))),
        # where the module comes from is not known
        Valid("web: gunicorn $APP_MODULE\nworker: python $SCRIPT\n", files=(REQUIREMENTS,)),
        Valid("web: gunicorn --chdir backend config.wsgi\n", files=(REQUIREMENTS,)),
        Valid("web: PYTHONPATH=backend gunicorn config.wsgi\n", files=(REQUIREMENTS,)),
        Valid("web: cd backend && gunicorn config.wsgi\n", files=(
            ("backend/config/__init__.py", ""), ("backend/config/wsgi.py", ""), REQUIREMENTS)),
        Valid("web: gunicorn config.wsgi\n", files=(("requirements.txt", "-e .\ngunicorn\n"),)),
        Valid("web: gunicorn config.wsgi\n"),  # nothing declared: installed some other way
        Valid("web: python /app/server.py\n"),
        Valid("release: python manage.py migrate\n", files=(REQUIREMENTS, ("backend/manage.py", ""))),
        # a package that makes its submodule itself
        Valid("web: gunicorn shop.web:app\n", files=(
            ("shop/__init__.py", "import sys\nfrom . import _web as web\nsys.modules['shop.web'] = web\n"),
            REQUIREMENTS)),
        Valid("web: python -m shop\n", files=(("shop/__init__.py", ""), ("shop/__main__.py", "print(1)\n"))),
        Valid("worker: celery -A config.celery_app worker\n", files=DJANGO_PROJECT),
        # Django's commands, the project's, and any where a third-party app may bring it
        Valid("release: python manage.py migrate\nworker: python manage.py poll_queue\n"
              "clear: django-admin clearsessions\n",
              files=(*DJANGO_PROJECT, MANAGE_PY, CLOSED_SETTINGS, *SHOP_COMMAND)),
        Valid("worker: python manage.py rqworker_pool\n", files=(
            *DJANGO_PROJECT, MANAGE_PY, *SHOP_COMMAND,
            ("config/settings.py", "INSTALLED_APPS = ['django.contrib.auth', 'django_rq', 'shop']\n"))),
        Valid("worker: python manage.py process_tasks\n", files=(
            *DJANGO_PROJECT, MANAGE_PY, *SHOP_COMMAND,
            ("config/settings.py", "INSTALLED_APPS = ['shop']\nINSTALLED_APPS += ['background_task']\n"))),
        # in a subfolder (a monorepo): the platform may set PYTHONPATH to it
        Valid("web: gunicorn config.wsgi\n", files=(("backend/config/__init__.py", ""), ("backend/config/wsgi.py", ""),
                                                  REQUIREMENTS)),
        # Compose: the command runs in the image's WORKDIR, which holds src/
        Valid(COMPOSE_WORKER, filename="docker-compose.yml",
              files=(SRC_IMAGE, REQUIREMENTS, ("src/worker.py", "print('hi')\n"), ("src/web.py", "app = None\n"))),
        # an image built elsewhere, or one whose WORKDIR no COPY fills: where the code is, is not known
        Valid("services:\n  worker:\n    image: shop:1.0\n    command: python worker.py\n",
              filename="docker-compose.yml", files=(REQUIREMENTS,)),
        Valid(COMPOSE_WORKER, filename="docker-compose.yml",
              files=(("Dockerfile", "FROM shop-base:1.0\nWORKDIR /app\n"), REQUIREMENTS)),
    ]
    INVALID = [
        Invalid(COMPOSE_WORKER, filename="docker-compose.yml",
                files=(SRC_IMAGE, REQUIREMENTS, ("worker.py", "print('hi')\n"), ("src/web.py", "app = None\n")),
                lines=(4,)),
        Invalid("worker: python printing.py\n", filename="Procfile.dev", files=(("main.py", "server = None\n"), REQUIREMENTS),
                lines=(1,)),  # local-only too
        Invalid("web: gunicorn main:server\nworker: python printing.py\n",
                files=(("main.py", "server = None\n"), ("requirements.txt", "gunicorn\ndash\n")), lines=(2,)),
        Invalid("web: gunicorn --bind :$PORT --workers 4 dtb.asgi:application\n"
                "worker: celery -A config worker\nbeat: celery -A dtb beat\n", files=DJANGO_PROJECT, lines=(1, 3)),
        Invalid("web: gunicorn config.wsgl:application\n", files=DJANGO_PROJECT, lines=(1,)),
        Invalid("web: uvicorn shop.api:app --host 0.0.0.0 --port $PORT\n",
                files=(("requirements.txt", "uvicorn\n"),), lines=(1,)),
        Invalid("worker: python -m shop.worker\n", files=(("shop/__init__.py", ""), REQUIREMENTS), lines=(1,)),
        Invalid("worker: python -m shop\n", files=(("shop/__init__.py", ""), REQUIREMENTS), lines=(1,)),
        Invalid("worker: cd jobs && python poll.py\n", files=(("jobs/run.py", ""), REQUIREMENTS), lines=(1,)),
        Invalid("clock: python clock.py\n", files=(REQUIREMENTS, ("clock.py", """\
\"\"\"Jobs for the scheduler.\"\"\"
import os

from apscheduler.schedulers.background import BackgroundScheduler

INTERVAL = 60


def job():
    scheduler = BackgroundScheduler()
    scheduler.add_job(print, "interval", seconds=INTERVAL)
    scheduler.start()
""")), lines=(1,)),
        Invalid("worker: python manage.py poll_queues\n",
                files=(*DJANGO_PROJECT, MANAGE_PY, CLOSED_SETTINGS, *SHOP_COMMAND), lines=(1,)),
        Invalid("release: python backend/manage.py migrate\n", files=(REQUIREMENTS, MANAGE_PY), lines=(1,)),
        Invalid("worker: sh bin/start.sh\n", files=(("bin/start.sh", "#!/bin/sh\nexec python poll.py\n"), REQUIREMENTS),
                lines=(1,)),
    ]
