"""Every rule's VALID and INVALID cases, run through the real engine (parse + traversal)."""

from __future__ import annotations

import pytest

from twelvecheck.engine import FileTask, analyze_file
from twelvecheck.rule import REGISTRY


def _cases():
    for code, rule in sorted(REGISTRY.items()):
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
        assert result.parsed or prefilter, "case does not parse"
        found[prefilter] = [f for f in result.findings if f.code == code]
    assert [f.to_json() for f in found[True]] == [f.to_json() for f in found[False]], "prefilter changed the findings"
    return found[False]


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_rule_case(code, case):
    findings = _findings(code, case.source, case.filename)
    if hasattr(case, "lines"):
        lines = tuple(sorted(f.line for f in findings))
        assert findings, f"{code} did not fire on:\n{case.source}"
        if case.lines:
            assert lines == case.lines, f"{code} fired on lines {lines}, expected {case.lines}"
    else:
        assert not findings, f"{code} fired on a near miss:\n{case.source}\n{findings}"


def test_every_rule_with_a_visitor_has_cases():
    for code, rule in REGISTRY.items():
        if code in ("TWC001", "TWC002"):
            continue
        assert rule.VALID and rule.INVALID, f"{code} needs cases that must and must not fire"
