"""``--format json``: the schema, paths and positions, fingerprints, deterministic order."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
from conftest import BASIC_CONFIG, CLEAN, FILE_HANDLER, write

SCHEMA = json.loads(resources.files("twelvecheck").joinpath("schemas/report-v1.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_the_schema_itself_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_names_every_rule_family_and_takes_a_local_rules_own():
    from twelvecheck.core.ruledocs import FAMILIES

    family = SCHEMA["$defs"]["finding"]["properties"]["family"]
    assert all(re.fullmatch(family["pattern"], name) and name in family["description"] for name in FAMILIES)
    assert re.fullmatch(family["pattern"], "platform") and not re.fullmatch(family["pattern"], "Not a slug")


def report(run, *args, expect=(0, 1), cwd=None):
    result = run("--format", "json", *args, cwd=cwd)
    assert result.returncode in expect, result.stderr
    document = json.loads(result.stdout)
    VALIDATOR.validate(document)
    return document


def test_report_with_findings_validates_against_the_schema(project, run):
    write(project, "pkg/a.py", FILE_HANDLER)
    write(project, "pkg/b.py", BASIC_CONFIG)
    document = report(run)
    assert document["schema_version"] == 1
    assert document["tool"]["name"] == "twelvecheck"
    assert document["summary"] == {
        "files_scanned": 2, "findings": 2, "by_severity": {"error": 0, "warning": 2, "info": 0},
        "by_code": {"TWC201": 1, "TWC202": 1}, "errors": 0,
        "passed_over": {"test": 0, "vendored": 0},
    }
    first = document["findings"][0]
    assert {k: first[k] for k in ("code", "name", "family", "severity", "path", "line", "column", "end_line")} == {
        "code": "TWC201", "name": "file-log-handler", "family": "logging", "severity": "warning",
        "path": "pkg/a.py", "line": 2, "column": 1, "end_line": 2,
    }
    assert first["end_column"] == len('logging.FileHandler("app.log")') + 1
    assert first["help_uri"].endswith("TWC201.md")


def test_report_without_findings_validates(project, run):
    write(project, "a.py", CLEAN)
    document = report(run, expect=(0,))
    assert document["findings"] == [] and document["errors"] == []
    assert document["summary"]["files_scanned"] == 1


def test_report_with_a_missing_path_lists_the_error_and_still_validates(project, run):
    write(project, "a.py", FILE_HANDLER)
    document = report(run, "a.py", "nope.py", expect=(2,))
    assert [f["code"] for f in document["findings"]] == ["TWC201"]
    assert document["summary"]["errors"] == 1
    assert document["errors"][0]["path"] == "nope.py"
    assert "does not exist" in document["errors"][0]["message"]


def test_parse_errors_and_stdin_findings_validate(project, run):
    write(project, "bad.py", b"x = '\xff'\n")
    write(project, "syntax.py", "def (:\n")
    document = report(run, "bad.py", "syntax.py")
    assert [(f["path"], f["code"], f["severity"]) for f in document["findings"]] == [
        ("bad.py", "TWC001", "error"), ("syntax.py", "TWC001", "error")]
    stdin = json.loads(run("--format", "json", "-", input=FILE_HANDLER).stdout)
    VALIDATOR.validate(stdin)
    assert stdin["findings"][0]["path"] == "-"


def test_json_output_file_validates_and_matches_stdout(project, run):
    write(project, "a.py", FILE_HANDLER)
    to_stdout = run("--format", "json", "a.py").stdout
    assert run("--format", "json", "--output", "report.json", "a.py").stdout == ""
    assert (project / "report.json").read_text() == to_stdout
    VALIDATOR.validate(json.loads(to_stdout))


def test_paths_are_relative_to_cwd_with_forward_slashes_even_for_absolute_arguments(project, run):
    write(project, "src/pkg/deep/a.py", FILE_HANDLER)
    document = report(run, str(project / "src" / "pkg"))
    assert [f["path"] for f in document["findings"]] == ["src/pkg/deep/a.py"]
    nested = report(run, "deep", cwd=project / "src" / "pkg")
    assert [f["path"] for f in nested["findings"]] == ["deep/a.py"]


def test_lines_and_columns_are_one_based(project, run):
    write(project, "a.py", "import logging\n\ndef f():\n    h = logging.FileHandler('x')\n")
    finding = report(run, "a.py")["findings"][0]
    assert (finding["line"], finding["column"]) == (4, 9)


def test_fingerprints_survive_lines_inserted_above(project, run):
    source = "import logging\n\ndef setup():\n    logging.FileHandler('app.log')\n    logging.basicConfig(filename='x')\n"
    write(project, "app.py", source)
    before = report(run, "app.py")["findings"]
    write(project, "app.py", "# a new header\n\n# and a comment\n" + source)
    after = report(run, "app.py")["findings"]
    assert [f["fingerprint"] for f in before] == [f["fingerprint"] for f in after]
    assert [f["line"] + 3 for f in before] == [f["line"] for f in after]
    assert len({f["fingerprint"] for f in before}) == 2


def test_identical_findings_in_one_file_get_distinct_stable_fingerprints(project, run):
    source = "import logging\nlogging.FileHandler('app.log')\nlogging.FileHandler('app.log')\n"
    write(project, "app.py", source)
    before = report(run, "app.py")["findings"]
    assert len(before) == 2
    assert before[0]["fingerprint"] != before[1]["fingerprint"]
    write(project, "app.py", "\n\n\n" + source)
    after = report(run, "app.py")["findings"]
    assert [f["fingerprint"] for f in after] == [f["fingerprint"] for f in before]


def test_fingerprint_differs_between_files_and_changes_with_the_code(project, run):
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", FILE_HANDLER)
    prints = [f["fingerprint"] for f in report(run)["findings"]]
    assert len(set(prints)) == 2
    write(project, "a.py", FILE_HANDLER.replace("app.log", "other.log"))
    assert report(run, "a.py")["findings"][0]["fingerprint"] != prints[0]


def make_tree(project, count=36):
    for index in range(count):
        body = f"import logging  # twelvecheck: ignore[TWC202]\n{'#' * (index % 3)}\n"  # unused unless 3|index
        if index % 2:
            body += "logging.FileHandler('a.log')\n"
        if index % 3:
            body += "logging.basicConfig(filename='b')\nlogging.FileHandler('c.log')  # same line twice\n"
        write(project, f"pkg{index % 4}/mod_{index}.py", body)
    write(project, "pkg0/broken.py", "def (:\n")


def test_findings_are_sorted_by_path_line_column_code(project, run):
    make_tree(project)
    findings = report(run, "--extend-select", "TWC002", "pkg3", "pkg1", "pkg0", "pkg2")["findings"]
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]
    assert keys == sorted(keys)
    assert {"TWC001", "TWC002", "TWC201", "TWC202"} == {f["code"] for f in findings}
    assert len({f["path"] for f in findings}) > 30


@pytest.mark.parametrize("other_jobs", ["2", "4"])
def test_output_is_identical_with_one_or_several_jobs(project, run, other_jobs):
    make_tree(project)
    serial = run("--format", "json", "--extend-select", "TWC002", "--jobs", "1")
    parallel = run("--format", "json", "--extend-select", "TWC002", "--jobs", other_jobs)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert json.loads(serial.stdout)["summary"]["files_scanned"] == 37
    assert run("--jobs", "1").stdout == run("--jobs", other_jobs).stdout


def test_repeated_runs_give_byte_identical_reports(project, run):
    make_tree(project, count=8)
    assert run("--format", "json").stdout == run("--format", "json").stdout
