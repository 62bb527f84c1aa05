"""Deployment files meant for a developer's machine are local-only (files/kinds.is_local_file):
their process types are entry points of the code they run and `twelvecheck formation` shows
them as local, but they get only the findings that break the file there too (rule documents
with `local_files = true`), never production or portability findings, unless the
configuration says `local-files = "check"`. Through the real command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import write
from test_formation_command import validate

from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.files.kinds import is_local_file

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "local-variants-app"


@pytest.mark.parametrize("path, local", [
    ("Procfile.dev", True), ("Procfile.windows", True), ("Procfile.local", True), ("Procfile.test", True),
    ("dev.Procfile", True), ("svc/Procfile.development", True),
    ("Procfile", False), ("Procfile.prod", False), ("Procfile.staging", False), ("worker.Procfile", False),
    ("Dockerfile.dev", True), ("dev.Dockerfile", True), ("compose/local/django/Dockerfile", True),
    ("Dockerfile", False), ("Dockerfile.prod", False), ("docker/production/Dockerfile", False),
    ("docker-compose.override.yml", True), ("compose.dev.yaml", True), ("docker-compose.serve-development.yml", True),
    ("docker-compose.yml", False), ("docker-compose.prod.yml", False), ("compose.yaml", False),
    ("app.json", False), ("start.sh", False), ("dev.py", False), ("fly.toml", False),
])
def test_which_files_are_local_only(path, local):
    assert is_local_file(path) is local


def test_the_rules_that_report_in_a_local_file_are_those_that_break_it_there_too():
    """The decision, rule by rule (each document's `local_files`): a file that cannot be read,
    a suppression that silences nothing, a line no runner reads, a duplicate type (honcho
    refuses the file), an unrunnable command, no process type, a merge conflict, a script or
    module that exists nowhere, a broken exec form. Everything else is about production (how
    the platform runs, stops, scales and routes the process) or portability between platforms."""
    local = {code for code, doc in load_rule_docs().items() if doc.local_files}
    assert local == {"TWC001", "TWC002", "TWC501", "TWC504", "TWC505", "TWC506", "TWC507", "TWC520", "TWC703"}


@pytest.fixture
def notes(project: Path) -> Path:
    shutil.copytree(FIXTURE, project, dirs_exist_ok=True)
    return project


def _findings(run, *args: str) -> list[tuple[str, str, int, str]]:
    proc = run("--format", "json", "--no-cache", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["code"], f["path"], f["line"], f["severity"]) for f in json.loads(proc.stdout)["findings"]]


def test_local_files_get_no_production_findings_and_local_process_types_make_no_entry_point(notes, run):
    assert _findings(run) == [
        ("TWC520", "Procfile.dev", 8, "error"),  # seed.py exists nowhere: breaks `heroku local` too
        ("TWC302", "notes/indexer.py", 23, "warning"),  # production's indexer runs it too
    ]
    proc = run("--format", "json", "--no-cache")
    [indexer] = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "TWC302"]
    assert "process type 'indexer' (Procfile)" in indexer["message"] and "Procfile.dev" not in indexer["message"]


def test_local_files_check_judges_them_as_production_files(notes, run):
    write(notes, "pyproject.toml", '[tool.twelvecheck]\nlocal-files = "check"\n')
    found = _findings(run)
    assert set(found) >= {
        ("TWC516", "Procfile.dev", 3, "warning"), ("TWC515", "Procfile.dev", 3, "warning"),
        ("TWC516", "Procfile.windows", 1, "warning"), ("TWC701", "Dockerfile.dev", 6, "warning"),
        ("TWC512", "docker-compose.override.yml", 10, "error"),
        ("TWC514", "docker-compose.override.yml", 10, "warning"),
        ("TWC302", "mailcatcher.py", 8, "warning"),  # the local process type is an entry point now (at its loop)
        ("TWC520", "Procfile.dev", 8, "error"),
    }
    proc = run("--format", "json", "--no-cache")
    [indexer] = [f for f in json.loads(proc.stdout)["findings"] if f["path"] == "notes/indexer.py"]
    assert "'indexer' (Procfile) and 'indexer' (Procfile.dev)" in indexer["message"]


@pytest.mark.parametrize("value", ['"yes"', "true", '["check"]'])
def test_a_bad_local_files_value_is_a_configuration_error(project, run, value):
    write(project, "pyproject.toml", f"[tool.twelvecheck]\nlocal-files = {value}\n")
    write(project, "Procfile.dev", "web: flask run\n")
    proc = run("--no-cache")
    assert proc.returncode == 2
    assert "key 'tool.twelvecheck.local-files': expected one of 'local-only', 'check'" in proc.stderr


def test_what_breaks_a_local_procfile_is_still_reported(project, run):
    write(project, "Procfile.dev", "<<<<<<< HEAD\nweb: flask run\n=======\nweb: flask run --debug\n>>>>>>> dev\n"
                                   "worker:\nworker.index.js\n"
                                   "Web_Hook: flask run --port 5001\nclock gunicorn app:app\n")
    # A merge conflict (both sides declare web), an empty command, a line no runner reads;
    # not the name some platforms rename (TWC503) nor what only some platforms read (TWC502).
    assert {code for code, *_ in _findings(run)} == {"TWC507", "TWC504", "TWC505", "TWC501"}
    write(project, "Procfile.windows", "web: flask run\nweb: flask run --debug\n")
    assert ("TWC504", "Procfile.windows", 2, "error") in _findings(run)


def test_the_formation_shows_local_process_types_and_never_scales_them(project, run):
    """A scheduler in Procfile.dev and a scaled Compose override are no production formation:
    no TWC603, no escalated scale hazard, and the local types are marked as such."""
    write(project, "app.py", "from apscheduler.schedulers.background import BackgroundScheduler\n"
                             "scheduler = BackgroundScheduler()\nscheduler.start()\napp = object()\n")
    write(project, "Procfile", "web: gunicorn app:app\n")
    write(project, "Procfile.dev", "web: gunicorn app:app --reload\nclock: celery -A app beat\n")
    write(project, "docker-compose.override.yml", "services:\n  web:\n    build: .\n"
                                                  "    command: gunicorn app:app\n    deploy:\n      replicas: 3\n"
                                                  "  beat:\n    build: .\n    command: celery -A app beat\n"
                                                  "    scale: 2\n")
    assert _findings(run) == [("TWC401", "app.py", 3, "warning")]  # not an error: nothing scales web
    proc = run("formation", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    validate(json.loads(proc.stdout))
    [app] = json.loads(proc.stdout)["apps"]
    assert app["descriptors"] == ["Procfile.dev", "docker-compose.override.yml"]
    rows = [(t["name"], t["kind"], t["declared_in"], t["local"], t["quantity"], t["scheduler"] is not None)
            for t in app["process_types"]]
    assert rows == [("web", "procfile", "Procfile", False, None, False),
                    ("web", "procfile", "Procfile.dev", True, None, False),
                    ("clock", "procfile", "Procfile.dev", True, None, True),
                    ("web", "compose", "docker-compose.override.yml", True, 3, False),
                    ("beat", "compose", "docker-compose.override.yml", True, 2, True)]
    assert [t["files"] for t in app["process_types"]][1] == ["app.py"]  # its code is followed
    text = run("formation", "--no-color").stdout
    assert "clock (procfile, local, Procfile.dev:2)" in text
    assert "beat (compose, local, docker-compose.override.yml:7)" in text
    # The same types in production files are a formation and a scale hazard.
    (project / "docker-compose.override.yml").rename(project / "docker-compose.yml")
    assert {(code, severity) for code, _, _, severity in _findings(run)} >= {("TWC401", "error"), ("TWC603", "error")}


def test_the_text_report_says_which_files_were_local_only_and_how_to_judge_them(notes, run):
    lines = run("--no-cache", "--no-color").stdout.splitlines()
    assert lines[-2] == ('4 local-only files (Dockerfile.dev, Procfile.dev, ...) checked without the production and '
                         'portability rules; local-files = "check" in the configuration applies them.')
    assert "local-only" not in run("--no-cache", "-q").stdout
    write(notes, "pyproject.toml", '[tool.twelvecheck]\nlocal-files = "check"\n')
    assert "local-only" not in run("--no-cache", "--no-color").stdout
