"""Every Procfile and formation rule's cases: each a small project written to a folder and
checked by the real pipeline (discovery, per-file analysis, the project pass)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twelvecheck.engine.deploy_rule import Fires
from twelvecheck.fix.fixer import plan_fixes
from twelvecheck.config.formation import FormationOverride, parse_formation_option
from twelvecheck.deploy.procfile import parse
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.registry import load_rules
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run

PROCESS_RULES = {code: rule for code, rule in sorted(load_rules().items()) if "python" not in rule.kinds}


def _cases():
    for code, rule in PROCESS_RULES.items():
        for index, case in enumerate(rule.VALID):
            yield pytest.param(code, case, id=f"{code}-valid-{index}")
        for index, case in enumerate(rule.INVALID):
            yield pytest.param(code, case, id=f"{code}-invalid-{index}")


def check_project(root: Path, files: dict[str, str], select: list[str], options: tuple[str, ...] = ()):
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return check_project_again(root, select, options)


def check_project_again(root: Path, select: list[str], options: tuple[str, ...] = ()):
    settings = Settings(paths=[str(root)], select=select, cwd=root, root=root)
    if options:
        assert options[0] == "--formation"
        settings.formations = [FormationOverride(parse_formation_option(options[1]), "--formation", [root], True)]
    result = run(settings)
    assert not result.errors, result.errors
    return result


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_process_rule_case(code, case, tmp_path):
    result = check_project(tmp_path / "app", case.written(), [code], case.options)
    lines = sorted(f.line for f in result.findings if f.code == code and f.path == case.path)
    others = [f for f in result.findings if f.code == code and f.path != case.path]
    if isinstance(case, Fires):
        assert lines, f"{code} did not fire on {case.written()}"
        if case.lines:
            assert tuple(lines) == case.lines, f"{code} fired on lines {lines}, expected {case.lines}"
    else:
        assert not lines, f"{code} fired on a near miss {case.written()}: {result.findings}"
    assert not others, others


def test_every_process_rule_has_cases():
    assert len(PROCESS_RULES) >= 20
    for code, rule in PROCESS_RULES.items():
        assert rule.VALID and rule.INVALID, code


def _firing_cases():
    for code, rule in PROCESS_RULES.items():
        for index, case in enumerate(rule.INVALID):
            yield pytest.param(code, case, id=f"{code}-invalid-{index}")


@pytest.mark.parametrize(("code", "case"), list(_firing_cases()))
def test_fixes_of_process_rule_cases(code, case, tmp_path):
    """Every fix is of a kind the rule document names, and the real fixer applies it
    without changing the process types; afterwards the rule offers nothing more to fix."""
    root = tmp_path / "app"
    result = check_project(root, case.written(), [code], case.options)
    offered = [f for f in result.findings if f.code == code and f.fix is not None]
    assert {f.fix.applicability for f in offered} <= set(load_rule_docs()[code].fix), offered
    if not offered:
        return
    outcome = plan_fixes(result.findings, result.tasks, unsafe=True)
    assert not outcome.errors, outcome.errors
    for item in outcome.changed_files:
        assert [e.name for e in parse(item.fixed).entries] == [e.name for e in parse(item.original).entries]
        Path(item.task.path).write_text(item.fixed, encoding="utf-8", newline="")
    again = check_project_again(root, [code], case.options)
    assert not [f for f in again.findings if f.code == code and f.fix is not None]

