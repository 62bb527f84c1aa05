"""--show-silenced (and show-silenced = true) for the per-file rules: what a `logs-to-stdout`
entry kept TWC201 to TWC204 from reporting, listed like TWC302/TWC303, the same whether the
run is analysed afresh, from the per-file cache or from its run record, with one worker or
two; and never counted as a finding (docs/knowledge.md)."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import jsonschema

from conftest import write

from twelvecheck.run.cache import CACHE_FORMAT_DIR

REPO = Path(__file__).resolve().parents[1]
PLATFORM = REPO / "fixtures" / "platform-service"
SCHEMA = jsonschema.Draft202012Validator(json.loads(
    (REPO / "src" / "twelvecheck" / "schemas" / "report-v1.schema.json").read_text(encoding="utf-8")))
SETUP_ENTRY = "user:ourlib.log.setup"
SILENCED_BY_SETUP = {("ourlib/log.py", 16, "TWC202"), ("ourlib/log.py", 18, "TWC201")}


def report(run, folder: Path, *args: str) -> dict:
    result = run("--format", "json", *args, ".", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    SCHEMA.validate(document)
    assert document["errors"] == []
    return document


def platform(tmp_path: Path, keep_logging_entry: bool = True) -> Path:
    folder = tmp_path / "platform"
    shutil.copytree(PLATFORM, folder)
    (folder / ".git").mkdir()
    if not keep_logging_entry:
        config = folder / "pyproject.toml"
        text = config.read_text(encoding="utf-8")
        assert 'logs-to-stdout = ["ourlib.log.setup"]\n' in text
        config.write_text(text.replace('logs-to-stdout = ["ourlib.log.setup"]\n', ""), encoding="utf-8")
    return folder


def test_the_platform_service_lists_the_logging_findings_its_entry_silenced_and_they_are_the_ones_reported_without_it(
        tmp_path, run):
    folder = platform(tmp_path)
    listed = [item for item in report(run, folder, "--no-cache", "--show-silenced")["silenced"]
              if item["knowledge"] == SETUP_ENTRY]
    assert {(item["path"], item["line"], item["code"]) for item in listed} == SILENCED_BY_SETUP
    assert {item["reason"] for item in listed} == {"logging to stdout set up by"}
    text = run("--no-cache", "--show-silenced", ".", cwd=folder).stdout.splitlines()
    assert "ourlib/log.py:16: TWC202 not reported: logging to stdout set up by user:ourlib.log.setup" in text
    assert "ourlib/log.py:18: TWC201 not reported: logging to stdout set up by user:ourlib.log.setup" in text
    # Without the entry, exactly these are reported, at the same places, with the same messages.
    bare = platform(tmp_path / "bare", keep_logging_entry=False)
    document = report(run, bare, "--no-cache", "--show-silenced")
    reported = {(item["path"], item["line"], item["column"], item["code"], item["message"])
                for item in document["findings"] if item["path"] == "ourlib/log.py"}
    assert reported == {(item["path"], item["line"], item["column"], item["code"], item["message"]) for item in listed}
    assert not [item for item in document["silenced"] if item["path"] == "ourlib/log.py"]


def test_the_html_report_lists_a_silenced_logging_finding(tmp_path, run):
    folder = platform(tmp_path)
    run("--no-cache", "--show-silenced", "--format", "html", "--output", "report.html", ".", cwd=folder)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert ("<li data-silenced><code>ourlib/log.py:18</code> TWC201 not reported: logging to stdout set up by "
            "<code data-knowledge>user:ourlib.log.setup</code></li>") in html


# A service of its own: a logging package whose setup functions the configuration names, a
# handler class of another module (a finding that holds on the whole program's answer), a
# worker rq covers, and enough modules for a run with two workers to use them.
SERVICE_CONFIG = textwrap.dedent("""\
    [tool.twelvecheck.knowledge]
    logs-to-stdout = ["relay.obs.sinks.install", "relay.obs.sinks.Console.attach"]
    """)
SERVICE = {
    "relay/__init__.py": "",
    "relay/obs/__init__.py": "",
    "relay/obs/handlers.py": textwrap.dedent("""\
        import logging


        class SpoolHandler(logging.FileHandler):
            pass


        class TeeHandler(logging.StreamHandler):
            pass
        """),
    "relay/obs/sinks.py": textwrap.dedent("""\
        import logging
        import sys

        from relay.obs.handlers import SpoolHandler, TeeHandler


        def install(target):
            logging.getLogger().addHandler(SpoolHandler(target))
            logging.getLogger().addHandler(TeeHandler(sys.stdout))
            sys.stderr = open(target, "a")


        class Console:
            def attach(self, target):
                def make():
                    return logging.FileHandler(target)
                logging.getLogger("relay").addHandler(make())


        def legacy(target):
            logging.basicConfig(filename=target)
        """),
    "relay/drain.py": textwrap.dedent("""\
        import sys
        import time

        from redis import Redis
        from rq import Worker

        QUEUES = sys.argv[1:] or ["relay"]


        def pump(connection):
            while True:
                Worker(QUEUES, connection=connection).work(burst=True)
                time.sleep(2)


        if __name__ == "__main__":
            pump(Redis.from_url("redis://cache:6379/0"))
        """),
    **{f"relay/routes/r{index:02}.py": f"def route_{index}(message):\n    return message[{index}:]\n"
       for index in range(30)},
    "relay/routes/__init__.py": "",
}
EXPECTED = [
    ("relay/drain.py", 16, "TWC302", "handles-sigterm:rq.Worker.work"),
    ("relay/obs/sinks.py", 8, "TWC201", "user:relay.obs.sinks.install"),
    ("relay/obs/sinks.py", 10, "TWC204", "user:relay.obs.sinks.install"),
    ("relay/obs/sinks.py", 16, "TWC201", "user:relay.obs.sinks.Console.attach"),  # in a nested function
    ("relay/obs/sinks.py", 17, "TWC201", "user:relay.obs.sinks.Console.attach"),  # the handler it made
]


def service(project: Path, config: str = SERVICE_CONFIG) -> Path:
    write(project, "pyproject.toml", config)
    for relative, text in SERVICE.items():
        write(project, relative, text)
    return project


def test_cold_warm_replayed_and_parallel_runs_list_the_same_silenced_findings(project, run):
    service(project)
    cold = report(run, project, "--no-cache", "--show-silenced", "--jobs", "1")
    assert [(item["path"], item["line"], item["code"], item["knowledge"]) for item in cold["silenced"]] == EXPECTED
    # The one finding left: the basicConfig outside the functions the entries name.
    assert [(item["path"], item["line"], item["code"]) for item in cold["findings"]] == \
        [("relay/obs/sinks.py", 21, "TWC202")]
    runs = project / ".twelvecheck_cache" / CACHE_FORMAT_DIR / "runs"
    answers = [report(run, project, "--no-cache", "--show-silenced", "--jobs", "2"),
               report(run, project, "--show-silenced", "--jobs", "2")]  # fills the cache, records the run
    [record] = runs.iterdir()
    assert json.loads(record.read_bytes())["answer"]["silenced"] == cold["silenced"]
    answers.append(report(run, project, "--show-silenced", "--jobs", "1"))  # answered from the record
    shutil.rmtree(runs)
    answers.append(report(run, project, "--show-silenced", "--jobs", "2"))  # from the per-file cache
    for answer in answers:
        assert answer == cold


def test_the_configuration_key_lists_them_too_and_the_flag_is_no_error_beside_it(project, run):
    service(project, "[tool.twelvecheck]\nshow-silenced = true\n\n" + SERVICE_CONFIG)
    by_key = report(run, project, "--no-cache")
    assert [(item["path"], item["line"], item["code"], item["knowledge"]) for item in by_key["silenced"]] == EXPECTED
    assert report(run, project, "--no-cache", "--show-silenced") == by_key
    service(project, "[tool.twelvecheck]\nshow-silenced = false\n\n" + SERVICE_CONFIG)
    assert "silenced" not in report(run, project, "--no-cache")
    assert report(run, project, "--no-cache", "--show-silenced")["silenced"] == by_key["silenced"]  # the flag wins


def test_silenced_findings_count_for_nothing(project, run):
    service(project, SERVICE_CONFIG)
    write(project, "relay/obs/sinks.py", SERVICE["relay/obs/sinks.py"].replace(
        "def legacy(target):\n    logging.basicConfig(filename=target)\n", ""))
    select = ("--select", "logging")
    result = run("--no-cache", "--show-silenced", *select, ".")
    assert result.returncode == 0, result.stdout  # only silenced ones: nothing fails the run
    assert "TWC201 not reported" in result.stdout
    document = report(run, project, "--no-cache", "--show-silenced", *select)
    assert document["findings"] == [] and len(document["silenced"]) == 4
    assert document["summary"]["findings"] == 0
    statistics = run("--no-cache", "--show-silenced", "--statistics", *select, ".").stdout
    assert not re.search(r"^ +\d+ +TWC20", statistics, re.M) and "No findings" in statistics
    sarif = json.loads(run("--no-cache", "--show-silenced", "--format", "sarif", *select, ".").stdout)
    assert sarif["runs"][0]["results"] == []
    run("--no-cache", "--show-silenced", "--write-baseline", "baseline.json", *select, ".")
    assert "TWC2" not in (project / "baseline.json").read_text(encoding="utf-8")


def test_a_suppressed_or_ignored_line_is_not_listed(project, run):
    service(project, SERVICE_CONFIG + '\n[tool.twelvecheck.per-file-ignores]\n"relay/obs/sinks.py" = ["TWC204"]\n')
    write(project, "relay/obs/sinks.py", SERVICE["relay/obs/sinks.py"].replace(
        "addHandler(SpoolHandler(target))", "addHandler(SpoolHandler(target))  # noqa: TWC201"))
    listed = report(run, project, "--no-cache", "--show-silenced")["silenced"]
    assert [(item["line"], item["code"]) for item in listed if item["path"] == "relay/obs/sinks.py"] == \
        [(16, "TWC201"), (17, "TWC201")]
