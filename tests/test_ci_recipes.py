"""The README's CI recipes: each is one twelvecheck run, with options that exist, and it
does what the README says (the findings in the log, the report in a file)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

from click.testing import CliRunner
from conftest import FILE_HANDLER, write

from twelvecheck.cli.main import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
RECIPES = README.split("\n## CI recipes\n", 1)[1].split("\n## ", 1)[0]


def _runs() -> list[str]:
    """The twelvecheck commands of the GitHub and GitLab recipes."""
    return re.findall(r"(?:- run: |    - )(twelvecheck [^\n]+)", RECIPES)


def test_each_recipe_is_one_run_that_writes_its_report_with_output_format():
    runs = _runs()
    assert len(runs) == 2, runs
    for command in runs:
        assert "||" not in command and ";" not in command
        assert "--output-format json=twelvecheck.json" in command


def test_the_recipes_use_only_options_that_exist():
    help_text = CliRunner().invoke(cli, ["check", "--help"], terminal_width=200).output
    for command in _runs():
        for word in shlex.split(command)[1:]:
            if word.startswith("-"):
                assert re.search(rf"(^|[ ,]){re.escape(word.split('=')[0])}\b", help_text, re.M), word


def test_the_recipe_prints_the_findings_and_writes_the_json_report(project, run):
    write(project, "app.py", FILE_HANDLER)
    proc = run(*shlex.split(_runs()[0])[1:])
    assert proc.returncode == 1
    assert proc.stdout.startswith("app.py:2:1: TWC201")
    assert proc.stdout.endswith("in 1 file.\n")
    assert json.loads((project / "twelvecheck.json").read_text())["summary"]["findings"] == 1


def test_a_machine_report_on_stdout_with_reports_in_files_still_prints_the_summary_line(project, run):
    """The Reports section's GitHub job: annotations on standard output for the log, SARIF
    and HTML in files, and the summary line on standard error, as with -o."""
    section = README.split("\n## Reports\n", 1)[1].split("\n## ", 1)[0]
    job = yaml.safe_load(re.findall(r"```yaml\n(.+?)```", section, re.S)[0])["jobs"]["twelvecheck"]
    command = next(step["run"] for step in job["steps"] if step.get("run", "").startswith("twelvecheck"))
    write(project, "app.py", FILE_HANDLER)
    proc = run(*shlex.split(command)[1:])
    assert proc.returncode == 1
    assert proc.stdout.startswith("::warning file=app.py,line=2")
    assert proc.stderr == "Found 1 finding (1 warning) in 1 file. Reports written to twelvecheck.sarif, twelvecheck.html.\n"
    assert (project / "twelvecheck.sarif").is_file() and (project / "twelvecheck.html").is_file()
    quiet = run("-q", *shlex.split(command)[1:])
    assert quiet.stderr == "" and quiet.stdout == proc.stdout
