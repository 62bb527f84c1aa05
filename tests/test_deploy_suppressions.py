"""Suppressing findings in Procfiles (a comment line above the entry, or a directive at the
end of its line) and in app.json (which takes no comments: ``per-file-ignores``), through
the real command line."""

from __future__ import annotations

import json

import pytest
from conftest import write

PID_LINE = "web: gunicorn app:app --pid /tmp/web.pid"
APP_JSON = '{"formation": {"web": {"quantity": 1}, "clock": {"quantity": 3}}}\n'


def _found(run, *args) -> list[tuple[str, int, str]]:
    proc = run("--format", "json", "--no-cache", *args)
    return [(f["path"], f["line"], f["code"]) for f in json.loads(proc.stdout)["findings"]]


@pytest.fixture
def app(project):
    write(project, "app.py", "app = object()\n")
    return project


@pytest.mark.parametrize("procfile", [
    f"{PID_LINE}  # twelvecheck: ignore[TWC512]\n",
    f"{PID_LINE}\t# twelvecheck: ignore[procfile-pid-file]\n",
    f"{PID_LINE} # noqa: TWC512\n",
    f"{PID_LINE}  # twelvecheck: ignore\n",
    f"# twelvecheck: ignore[TWC512]\n{PID_LINE}\n",
    f"# twelvecheck: ignore[TWC512] -- the PID file is read by our health check\n\n{PID_LINE}\n",
])
def test_a_procfile_finding_is_suppressed_on_its_line_or_the_comment_line_above(app, run, procfile):
    write(app, "Procfile", procfile)
    assert _found(run) == []


def test_a_trailing_directive_is_no_part_of_the_command(app, run):
    """It adds no portability warning (TWC502: every platform runs the same command), and
    the command the formation shows stops before it."""
    write(app, "Procfile", f"{PID_LINE}  # twelvecheck: ignore[TWC511]\n")
    assert _found(run) == [("Procfile", 1, "TWC512")]  # another code: not suppressed
    formation = json.loads(run("formation", "--format", "json").stdout)
    assert formation["apps"][0]["process_types"][0]["command"] == "gunicorn app:app --pid /tmp/web.pid"


def test_a_plain_trailing_comment_is_still_a_portability_warning(app, run):
    write(app, "Procfile", "web: gunicorn app:app # serves the shop\n")
    assert _found(run) == [("Procfile", 1, "TWC502")]


def test_a_directive_inside_quotes_is_part_of_the_command(app, run):
    write(app, "Procfile", "web: sh -c 'gunicorn app:app --pid /tmp/web.pid # twelvecheck: ignore[TWC512]'\n")
    assert ("Procfile", 1, "TWC512") in _found(run)


def test_app_json_findings_are_suppressed_with_per_file_ignores(app, run):
    write(app, "Procfile", "web: gunicorn app:app\nclock: python -m app\n")
    write(app, "app.json", APP_JSON)
    assert ("app.json", 1, "TWC603") in _found(run)
    write(app, "twelvecheck.toml", '[per-file-ignores]\n"app.json" = ["TWC603"]\n')
    assert ("app.json", 1, "TWC603") not in _found(run)
