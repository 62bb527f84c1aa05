"""``--fix`` and ``--diff``: apply the reported findings' fixes, file by file, never breaking one.

For each file with an applicable fix: apply the fixes that do not overlap (fix/apply.py),
check the result (Python must still parse, with CPython's parser and libcst's; a Procfile
must declare the same process types, in the same order), analyze the new text again and
apply what that run offers, at most ``MAX_PASSES`` times. A fix that would break the file
is dropped with a message and the file keeps the passes before it. A file with a TWC001
(it could not be read or parsed) is never touched, and nothing is written unless every
pass of the file checked out. Writes are atomic (fsutil.write_atomically): a file is
either the old one or the new one, with its mode kept.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from twelvecheck.core.findings import Finding, ToolError
from twelvecheck.deploy.dockerfile import UnreadableDockerfile
from twelvecheck.deploy.dockerfile import parse as parse_dockerfile
from twelvecheck.deploy.procfile import UnreadableProcfile, parse
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.files.kinds import DOCKERFILE, PROCFILE, PYTHON
from twelvecheck.engine.meta import PARSE_ERROR
from twelvecheck.engine.task import FileTask
from twelvecheck.fix.apply import apply as apply_fixes
from twelvecheck.run.worker import analyze_file

MAX_PASSES = 5
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as libcst and the Procfile parser count them


@dataclass
class FileFix:
    task: FileTask
    original: str
    fixed: str
    encoding: str
    applied: list[tuple[str, str]] = field(default_factory=list)  # (code, fix message)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        name = self.task.display_path
        lines = difflib.unified_diff(_diff_lines(self.original), _diff_lines(self.fixed),
                                     fromfile=f"a/{name}", tofile=f"b/{name}")
        return "".join(lines)


@dataclass
class FixOutcome:
    files: list[FileFix] = field(default_factory=list)
    errors: list[ToolError] = field(default_factory=list)
    # Findings with a fix that only --unsafe-fixes applies (when it was not given).
    unsafe_left: int = 0

    @property
    def fixed_count(self) -> int:
        return sum(len(item.applied) for item in self.files if item.changed)

    @property
    def changed_files(self) -> list[FileFix]:
        return [item for item in self.files if item.changed]


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safe or unsafe)


def plan_fixes(findings: list[Finding], tasks: dict[str, FileTask], unsafe: bool,
               keep: Callable[[list[Finding]], list[Finding]] = lambda found: found) -> FixOutcome:
    """The fixed text of every file with an applicable fix (nothing is written here).
    ``keep`` narrows a re-analysis's findings the way the run's were (the baseline)."""
    outcome = FixOutcome()
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, found in sorted(by_path.items()):
        outcome.unsafe_left += sum(1 for f in found if f.fix is not None and not f.fix.safe and not unsafe)
        wanted = [finding for finding in found if applicable(finding, unsafe)]
        task = tasks.get(path)
        if not wanted or task is None or task.source is not None and not task.in_place:
            continue
        if any(finding.code == PARSE_ERROR for finding in found):
            continue
        item = _fix_file(task, wanted, unsafe, keep, outcome.errors)
        if item is not None:
            outcome.files.append(item)
    return outcome


def write_fixes(outcome: FixOutcome, write_atomically: Callable[[str, bytes], None]) -> None:
    for item in outcome.changed_files:
        target = Path(item.task.path).resolve()  # through a symlink: the file it names
        try:
            write_atomically(str(target), item.fixed.encode(item.encoding))
        except OSError as exc:
            outcome.errors.append(ToolError(f"cannot write the fixed file: {exc.strerror or exc}",
                                            item.task.display_path))
            item.fixed = item.original


def _fix_file(task: FileTask, wanted: list[Finding], unsafe: bool, keep, errors: list[ToolError]) -> FileFix | None:
    try:
        data = Path(task.path).read_bytes()
        text, encoding = _decode(task, data)
    except (OSError, SourceError, UnicodeError) as exc:
        errors.append(ToolError(f"cannot fix: {getattr(exc, 'message', None) or exc}", task.display_path))
        return None
    if text.encode(encoding) != data:
        errors.append(ToolError(f"cannot fix: the file would not be written back byte for byte as {encoding}",
                                task.display_path))
        return None
    item = FileFix(task, text, text, encoding)
    codes = {finding.code for finding in wanted}
    # No prefilter: the fixed text must go through libcst's parser too, whatever it contains.
    check_task = dataclasses.replace(task, report=task.report | {PARSE_ERROR}, in_place=True, prefilter=False)
    for _ in range(MAX_PASSES):
        new_text, applied = apply_fixes(item.fixed, [finding.fix for finding in wanted])
        if not applied or new_text == item.fixed:
            break
        problem = _breaks(task, item.fixed, new_text)
        if problem is None:
            result = analyze_file(dataclasses.replace(check_task, source=new_text.encode(encoding)))
            broken = [f for f in result.findings if f.code == PARSE_ERROR] or result.errors
            if broken:
                problem = str(broken[0].message)
        if problem is not None:
            names = ", ".join(sorted({finding.code for finding in wanted if finding.fix in applied}))
            errors.append(ToolError(f"a fix of {names} was not applied: {problem}", task.display_path))
            break
        by_fix = {id(finding.fix): finding for finding in wanted}
        item.applied.extend((by_fix[id(fix)].code, fix.message) for fix in applied)
        item.fixed = new_text
        # A conditional finding (run/conditions.py) carries no fix: only plain ones are fixed.
        again = [f for f in result.findings if f.code in codes and f.code != PARSE_ERROR and f.requires is None]
        wanted = [finding for finding in keep(again) if applicable(finding, unsafe)]
    return item if item.changed else None


def _decode(task: FileTask, data: bytes) -> tuple[str, str]:
    if task.kind == "python":
        text = decode_source(data)
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return text, encoding
    return data.decode("utf-8"), "utf-8"


def _breaks(task: FileTask, old: str, new: str) -> str | None:
    """Why the new text is not acceptable, or None."""
    if task.kind == PYTHON:
        try:
            ast.parse(new)
        except SyntaxError as exc:
            return f"the result would not be valid Python: {exc.msg} (line {exc.lineno})"
        except (ValueError, RecursionError, MemoryError) as exc:
            return f"the result would not be valid Python: {exc}"
        return None
    if task.kind == PROCFILE:
        try:
            before, after = parse(old), parse(new)
        except UnreadableProcfile as exc:
            return f"the result would not be a readable Procfile ({exc.message})"
        if [entry.name for entry in before.entries] != [entry.name for entry in after.entries]:
            return "the result would declare other process types"
        return None
    if task.kind == DOCKERFILE:
        try:
            before, after = parse_dockerfile(old), parse_dockerfile(new)
        except UnreadableDockerfile as exc:
            return f"the result would not be a readable Dockerfile ({exc.message}, line {exc.line})"
        if [i.keyword for i in before.instructions] != [i.keyword for i in after.instructions]:
            return "the result would have other instructions"
        return None
    return f"files of kind {task.kind} have no fixes"


def _diff_lines(text: str) -> list[str]:
    lines = _LINE.findall(text)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
