"""twelvecheck's own outputs are never checked files: reports written with ``-o`` and
``--output-format``, baselines, and files that are merely YAML or JSON (a
``.pre-commit-config.yaml``) are neither counted nor listed by any report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from conftest import CLEAN, FILE_HANDLER, write

PRE_COMMIT = """repos:
  - repo: https://github.com/twelvecheck/twelvecheck
    rev: v0.1.0
    hooks:
      - id: twelvecheck
"""
LOGGING_YAML = """version: 1
handlers:
  file:
    class: logging.FileHandler
    filename: /var/log/app.log
root:
  handlers: [file]
"""
WORKFLOW = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"


def _junit_files(text: str) -> set[str]:
    return {case.get("file") for case in ET.fromstring(text).iter("testcase")}


def test_yaml_and_json_files_that_no_rule_reads_are_not_checked_files(project, run):
    write(project, "app.py", FILE_HANDLER)
    write(project, ".pre-commit-config.yaml", PRE_COMMIT)
    write(project, ".github/workflows/ci.yml", WORKFLOW)
    write(project, "package.json", '{"name": "x", "version": "1.0.0"}\n')
    write(project, "logging.yaml", LOGGING_YAML.replace("logging.FileHandler", "logging.StreamHandler")
          .replace("    filename: /var/log/app.log\n", ""))
    junit = run("--format", "junit")
    assert _junit_files(junit.stdout) == {"app.py", "logging.yaml"}  # a clean logging config is checked
    document = json.loads(run("--format", "json").stdout)
    assert document["summary"]["files_scanned"] == 2
    assert "in 2 files." in run().stdout


def test_reports_and_baselines_written_by_a_run_are_not_checked_by_the_next(project, run):
    write(project, "app.py", FILE_HANDLER)
    run("--format", "json", "-o", "twelvecheck.json", "--output-format", "gitlab=gl-code-quality.json",
        "--write-baseline", ".twelvecheck-baseline.json")
    assert {p.name for p in project.iterdir()} >= {"twelvecheck.json", "gl-code-quality.json",
                                                    ".twelvecheck-baseline.json"}
    junit = run("--format", "junit", "--baseline", ".twelvecheck-baseline.json")
    assert _junit_files(junit.stdout) == {"app.py"}
    assert json.loads(run("--format", "json").stdout)["summary"]["files_scanned"] == 1


def test_the_file_a_report_is_written_to_is_never_checked_whatever_it_held(project, run):
    write(project, "app.py", CLEAN)
    write(project, "logging.yaml", LOGGING_YAML)  # a TWC203 finding, about to be overwritten
    proc = run("--format", "json", "-o", "logging.yaml")
    document = json.loads((project / "logging.yaml").read_text())
    assert document["findings"] == [] and document["summary"]["files_scanned"] == 1
    assert proc.returncode == 0
