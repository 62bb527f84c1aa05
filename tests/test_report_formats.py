"""``--format sarif|github|gitlab|junit`` through the real command line, on real fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import BASIC_CONFIG, FILE_HANDLER, clean_env, write
from golden_files import check_golden

from twelvecheck.reports.ci import escape_data, escape_property, github_command

REPO = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_VALIDATOR = jsonschema.Draft4Validator(SARIF_SCHEMA)
MULTILINE_BASIC_CONFIG = 'import logging\nlogging.basicConfig(\n    filename="x.log",\n)\n'  # TWC202 on 2-4


def in_repo(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "twelvecheck", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=180, env=clean_env())
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def json_report(path: str) -> dict:
    return json.loads(in_repo("--format", "json", path).stdout)


# --- SARIF ---------------------------------------------------------------------------------

def test_the_sarif_schema_kept_as_test_data_is_the_official_draft_4_schema():
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    assert SARIF_SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert "2.1.0" in SARIF_SCHEMA["id"]


def test_sarif_of_the_whole_fixtures_folder_validates_and_matches_the_json_report():
    proc = in_repo("--format", "sarif", "fixtures")
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads(proc.stdout)
    SARIF_VALIDATOR.validate(sarif)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "twelvecheck" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} ") and rule["help"]["text"]
        assert rule["helpUri"].endswith(f"/rules/{rule['id']}.md")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert "twelve-factor" in rule["properties"]["tags"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.as_uri() + "/"
    report = json_report("fixtures")
    assert len(run["results"]) == len(report["findings"]) > 20
    for result, finding in zip(run["results"], report["findings"]):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["code"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"],
                                      "endLine": finding["end_line"], "endColumn": finding["end_column"]}
        assert result["partialFingerprints"] == {"twelvecheckFingerprint/v1": finding["fingerprint"]}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_fingerprints_survive_lines_added_above_and_the_region_moves(project, run):
    write(project, "app.py", FILE_HANDLER)
    before = json.loads(run("--format", "sarif").stdout)["runs"][0]["results"]
    write(project, "app.py", "# a comment\n\n\n" + FILE_HANDLER)
    after = json.loads(run("--format", "sarif").stdout)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    region = lambda results: results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert (region(before), region(after)) == (2, 5)


def test_sarif_uris_are_repository_relative_from_a_subfolder_and_errors_are_notifications(project, run):
    write(project, "svc/pkg/app.py", FILE_HANDLER)
    proc = run("--format", "sarif", "pkg", "missing.py", cwd=project / "svc")
    assert proc.returncode == 2
    sarif = json.loads(proc.stdout)
    SARIF_VALIDATOR.validate(sarif)
    run_ = sarif["runs"][0]
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "svc/pkg/app.py", "uriBaseId": "%SRCROOT%"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "does not exist" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_of_a_clean_tree_still_lists_the_rules_that_ran(project, run):
    write(project, "app.py", "print('hi')\n")
    # The rules are named, not the family: a new logging rule must not change this test.
    sarif = json.loads(run("--format", "sarif", "--select", "TWC201,TWC202,TWC203,TWC204").stdout)
    SARIF_VALIDATOR.validate(sarif)
    assert [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]] == ["TWC201", "TWC202", "TWC203", "TWC204"]
    assert sarif["runs"][0]["results"] == []


# --- GitHub workflow commands ---------------------------------------------------------------

def test_github_escaping_follows_the_actions_toolkit():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github_command("notice", "a: b, c", {"file": "x,y.py", "title": "T: 1"}) == \
        "::notice file=x%2Cy.py,title=T%3A 1::a: b, c"


def test_github_annotations_for_findings(project, run):
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", MULTILINE_BASIC_CONFIG)
    write(project, "we,ird:100%.py", FILE_HANDLER)
    proc = run("--format", "github")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::warning file=a.py,line=2,endLine=2,col=1,endColumn=31,title=TWC201 file-log-handler::"
        "FileHandler writes logs to a file; log to stdout/stderr and let the platform route the stream",
        "::warning file=b.py,line=2,endLine=4,title=TWC202 basicconfig-filename::"
        "logging.basicConfig(filename=...) sends every log record to a file instead of stderr",
        "::warning file=we%2Cird%3A100%25.py,line=2,endLine=2,col=1,endColumn=31,title=TWC201 file-log-handler::"
        "FileHandler writes logs to a file; log to stdout/stderr and let the platform route the stream",
    ]


def test_github_severity_commands_and_errors(project, run):
    write(project, "twelvecheck.toml", '[severity]\nTWC201 = "error"\nTWC202 = "info"\n')
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", BASIC_CONFIG)
    proc = run("--format", "github", ".", "gone.py")
    assert proc.returncode == 2
    commands = [line.split(" ", 1)[0] for line in proc.stdout.splitlines()]
    assert commands == ["::error", "::notice", "::error"]
    assert proc.stdout.splitlines()[-1].startswith("::error file=gone.py,title=twelvecheck error::")


# --- GitLab Code Quality --------------------------------------------------------------------

def test_gitlab_code_quality_report(project, run):
    write(project, "twelvecheck.toml", '[severity]\nTWC202 = "info"\n')
    write(project, "svc/a.py", FILE_HANDLER)
    write(project, "svc/b.py", BASIC_CONFIG)
    write(project, "svc/c.py", "import os\nos.setsid()\nos.fork()\n")
    proc = run("--format", "gitlab", "--select", "ALL", ".", cwd=project / "svc")
    issues = json.loads(proc.stdout)
    report = json.loads(run("--format", "json", "--select", "ALL", ".", cwd=project / "svc").stdout)
    assert len(issues) == len(report["findings"]) >= 2
    for issue, finding in zip(issues, report["findings"]):
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == f"{finding['code']} {finding['name']}"
        assert finding["message"] in issue["description"]
        assert issue["fingerprint"] == finding["fingerprint"]
        assert issue["severity"] == {"error": "critical", "warning": "major", "info": "info"}[finding["severity"]]
        assert issue["location"]["path"] == "svc/" + finding["path"]  # repository-relative
        assert issue["location"]["lines"]["begin"] == finding["line"]
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {issue["severity"] for issue in issues} >= {"major", "info"}


def test_gitlab_report_of_a_clean_tree_is_an_empty_array(project, run):
    write(project, "a.py", "print('hi')\n")
    assert json.loads(run("--format", "gitlab").stdout) == []


# --- JUnit XML ------------------------------------------------------------------------------

def test_junit_has_a_testcase_per_rule_per_file_and_failures_for_findings(project, run):
    write(project, "a.py", FILE_HANDLER + 'logging.FileHandler("b.log")\n')
    write(project, 'odd & "name" <x>.py', BASIC_CONFIG)
    write(project, "clean.py", "print('hi')\n")
    proc = run("--format", "junit", "--select", "TWC201,TWC202,TWC203,TWC204")
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"a.py", "clean.py", 'odd & "name" <x>.py'}
    for suite in suites.values():
        assert [case.get("name") for case in suite.iter("testcase")] == [
            "TWC201 file-log-handler", "TWC202 basicconfig-filename", "TWC203 logging-config-file-handler",
            "TWC204 stdio-to-file"]
    failures = {(suite, case.get("name")): case.find("failure")
                for suite, element in suites.items() for case in element.iter("testcase")
                if case.find("failure") is not None}
    assert set(failures) == {("a.py", "TWC201 file-log-handler"), ('odd & "name" <x>.py', "TWC202 basicconfig-filename")}
    assert failures[("a.py", "TWC201 file-log-handler")].text.count("TWC201 [warning]") == 2
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("12", "2", "0")


def test_junit_lists_run_errors_and_config_files_get_their_own_rule(project, run):
    write(project, "logging.ini", "[handler_file]\nclass=FileHandler\nargs=('x.log',)\n")
    proc = run("--format", "junit", ".", "missing.py")
    assert proc.returncode == 2
    root = ET.fromstring(proc.stdout)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert [case.get("name") for case in suites["logging.ini"].iter("testcase")] == ["TWC203 logging-config-file-handler"]
    assert suites["twelvecheck"].get("errors") == "1"
    assert "does not exist" in suites["twelvecheck"].find("testcase/error").get("message")


# --- the same exit codes for every format ---------------------------------------------------

FORMATS = ["text", "json", "sarif", "github", "gitlab", "junit", "html", "markdown"]


@pytest.mark.parametrize("format_", FORMATS)
def test_fail_on_and_exit_zero_behave_the_same_for_every_format(project, run, format_):
    write(project, "a.py", FILE_HANDLER)  # one warning
    assert run("--format", format_).returncode == 1
    assert run("--format", format_, "--fail-on", "error").returncode == 0
    assert run("--format", format_, "--exit-zero").returncode == 0
    assert run("--format", format_, "--exit-zero", "a.py", "missing.py").returncode == 2
    write(project, "twelvecheck.toml", 'fail-on = "error"\n')
    assert run("--format", format_).returncode == 0
    assert run("--format", format_, "--fail-on", "info").returncode == 1


# --- golden files: the sample service in every deterministic format -------------------------
# A fixed set of rules, so that a new rule does not change them; TWC001 is left out: its
# message is Python's own syntax error text, which varies by version.
# In the SARIF golden the rule texts are placeholders (checked against rules/ here instead),
# so that editing a rule document does not mean regenerating golden files.

GOLDEN_SELECT = ("--select", "TWC201,TWC202,TWC203,TWC204,TWC302")


def _sarif_without_rule_texts(text: str) -> str:
    from twelvecheck.core.ruledocs import load_rule_docs

    sarif = json.loads(text)
    docs = load_rule_docs()
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["help"] == {"text": docs[rule["id"]].body, "markdown": docs[rule["id"]].body}
        assert rule["shortDescription"]["text"] == docs[rule["id"]].summary
        for key in ("shortDescription", "fullDescription", "help"):
            rule[key] = {name: f"<rules/{rule['id']}.md>" for name in rule[key]}
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("format_, name", [
    ("sarif", "sample-app.sarif"),
    ("github", "sample-app.github.txt"),
    ("gitlab", "sample-app.gitlab.json"),
    ("junit", "sample-app.junit.xml"),
    ("markdown", "sample-app.summary.md"),
])
def test_golden_sample_app(format_, name):
    proc = in_repo("--format", format_, *GOLDEN_SELECT, "fixtures/sample-app")
    assert proc.returncode == 1, proc.stderr
    check_golden(name, _sarif_without_rule_texts(proc.stdout) if format_ == "sarif" else proc.stdout)


def test_golden_sample_app_text_with_source_and_statistics():
    check_golden("sample-app.show-source.txt",
                 in_repo("--no-color", "--show-source", *GOLDEN_SELECT, "fixtures/sample-app").stdout)
    check_golden("sample-app.statistics.txt",
                 in_repo("--no-color", "--statistics", *GOLDEN_SELECT, "fixtures/sample-app").stdout)


def test_markdown_summary_escapes_what_the_repository_names_and_lists_run_errors(project, run):
    write(project, "a|b_<img src=x onerror=alert(1)>.py", FILE_HANDLER)
    proc = run("--format", "markdown", ".", "missing.py")
    assert proc.returncode == 2
    row = next(line for line in proc.stdout.splitlines() if "TWC201" in line and "<code>" in line)
    assert "<code>a\\|b\\_&lt;img src=x onerror=alert(1)&gt;.py:2:1</code>" in row
    assert row.count(" | ") == 2  # three cells: the pipe in the name does not add one
    assert "<img" not in proc.stdout
    assert "**Errors**" in proc.stdout and "<code>missing.py</code>" in proc.stdout
