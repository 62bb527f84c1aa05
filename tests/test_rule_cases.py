"""Every rule's VALID and INVALID cases, each through the real pipeline (run/rule_cases.py,
which ``twelvecheck test-rules`` runs for local rules too).

A case of one Python file (no other files, no options) runs through the engine in memory,
with and without the prefilter, which must not change its findings. Any other case (a
Procfile or formation rule's, or one of several files) is written to a folder as a small
project and checked by a real run: discovery, the per-file analysis, the whole-program pass.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.deploy.procfile import parse
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.rule import ProjectRule
from twelvecheck.engine.task import FileTask
from twelvecheck.fix.apply import apply
from twelvecheck.fix.fixer import plan_fixes
from twelvecheck.run.rule_cases import (
    cases_of, check_case, check_project, check_project_again, checked_path, filename, in_memory, is_python,
    missing_cases, program_findings, project_files,
)
from twelvecheck.run.worker import analyze_file

RULES = load_rules()


def _cases(invalid_only: bool = False):
    for item in cases_of(RULES, invalid_only):
        yield pytest.param(item, id=item.name)


@pytest.mark.parametrize("item", list(_cases()))
def test_rule_case(item, tmp_path):
    check_case(item, tmp_path / "app")


def test_every_rule_has_cases_that_must_and_must_not_fire():
    for rule in RULES.values():
        assert missing_cases(rule) is None, missing_cases(rule)


def test_every_fixable_rule_has_a_case_with_its_fixed_file():
    """The exact text a fix leaves is part of the rule's cases, for each kind of fix it offers."""
    for code, doc in load_rule_docs().items():
        if doc.fix:
            assert any(case.fixed is not None for case in RULES[code].INVALID), \
                f"{code} offers fixes: give an Invalid case `fixed=`, the file once they are applied"


# -- fixes -------------------------------------------------------------------------------
def _fixes_in_memory(code: str, source: str, name: str) -> list:
    if issubclass(RULES[code], ProjectRule):
        return [f.fix for f in program_findings(RULES[code], source, name) if f.fix]
    task = FileTask(path=name, display_path=name, report=frozenset({code}), source=source.encode())
    return [f.fix for f in analyze_file(task).findings if f.code == code and f.fix]


@pytest.mark.parametrize("item", list(_cases(invalid_only=True)))
def test_fixes_of_rule_cases_are_documented_and_keep_the_file_valid(item, tmp_path):
    """Every fix a case gets is of a kind its rule document names, and applying all of them
    (unsafe ones too, pass after pass as --fix does) leaves a valid file with no fix left:
    valid Python, or a Procfile that declares the same process types."""
    code, case = item.rule.code, item.case
    documented = set(load_rule_docs()[code].fix)
    if not in_memory(RULES[code], case):
        root = tmp_path / "app"
        result = check_project(root, project_files(RULES[code], case), [code], case.options)
        offered = [f for f in result.findings if f.code == code and f.fix is not None]
        assert {f.fix.applicability for f in offered} <= documented, offered
        if not offered:
            return
        outcome = plan_fixes(result.findings, result.tasks, unsafe=True)
        assert not outcome.errors, outcome.errors
        for item in outcome.changed_files:
            if item.task.kind == "procfile":
                assert [e.name for e in parse(item.fixed).entries] == [e.name for e in parse(item.original).entries]
            Path(item.task.path).write_text(item.fixed, encoding="utf-8", newline="")
        again = check_project_again(root, [code], case.options)
        assert not [f for f in again.findings if f.code == code and f.fix is not None]
        expected = case.fixed_text(is_python(RULES[code]))
        if expected is not None:
            fixed = (root / checked_path(RULES[code], case)).read_text(encoding="utf-8")
            assert fixed == expected, f"{code}: the fixed file differs from the case's `fixed`:\n{fixed}"
        return
    source, name = case.source, filename(RULES[code], case)
    for _ in range(5):
        offered = _fixes_in_memory(code, source, name)
        assert {fix.applicability for fix in offered} <= documented, f"{code}: undocumented fix {offered}"
        if not offered:
            break
        new, applied = apply(source, offered)
        assert applied and new != source
        ast.parse(new)
        source = new
    else:
        pytest.fail(f"{code}: fixes still offered after 5 passes:\n{source}")
    expected = case.fixed_text(True)
    if expected is not None:
        assert source == expected, f"{code}: the fixed file differs from the case's `fixed`:\n{source}"
