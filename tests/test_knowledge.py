"""Knowledge as data: the built-in tables in twelvecheck/knowledge/*.toml, and what a project
adds in [tool.twelvecheck.knowledge] (docs/knowledge.md), through the real command line.

fixtures/platform-service is a service built on its platform team's library: a worker base
class that binds SIGTERM where the analyzer cannot see it, a logging setup on a sink the
runtime maps to stdout, an in-process job scheduler, and a deploy wrapper in the Procfile.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import jsonschema
import pytest

from conftest import probe, write

from twelvecheck.config import knowledge

REPO = Path(__file__).resolve().parents[1]
PLATFORM = REPO / "fixtures" / "platform-service"
SCHEMA = REPO / "src" / "twelvecheck" / "schemas" / "report-v1.schema.json"
CONFIG = (PLATFORM / "pyproject.toml").read_text(encoding="utf-8")
# An entry of the fixture's [tool.twelvecheck.knowledge], or its local rules (other keys of
# [tool.twelvecheck] are left alone).
ENTRY_RE = re.compile(rf'^(?P<key>{"|".join([*knowledge.USER_KEYS, "local-rules"])}) = \["(?P<name>[^"]+)"\]$',
                      re.M)

# What each entry of the fixture's configuration changes: the findings it silences (false
# alarms without it) or the finding it lets the run make (a miss without it).
FALSE_ALARMS = {
    "handles-sigterm": {("billing/worker.py", 26, "TWC302")},
    "logs-to-stdout": {("ourlib/log.py", 16, "TWC202"), ("ourlib/log.py", 18, "TWC201")},
}
MISSES = {
    "schedulers": ("billing/web.py", 12, "TWC401"),
    "wrappers": ("Procfile", 1, "TWC511"),
    "local-rules": ("billing/reminders.py", 11, "PLAT101"),  # the platform team's own rule
}


def findings(folder: Path, run, *args: str) -> set[tuple[str, int, str]]:
    result = run("--no-cache", "--format", "json", *args, ".", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return {(item["path"], item["line"], item["code"]) for item in report["findings"]}


def copy_platform(tmp_path: Path, config: str) -> Path:
    folder = tmp_path / "platform"
    shutil.copytree(PLATFORM, folder)
    (folder / ".git").mkdir()
    (folder / "pyproject.toml").write_text(config, encoding="utf-8")
    return folder


def without_entries(*keys: str) -> str:
    return ENTRY_RE.sub(lambda match: "" if match["key"] in keys else match[0], CONFIG)


def test_the_fixture_configures_one_entry_of_each_kind():
    assert {match["key"]: match["name"] for match in ENTRY_RE.finditer(CONFIG)} == {
        "handles-sigterm": "ourlib.worker.Worker.run", "logs-to-stdout": "ourlib.log.setup",
        "schedulers": "ourlib.jobs.every", "wrappers": "deploy-wrap", "local-rules": "tools/lint_rules"}


def test_with_its_knowledge_the_platform_service_has_no_false_alarm_and_no_miss(tmp_path, run):
    assert findings(copy_platform(tmp_path, CONFIG), run) == set(MISSES.values())


def test_without_its_knowledge_the_findings_are_exactly_the_ones_the_entries_explain(tmp_path, run):
    folder = copy_platform(tmp_path, without_entries(*FALSE_ALARMS, *MISSES))
    assert "[tool.twelvecheck.knowledge]" in (folder / "pyproject.toml").read_text()  # an empty table
    assert findings(folder, run) == set().union(*FALSE_ALARMS.values())


@pytest.mark.parametrize("key", [*FALSE_ALARMS, *MISSES])
def test_each_entry_changes_exactly_its_own_finding(tmp_path, run, key):
    found = findings(copy_platform(tmp_path, without_entries(key)), run)
    expected = set(MISSES.values()) - {MISSES.get(key)} | FALSE_ALARMS.get(key, set())
    assert found == expected


def test_a_function_silences_the_logging_rules_only_inside_itself(project, run):
    write(project, "pyproject.toml", '[tool.twelvecheck.knowledge]\nlogs-to-stdout = ["svc.logs.Setup.install"]\n')
    write(project, "svc/__init__.py", "")
    write(project, "svc/logs.py", textwrap.dedent("""\
        import logging


        class Setup:
            def install(self, where):
                def handler():
                    return logging.FileHandler(where)
                logging.getLogger().addHandler(handler())


        def other(where):
            logging.getLogger().addHandler(logging.FileHandler(where))
        """))
    assert findings(project, run) == {("svc/logs.py", 12, "TWC201")}


def test_a_user_scheduler_named_as_a_class_fires_where_it_is_constructed(project, run):
    write(project, "pyproject.toml", '[tool.twelvecheck]\nknowledge = { schedulers = ["jobsrt.Runner"] }\n')
    write(project, "app.py", "from jobsrt import Runner as R\n\nR(interval=60).add(print)\n")
    result = run("--no-cache", "--format", "json", ".")
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["line"]) == ("TWC401", 3)
    assert finding["message"].startswith("jobsrt.Runner() runs scheduled jobs inside this process")


def test_changing_the_knowledge_analyses_again(project, run):
    """The knowledge is part of the cache key and of the run record's key."""
    write(project, "Procfile", "web: wrapit gunicorn --daemon app:app\n")
    write(project, "app.py", "from jobsrt import every\n\nevery(60, print)\n")
    write(project, "pyproject.toml", "[tool.twelvecheck]\nselect = ['TWC401', 'TWC511']\n")
    codes = lambda: sorted(f["code"] for f in json.loads(run("--format", "json", ".").stdout)["findings"])  # noqa: E731
    assert codes() == []
    write(project, "pyproject.toml", "[tool.twelvecheck]\nselect = ['TWC401', 'TWC511']\n"
                                     "[tool.twelvecheck.knowledge]\nschedulers = ['jobsrt.every']\n")
    assert codes() == ["TWC401"]
    write(project, "pyproject.toml", "[tool.twelvecheck]\nselect = ['TWC401', 'TWC511']\n"
                                     "[tool.twelvecheck.knowledge]\nwrappers = ['wrapit']\n")
    assert codes() == ["TWC511"]


