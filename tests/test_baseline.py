"""``--write-baseline`` / ``--baseline``: adopt twelvecheck without fixing every old finding."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from conftest import BASIC_CONFIG, CLEAN, FILE_HANDLER, write

from twelvecheck.cli.baseline import BaselineError, Entry, apply, parse
from twelvecheck.core.findings import Finding, Severity, Span

SCHEMA = json.loads(resources.files("twelvecheck").joinpath("schemas/report-v1.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
HANDLER_LINE = 'logging.FileHandler("app.log")\n'


def findings_of(proc) -> list[tuple[str, int, str]]:
    document = json.loads(proc.stdout)
    VALIDATOR.validate(document)
    return [(f["path"], f["line"], f["code"]) for f in document["findings"]]


@pytest.fixture
def legacy(project, run):
    """A project with three old findings, recorded in baseline.json."""
    write(project, "app/a.py", FILE_HANDLER + HANDLER_LINE)  # TWC201 twice (identical text)
    write(project, "app/b.py", BASIC_CONFIG)
    proc = run("--write-baseline", "baseline.json")
    assert proc.returncode == 0, proc.stderr
    assert "No new findings in 2 files. 3 baselined findings not shown." in proc.stdout
    return project


def test_the_baseline_file_is_sorted_indented_json_with_one_entry_per_finding(legacy, run):
    text = (legacy / "baseline.json").read_text()
    document = json.loads(text)
    assert document["schema_version"] == 2
    assert [(e["path"], e["code"]) for e in document["entries"]] == [
        ("app/a.py", "TWC201"), ("app/a.py", "TWC201"), ("app/b.py", "TWC202")]
    assert set(document["entries"][0]) == {"code", "fingerprint", "message", "path"}
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"
    run("--write-baseline", "again.json")
    assert (legacy / "again.json").read_text() == text  # regenerating gives the same bytes


def test_with_the_baseline_nothing_is_reported_and_the_exit_code_is_0(legacy, run):
    proc = run("--baseline", "baseline.json", "--format", "json")
    assert proc.returncode == 0
    assert findings_of(proc) == []
    assert json.loads(proc.stdout)["summary"]["baseline"] == {
        "file": "baseline.json", "entries": 3, "baselined": 3, "stale": 0, "unmatched": 0}


def test_moved_code_stays_baselined(legacy, run):
    write(legacy, "app/a.py", "# a new header\n\n\n" + FILE_HANDLER + HANDLER_LINE)
    assert run("--baseline", "baseline.json").returncode == 0


def test_a_second_identical_finding_in_the_same_file_is_reported(legacy, run):
    write(legacy, "app/a.py", FILE_HANDLER + HANDLER_LINE + HANDLER_LINE)  # a third identical line
    proc = run("--baseline", "baseline.json", "--format", "json")
    assert proc.returncode == 1
    assert findings_of(proc) == [("app/a.py", 4, "TWC201")]
    assert json.loads(proc.stdout)["summary"]["baseline"]["baselined"] == 3


def test_a_new_finding_elsewhere_is_reported_with_the_text_summary(legacy, run):
    write(legacy, "app/c.py", FILE_HANDLER)
    proc = run("--baseline", "baseline.json")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith("app/c.py:2:1: TWC201")
    assert proc.stdout.splitlines()[-1] == "Found 1 finding (1 warning) in 3 files. 3 baselined findings not shown."  # not baseline.json


def test_fixed_findings_leave_stale_entries_counted_in_both_summaries(legacy, run):
    write(legacy, "app/a.py", FILE_HANDLER)  # one of the two handlers fixed
    write(legacy, "app/b.py", "import logging\nlogging.basicConfig()\n")  # fixed
    proc = run("--baseline", "baseline.json", "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["summary"]["baseline"] == {
        "file": "baseline.json", "entries": 3, "baselined": 1, "stale": 2, "unmatched": 0}
    text = run("--baseline", "baseline.json").stdout
    assert "2 stale baseline entries (fixed or changed)" in text


def test_entries_of_files_or_rules_outside_the_run_are_not_stale(legacy, run):
    document = json.loads(run("--baseline", "baseline.json", "--format", "json", "app/b.py").stdout)
    assert document["summary"]["baseline"] == {"file": "baseline.json", "entries": 3, "baselined": 1, "stale": 0, "unmatched": 2}
    document = json.loads(run("--baseline", "baseline.json", "--format", "json", "--select", "TWC202").stdout)
    assert document["summary"]["baseline"]["stale"] == 0


def test_fail_on_and_exit_zero_apply_to_the_new_findings(legacy, run):
    write(legacy, "app/c.py", FILE_HANDLER)
    assert run("--baseline", "baseline.json", "--fail-on", "error").returncode == 0
    assert run("--baseline", "baseline.json", "--exit-zero").returncode == 0
    assert run("--baseline", "baseline.json", "--format", "sarif").returncode == 1


@pytest.mark.parametrize("content, message", [
    (None, "file not found (create it with --write-baseline nope.json)"),
    ("{not json", "invalid JSON"),
    ('{"schema_version": 3, "entries": []}', "unsupported schema_version 3"),
    ('{"schema_version": 1, "entries": {}}', "'entries' must be a list"),
    ('{"schema_version": 1, "entries": [{"code": "TWC201", "path": "a.py"}]}', "entries[0].fingerprint"),
    ("[]", "expected a JSON object"),
])
def test_a_missing_or_invalid_baseline_exits_2_with_a_clear_message(project, run, content, message):
    write(project, "a.py", FILE_HANDLER)
    if content is not None:
        write(project, "nope.json", content)
    proc = run("--baseline", "nope.json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("twelvecheck: error: baseline nope.json: ")
    assert message in proc.stderr


def test_baseline_from_the_configuration_file_is_relative_to_it(legacy, run):
    write(legacy, "twelvecheck.toml", 'baseline = "baseline.json"\n')
    write(legacy, "app/c.py", FILE_HANDLER)
    proc = run("--format", "json", ".")
    assert findings_of(proc) == [("app/c.py", 2, "TWC201")]


def test_write_baseline_into_a_missing_folder_exits_2(project, run):
    write(project, "a.py", FILE_HANDLER)
    proc = run("--write-baseline", "no/such/dir/baseline.json")
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr


def _finding(fingerprint: str, path: str = "a.py", code: str = "TWC201") -> Finding:
    return Finding(code, "file-log-handler", "logging", Severity.WARNING, "m", path, Span(1, 1, 1, 2), "u",
                   fingerprint=fingerprint)


def test_matching_is_a_multiset_not_set_membership():
    entries = [Entry("TWC201", "a.py", "f1"), Entry("TWC201", "a.py", "f1"), Entry("TWC201", "a.py", "f2")]
    outcome = apply([_finding("f1"), _finding("f1"), _finding("f1")], entries, {"a.py": ["TWC201"]}, {"TWC201"})
    assert [f.fingerprint for f in outcome.new] == ["f1"]  # two entries cover two findings, not three
    assert (outcome.baselined, outcome.stale) == (2, 1)


def test_parse_rejects_what_it_cannot_use():
    with pytest.raises(BaselineError, match="non-empty string"):
        parse({"schema_version": 1, "entries": [{"code": "", "path": "a", "fingerprint": "x"}]}, "b.json")
    assert parse({"schema_version": 2, "entries": [{"code": "TWC201", "path": "a", "fingerprint": "x"}]},
                 "b.json") == [Entry("TWC201", "a", "x", "")]


# --- The same baseline from any working directory


@pytest.fixture
def nested(tmp_path, run):
    """A repository ``repo/`` with findings in ``svc/`` (a subfolder) and at its root, its
    baseline written at the root; ``run`` works in ``tmp_path/project``, which is unused."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "svc/a.py", FILE_HANDLER + HANDLER_LINE)
    write(repo, "main.py", BASIC_CONFIG)
    proc = run("--write-baseline", ".twelvecheck-baseline.json", "--isolated", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    return repo


def test_a_baseline_names_files_from_its_own_folder(nested):
    document = json.loads((nested / ".twelvecheck-baseline.json").read_text())
    assert [e["path"] for e in document["entries"]] == ["main.py", "svc/a.py", "svc/a.py"]


@pytest.mark.parametrize("where, baseline, paths, baselined", [
    ("repo", ".twelvecheck-baseline.json", ["."], 3),
    ("repo/svc", "../.twelvecheck-baseline.json", ["."], 2),
    ("repo/svc", "../.twelvecheck-baseline.json", [".."], 3),
    (".", "repo/.twelvecheck-baseline.json", ["repo"], 3),
    (".", "repo/.twelvecheck-baseline.json", ["repo/svc"], 2),
])
def test_a_baseline_written_at_the_root_matches_from_the_parent_and_a_subfolder(
        nested, run, where, baseline, paths, baselined):
    proc = run("--baseline", baseline, "--format", "json", "--isolated", *paths, cwd=nested.parent / where)
    assert proc.returncode == 0, proc.stdout
    assert findings_of(proc) == []
    assert json.loads(proc.stdout)["summary"]["baseline"]["baselined"] == baselined
    assert "warning" not in proc.stderr


def test_a_new_finding_is_still_reported_from_a_subfolder(nested, run):
    write(nested, "svc/b.py", FILE_HANDLER)
    proc = run("--baseline", "../.twelvecheck-baseline.json", "--format", "json", "--isolated", cwd=nested / "svc")
    assert proc.returncode == 1
    assert findings_of(proc) == [("b.py", 2, "TWC201")]


def test_a_baseline_of_the_old_schema_written_in_a_subfolder_still_matches(nested, run):
    """schema_version 1 named files from the writer's working directory: matched that way
    from there, and from the baseline's folder when that is where it was written."""
    old = run("--format", "json", "--isolated", cwd=nested / "svc")
    entries = [{"code": f["code"], "path": f["path"], "fingerprint": f["fingerprint"], "message": f["message"]}
               for f in json.loads(old.stdout)["findings"]]
    write(nested, "svc/old.json", json.dumps({"schema_version": 1, "entries": entries}))
    proc = run("--baseline", "old.json", "--format", "json", "--isolated", cwd=nested / "svc")
    assert (proc.returncode, findings_of(proc)) == (0, [])
    proc = run("--baseline", "svc/old.json", "--format", "json", "--isolated", "svc", cwd=nested)
    assert (proc.returncode, findings_of(proc)) == (0, [])


def test_a_baseline_that_matches_nothing_is_a_warning_naming_it(nested, run, tmp_path):
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    write(other, "x/y.py", FILE_HANDLER)
    # Another project's baseline: its entries name files that do not exist here.
    (other / "b.json").write_text((nested / ".twelvecheck-baseline.json").read_text())
    proc = run("--baseline", "b.json", "--isolated", cwd=other)
    assert proc.returncode == 1
    assert "twelvecheck: warning: baseline b.json: matched none of its 3 entries" in proc.stderr
    assert "another project's baseline" in proc.stderr
    assert "3 baseline entries not compared" in proc.stdout
    html = run("--baseline", "b.json", "--isolated", "--format", "html", cwd=other).stdout
    assert '<span data-count="unmatched">3</span> entries not compared' in html
    # Every entry stale: the findings it records are gone.
    write(nested, "svc/a.py", CLEAN)
    write(nested, "main.py", CLEAN)
    proc = run("--baseline", ".twelvecheck-baseline.json", "--isolated", cwd=nested)
    assert proc.returncode == 0
    assert "twelvecheck: warning: baseline .twelvecheck-baseline.json: matched none of its 3 entries " \
           "(3 stale" in proc.stderr


def test_a_baseline_of_files_outside_a_pre_commit_run_is_no_warning(nested, run):
    write(nested, "svc/new.py", FILE_HANDLER)
    proc = run("--baseline", ".twelvecheck-baseline.json", "--isolated", "svc/new.py", cwd=nested)
    assert proc.returncode == 1
    assert "warning" not in proc.stderr
