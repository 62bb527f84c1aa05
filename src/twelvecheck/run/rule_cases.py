"""A rule's VALID and INVALID cases, each through the real pipeline: what
tests/test_rule_cases.py runs for the built-in rules and ``twelvecheck test-rules`` for local
rules and plugins.

A case of one Python file (no other files, no options) runs through the engine in memory,
with and without the prefilter, which must not change its findings. Any other case (a
Procfile or formation rule's, or one of several files) is written to a folder as a small
project and checked by a real run: discovery, the per-file analysis, the whole-program pass.
A case that does not hold raises ``CaseFailure`` saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from twelvecheck.config.formation import FormationOverride, parse_formation_option
from twelvecheck.engine.meta import PARSE_ERROR
from twelvecheck.engine.rule import Invalid, ProjectRule, Rule, Valid
from twelvecheck.engine.task import FileTask
from twelvecheck.program.project import Project
from twelvecheck.run.conditions import answer
from twelvecheck.run.model import RunResult, Settings
from twelvecheck.run.runner import run
from twelvecheck.run.worker import analyze_file


class CaseFailure(AssertionError):
    """A case that does not hold (an AssertionError, so that pytest shows it as one)."""


@dataclass(frozen=True)
class Case:
    rule: type[Rule]
    kind: str  # "valid" or "invalid"
    index: int
    case: Valid

    @property
    def name(self) -> str:
        return f"{self.rule.code}-{self.kind}-{self.index}"


def cases_of(rules: dict[str, type[Rule]], invalid_only: bool = False) -> Iterator[Case]:
    for rule in rules.values():
        for kind, cases in (("valid", [] if invalid_only else rule.VALID), ("invalid", rule.INVALID)):
            for index, case in enumerate(cases):
                yield Case(rule, kind, index, case)


def missing_cases(rule: type[Rule]) -> str | None:
    """What is wrong with a rule's lists of cases, or None."""
    if not rule.VALID or not rule.INVALID:
        return f"{rule.code} needs cases that must fire (INVALID) and must not (VALID)"
    for case in [*rule.VALID, *rule.INVALID]:
        if type(case) not in (Valid, Invalid):
            return f"{rule.code}: {case!r} is not a Valid or Invalid case"
    return None


def check_case(item: Case, workdir: Path, local_rules: tuple[str, ...] = ()) -> None:
    """Run one case; CaseFailure when it does not hold. ``workdir``: an empty folder for a
    case that needs a project; ``local_rules``: absolute paths, for the runs of such cases."""
    rule, case = item.rule, item.case
    if in_memory(rule, case):
        lines = _lines_in_memory(rule, case)
    else:
        lines = _lines_in_project(rule, case, workdir, local_rules)
    shown = case.source if is_python(rule) else project_files(rule, case)
    if isinstance(case, Invalid):
        if not lines:
            raise CaseFailure(f"{rule.code} did not fire on:\n{shown}")
        if case.lines and tuple(sorted(lines)) != case.lines:
            raise CaseFailure(f"{rule.code} fired on lines {sorted(lines)}, expected {case.lines}:\n{shown}")
    elif lines:
        raise CaseFailure(f"{rule.code} fired on a near miss, on lines {sorted(lines)}:\n{shown}")


def is_python(rule: type[Rule]) -> bool:
    return "python" in rule.kinds


def filename(rule: type[Rule], case: Valid) -> str:
    return case.filename or ("app.py" if is_python(rule) else "Procfile")


def checked_path(rule: type[Rule], case: Valid) -> str:
    return case.path or filename(rule, case)


def in_memory(rule: type[Rule], case: Valid) -> bool:
    return is_python(rule) and case.single_file


def project_files(rule: type[Rule], case: Valid) -> dict[str, str]:
    files = dict(case.files)
    if case.code is not None:
        files[filename(rule, case)] = case.source if is_python(rule) else case.code
    return files


# -- one Python file, in memory -----------------------------------------------------------
def file_findings(code: str, source: str, name: str) -> list:
    """Findings without the prefilter; the prefilter must not change them."""
    found = {}
    for prefilter in (False, True):
        task = FileTask(path=name, display_path=name, report=frozenset({code}), source=source.encode(),
                        prefilter=prefilter)
        result = analyze_file(task)
        if result.errors:
            raise CaseFailure("; ".join(str(error) for error in result.errors))
        if not (result.parsed or prefilter or code == PARSE_ERROR):
            raise CaseFailure(f"the case does not parse:\n{source}")
        # Without a project a conditional finding is answered as a run answers it: dropped,
        # unless it is a tool's default that only the project could override (run/conditions.py).
        found[prefilter] = answer([f for f in result.findings if f.code == code], None)
    if [f.to_json() for f in found[True]] != [f.to_json() for f in found[False]]:
        raise CaseFailure(f"the prefilter changed {code}'s findings (are its tokens complete?):\n{source}")
    return found[False]


def program_findings(rule: type[ProjectRule], source: str, name: str) -> list:
    """A whole-program rule over a one-file program."""
    task = FileTask(path=name, display_path=name, report=frozenset({rule.code}), source=source.encode())
    result = analyze_file(task)
    if result.errors:
        raise CaseFailure("; ".join(str(error) for error in result.errors))
    if not result.parsed:
        raise CaseFailure(f"the case does not parse:\n{source}")
    return rule.check_project(Project({name: result.facts}))


def _lines_in_memory(rule: type[Rule], case: Valid) -> list[int]:
    name = filename(rule, case)
    if issubclass(rule, ProjectRule):
        return [finding.span[0] for finding in program_findings(rule, case.source, name)]
    return [finding.line for finding in file_findings(rule.code, case.source, name)]


# -- a project in a folder ---------------------------------------------------------------
def check_project(root: Path, files: dict[str, str], select: list[str], options: tuple[str, ...] = (),
                  local_rules: tuple[str, ...] = ()) -> RunResult:
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return check_project_again(root, select, options, local_rules)


def check_project_again(root: Path, select: list[str], options: tuple[str, ...] = (),
                        local_rules: tuple[str, ...] = ()) -> RunResult:
    settings = Settings(paths=[str(root)], select=select, cwd=root, root=root, local_rules=list(local_rules))
    if options:
        if options[0] != "--formation":
            raise CaseFailure(f"cases know --formation only, not {options}")
        settings.formations = [FormationOverride(parse_formation_option(options[1]), "--formation", [root], True)]
    result = run(settings)
    if result.errors:
        raise CaseFailure("; ".join(str(error) for error in result.errors))
    return result


def _lines_in_project(rule: type[Rule], case: Valid, root: Path, local_rules: tuple[str, ...]) -> list[int]:
    code = rule.code
    result = check_project(root, project_files(rule, case), [code], case.options, local_rules)
    path = checked_path(rule, case)
    others: dict[str, list[int]] = {}
    for finding in result.findings:
        if finding.code == code and finding.path != path:
            others.setdefault(finding.path, []).append(finding.line)
    expected = {other: tuple(lines) for other, lines in case.elsewhere}
    if {other: tuple(sorted(lines)) for other, lines in others.items()} != expected:
        raise CaseFailure(f"{code} fired outside {path} on {others}, expected {expected}")
    return [f.line for f in result.findings if f.code == code and f.path == path]