def test_unknown_keys_and_malformed_entries_are_config_errors_listed_together(project, run):
    config = write(project, "pyproject.toml", textwrap.dedent("""\
        [tool.twelvecheck]
        selekt = ["TWC1"]

        [tool.twelvecheck.knowledge]
        handles-sigterm = "ourlib.worker.Worker.run"
        schedulers = ["ourlib.jobs.every", "every", 3]
        wrappers = ["deploy wrap"]
        signals = ["x.y"]
        """))
    result = run(".")
    assert result.returncode == 2
    assert f"{config}: 6 problems:" in result.stderr
    for key, what in (("tool.twelvecheck.selekt", "unknown key"),
                      ("tool.twelvecheck.knowledge.handles-sigterm", "expected a list of qualified names"),
                      ("tool.twelvecheck.knowledge.schedulers", "got 'every'"),
                      ("tool.twelvecheck.knowledge.schedulers", "got 3"),
                      ("tool.twelvecheck.knowledge.wrappers", "got 'deploy wrap'"),
                      ("tool.twelvecheck.knowledge.signals", "unknown knowledge key")):
        assert any(f"key {key!r}: " in line and what in line for line in result.stderr.splitlines()), (key, what)
    assert "Traceback" not in result.stderr


def test_knowledge_that_is_not_a_table_is_a_config_error(project, run):
    config = write(project, "twelvecheck.toml", 'knowledge = ["ourlib.jobs.every"]\n')
    result = run(".")
    assert result.returncode == 2
    assert f"{config}: key 'knowledge': expected a table of handles-sigterm" in result.stderr


def test_every_builtin_file_has_the_schema_and_its_tables():
    assert knowledge.builtin_files() == ["commands", "frameworks", "logging", "process", "python_daemon",
                                         "schedulers", "syntax", "tools"]
    for name in knowledge.builtin_files():
        data = knowledge.builtin(name)
        assert data["schema"] == knowledge.SCHEMA
        assert all(isinstance(table, dict) and table for key, table in data.items() if key != "schema"), name
    assert knowledge.mapping("frameworks", "handles-sigterm")["gunicorn.arbiter.Arbiter.run"] == "gunicorn"
    assert len(knowledge.mapping("tools", "tools")) > 100


