"""Every rule's VALID and INVALID cases, each through the real pipeline.

A case of one Python file (no other files, no options) runs through the engine in memory,
with and without the prefilter, which must not change its findings. Any other case (a
Procfile or formation rule's, or one of several files) is written to a folder as a small
project and checked by a real run: discovery, the per-file analysis, the whole-program pass.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from twelvecheck.config.formation import FormationOverride, parse_formation_option
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.deploy.procfile import parse
from twelvecheck.engine.meta import PARSE_ERROR
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.rule import Invalid, ProjectRule, Rule, Valid
from twelvecheck.engine.task import FileTask
from twelvecheck.fix.apply import apply
from twelvecheck.fix.fixer import plan_fixes
from twelvecheck.program.project import Project
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run
from twelvecheck.run.worker import analyze_file

RULES = load_rules()


def _cases(invalid_only: bool = False):
    for code, rule in RULES.items():
        for kind, cases in (("valid", [] if invalid_only else rule.VALID), ("invalid", rule.INVALID)):
            for index, case in enumerate(cases):
                yield pytest.param(code, case, id=f"{code}-{kind}-{index}")


def _python(rule: type[Rule]) -> bool:
    return "python" in rule.kinds


def _filename(rule: type[Rule], case: Valid) -> str:
    return case.filename or ("app.py" if _python(rule) else "Procfile")


def _checked_path(rule: type[Rule], case: Valid) -> str:
    return case.path or _filename(rule, case)


def _in_memory(rule: type[Rule], case: Valid) -> bool:
    return _python(rule) and case.single_file


def _project_files(rule: type[Rule], case: Valid) -> dict[str, str]:
    files = dict(case.files)
    if case.code is not None:
        files[_filename(rule, case)] = case.source if _python(rule) else case.code
    return files


# -- one Python file, in memory -----------------------------------------------------------
def _file_findings(code: str, source: str, filename: str) -> list:
    """Findings without the prefilter; the prefilter must not change them."""
    found = {}
    for prefilter in (False, True):
        task = FileTask(path=filename, display_path=filename, report=frozenset({code}),
                        source=source.encode(), prefilter=prefilter)
        result = analyze_file(task)
        assert not result.errors, result.errors
        assert result.parsed or prefilter or code == PARSE_ERROR, "case does not parse"
        # Without a project a conditional finding is dropped, as a run does (run/conditions.py).
        found[prefilter] = [f for f in result.findings if f.code == code and f.requires is None]
    assert [f.to_json() for f in found[True]] == [f.to_json() for f in found[False]], "prefilter changed the findings"
    return found[False]


def _program_findings(code: str, source: str, filename: str) -> list:
    """A whole-program rule over a one-file program."""
    task = FileTask(path=filename, display_path=filename, report=frozenset({code}), source=source.encode())
    result = analyze_file(task)
    assert not result.errors, result.errors
    assert result.parsed, "case does not parse"
    return RULES[code].check_project(Project({filename: result.facts}))


def _lines_in_memory(code: str, case: Valid) -> list[int]:
    filename = _filename(RULES[code], case)
    if issubclass(RULES[code], ProjectRule):
        return [finding.span[0] for finding in _program_findings(code, case.source, filename)]
    return [finding.line for finding in _file_findings(code, case.source, filename)]


# -- a project in a folder ---------------------------------------------------------------
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
        assert options[0] == "--formation", f"cases know --formation only, not {options}"
        settings.formations = [FormationOverride(parse_formation_option(options[1]), "--formation", [root], True)]
    result = run(settings)
    assert not result.errors, result.errors
    return result


def _lines_in_project(code: str, case: Valid, root: Path) -> list[int]:
    result = check_project(root, _project_files(RULES[code], case), [code], case.options)
    path = _checked_path(RULES[code], case)
    others: dict[str, list[int]] = {}
    for finding in result.findings:
        if finding.code == code and finding.path != path:
            others.setdefault(finding.path, []).append(finding.line)
    expected = {other: tuple(lines) for other, lines in case.elsewhere}
    assert {other: tuple(sorted(lines)) for other, lines in others.items()} == expected, \
        f"{code} fired outside {path} on {others}, expected {expected}"
    return [f.line for f in result.findings if f.code == code and f.path == path]


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_rule_case(code, case, tmp_path):
    if _in_memory(RULES[code], case):
        lines = _lines_in_memory(code, case)
    else:
        lines = _lines_in_project(code, case, tmp_path / "app")
    shown = case.source if _python(RULES[code]) else _project_files(RULES[code], case)
    if isinstance(case, Invalid):
        assert lines, f"{code} did not fire on:\n{shown}"
        if case.lines:
            assert tuple(sorted(lines)) == case.lines, f"{code} fired on lines {sorted(lines)}, expected {case.lines}"
    else:
        assert not lines, f"{code} fired on a near miss:\n{shown}\n{lines}"


def test_every_rule_has_cases_that_must_and_must_not_fire():
    for code, rule in RULES.items():
        assert rule.VALID and rule.INVALID, f"{code} needs cases that must and must not fire"
        for case in [*rule.VALID, *rule.INVALID]:
            assert type(case) in (Valid, Invalid), f"{code}: {case!r} is not a Valid or Invalid case"


def test_every_fixable_rule_has_a_case_with_its_fixed_file():
    """The exact text a fix leaves is part of the rule's cases, for each kind of fix it offers."""
    for code, doc in load_rule_docs().items():
        if doc.fix:
            assert any(case.fixed is not None for case in RULES[code].INVALID), \
                f"{code} offers fixes: give an Invalid case `fixed=`, the file once they are applied"


# -- fixes -------------------------------------------------------------------------------
def _fixes_in_memory(code: str, source: str, filename: str) -> list:
    if issubclass(RULES[code], ProjectRule):
        return [f.fix for f in _program_findings(code, source, filename) if f.fix]
    task = FileTask(path=filename, display_path=filename, report=frozenset({code}), source=source.encode())
    return [f.fix for f in analyze_file(task).findings if f.code == code and f.fix]


@pytest.mark.parametrize(("code", "case"), list(_cases(invalid_only=True)))
def test_fixes_of_rule_cases_are_documented_and_keep_the_file_valid(code, case, tmp_path):
    """Every fix a case gets is of a kind its rule document names, and applying all of them
    (unsafe ones too, pass after pass as --fix does) leaves a valid file with no fix left:
    valid Python, or a Procfile that declares the same process types."""
    documented = set(load_rule_docs()[code].fix)
    if not _in_memory(RULES[code], case):
        root = tmp_path / "app"
        result = check_project(root, _project_files(RULES[code], case), [code], case.options)
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
        expected = case.fixed_text(_python(RULES[code]))
        if expected is not None:
            fixed = (root / _checked_path(RULES[code], case)).read_text(encoding="utf-8")
            assert fixed == expected, f"{code}: the fixed file differs from the case's `fixed`:\n{fixed}"
        return
    source, filename = case.source, _filename(RULES[code], case)
    for _ in range(5):
        offered = _fixes_in_memory(code, source, filename)
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
