"""Every rule's VALID and INVALID cases, run through the real engine (parse + traversal)."""

from __future__ import annotations

import ast

import pytest

from twelvecheck.fix import apply as fixes
from twelvecheck.run.worker import analyze_file
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.task import FileTask
from twelvecheck.program.project import Project
from twelvecheck.engine.meta import PARSE_ERROR
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.rule import ProjectRule


def _cases():
    for code, rule in sorted(load_rules().items()):
        if "python" not in rule.kinds:
            continue  # Procfile and formation rules: tests/test_process_rule_cases.py
        for index, case in enumerate(rule.VALID):
            yield pytest.param(code, case, id=f"{code}-valid-{index}")
        for index, case in enumerate(rule.INVALID):
            yield pytest.param(code, case, id=f"{code}-invalid-{index}")


def _findings(code: str, source: str, filename: str):
    """Findings without the prefilter; the prefilter must not change them."""
    found = {}
    for prefilter in (False, True):
        task = FileTask(path=filename, display_path=filename, report=frozenset({code}),
                        source=source.encode(), prefilter=prefilter)
        result = analyze_file(task)
        assert not result.errors, result.errors
        assert result.parsed or prefilter or code == PARSE_ERROR, "case does not parse"
        found[prefilter] = [f for f in result.findings if f.code == code]
    assert [f.to_json() for f in found[True]] == [f.to_json() for f in found[False]], "prefilter changed the findings"
    return found[False]


def _project_finding_lines(code: str, source: str, filename: str) -> list[int]:
    """A whole-program rule over a one-file program."""
    task = FileTask(path=filename, display_path=filename, report=frozenset({code}), source=source.encode())
    result = analyze_file(task)
    assert not result.errors, result.errors
    assert result.parsed, "case does not parse"
    return [finding.span[0] for finding in load_rules()[code].check_project(Project({filename: result.facts}))]


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_rule_case(code, case):
    if issubclass(load_rules()[code], ProjectRule):
        findings = _project_finding_lines(code, case.source, case.filename)
    else:
        findings = [f.line for f in _findings(code, case.source, case.filename)]
    if hasattr(case, "lines"):
        lines = tuple(sorted(findings))
        assert findings, f"{code} did not fire on:\n{case.source}"
        if case.lines:
            assert lines == case.lines, f"{code} fired on lines {lines}, expected {case.lines}"
    else:
        assert not findings, f"{code} fired on a near miss:\n{case.source}\n{findings}"


def test_every_rule_with_a_visitor_has_cases():
    for code, rule in load_rules().items():
        assert rule.VALID and rule.INVALID, f"{code} needs cases that must and must not fire"


def _fixes_of(code: str, source: str, filename: str) -> list:
    task = FileTask(path=filename, display_path=filename, report=frozenset({code}), source=source.encode())
    result = analyze_file(task)
    if issubclass(load_rules()[code], ProjectRule):
        return [f.fix for f in load_rules()[code].check_project(Project({filename: result.facts})) if f.fix]
    return [f.fix for f in result.findings if f.code == code and f.fix]


def _invalid_cases():
    for code, rule in sorted(load_rules().items()):
        if "python" in rule.kinds:
            for index, case in enumerate(rule.INVALID):
                yield pytest.param(code, case, id=f"{code}-invalid-{index}")


@pytest.mark.parametrize(("code", "case"), list(_invalid_cases()))
def test_fixes_of_rule_cases_are_documented_and_keep_the_code_valid(code, case):
    """Every fix a case gets is of a kind its rule document names, and applying all of them
    (unsafe ones too, pass after pass as --fix does) leaves valid Python with no fix left."""
    documented = load_rule_docs()[code].fix
    source = case.source
    for _ in range(5):
        offered = _fixes_of(code, source, case.filename)
        assert {fix.applicability for fix in offered} <= set(documented), f"{code}: undocumented fix {offered}"
        if not offered:
            break
        new, applied = fixes.apply(source, offered)
        assert applied and new != source
        ast.parse(new)
        source = new
    else:
        pytest.fail(f"{code}: fixes still offered after 5 passes:\n{source}")
