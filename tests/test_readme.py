"""The README's promises that can drift: the commands CI runs and the rule table."""

from __future__ import annotations

import re
from pathlib import Path

from twelvecheck.core.ruledocs import load_rule_docs

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_the_two_commands():
    install_and_run, install_and_test = _quick_start_commands()
    assert "twelvecheck fixtures/sample-app" in install_and_run
    assert (REPO / "fixtures" / "sample-app").is_dir()
    assert install_and_test.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command():
    _, install_and_test = _quick_start_commands()
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci_lines


def test_rule_table_matches_the_rule_documents():
    rows = re.findall(r"^\| (TWC\d{3}) \| ([a-z0-9-]+) \| (\w+) \| (\w+) \|", README, re.M)
    table = {code: (name, family, severity) for code, name, family, severity in rows}
    docs = {code: (d.name, d.family, str(d.severity)) for code, d in load_rule_docs().items()}
    assert table == docs
