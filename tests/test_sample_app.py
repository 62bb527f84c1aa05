"""The bundled sample projects, through the real CLI: exactly the planted findings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "fixtures" / "sample-app"
CLEAN = REPO / "fixtures" / "clean-app"
SCHEMA = REPO / "src" / "twelvecheck" / "schemas" / "report-v1.schema.json"
CODES = r"(?P<codes>[A-Z]{2,6}\d{1,4}(?:\s*,\s*[A-Z]{2,6}\d{1,4})*)"  # local rules' codes too
EXPECT_RE = re.compile(r"#\s*expect(?P<below>-below)?:\s*" + CODES)
# For files that take no comments (app.json): `# expect-at app.json:5: TWC603`, the path
# relative to the folder of the file holding the comment.
EXPECT_AT_RE = re.compile(r"#\s*expect-at\s+(?P<path>[^\s:]+):(?P<line>\d+):\s*" + CODES)


def planted(root: Path) -> set[tuple[str, int, str]]:
    """(path, line, code) from `# expect: TWCnnn` (same line) / `# expect-below:` / `# expect-at` comments."""
    expected = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT_RE.search(line)
            if match:
                target = (path, number + 1 if match.group("below") else number)
            elif match := EXPECT_AT_RE.search(line):
                target = (path.parent / match.group("path"), int(match.group("line")))
            else:
                continue
            for code in re.split(r"\s*,\s*", match.group("codes")):
                expected.add((target[0].relative_to(REPO).as_posix(), target[1], code))
    return expected


def twelvecheck(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "twelvecheck", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    return proc


def test_sample_app_reports_exactly_the_planted_findings_as_json():
    proc = twelvecheck("--format", "json", "fixtures/sample-app")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)
    found = {(f["path"], f["line"], f["code"]) for f in report["findings"]}
    expected = planted(SAMPLE)
    assert len(expected) >= 9
    assert found == expected
    assert report["summary"]["by_code"]["TWC201"] == 3


def test_sample_app_text_report():
    proc = twelvecheck("--no-color", "fixtures/sample-app")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "fixtures/sample-app/shop/logs.py:16:21: TWC201 [warning] FileHandler writes logs to a file; " \
           "log to stdout/stderr and let the platform route the stream (file-log-handler)" in lines
    assert lines[-1] == f"Found {len(planted(SAMPLE))} findings (1 error, {len(planted(SAMPLE)) - 1} warnings) in 7 files."


def test_clean_app_has_no_findings():
    proc = twelvecheck("fixtures/clean-app")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "No findings in 2 files."


def _sample_projects() -> list[Path]:
    fixtures = REPO / "fixtures"
    return sorted(p for p in fixtures.iterdir() if p.is_dir() and planted(p))


@pytest.mark.parametrize("project", _sample_projects(), ids=lambda p: p.name)
def test_every_sample_project_reports_exactly_its_planted_findings(project):
    """Each `# expect: TWCnnn` comment in fixtures/<project>/ must be reported, and nothing else."""
    proc = twelvecheck("--format", "json", "--extend-select", "TWC002", project.relative_to(REPO).as_posix())
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    found = {(f["path"], f["line"], f["code"]) for f in report["findings"]}
    assert found == planted(project)


def test_the_whole_fixtures_folder_runs_without_errors():
    proc = twelvecheck("--format", "json", "fixtures")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert planted(SAMPLE) <= {(f["path"], f["line"], f["code"]) for f in report["findings"]}


def test_console_scripts_of_a_project_inside_the_tree_are_entry_points():
    """`twelvecheck fixtures` (a monorepo of sample projects) still reads
    fixtures/shutdown-app/pyproject.toml, whose console script runs a loop."""
    proc = twelvecheck("--format", "json", "--select", "TWC302", "fixtures")
    found = {(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("fixtures/shutdown-app/shutdown_app/sync.py", 10) in found
