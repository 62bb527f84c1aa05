"""Every hint about fixes names the options that really show and apply that fix: the text
summary, --statistics, `explain`, the HTML and SARIF reports. The options are read from the
hint and run, through the real command line, on a service with one safe and one unsafe fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import write

# TWC202 (a safe fix: the filename goes) and TWC201 (only an unsafe fix: a StreamHandler).
SAFE_FILE = "import logging\nlogging.basicConfig(filename='app.log', level=logging.INFO)\n"
UNSAFE_FILE = "import logging\nhandler = logging.FileHandler('audit.log')\n"
SAFE_FIXED = "logging.basicConfig(level=logging.INFO)"
UNSAFE_FIXED = "logging.StreamHandler(sys.stdout)"
SELECT = ("--select", "TWC201,TWC202")


@pytest.fixture
def service(project: Path) -> Path:
    write(project, "safe.py", SAFE_FILE)
    write(project, "unsafe.py", UNSAFE_FILE)
    return project


def _options(hint: str, verb: str) -> list[list[str]]:
    """The option lists a hint names before ``shows``/``applies`` (``twelvecheck`` optional)."""
    return [words.split() for words in re.findall(rf"((?:--[a-z-]+ ?)+) {verb}\b", hint)]


def _diff(run, service: Path, options: list[str]) -> str:
    proc = run("--no-cache", *options, *SELECT, ".", cwd=service)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def _fixed_text(run, service: Path, options: list[str]) -> str:
    proc = run("--no-cache", *options, *SELECT, ".", cwd=service)
    assert proc.returncode in (0, 1), proc.stderr
    return (service / "safe.py").read_text() + (service / "unsafe.py").read_text()


def test_the_summary_names_what_shows_each_kind_of_fix(run, service):
    summary = run("--no-cache", *SELECT, ".", cwd=service).stdout.splitlines()[-2]
    assert summary == ("1 fixable with --fix (--diff shows them); "
                       "1 more with --fix --unsafe-fixes (--diff --unsafe-fixes shows them).")
    safe_show, unsafe_show = re.findall(r"\((--[^)]*) shows them\)", summary)
    assert SAFE_FIXED in _diff(run, service, safe_show.split())
    assert UNSAFE_FIXED not in _diff(run, service, safe_show.split())
    assert UNSAFE_FIXED in _diff(run, service, unsafe_show.split())


def test_a_summary_of_unsafe_fixes_only_never_sends_them_to_plain_diff(run, service):
    (service / "safe.py").unlink()
    summary = run("--no-cache", *SELECT, ".", cwd=service).stdout.splitlines()[-2]
    assert summary == "1 fixable with --fix --unsafe-fixes (--diff --unsafe-fixes shows them)."
    assert _diff(run, service, ["--diff"]) == ""  # what the old hint said to run
    assert UNSAFE_FIXED in _diff(run, service, ["--diff", "--unsafe-fixes"])


def test_what_fix_and_diff_leave_names_the_command_that_takes_it(run, service):
    diff = run("--no-cache", "--diff", *SELECT, ".", cwd=service)
    assert "would fix 1 finding in 1 file; 1 more with --diff --unsafe-fixes" in diff.stderr
    fixed = run("--no-cache", "--fix", *SELECT, ".", cwd=service)
    assert "fixed 1 finding in 1 file; 1 more with --fix --unsafe-fixes" in fixed.stderr


def test_statistics_say_how_many_fixes_are_safe_and_unsafe(run, service):
    write(service, "more.py", "import logging\nlogging.FileHandler('b.log')\n")
    lines = run("--no-cache", "--statistics", *SELECT, ".", cwd=service).stdout.splitlines()
    assert lines[:3] == [
        " count  code    severity  fix       name",
        "     2  TWC201  warning   2 unsafe  file-log-handler",
        "     1  TWC202  warning   1 safe    basicconfig-filename",
    ]


@pytest.mark.parametrize(("code", "fixed", "untouched"), [
    ("TWC202", SAFE_FIXED, UNSAFE_FIXED), ("TWC201", UNSAFE_FIXED, None)])
def test_explain_names_the_options_that_show_and_apply_the_fix(run, service, code, fixed, untouched):
    """TWC201's unsafe fix (its last) is the one this service's FileHandler gets."""
    hint = run("explain", code).stdout.splitlines()[1]
    show, apply = _options(hint, "shows")[-1], _options(hint, "applies")[-1]
    assert fixed in _diff(run, service, show)
    if untouched:
        assert untouched not in _diff(run, service, show)
    assert fixed in _fixed_text(run, service, apply)


def test_explain_of_a_rule_with_both_kinds_names_both(run):
    hint = run("explain", "TWC201").stdout.splitlines()[1]
    assert _options(hint, "shows") == [["--diff"], ["--diff", "--unsafe-fixes"]]
    assert _options(hint, "applies") == [["--fix"], ["--fix", "--unsafe-fixes"]]
    assert run("explain", "TWC204").stdout.splitlines()[1] == ""  # no fix, no hint


def test_the_html_report_names_the_options_of_each_rules_fixes(run, service):
    page = run("--no-cache", "--format", "html", *SELECT, ".", cwd=service).stdout
    hints = dict(re.findall(r'id="rule-(TWC\d+)".*?<p class="rule-fix">(.*?)</p>', page, re.S))
    assert _options(hints["TWC202"], "shows") == [["--diff"]]
    assert _options(hints["TWC201"], "shows") == [["--diff"], ["--diff", "--unsafe-fixes"]]
    assert "fixable: yes" not in page


def test_sarif_fixes_say_their_safety_and_options(run, service):
    document = json.loads(run("--no-cache", "--format", "sarif", *SELECT, ".", cwd=service).stdout)
    fixes = {result["ruleId"]: result["fixes"][0]["description"]["text"] for result in document["runs"][0]["results"]}
    assert _options(fixes["TWC202"], "shows") == [["--diff"]]
    assert _options(fixes["TWC201"], "shows") == [["--diff", "--unsafe-fixes"]]
    rules = {rule["id"]: rule["properties"]["fix"] for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["TWC201"] == ["safe", "unsafe"] and rules["TWC202"] == ["safe"]


def test_the_help_of_diff_says_it_shows_the_safe_fixes_only(run):
    help_text = " ".join(run("check", "--help").stdout.split())
    assert "--diff Print the safe fixes (with --unsafe-fixes, the unsafe ones too) as a unified diff" in help_text
