"""Which process types reach each finding (deploy/reach.py): `process_types` in JSON, a
"reached by" line with --show-source and in HTML, and --reachable-only, which leaves out the
findings no process type reaches. The real command line on a small service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import report_json as findings, write

FILE_LOG = "import logging\n\nhandler = logging.FileHandler('{name}.log')\n"


@pytest.fixture
def shop(project: Path) -> Path:
    write(project, "Procfile", "web: gunicorn shop.web:app\nworker: python -m shop.worker\n")
    write(project, "shop/__init__.py", "")
    write(project, "shop/web.py", "from shop import logs\n\napp = object()\n")
    write(project, "shop/logs.py", FILE_LOG.format(name="shop"))  # imported by web: web reaches it
    write(project, "shop/worker.py", "import time\n\nfrom shop import logs\n\nwhile True:\n    time.sleep(5)\n")
    write(project, "scripts/backfill.py", FILE_LOG.format(name="backfill"))  # run by hand: no process type
    return project


def test_each_finding_names_the_process_types_that_reach_it(shop, run):
    document = findings(run)
    reached = {(f["path"], f["code"]): sorted(p["name"] for p in f["process_types"]) for f in document["findings"]}
    assert reached[("shop/logs.py", "TWC201")] == ["web", "worker"]  # imported by both
    assert reached[("shop/worker.py", "TWC302")] == ["worker"]
    assert reached[("scripts/backfill.py", "TWC201")] == []
    assert all(p["declared_in"] == "Procfile" for f in document["findings"] for p in f["process_types"])
    shown = run("--no-cache", "--show-source").stdout
    assert "  reached by: web (Procfile), worker (Procfile)" in shown and "  reached by: no process type" in shown
    page = run("--no-cache", "--format", "html").stdout
    assert "Reached by: web (Procfile), worker (Procfile)" in page


def test_reachable_only_leaves_out_what_no_process_type_reaches(shop, run):
    document = findings(run, "--reachable-only")
    assert {f["path"] for f in document["findings"]} == {"shop/logs.py", "shop/worker.py"}
    assert document["summary"]["unreached"] == 1
    assert run("--no-cache", "--reachable-only").stdout.splitlines()[-1].endswith(
        "; left out 1 finding no process type reaches (--reachable-only).")
    write(shop, "twelvecheck.toml", "reachable-only = true\n")
    assert {f["path"] for f in findings(run)["findings"]} == {"shop/logs.py", "shop/worker.py"}


def test_without_process_types_nothing_is_left_out_and_the_run_says_so(shop, run):
    (shop / "Procfile").unlink()
    result = run("--no-cache", "--format", "json", "--reachable-only")
    document = json.loads(result.stdout)
    assert {f["path"] for f in document["findings"]} == {"shop/logs.py", "scripts/backfill.py"}
    assert "process_types" not in document["findings"][0] and "unreached" not in document["summary"]
    assert "--reachable-only: no file declares a process type, so every finding is reported" in result.stderr


@pytest.fixture
def django_site(project: Path) -> Path:
    """A Django project with celery, laid out as `django-admin startproject` and celery's
    documentation lay it out: nothing imports the apps' modules but Django and celery."""
    write(project, "Procfile", "web: gunicorn config.wsgi\nworker: celery -A config worker\n")
    write(project, "requirements.txt", "Django==5.2\ngunicorn==23.0\ncelery==5.4\n")
    write(project, "config/__init__.py", "")
    write(project, "config/wsgi.py", "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
                                     "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
                                     "application = get_wsgi_application()\n")
    write(project, "config/celery.py", "import os\n\nfrom celery import Celery\n\n"
                                       "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
                                       "app = Celery('config')\napp.config_from_object('django.conf:settings', "
                                       "namespace='CELERY')\napp.autodiscover_tasks()\n")
    write(project, "config/settings.py", "INSTALLED_APPS = [\n    'django.contrib.auth',\n    'shop.apps.ShopConfig',\n]\n"
                                         "INSTALLED_APPS += ['billing']\nROOT_URLCONF = 'config.urls'\n"
                                         "MIDDLEWARE = ['shop.middleware.AuditMiddleware']\n")
    write(project, "config/urls.py", "from shop import views\n\nurlpatterns = []\n")
    write(project, "shop/__init__.py", "")
    write(project, "shop/apps.py", "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n"
                                   "    name = 'shop'\n\n    def ready(self):\n        from shop import signals\n")
    write(project, "shop/signals.py", FILE_LOG.format(name="signals"))
    write(project, "shop/views.py", FILE_LOG.format(name="views"))
    write(project, "shop/middleware.py", FILE_LOG.format(name="audit"))
    write(project, "shop/tasks.py", FILE_LOG.format(name="tasks"))
    write(project, "billing/__init__.py", "")
    write(project, "billing/tasks.py", FILE_LOG.format(name="billing"))
    write(project, "billing/models.py", FILE_LOG.format(name="models"))
    write(project, "tools/report.py", FILE_LOG.format(name="report"))
    return project


def test_what_django_and_celery_import_by_name_is_reached(django_site, run):
    reached = {f["path"]: sorted(p["name"] for p in f["process_types"])
               for f in findings(run)["findings"] if f["code"] == "TWC201"}
    assert reached == {
        # django.setup() in both: INSTALLED_APPS -> shop.apps -> AppConfig.ready() imports it
        "shop/signals.py": ["web", "worker"],
        "billing/models.py": ["web", "worker"],  # INSTALLED_APPS += [...] -> billing.models
        # the HTTP handler, which only the web process makes: ROOT_URLCONF -> config.urls
        # imports the views; MIDDLEWARE
        "shop/views.py": ["web"],
        "shop/middleware.py": ["web"],
        "shop/tasks.py": ["worker"],  # autodiscover_tasks() -> each installed app's tasks module
        "billing/tasks.py": ["worker"],
        "tools/report.py": [],
    }


def test_the_unit_is_the_file_and_an_import_in_a_function_counts_once_it_is_called(shop, run):
    """As the README says: a finding anywhere in a reached module is reached, even in a
    function nothing calls; a module imported inside a function is reached only when a
    process's code calls that function."""
    def reached() -> dict[str, list[str]]:
        return {f["path"]: sorted(p["name"] for p in f["process_types"]) for f in findings(run)["findings"]
                if f["code"] == "TWC201"}

    web = "from shop import logs\n\n\ndef report():\n    from shop import export\n\n    return export\n\n\n"
    write(shop, "shop/logs.py", "import logging\n\n\ndef spare():\n    return logging.FileHandler('spare.log')\n")
    write(shop, "shop/export.py", FILE_LOG.format(name="export"))
    write(shop, "shop/web.py", web + "app = object()\n")
    assert reached()["shop/logs.py"] == ["web", "worker"] and reached()["shop/export.py"] == []
    write(shop, "shop/web.py", web + "report()\napp = object()\n")
    assert reached()["shop/export.py"] == ["web"]
