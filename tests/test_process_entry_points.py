"""The code a Procfile's process types run is an entry point of the signal rules (TWC302,
TWC303): real projects in a folder, the real command line."""

from __future__ import annotations

import json

from conftest import write

# A worker written as a top-level loop: no function, no `if __name__ == "__main__":` block.
TOP_LEVEL_LOOP = """\
import time


def job():
    time.sleep(1)


while True:
    job()
"""
MAIN_LOOP = """\
import time


def main():
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
"""
# Imported by a server or by celery: a polling thread started at import time. It would be a
# long-running program without a SIGTERM handler if the module body were the entry point.
IMPORTED_APP = """\
import threading
import time


def poll():
    while True:
        time.sleep(5)


threading.Thread(target=poll, daemon=True).start()
app = object()
"""


def signal_findings(run, *args: str, cwd=None) -> list[dict]:
    proc = run("--format", "json", "--select", "TWC302,TWC303", *args, cwd=cwd)
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    return report["findings"]


def located(findings: list[dict]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["code"]) for f in findings]


# -- must fire --------------------------------------------------------------------------

def test_a_script_run_by_a_process_type_is_an_entry_point_even_without_a_main_block(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", TOP_LEVEL_LOOP)
    findings = signal_findings(run)
    assert located(findings) == [("worker.py", 8, "TWC302")]  # the loop, not line 1: the module has no line
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs a long-lived process "
                                             "(this while True loop)")
    assert [(r["path"], r["line"]) for r in findings[0]["related_locations"]] == [("worker.py", 1), ("Procfile", 1)]


def test_python_dash_m_names_the_process_type_once_instead_of_the_main_block(project, run):
    write(project, "Procfile", "worker: python -m app.worker --queue default\n")
    write(project, "app/__init__.py", "")
    write(project, "app/worker.py", MAIN_LOOP)
    findings = signal_findings(run)
    assert located(findings) == [("app/worker.py", 9, "TWC302")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs")


def test_python_dash_m_of_a_package_runs_its_main_module(project, run):
    write(project, "Procfile", "worker: python -m app\n")
    write(project, "app/__init__.py", "")
    write(project, "app/__main__.py", "from app.loop import forever\n\nforever()\n")
    write(project, "app/loop.py", "import time\n\n\ndef forever():\n    while True:\n        time.sleep(1)\n")
    findings = signal_findings(run)
    assert located(findings) == [("app/__main__.py", 3, "TWC302")]  # forever(), not the import on line 1
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs a long-lived process "
                                             "(while True loop at app/loop.py:5)")


