"""Local tooling is labelled, not passed over: a development settings module that nothing run
in production names (files/local_settings.py) and a development Procfile, Dockerfile or
Compose override get the file role ``local`` in JSON, SARIF and HTML, and their findings are
still reported. The real command line on a Django service laid out as real ones are."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import report_json as findings, write

from twelvecheck.files.local_settings import is_development_settings_name

SCHEMA = json.loads(resources.files("twelvecheck").joinpath("schemas/report-v1.schema.json").read_text())
# A development logging set-up with a file handler: TWC203 wherever the module is.
LOCAL_LOGGING = '''from .base import *

DEBUG = True
LOGGING = {
    "version": 1,
    "handlers": {"file": {"class": "logging.FileHandler", "filename": "debug.log"}},
    "root": {"handlers": ["file"], "level": "DEBUG"},
}
'''
SETDEFAULT = 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")\n'


@pytest.fixture
def shop(project: Path) -> Path:
    write(project, "Procfile", "web: gunicorn config.wsgi:application\nworker: celery -A config.celery_app worker\n")
    # No process type declared (TWC506): broken on a developer's machine too, so reported.
    write(project, "Procfile.dev", "web python manage.py runserver\n")
    write(project, "manage.py", SETDEFAULT.format(module="config.settings.local"))
    write(project, "config/__init__.py", "")
    write(project, "config/wsgi.py", SETDEFAULT.format(module="config.settings.production")
          + "\nfrom django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n")
    write(project, "config/celery_app.py", SETDEFAULT.format(module="config.settings.local")
          + "\nfrom celery import Celery\n\napp = Celery('shop')\napp.autodiscover_tasks()\n")
    write(project, "config/settings/__init__.py", "")
    write(project, "config/settings/base.py", 'INSTALLED_APPS = ["django.contrib.admin"]\n')
    write(project, "config/settings/production.py", "from .base import *  # noqa\n\nDEBUG = False\n")
    write(project, "config/settings/local.py", LOCAL_LOGGING)
    return project


def by_path(document: dict) -> dict[str, tuple[str, str]]:
    """Each file with findings: its codes, and its role."""
    found: dict[str, tuple[str, str]] = {}
    for f in document["findings"]:
        codes = found.get(f["path"], ("", ""))[0]
        found[f["path"]] = (" ".join(sorted({*codes.split(), f["code"]})), f["file_role"])
    return found


def test_development_settings_and_files_are_reported_and_labelled_local(shop, run):
    document = findings(run)
    jsonschema.validate(document, SCHEMA)
    assert by_path(document) == {"config/settings/local.py": ("TWC203", "local"), "Procfile.dev": ("TWC506", "local")}
    sarif = json.loads(run("--no-cache", "--format", "sarif").stdout)
    assert {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["properties"]["fileRole"])
            for r in sarif["runs"][0]["results"]} == {("config/settings/local.py", "local"), ("Procfile.dev", "local")}
    page = run("--no-cache", "--format", "html").stdout
    assert page.count('data-file-role="local"') == 2


def test_settings_that_production_loads_are_production_whatever_their_name(shop, run):
    # willow's way: the WSGI module defaults to the development settings.
    write(shop, "config/wsgi.py", SETDEFAULT.format(module="config.settings.local"))
    assert by_path(findings(run))["config/settings/local.py"] == ("TWC203", "production")


@pytest.mark.parametrize("descriptor, text, role", [
    ("Dockerfile", "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=config.settings.local\n"
                   "CMD [\"gunicorn\", \"config.wsgi:application\"]\n", "production"),
    ("app.json", json.dumps({"env": {"DJANGO_SETTINGS_MODULE": {"value": "config.settings.local"}}}), "production"),
    ("Procfile", "web: gunicorn config.wsgi:application\n"
                 "release: python manage.py migrate --settings=config.settings.local\n", "production"),
    # A development Compose override naming it is local tooling naming local settings.
    ("docker-compose.override.yml", "services:\n  web:\n    environment:\n"
                                    "      DJANGO_SETTINGS_MODULE: config.settings.local\n", "local"),
])
def test_a_production_descriptor_naming_the_settings_makes_them_production(shop, run, descriptor, text, role):
    write(shop, descriptor, text)
    assert by_path(findings(run))["config/settings/local.py"] == ("TWC203", role)


def test_a_flat_development_settings_file_named_by_nothing_is_local(project, run):
    write(project, "shop/__init__.py", "")
    write(project, "shop/settings.py", "DEBUG = False\n")
    write(project, "shop/settings_dev.py", LOCAL_LOGGING.replace("from .base", "from .settings"))
    assert by_path(findings(run)) == {"shop/settings_dev.py": ("TWC203", "local")}


@pytest.mark.parametrize("path, expected", [
    ("config/settings/local.py", True), ("src/settings/dev.py", True), ("settings/development.py", True),
    ("shop/settings_dev.py", True), ("shop/local_settings.py", True), ("shop/dev-settings.py", True),
    ("config/settings/production.py", False), ("config/settings/base.py", False), ("shop/settings.py", False),
    ("shop/local.py", False), ("tools/dev.py", False), ("shop/settings_prod.py", False),
])
def test_development_settings_names(path, expected):
    assert is_development_settings_name(path) is expected
