"""Formation sources (app.json, [tool.twelvecheck.formation], --formation) and the
`twelvecheck formation` command, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import referencing
from conftest import write

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "src" / "twelvecheck" / "schemas"
SAMPLE = "fixtures/procfile-app"
ANSI = "\x1b["

WEB_WORKER_CLOCK = "web: gunicorn app:app\nworker: python worker.py\nclock: python clock.py\n"
# A web app that starts a scheduler and writes a PID file when gunicorn imports it.
SCHEDULING_APP = ("import os\nfrom apscheduler.schedulers.background import BackgroundScheduler\n"
                  "scheduler = BackgroundScheduler()\n"
                  "scheduler.start()\n"  # TWC401 on line 4
                  "open('web.pid', 'w').write(str(os.getpid()))\n"  # TWC101 on line 5
                  "app = object()\n")


def validate(document: dict) -> None:
    schemas = {name: json.loads((SCHEMAS / name).read_text()) for name in
               ("report-v1.schema.json", "formation-v2.schema.json")}
    registry = referencing.Registry().with_resources(
        (schema["$id"], referencing.Resource.from_contents(schema)) for schema in schemas.values())
    jsonschema.Draft202012Validator(schemas["formation-v2.schema.json"], registry=registry).validate(document)


def check_json(run, *args: str, cwd: Path | None = None) -> list[dict]:
    result = run("check", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def formation_json(run, *args: str, cwd: Path | None = None) -> dict:
    result = run("formation", "--format", "json", *args, cwd=cwd)
    document = json.loads(result.stdout)
    validate(document)
    assert result.returncode == (2 if document["errors"] else 0), result.stderr
    return document


def by_name(document: dict, app: int = 0) -> dict[str, dict]:
    return {ptype["name"]: ptype for ptype in document["apps"][app]["process_types"]}


@pytest.fixture
def scheduling_app(project: Path) -> Path:
    write(project, "Procfile", WEB_WORKER_CLOCK)
    write(project, "app.py", SCHEDULING_APP)
    return project


# -- the table -----------------------------------------------------------------------------

def test_the_sample_app_formation_as_a_table(run):
    result = run("formation", "--no-color", SAMPLE, cwd=REPO)
    assert result.returncode == 0, result.stderr  # findings are listed, not a failure
    assert result.stdout == (
        "fixtures/procfile-app/Procfile (formation: app.json)\n"
        "PROCESS TYPE  COMMAND                    QUANTITY  SOURCE    RUNS                                       FINDINGS\n"
        "web           gunicorn bookshop.web:app  3         app.json  fixtures/procfile-app/bookshop/web.py:app  TWC401 (1)\n"
        "worker        python -m bookshop.worker  -         -         fixtures/procfile-app/bookshop/worker.py   TWC604 (1)\n"
        "clock         python -m bookshop.clock   2         app.json  fixtures/procfile-app/bookshop/clock.py    TWC603 (1)\n")
    assert result.stderr == ""


def test_the_readme_example_is_the_real_output(run):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split(f"$ twelvecheck formation {SAMPLE}\n", 1)[1].split("```", 1)[0]
    assert run("formation", "--no-color", SAMPLE, cwd=REPO).stdout == example


def test_the_sample_app_formation_as_json(run):
    document = formation_json(run, SAMPLE, cwd=REPO)
    assert document["errors"] == []
    [app] = document["apps"]
    assert (app["directory"], app["procfile"], app["app_json"], app["formation_sources"]) == (
        SAMPLE, f"{SAMPLE}/Procfile", f"{SAMPLE}/app.json", ["app.json"])
    types = by_name(document)
    assert list(types) == ["web", "worker", "clock"]
    assert {name: (t["line"], t["quantity"], t["source"], t["by_code"]) for name, t in types.items()} == {
        "web": (1, 3, "app.json", {"TWC401": 1}),
        "worker": (4, None, None, {"TWC604": 1}),
        "clock": (7, 2, "app.json", {"TWC603": 1}),
    }
    assert types["web"]["files"] == [f"{SAMPLE}/bookshop/__init__.py", f"{SAMPLE}/bookshop/jobs.py",
                                     f"{SAMPLE}/bookshop/web.py"]
    assert types["clock"]["scheduler"]
    [finding] = types["web"]["findings"]
    assert (finding["path"], finding["line"], finding["severity"]) == (f"{SAMPLE}/bookshop/web.py", 22, "error")


def test_the_findings_listed_are_the_ones_check_reports(run):
    checked = {f["fingerprint"] for f in check_json(run, SAMPLE, cwd=REPO)}
    listed = {f["fingerprint"] for t in by_name(formation_json(run, SAMPLE, cwd=REPO)).values() for f in t["findings"]}
    assert listed == checked and len(checked) == 3


def test_colors_on_request_only(run):
    assert ANSI in run("formation", "--color", SAMPLE, cwd=REPO).stdout
    assert ANSI not in run("formation", "--no-color", SAMPLE, cwd=REPO).stdout
    assert ANSI not in run("formation", SAMPLE, cwd=REPO).stdout  # not a terminal


def test_formation_entries_the_procfile_lacks_get_a_row(project, run):
    write(project, "Procfile", "web: gunicorn app:app\n")
    write(project, "app.json", '{"formation": {"web": {"quantity": 2}, "wrker": {"quantity": 1}}}\n')
    result = run("formation", "--no-color")
    assert result.stdout.splitlines()[-1].split() == ["wrker", "(not", "in", "the", "Procfile)", "1", "app.json",
                                                      "-", "TWC601", "(1)"]
    web = result.stdout.splitlines()[2]
    assert web.split()[-1] == "-"  # the TWC601 finding is about wrker, not about web on line 1
    types = by_name(formation_json(run))
    assert types["wrker"]["declared"] is False and types["wrker"]["command"] is None
    assert types["web"]["by_code"] == {}


def test_no_procfile_is_a_clear_error(project, run):
    write(project, "app.py", "print('hi')\n")
    result = run("formation")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no Procfile, Dockerfile, Compose file, Kubernetes manifest or platform descriptor in ." in result.stderr
    document = formation_json(run)
    assert document["apps"] == [] and "no Procfile" in document["errors"][0]["message"]


def test_a_path_that_does_not_exist_is_a_usage_error(project, run):
    result = run("formation", "nowhere")
    assert result.returncode == 2
    assert "'nowhere' does not exist" in result.stderr


def test_a_procfile_above_the_path_is_found(project, run):
    write(project, "Procfile", "web: gunicorn app.main:app\n")
    write(project, "app/main.py", "app = object()\n")
    assert by_name(formation_json(run, "app"))["web"]["files"] == ["app/main.py"]


# -- monorepos -----------------------------------------------------------------------------

@pytest.fixture
def monorepo(project: Path) -> Path:
    write(project, "shop/Procfile", "web: gunicorn app:app\nworker: python worker.py\n")
    write(project, "shop/app.json", '{"formation": {"web": {"quantity": 2}, "worker": {"quantity": 1}}}\n')
    write(project, "blog/Procfile", "web: gunicorn blog:app\n")
    return project


def test_one_table_per_app(monorepo, run):
    result = run("formation", "--no-color")
    assert result.returncode == 0
    tables = result.stdout.split("\n\n")
    assert [table.splitlines()[0] for table in tables] == [
        "blog/Procfile (no formation: each platform's default quantities)",
        "shop/Procfile (formation: app.json)"]
    assert [len(table.splitlines()) for table in tables] == [3, 4]
    assert [app["directory"] for app in formation_json(run)["apps"]] == ["blog", "shop"]


def test_formation_option_needs_one_app(monorepo, run):
    result = run("formation", "--formation", "web=3")
    assert result.returncode == 2
    assert "--formation is for one app, but 2 Procfiles could be meant (blog/Procfile, shop/Procfile)" in result.stderr
    assert run("check", "--formation", "web=3").returncode == 2
    document = formation_json(run, "--formation", "web=3", "blog")
    assert by_name(document)["web"]["quantity"] == 3 and by_name(document)["web"]["source"] == "--formation"


def test_a_configured_formation_is_for_the_app_at_its_folder(monorepo, run):
    write(monorepo, "shop/pyproject.toml", "[tool.twelvecheck.formation]\nweb = 4\n")
    document = formation_json(run, "shop")
    assert by_name(document)["web"]["quantity"] == 4
    assert by_name(document)["worker"]["source"] == "app.json"
    write(monorepo, "twelvecheck.toml", "[formation]\nweb = 4\n")  # at the root: which app?
    result = run("formation")
    assert result.returncode == 2
    assert "twelvecheck.toml [formation] is for one app, but 2 Procfiles could be meant" in result.stderr


# -- sources and precedence ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "source"), [
    ("pyproject.toml", "[tool.twelvecheck.formation]\nweb = 3\nworker = 2\nclock = 1\n",
     "pyproject.toml [tool.twelvecheck.formation]"),
    ("twelvecheck.toml", "[formation]\nweb = 3\nworker = 2\nclock = 1\n", "twelvecheck.toml [formation]"),
    (".twelvecheck.toml", "formation = {web = 3, worker = 2, clock = 1}\n", ".twelvecheck.toml [formation]"),
])
def test_configured_quantities_escalate_the_scale_hazards(scheduling_app, run, name, text, source):
    write(scheduling_app, name, text)
    found = {f["code"]: f for f in check_json(run)}
    assert set(found) == {"TWC101", "TWC401"}
    assert found["TWC401"]["severity"] == "error"
    assert "inside this process: web runs 3 processes, so every job runs 3 times; run them" in found["TWC401"]["message"]
    assert "at N web/worker processes" not in found["TWC401"]["message"]  # said once, with the numbers
    assert found["TWC101"]["message"].endswith("; web runs 3 processes: all 3 write this PID file")
    assert {t["source"] for t in by_name(formation_json(run)).values()} == {source}


def test_without_a_formation_the_hazards_are_not_escalated(scheduling_app, run):
    found = {f["code"]: f for f in check_json(run)}
    assert found["TWC401"]["severity"] == "warning" and "runs 3" not in found["TWC401"]["message"]


def test_formation_option_wins_over_configuration_and_app_json(scheduling_app, run):
    write(scheduling_app, "pyproject.toml", "[tool.twelvecheck.formation]\nweb = 3\nclock = 1\n")
    write(scheduling_app, "app.json", '{"formation": {"web": {"quantity": 2}, "worker": {"quantity": 2}}}\n')
    types = by_name(formation_json(run, "--formation", "web=5,clock=2"))
    assert {name: (t["quantity"], t["source"]) for name, t in types.items()} == {
        "web": (5, "--formation"), "worker": (2, "app.json"), "clock": (2, "--formation")}
    found = {f["code"]: f for f in check_json(run, "--formation", "web=5", "--formation", "clock=2")}
    assert "web runs 5 processes, so every job runs 5 times" in found["TWC401"]["message"]
    assert found["TWC603"]["message"].startswith("clock is a scheduler (its name says so) scaled to 2 (--formation)")
    assert (found["TWC603"]["path"], found["TWC603"]["line"]) == ("Procfile", 3)
    one = {f["code"]: f for f in check_json(run, "--formation", "web=1")}
    assert one["TWC401"]["severity"] == "warning" and "TWC603" not in one


def test_isolated_and_config_option_choose_the_configured_formation(scheduling_app, run):
    write(scheduling_app, "pyproject.toml", "[tool.twelvecheck.formation]\nweb = 3\nworker = 1\nclock = 1\n")
    write(scheduling_app, "ci/deploy.toml", "[formation]\nweb = 6\nworker = 1\nclock = 1\n")
    assert by_name(formation_json(run, "--isolated"))["web"]["quantity"] is None
    assert by_name(formation_json(run, "--config", "ci/deploy.toml"))["web"]["source"] == "deploy.toml [formation]"
    found = {f["code"]: f for f in check_json(run, "--config", "ci/deploy.toml")}
    assert "web runs 6 processes" in found["TWC401"]["message"]


def test_configured_types_the_procfile_lacks_are_twc601(scheduling_app, run):
    write(scheduling_app, "pyproject.toml", "[tool.twelvecheck.formation]\nweb = 1\nworker = 1\nclock = 1\nbeat = 1\n")
    [finding] = [f for f in check_json(run) if f["code"] == "TWC601"]
    assert finding["message"] == ("pyproject.toml [tool.twelvecheck.formation] scales beat to 1, "
                                  "but Procfile declares no process type beat")


def test_formation_option_without_a_procfile_is_an_error(project, run):
    write(project, "app.py", "app = object()\n")
    result = run("check", "--formation", "web=2")
    assert result.returncode == 2
    assert "--formation: no Procfile in the checked folders or above them" in result.stderr


# -- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    ("web", "'web' is not TYPE=QUANTITY (e.g. web=3)"),
    ("web=x", "the quantity of web ('x') is not a whole number >= 0"),
    ("web=-1", "the quantity of web ('-1') is not a whole number >= 0"),
    ("web=1.5", "the quantity of web ('1.5') is not a whole number >= 0"),
    ("=3", "'=3' is not TYPE=QUANTITY"),
    ("web.1=3", "'web.1=3' is not TYPE=QUANTITY"),
    ("web=1,web=2", "web is given twice"),
    ("", "'' names no process type"),
])
@pytest.mark.parametrize("command", ["check", "formation"])
def test_malformed_formation_option_is_a_usage_error(scheduling_app, run, command, value, reason):
    result = run(command, "--formation", value)
    assert result.returncode == 2
    assert "Invalid value for '--formation'" in result.stderr
    assert reason in result.stderr
    assert result.stdout == ""


def test_bad_configured_formation_stops_the_formation_command(scheduling_app, run):
    write(scheduling_app, "pyproject.toml", "[tool.twelvecheck.formation]\nweb = -2\n")
    result = run("formation")
    assert result.returncode == 2
    assert f"{scheduling_app / 'pyproject.toml'}: key 'tool.twelvecheck.formation.web': expected a whole " \
           "number >= 0, got int -2" in result.stderr
    assert result.stdout == ""