def test_a_console_script_named_in_the_procfile(project, run):
    write(project, "pyproject.toml", '[project]\nname = "app"\n\n[project.scripts]\nrun-worker = "app.worker:main"\n')
    write(project, "Procfile", "worker: run-worker --concurrency 2\n")
    write(project, "app/__init__.py", "")
    write(project, "app/worker.py", MAIN_LOOP.split("\n\nif __name__")[0] + "\n")
    findings = signal_findings(run)
    assert located(findings) == [("app/worker.py", 4, "TWC302")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs")


def test_a_process_type_that_stops_only_on_ctrl_c_is_twc303(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", "import time\n\ntry:\n    while True:\n        time.sleep(1)\n"
                                "except KeyboardInterrupt:\n    pass\n")
    findings = signal_findings(run)
    assert located(findings) == [("worker.py", 4, "TWC303")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) stops cleanly")


def test_code_run_by_two_process_types_is_reported_once_naming_both(project, run):
    write(project, "Procfile", "worker: python worker.py\nurgent: python worker.py --queue urgent\n")
    write(project, "worker.py", TOP_LEVEL_LOOP)
    findings = signal_findings(run)
    assert located(findings) == [("worker.py", 8, "TWC302")]
    assert findings[0]["message"].startswith("the code of process types 'worker' and 'urgent' (Procfile) runs")
    assert [(r["path"], r["line"]) for r in findings[0]["related_locations"]] == [
        ("worker.py", 1), ("Procfile", 1), ("Procfile", 2)]


def test_the_procfile_above_a_file_checked_by_name_from_a_subfolder(project, run):
    write(project, "Procfile", "worker: python app/worker.py\n")
    write(project, "app/worker.py", TOP_LEVEL_LOOP)
    findings = signal_findings(run, "worker.py", cwd=project / "app")
    assert located(findings) == [("worker.py", 8, "TWC302")]
    assert "process type 'worker' (../Procfile)" in findings[0]["message"]  # relative, as issue 20 asks


def test_a_suppression_on_the_first_line_silences_it(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", TOP_LEVEL_LOOP.replace("import time\n", "import time  # twelvecheck: ignore[TWC302]\n"))
    assert signal_findings(run) == []


# -- near misses ------------------------------------------------------------------------

def test_a_worker_that_handles_sigterm(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", "import signal\nimport sys\n\nsignal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"
                                + TOP_LEVEL_LOOP)
    assert signal_findings(run) == []


def test_a_module_served_by_gunicorn_is_no_entry_point(project, run):
    write(project, "Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n")
    write(project, "app.py", IMPORTED_APP)
    assert signal_findings(run) == []


def test_a_celery_app_module_is_no_entry_point(project, run):
    write(project, "Procfile", "worker: celery -A app worker --loglevel info\n")
    write(project, "app.py", IMPORTED_APP)
    assert signal_findings(run) == []


def test_the_same_module_run_by_python_is_one(project, run):
    """The control for the two cases above: the module itself is long-running."""
    write(project, "Procfile", "worker: python app.py\n")
    write(project, "app.py", IMPORTED_APP)
    assert located(signal_findings(run)) == [("app.py", 6, "TWC302")]


def test_a_one_shot_script(project, run):
    write(project, "Procfile", "release: python migrate.py\n")
    write(project, "migrate.py", "import sqlite3\n\nsqlite3.connect('db').execute('select 1')\nprint('migrated')\n")
    assert signal_findings(run) == []


def test_a_procfile_line_whose_script_does_not_exist(project, run):
    write(project, "Procfile", "worker: python workers/main.py\nother: python -m app.missing\n")
    write(project, "worker.py", TOP_LEVEL_LOOP)  # a loop, but not what the Procfile runs
    assert signal_findings(run) == []


def test_a_commented_out_procfile_line(project, run):
    write(project, "Procfile", "web: gunicorn app:app\n# worker: python worker.py\n")
    write(project, "app.py", "app = object()\n")
    write(project, "worker.py", TOP_LEVEL_LOOP)
    assert signal_findings(run) == []


def test_code_run_by_many_process_types_names_a_few_and_counts_the_rest(project, run):
    write(project, "worker.py", MAIN_LOOP)
    write(project, "Procfile", "".join(f"w{index}: python worker.py\n" for index in range(8)))
    findings = signal_findings(run)
    assert located(findings) == [("worker.py", 9, "TWC302")]
    assert findings[0]["message"].startswith(
        "the code of process types 'w0', 'w1', 'w2', 'w3', 'w4' and 3 more (Procfile) ")


# -- Django management commands run by a process type ------------------------------------
POLL_COMMAND = """\
import time

from django.core.management.base import BaseCommand

from shop.queue import drain


class Command(BaseCommand):
    help = "Poll the order queue forever."

    def handle(self, *args, **options):
        while True:
            drain()
            time.sleep(5)
"""
SCHEDULER_COMMAND = """\
from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        scheduler = BlockingScheduler()
        scheduler.add_job(print, "interval", minutes=5)
        scheduler.start()
"""


def django_project(project, procfile: str, commands: dict[str, str], folder: str = "") -> None:
    write(project, "Procfile", procfile)
    write(project, "requirements.txt", "Django==5.2\n")
    write(project, f"{folder}manage.py", "import sys\nfrom django.core.management import execute_from_command_line\n"
                                         "if __name__ == '__main__':\n    execute_from_command_line(sys.argv)\n")
    for package in ("shop", "shop/management", "shop/management/commands"):
        write(project, f"{folder}{package}/__init__.py", "")
    write(project, f"{folder}shop/queue.py", "def drain():\n    print('drained')\n")
    for name, text in commands.items():
        write(project, f"{folder}shop/management/commands/{name}.py", text)


def test_a_management_command_run_by_a_process_type_names_it(project, run):
    django_project(project, "release: python manage.py migrate\nworker: python manage.py poll_queue\n",
                   {"poll_queue": POLL_COMMAND})
    findings = signal_findings(run)
    assert located(findings) == [("shop/management/commands/poll_queue.py", 11, "TWC302")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs a long-lived process "
                                             "(while True loop at line 12)")


def test_django_admin_and_python_dash_m_django_and_a_cd_reach_the_command(project, run):
    django_project(project, "a: cd backend && python manage.py poll_queue --verbosity 2\n"
                            "b: cd backend && python -m django poll_queue\n",
                   {"poll_queue": POLL_COMMAND}, folder="backend/")
    findings = signal_findings(run)
    assert located(findings) == [("backend/shop/management/commands/poll_queue.py", 11, "TWC302")]
    assert findings[0]["message"].startswith("the code of process types 'a' and 'b' (Procfile) runs")


def test_a_scheduler_in_a_management_command_scaled_above_one_is_a_scale_hazard(project, run):
    django_project(project, "jobs: python manage.py run_jobs\n", {"run_jobs": SCHEDULER_COMMAND})
    # (the scheduler is found in the facts, which a run gathers for the whole-program rules)
    proc = run("--format", "json", "--select", "TWC302,TWC603", "--formation", "jobs=2")
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "TWC603"]
    assert [(f["path"], f["code"]) for f in findings] == [("Procfile", "TWC603")]
    assert "shop/management/commands/run_jobs.py" in findings[0]["message"]
    formation = json.loads(run("formation", "--format", "json").stdout)
    files = formation["apps"][0]["process_types"][0]["files"]
    assert "shop/management/commands/run_jobs.py" in files


# -- namespace packages (no __init__.py) ---------------------------------------------------

def test_python_dash_m_a_namespace_package_follows_its_imports(project, run):
    write(project, "Procfile", "worker: python -m jobs\n")
    write(project, "jobs/__main__.py", "from jobs.poll import main\n\nmain()\n")
    write(project, "jobs/poll.py", "import time\n\n\ndef main():\n    while True:\n        time.sleep(1)\n")
    findings = signal_findings(run)
    assert located(findings) == [("jobs/__main__.py", 3, "TWC302")]  # main(), not the import on line 1
    assert "(while True loop at jobs/poll.py:5)" in findings[0]["message"]


def test_namespace_names_are_the_longer_names_through_folders_without_init():
    from twelvecheck.files.modulepath import namespace_names

    assert namespace_names("jobs/poll.py", "poll") == ["jobs.poll"]
    assert namespace_names("svc/jobs/poll.py", "poll") == ["jobs.poll", "svc.jobs.poll"]
    assert namespace_names("src/shop/web.py", "shop.web") == ["src.shop.web"]
    assert namespace_names("jobs/__init__.py", "jobs") == []
    assert namespace_names("../x/jobs/poll.py", "poll") == ["jobs.poll", "x.jobs.poll"]
    assert namespace_names("my-app/poll.py", "poll") == []