def test_each_builtin_group_says_where_it_was_verified():
    """A comment above every group of entries: where the entries were verified, or why (the
    tool rows of tools.toml are grouped under section comments, as deploy/tools.py had them)."""
    for name in knowledge.builtin_files():
        text = (REPO / "src" / "twelvecheck" / "knowledge" / f"{name}.toml").read_text(encoding="utf-8")
        for table in re.finditer(r"^\[(?!tools\.)[^\]]+\]\n(?P<first>.*)$", text, re.M):
            previous = text[:table.start()].rstrip("\n").rsplit("\n", 1)[-1]
            assert previous.startswith("#") or table["first"].startswith("#"), (name, table[0])


def test_a_replayed_run_reads_no_knowledge_file(project):
    """Loading the built-in knowledge is the analysis's: a run answered from its record
    imports none of the modules that read it."""
    write(project, "pyproject.toml", "[tool.twelvecheck.knowledge]\nschedulers = ['jobsrt.every']\n")
    write(project, "app.py", "from jobsrt import every\n\nevery(60, print)\n")
    readers = ("twelvecheck.program.frameworks", "twelvecheck.deploy.tools", "twelvecheck.checks.scheduler._schedulers")
    cold_out, cold = probe(project, "--format", "json", ".", watch=readers)
    assert cold["watched"] == sorted(readers)
    warm_out, warm = probe(project, "--format", "json", ".", watch=readers)
    assert warm["watched"] == [] and warm_out == cold_out
    assert json.loads(warm_out)["findings"][0]["code"] == "TWC401"


# -- which entry made a finding ---------------------------------------------------------

def test_a_finding_names_the_user_entry_that_made_it(tmp_path, run):
    folder = copy_platform(tmp_path, CONFIG)
    for _ in range(2):  # the second run answers from the cache and the run record
        report = json.loads(run("--format", "json", ".", cwd=folder).stdout)
        jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(report)
        by_code = {finding["code"]: finding for finding in report["findings"]}
        assert by_code["TWC401"]["knowledge"] == "user:ourlib.jobs.every"
        assert by_code["TWC511"]["knowledge"] == "user:deploy-wrap"  # read through the project's wrapper


def test_a_finding_names_the_builtin_entry_that_made_it(project, run):
    write(project, "app.py", "from apscheduler.schedulers.background import BackgroundScheduler as B\n\n"
                             "jobs = B()\njobs.start()\n")
    [finding] = json.loads(run("--no-cache", "--format", "json", ".").stdout)["findings"]
    assert finding["knowledge"] == "scheduler-classes:apscheduler.schedulers.background.BackgroundScheduler"


