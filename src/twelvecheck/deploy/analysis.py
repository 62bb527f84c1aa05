"""Analyze one Procfile or app.json: findings of the file itself, and facts for the project pass.

The run hands over files of kind "procfile" and "appjson" (see ``files/kinds.py``).
Findings in a development variant (``Procfile.dev``) are one severity lower; a comment line
``# twelvecheck: ignore[TWC511]`` covers the process line below it.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

from twelvecheck.deploy.appjson import AppJsonError, read_formation
from twelvecheck.deploy.shell_commands import CommandReading, Invocation, read_command
from twelvecheck.core.findings import SAFE, Edit, FileResult, Fix, Severity, Span
from twelvecheck.deploy.procfile import Entry, Procfile, UnreadableProcfile, parse, split_lines
from twelvecheck.files.kinds import procfile_variant
from twelvecheck.checks.procfile._syntax import Problem, describe_readings, readings_of, syntax_problems
from twelvecheck.checks.procfile._commands import CommandFix, EntryCommands, first_argument, find_options, scheduler_of, tool_names
from twelvecheck.deploy.shell_words import QuoteError, tokenize
from twelvecheck.engine.suppressions import Suppression, Suppressions, _directives, _parse_codes

from twelvecheck.engine.meta import PARSE_ERROR


def read_bytes(task) -> bytes:
    return task.source if task.source is not None else Path(task.path).read_bytes()


def analyze_deploy_file(task, result: FileResult) -> None:
    try:
        data = read_bytes(task)
    except OSError as exc:
        _report(task, result, [], [Problem(PARSE_ERROR, 1, 1, 2, {"reason": f"cannot read file: {exc.strerror or exc}"})])
        return
    if task.kind == "appjson":
        _analyze_app_json(task, data, result)
    else:
        _analyze_procfile(task, data, result)


# -- Procfile ------------------------------------------------------------------------------
def _analyze_procfile(task, data: bytes, result: FileResult) -> None:
    try:
        procfile = parse(data)
    except UnreadableProcfile as exc:
        _report(task, result, [], [Problem(PARSE_ERROR, exc.line, exc.column, exc.column + 1,
                                           {"reason": f"Procfile: {exc.message}"})])
        return
    result.parsed = True
    variant = procfile_variant(task.display_path)
    directory = Path(task.path).parent if task.source is None or task.in_place else None
    root = _repository_root(directory) if directory is not None else None
    problems: list[Problem] = []
    entries_facts = []
    readings: dict[int, list[Invocation]] = {}  # line -> what the entry runs
    explained: set[int] = set()
    for entry in procfile.entries:
        command_problem = _unrunnable(entry.command)
        if command_problem:
            explained.add(entry.line)
            problems.append(Problem("TWC505", entry.line, entry.command_column, entry.end_column, {
                "what": command_problem, "how": _how_they_read(procfile, entry.line)}))
            continue
        reading: CommandReading = read_command(entry.command, directory, root)
        readings[entry.line] = reading.invocations
    by_name: dict[str, list[Invocation]] = {}
    for entry in procfile.entries:
        by_name.setdefault(entry.name, readings.get(entry.line, []))
    for entry in procfile.entries:
        invocations = readings.get(entry.line)
        if invocations is None:
            continue
        started = _started_types(invocations, by_name, entry.name)
        for issue in EntryCommands(entry.name, invocations, root, started, entry.command).check():
            problems.append(Problem(issue.code, entry.line, entry.command_column + issue.token.start,
                                    entry.command_column + issue.token.end,
                                    {"what": issue.what, "type": entry.name},
                                    fix=command_fix(entry, issue.fix) if issue.fix else None))
        entries_facts.append({
            "name": entry.name, "line": entry.line, "column": entry.column, "end_column": entry.end_column,
            "command": entry.command, "scheduler": scheduler_of(entry.name, invocations),
            "tools": tool_names(invocations), "targets": _targets(invocations, task, directory),
        })
    problems[:0] = syntax_problems(procfile, explained)
    if variant == "misnamed":
        problems.insert(0, Problem("TWC508", 1, 1, 2, {"name": posixpath.basename(task.display_path)}))
    _report(task, result, procfile.lines, problems, procfile=procfile, lower=variant == "development")
    result.facts = {"procfile": {"variant": variant, "entries": entries_facts}}


def command_fix(entry: Entry, fix: CommandFix) -> Fix:
    """A fix of an entry's command as edits of the Procfile line; a removed word takes the
    blanks after it with it (before it, at the end of the command), so no double space stays."""
    command = entry.command
    edits = []
    for edit in fix.edits:
        start, end = edit.start, edit.end
        if edit.remove:
            after = len(command) - len(command[end:].lstrip(" \t")) if end < len(command) else end
            if after < len(command):
                end = after
            else:
                start = len(command[:start].rstrip(" \t"))
        edits.append(Edit(Span(entry.line, entry.command_column + start, entry.line, entry.command_column + end),
                          edit.content))
    return Fix(SAFE, fix.message, tuple(edits))


def _how_they_read(procfile: Procfile, line: int) -> str:
    return describe_readings(readings_of(procfile, line))


def _unrunnable(command: str) -> str | None:
    try:
        tokens = tokenize(command)
    except QuoteError as exc:
        return f"the command has an {exc} (sh cannot run it)"
    if len(tokens) == 1 and tokens[0].quoted and re.search(r"\s", tokens[0].text) and \
            tokens[0].raw[:1] in "'\"" and tokens[0].raw[-1:] == tokens[0].raw[:1]:
        first = tokens[0].text.split()[0]
        return (f"the whole command is one quoted word, so sh looks for a program named "
                f"{tokens[0].text[:40]!r} instead of running {first!r} with arguments")
    return None


def _started_types(invocations: list[Invocation], readings: dict[str, list[Invocation]], own: str):
    """(manager invocation, the invocations of the process types it starts) for
    `honcho start collectstatic migrate` and the like, one level deep."""
    started = []
    for inv in invocations:
        if inv.tool is None or inv.tool.role != "manager":
            continue
        for token in inv.args:
            if token.text in readings and token.text != own:
                started.append((inv, readings[token.text]))
    return started


def _repository_root(directory: Path) -> Path:
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


def _targets(invocations: list[Invocation], task, directory: Path | None) -> list[dict[str, Any]]:
    """The Python code a process type runs, as display paths where the file exists."""
    targets: list[dict[str, Any]] = []
    shown_dir = posixpath.dirname(task.display_path)

    def shown(path: Path) -> str | None:
        if directory is None or not path.is_file():
            return None
        relative = os.path.relpath(path, directory).replace(os.sep, "/")
        return posixpath.normpath(posixpath.join(shown_dir, relative))

    def module_file(base: Path, module: str, package_files: tuple[str, ...]) -> str | None:
        parts = module.split(".")
        for root in (base, base / "src"):
            for suffix in (f"{parts[-1]}.py", *(f"{parts[-1]}/{name}" for name in package_files)):
                found = shown(root.joinpath(*parts[:-1], suffix))
                if found:
                    return found
        return None

    for inv in invocations:
        base = inv.base or directory
        if base is None:
            continue
        if inv.script:
            path = shown(base / inv.script)
            if path:
                targets.append({"kind": "script", "path": path, "name": inv.script})
        elif inv.module:
            path = module_file(base, inv.module, ("__main__.py", "__init__.py"))
            targets.append({"kind": "module", "path": path, "name": inv.module})
        elif inv.tool is not None and inv.tool.app and (app := first_argument(inv)) is not None:
            module, _, attr = app.text.partition(":")
            if re.match(r"^[A-Za-z_][\w.]*$", module):
                targets.append({"kind": "app", "path": module_file(base, module, ("__init__.py",)),
                                "name": module, "attr": attr.split("(")[0] or None})
        elif inv.tool is not None and inv.tool.key.startswith("celery"):
            for option in find_options(inv.args, ("-A APP", "--app APP")):
                module = (option.value or "").partition(":")[0]
                if re.match(r"^[A-Za-z_][\w.]*$", module):
                    path = module_file(base, module, ("__init__.py",)) or module_file(base, f"{module}.celery", ())
                    targets.append({"kind": "celery", "path": path, "name": module})
        elif inv.tool is None and inv.words and "/" not in inv.program and re.match(r"^[\w.-]+$", inv.program):
            targets.append({"kind": "console", "path": None, "name": inv.program})
    return targets


# -- app.json ------------------------------------------------------------------------------
def _analyze_app_json(task, data: bytes, result: FileResult) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b'"formation"' in data:  # meant for a platform, which cannot read it either
            line = data.count(b"\n", 0, exc.start) + 1
            _report(task, result, [], [Problem(PARSE_ERROR, line, 1, 2, {
                "reason": f"cannot decode as UTF-8 ({exc.reason} at byte {exc.start})"})])
        return  # otherwise not ours to judge: some other tool's app.json
    try:
        items = read_formation(text)
    except AppJsonError as exc:
        _report(task, result, split_lines(text), [Problem(PARSE_ERROR, exc.line, exc.column, exc.column + 1,
                                                          {"reason": exc.reason})])
        return
    if items is None:
        return
    result.parsed = True
    problems = [Problem("TWC602", item.value_line, item.value_column, item.value_end_column,
                        {"type": item.type, "problem": item.problem}) for item in items if item.problem]
    _report(task, result, split_lines(text), problems)
    result.facts = {"appjson": {"formation": [
        {"type": item.type, "quantity": item.quantity, "valid": item.problem is None,
         "line": item.line, "column": item.column, "end_column": item.end_column,
         "value_line": item.value_line, "value_column": item.value_column} for item in items]}}


# -- findings ------------------------------------------------------------------------------
def comment_suppressions(text: str) -> Suppressions:
    """Directives in `#` comment lines; one covers the next line that is no comment."""
    from twelvecheck.core.ruledocs import resolve_code

    lines = split_lines(text)
    # The line each comment covers: the next one that is neither blank nor a comment
    # (found in one pass from the end, so a file of comments stays linear).
    following_of: list[int] = [0] * (len(lines) + 2)
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        covered = line.strip() and not line.lstrip().startswith("#")
        following_of[number] = number if covered else following_of[number + 1]
    items = []
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip(" \t\ufeff")
        if not stripped.startswith("#"):
            continue
        column = len(line) - len(stripped) + 1
        following = following_of[number + 1]
        for kind, codes_text, offset in _directives(stripped):
            written = _parse_codes(codes_text)
            if kind == "noqa" and not written:
                continue
            items.append(Suppression(number, column + offset, kind, True, written,
                                     {code: resolve_code(code) for code in written}, covers_line=following))
    return Suppressions(items)


def lowered(severity: Severity) -> Severity:
    return Severity(max(Severity.INFO, severity - 1))


def make_findings(task, lines: list[str], problems: list[Problem], suppressions: Suppressions,
                  lower: bool = False) -> list:
    """Findings for the problems the task reports, minus the suppressed ones."""
    from twelvecheck.engine.task import FindingFactory

    factory = FindingFactory(task, lines)
    overridden = dict(task.severities)
    findings = []
    for problem in sorted(problems, key=lambda p: (p.line, p.column, p.code)):
        if problem.code not in task.report:
            continue
        end_line = problem.end_line or problem.line
        if problem.code != PARSE_ERROR and suppressions.suppresses(problem.code, problem.line, end_line, problem.line):
            continue
        finding = factory.make(problem.code, Span(problem.line, problem.column, end_line,
                                                  max(problem.end_column, problem.column + 1)), problem.fields,
                               fix=problem.fix)
        if lower and problem.code not in overridden:
            finding.severity = lowered(finding.severity)
        findings.append(finding)
    return findings


def _report(task, result: FileResult, lines: list[str], problems: list[Problem], procfile: Procfile | None = None,
            lower: bool = False) -> None:
    suppressions = comment_suppressions(procfile.text) if procfile is not None else Suppressions.empty()
    result.findings.extend(make_findings(task, lines, problems, suppressions, lower))
