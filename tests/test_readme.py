"""The README's promises that can drift: the commands CI runs and the rule families."""

from __future__ import annotations

import re

from conftest import README, REPO
from conftest import quick_start_commands as _quick_start_commands

from twelvecheck.core.ruledocs import load_rule_docs


def test_quick_start_has_the_two_commands():
    install_and_run, install_and_test = _quick_start_commands()
    assert "twelvecheck fixtures/sample-app" in install_and_run
    assert (REPO / "fixtures" / "sample-app").is_dir()
    assert install_and_test.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command():
    _, install_and_test = _quick_start_commands()
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci_lines


def test_family_table_matches_the_rule_documents():
    """One row per family with the code range its rules use; the rules themselves are listed
    by `twelvecheck rules`, so adding one never touches the README."""
    rows = re.findall(r"^\| `(\w+)` \| (TWC\d)xx \|", README, re.M)
    ranges: dict[str, set[str]] = {}
    for code, doc in load_rule_docs().items():
        ranges.setdefault(doc.family, set()).add(code[:4])
    assert dict(rows) == {family: prefix for family, (prefix,) in ranges.items()}
    section = README.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
    assert not re.search(r"^\| TWC\d{3} \|", section, re.M), "a per-rule table is back in the README"
