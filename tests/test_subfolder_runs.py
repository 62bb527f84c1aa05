"""A run from a subfolder of an app, or from the folder above it, finds what a run from its
root finds: the deployment files above (the Procfile, app.json) are checked and shown from
the working directory (``../Procfile``), and the cache stays at the project's root."""

from __future__ import annotations

import json
import os

import pytest
from conftest import write

PROCFILE = "web: gunicorn shop.web:app --pid /tmp/web.pid\nworker: python -m shop.worker\nclock: python -m shop.clock\n"
APP_JSON = '{"formation": {"web": {"quantity": 2}, "worker": {"quantity": 1}, "clock": {"quantity": 3}}}\n'
WORKER = ("import logging, time\nhandler = logging.FileHandler('worker.log')\n"
          "def main():\n    while True:\n        time.sleep(1)\n"
          "if __name__ == '__main__':\n    main()\n")
CLOCK = ("from apscheduler.schedulers.blocking import BlockingScheduler\ns = BlockingScheduler()\n"
         "s.add_job(print, 'interval', minutes=1)\ns.start()\n")


@pytest.fixture
def app(project):
    write(project, "Procfile", PROCFILE)
    write(project, "app.json", APP_JSON)
    write(project, "shop/__init__.py", "")
    write(project, "shop/web.py", "app = object()\n")
    write(project, "shop/worker.py", WORKER)
    write(project, "shop/clock.py", CLOCK)
    return project


def _findings(proc, base) -> set[tuple[str, int, str, str]]:
    """(absolute path, line, code, the message's process type part) of each finding."""
    document = json.loads(proc.stdout)
    return {(os.path.normpath(base / f["path"]), f["line"], f["code"], f["message"].split(" runs ")[0])
            for f in document["findings"]}


def test_a_run_from_a_subfolder_finds_the_deployment_findings_of_a_run_from_the_root(app, run):
    from_root = run("--format", "json", "--no-cache", "shop", "Procfile", "app.json")
    from_shop = run("--format", "json", "--no-cache", cwd=app / "shop")
    whole = run("--format", "json", "--no-cache")
    codes = {(code, os.path.basename(path)) for path, _, code, _ in _findings(whole, app)}
    assert {("TWC512", "Procfile"), ("TWC603", "app.json"), ("TWC302", "clock.py"),
            ("TWC302", "worker.py")} <= codes
    assert {f[:3] for f in _findings(from_shop, app / "shop")} == {f[:3] for f in _findings(whole, app)}
    assert {f[:3] for f in _findings(from_root, app)} == {f[:3] for f in _findings(whole, app)}
    paths = {f["path"] for f in json.loads(from_shop.stdout)["findings"]}
    assert {"../Procfile", "../app.json", "worker.py", "clock.py"} <= paths
    messages = [f["message"] for f in json.loads(from_shop.stdout)["findings"] if f["code"] == "TWC302"]
    assert messages and all("(../Procfile)" in message for message in messages)


def test_a_file_named_from_a_subfolder_names_the_procfile_above_relatively(app, run):
    proc = run("--format", "json", "--no-cache", "worker.py", cwd=app / "shop")
    document = json.loads(proc.stdout)
    assert {f["path"] for f in document["findings"]} == {"worker.py"}  # the Procfile is read, not judged
    assert any("process type 'worker' (../Procfile)" in f["message"] for f in document["findings"])
    assert str(app) not in proc.stdout


def test_one_cache_per_project_from_its_root_a_subfolder_and_its_parent(app, run):
    run(cwd=app)
    run(cwd=app / "shop")
    run(app.name, cwd=app.parent)
    caches = sorted(p.relative_to(app.parent).as_posix() for p in app.parent.rglob(".twelvecheck_cache"))
    assert caches == [f"{app.name}/.twelvecheck_cache"]


def test_a_subfolder_with_its_own_procfile_does_not_adopt_the_one_above(app, run):
    write(app, "services/mail/Procfile", "mailer: python mailer.py\n")
    write(app, "services/mail/mailer.py", "print('sent')\n")
    proc = run("--format", "json", "--no-cache", cwd=app / "services/mail")
    paths = {f["path"] for f in json.loads(proc.stdout)["findings"]}
    assert not any(path.startswith("..") for path in paths), paths
    assert json.loads(proc.stdout)["summary"]["files_scanned"] == 2