def test_the_logging_process_and_command_rules_name_the_builtin_entry_that_made_each_finding(project, run):
    write(project, "shop/logsetup.py", textwrap.dedent("""\
        import logging
        import logging.config
        from logging.handlers import RotatingFileHandler


        class NightlyHandler(RotatingFileHandler):
            pass


        def configure(level):
            logging.getLogger("shop").addHandler(NightlyHandler("/var/log/shop/app.log"))
            logging.config.dictConfig({
                "version": 1,
                "handlers": {"audit": {"class": "logging.FileHandler", "filename": "audit.log"}},
            })
        """))
    write(project, "shop/logging.ini", "[loggers]\nkeys=root\n\n[handlers]\nkeys=trail\n\n"
                                        "[handler_trail]\nclass=handlers.WatchedFileHandler\nargs=('trail.log',)\n")
    write(project, "shop/boot.py", textwrap.dedent("""\
        import pid
        from django.utils import autoreload


        def serve_forever(inner):
            guard = pid.PidFile("/run/shop.pid")
            autoreload.run_with_reloader(inner)
        """))
    write(project, "Procfile", "web: gunicorn --daemon shop.wsgi\n"
                               "worker: celery -A shop worker -B --logfile /var/log/shop/worker.log\n"
                               "static: python -m http.server --bind 0.0.0.0 $PORT &\n")
    report = json.loads(run("--no-cache", "--format", "json", ".").stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(report)
    named = {(item["path"], item["line"], item["code"]): item.get("knowledge") for item in report["findings"]
             if item["code"] not in ("TWC516", "TWC520")}  # the port and a migration step: no table's
    assert named == {
        # a local subclass of a file handler is named by the built-in class it derives from
        ("shop/logsetup.py", 11, "TWC201"): "handlers:logging.handlers.RotatingFileHandler",
        ("shop/logsetup.py", 14, "TWC203"): "handlers:logging.FileHandler",
        ("shop/logging.ini", 8, "TWC203"): "handlers:logging.handlers.WatchedFileHandler",
        ("shop/boot.py", 6, "TWC101"): "pid-files:pid.PidFile",
        ("shop/boot.py", 7, "TWC104"): "reloaders:django.utils.autoreload.run_with_reloader",
        ("Procfile", 1, "TWC511"): "tools:gunicorn",
        ("Procfile", 2, "TWC513"): "tools:celery worker",
        ("Procfile", 2, "TWC514"): "tools:celery worker",
        ("Procfile", 3, "TWC511"): None,  # a trailing `&` is the shell's, no table's
    }


def test_the_html_report_shows_the_entry(tmp_path, run):
    folder = copy_platform(tmp_path, CONFIG)
    run("--no-cache", "--format", "html", "--output", "report.html", ".", cwd=folder)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Knowledge: <code>user:ourlib.jobs.every</code>" in html


def test_explain_lists_the_tables_a_rule_reads_and_the_projects_entries(run):
    out = run("explain", "TWC401", cwd=PLATFORM).stdout
    classes = len(knowledge.mapping("schedulers", "scheduler-classes"))
    assert f"  knowledge/schedulers.toml [scheduler-classes]: {classes} entries" in out.splitlines()
    assert "  [tool.twelvecheck.knowledge] schedulers: user:ourlib.jobs.every" in out.splitlines()
    out = run("explain", "TWC302", cwd=PLATFORM).stdout
    assert "  [tool.twelvecheck.knowledge] handles-sigterm: user:ourlib.worker.Worker.run" in out.splitlines()
    assert "knowledge/schedulers.toml" not in out


def test_explain_outside_a_configured_project_lists_the_builtin_tables(project, run):
    out = run("explain", "TWC201").stdout
    assert "knowledge/logging.toml [handlers]:" in out
    assert "  [tool.twelvecheck.knowledge] logs-to-stdout: none configured here" in out.splitlines()


def test_the_container_rules_name_the_tool_row_that_made_a_finding_and_none_for_a_python_program(project, run):
    write(project, "pyproject.toml", '[tool.twelvecheck.knowledge]\nwrappers = ["deploy-wrap"]\n')
    write(project, "web/Dockerfile", "FROM python:3.12-slim\nCOPY . /srv\nCMD gunicorn shop.wsgi --bind 0.0.0.0:8000\n")
    write(project, "jobs/Dockerfile", "FROM python:3.12-slim\nCMD deploy-wrap celery -A shop worker\n")
    write(project, "all/Dockerfile", 'FROM python:3.12-slim\nCMD ["supervisord", "-n", "-c", "/etc/sv.conf"]\n')
    write(project, "boot/Dockerfile", 'FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n')
    write(project, "boot/start.sh", "#!/bin/sh\nset -e\npython manage.py migrate --noinput\nuvicorn shop.asgi:app\n")
    write(project, "plain/Dockerfile", "FROM python:3.12-slim\nCMD python app.py\n")
    write(project, "odd/Dockerfile", "FROM python:3.12-slim\nCMD ['flask', 'run']\n")
    report = json.loads(run("--no-cache", "--format", "json", "--select", "container", ".").stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(report)
    assert {(item["path"], item["line"], item["code"]): item.get("knowledge") for item in report["findings"]} == {
        ("web/Dockerfile", 3, "TWC701"): "tools:gunicorn",
        ("jobs/Dockerfile", 2, "TWC701"): "user:deploy-wrap",  # read through the project's wrapper
        ("all/Dockerfile", 2, "TWC702"): "tools:supervisord",
        ("boot/start.sh", 4, "TWC701"): "tools:uvicorn",  # in the script the image runs
        ("plain/Dockerfile", 2, "TWC701"): None,  # a Python program the shell runs last: no table's
        ("odd/Dockerfile", 2, "TWC703"): None,  # JSON syntax: no table's
    }


# -- which entry silenced a finding (--show-silenced) ------------------------------------

SILENCED_BY_USER = "billing/worker.py:26: TWC302 not reported: SIGTERM handled by user:ourlib.worker.Worker.run"


def test_show_silenced_names_the_entry_that_kept_a_finding_from_being_reported(tmp_path, run):
    folder = copy_platform(tmp_path, CONFIG)
    out = run("--no-cache", "--show-silenced", ".", cwd=folder).stdout.splitlines()
    assert SILENCED_BY_USER in out
    assert out.index(SILENCED_BY_USER) > max(i for i, line in enumerate(out) if "[warning]" in line)  # after them
    assert SILENCED_BY_USER not in run("--no-cache", ".", cwd=folder).stdout.splitlines()
    # Without the entry, the line is the finding.
    bare = copy_platform(tmp_path / "bare", without_entries("handles-sigterm"))
    out = run("--no-cache", "--show-silenced", ".", cwd=bare).stdout
    assert re.search(r"^billing/worker.py:26:\d+: TWC302 \[warning\]", out, re.M) and "TWC302 not reported" not in out


def test_show_silenced_names_a_builtin_entry_in_the_json_report_only_when_asked(project, run):
    write(project, "mailer/drain.py", textwrap.dedent("""\
        import time

        from redis import Redis
        from rq import Worker


        def main():
            worker = Worker(["mail"], connection=Redis())
            while True:
                worker.work(burst=True)
                time.sleep(5)


        if __name__ == "__main__":
            main()
        """))
    schema = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    asked = json.loads(run("--no-cache", "--show-silenced", "--format", "json", ".").stdout)
    schema.validate(asked)
    assert asked["findings"] == []
    assert asked["silenced"] == [{"code": "TWC302", "path": "mailer/drain.py", "line": 14, "column": 4,
                                  "knowledge": "handles-sigterm:rq.Worker.work", "reason": "SIGTERM handled by",
                                  "message": "the __main__ block runs a long-lived process (while True loop at line 9) "
                                             "but nothing it calls handles SIGTERM: a stop or scale-down kills it "
                                             "mid-work; install a SIGTERM handler that stops the loop and exits"}]
    plain = json.loads(run("--no-cache", "--format", "json", ".").stdout)
    schema.validate(plain)
    assert "silenced" not in plain


def test_a_run_with_show_silenced_is_never_answered_by_a_record_without_it(tmp_path, run):
    folder = copy_platform(tmp_path, CONFIG)
    plain = [run(".", cwd=folder).stdout for _ in range(2)]  # the second is answered from its record
    assert plain[0] == plain[1] and SILENCED_BY_USER not in plain[1]
    asked = [run("--show-silenced", ".", cwd=folder).stdout for _ in range(2)]
    assert asked[0] == asked[1] and SILENCED_BY_USER in asked[1].splitlines()
    assert run(".", cwd=folder).stdout == plain[0]


def test_the_html_report_lists_what_knowledge_silenced_when_asked(tmp_path, run):
    folder = copy_platform(tmp_path, CONFIG)
    for asked, listed in (((), False), (("--show-silenced",), True)):
        run("--no-cache", *asked, "--format", "html", "--output", "report.html", ".", cwd=folder)
        html = (folder / "report.html").read_text(encoding="utf-8")
        line = ("<li data-silenced><code>billing/worker.py:26</code> TWC302 not reported: SIGTERM handled by "
                "<code data-knowledge>user:ourlib.worker.Worker.run</code></li>")
        assert (line in html) is listed and ('id="silenced-heading"' in html) is listed
