"""Analyze one Procfile, app.json, Dockerfile, deployment descriptor or shell script: read it
(``documents.py``, ``dockerfiles.py``, ``descriptor_documents.py``, ``scripts.py``), run the
rules of its kind on it, and keep its facts for the process model. A server configuration
(gunicorn module, uwsgi ini/yaml, supervisord.conf: ``server_configs.py``) is judged here
too, after the file's own analysis as Python or text (``analyze_server_config``). Once the process model is built, the
formation rules' findings are made here too (``formation_findings``).

A file meant for a developer's machine (``Procfile.dev``, ``Dockerfile.dev``, a Compose
override for development: ``files/kinds.is_local_file``) is read like any other; the run
asks it only for the codes that report in a local-only file (``run/runner.py``), so it gets
no production or portability findings. A comment line ``# twelvecheck: ignore[TWC511]``
covers the process line below it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from twelvecheck.core.findings import FileResult, Finding
from twelvecheck.core.ruledocs import resolve_code
from twelvecheck.deploy.appjson import AppJsonError
from twelvecheck.deploy.declared import DescriptorError
from twelvecheck.deploy.descriptor_documents import KUBERNETES, read_descriptor
from twelvecheck.deploy.kubernetes import TemplateFile, looks_like_manifest
from twelvecheck.deploy.container import ScriptProblem
from twelvecheck.deploy.dockerfile import UnreadableDockerfile
from twelvecheck.deploy.dockerfiles import read_dockerfile
from twelvecheck.deploy.documents import ServerConfigDocument, read_app_json, read_procfile
from twelvecheck.deploy.formation import finding_key
from twelvecheck.deploy.procfile import UnreadableProcfile, split_lines
from twelvecheck.deploy.scripts import UnreadableScript, read_script
from twelvecheck.deploy.server_configs import read_server_config
from twelvecheck.engine.meta import PARSE_ERROR
from twelvecheck.engine.registry import load_rules, problems_of, rules_of_kind
from twelvecheck.engine.rule import DeployRule, FormationRule, Problem
from twelvecheck.engine.suppressions import TRAILING_DIRECTIVE, Suppression, Suppressions, directives, parse_codes
from twelvecheck.engine.task import FileTask, FindingFactory
from twelvecheck.files.kinds import APPJSON, COMPOSE, DOCKERFILE, PLATFORM, PROCFILE, SCRIPT, process_file_kind

Coded = tuple[str, Problem]  # a rule's code and one of its problems
MAX_DESCRIPTOR_BYTES = 2 * 1024 * 1024


def analyze_deploy_file(task: FileTask, result: FileResult) -> None:
    try:
        data = task.source if task.source is not None else Path(task.path).read_bytes()
    except OSError as exc:
        _unreadable(task, result, [], f"cannot read file: {exc.strerror or exc}")
        return
    if task.kind == APPJSON:
        _analyze_app_json(task, data, result)
    elif task.kind in (COMPOSE, PLATFORM):
        _analyze_descriptor(task, task.kind, data, result)
    elif task.kind == DOCKERFILE:
        _analyze_dockerfile(task, data, result)
    elif task.kind == SCRIPT:
        _analyze_script(task, data, result)
    else:
        _analyze_procfile(task, data, result)


def read_manifest_facts(task: FileTask, result: FileResult) -> None:
    """A YAML file's Kubernetes workloads, when it holds manifests (added to its facts; the
    file's own rules, a logging configuration's, run as for any YAML file)."""
    try:
        data = task.source if task.source is not None else Path(task.path).read_bytes()
    except OSError:
        return  # the text rules report it
    if len(data) > MAX_DESCRIPTOR_BYTES or not looks_like_manifest(data.decode("utf-8", "replace")):
        return
    _analyze_descriptor(task, KUBERNETES, data, result, quiet=True)


def _analyze_descriptor(task: FileTask, kind: str, data: bytes, result: FileResult, quiet: bool = False) -> None:
    """A Compose file, a platform's descriptor or a manifest: its declared processes become
    facts for the process model; a file that cannot be read is a TWC001 (a YAML file that is
    not a manifest after all says nothing)."""
    if len(data) > MAX_DESCRIPTOR_BYTES:
        _unreadable(task, result, [], f"larger than {MAX_DESCRIPTOR_BYTES // 1024} KiB: not a descriptor to read")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not quiet:
            _unreadable(task, result, [], f"cannot decode as UTF-8 ({exc.reason} at byte {exc.start})",
                        data.count(b"\n", 0, exc.start) + 1)
        return
    directory = _directory(task)
    try:
        document = read_descriptor(kind, text, task.display_path, directory)
    except TemplateFile as exc:
        result.facts = {**(result.facts or {}), "declared": {"kind": kind, "processes": [], "note": exc.reason}}
        return
    except DescriptorError as exc:
        if not quiet:
            _unreadable(task, result, split_lines(text), exc.reason, exc.line, exc.column)
        return
    result.parsed = True
    result.facts = {**(result.facts or {}), **document.facts()}
    # The command rules judge each production process's command at its line (JSON takes
    # no comments, so no suppressions there).
    suppressions = comment_suppressions(text) if not task.display_path.endswith(".json") else Suppressions.empty()
    result.findings.extend(make_findings(task, split_lines(text), _problems(task, document, result, kind), suppressions))


def _directory(task: FileTask) -> Path | None:
    """Where the file's commands run and its relative paths point: its folder (None for
    standard input, which has no place)."""
    return Path(task.path).parent if task.source is None or task.in_place else None


def _analyze_procfile(task: FileTask, data: bytes, result: FileResult) -> None:
    directory = _directory(task)
    try:
        document = read_procfile(data, task.display_path, directory)
    except UnreadableProcfile as exc:
        _unreadable(task, result, [], f"Procfile: {exc.message}", exc.line, exc.column)
        return
    result.parsed = True
    procfile = document.procfile
    result.findings.extend(make_findings(task, procfile.lines, _problems(task, document, result),
                                         comment_suppressions(procfile.text)))
    result.facts = document.facts()


def _analyze_dockerfile(task: FileTask, data: bytes, result: FileResult) -> None:
    """A Dockerfile's findings; those in a script it runs are reported in that script (its
    `#` comments suppress them), with the Dockerfile line that runs it in the message."""
    directory = _directory(task)
    try:
        document = read_dockerfile(data, task.display_path, directory)
    except UnreadableDockerfile as exc:
        _unreadable(task, result, [], f"Dockerfile: {exc.message}", exc.line, exc.column)
        return
    result.parsed = True
    in_scripts: dict[Any, list[Coded]] = {}
    own = []
    for code, problem in _problems(task, document, result):
        if isinstance(problem, ScriptProblem) and problem.script is not None:
            in_scripts.setdefault((problem.script, problem.shown), []).append((code, problem))
        else:
            own.append((code, problem))
    dockerfile = document.dockerfile
    result.findings.extend(make_findings(task, dockerfile.lines, own, comment_suppressions(dockerfile.text)))
    for (script, shown), problems in sorted(in_scripts.items(), key=lambda item: item[0][1]):
        try:
            text = Path(script).read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        script_task = dataclasses.replace(task, path=str(script), display_path=shown, source=None)
        result.findings.extend(make_findings(script_task, split_lines(text), problems,
                                             comment_suppressions(text)))
    result.facts = document.facts()
def _analyze_script(task: FileTask, data: bytes, result: FileResult) -> None:
    directory = _directory(task)
    try:
        document = read_script(data, task.display_path, directory)
    except UnreadableScript as exc:
        _unreadable(task, result, [], f"shell script: {exc.message}", exc.line)
        return
    result.parsed = True
    suppressions = Suppressions.scan(document.text, resolve_code, by_line=True)
    result.findings.extend(make_findings(task, document.lines, _problems(task, document, result), suppressions))


# The rules that judge server configuration files (a pseudo-kind: such a file is Python or
# text first, and a server configuration when its name and content say so).
SERVER_CONFIG = "server-config"
MAX_SERVER_CONFIG_BYTES = 256 * 1024


def analyze_server_config(task: FileTask, result: FileResult) -> None:
    """The findings of a gunicorn, uwsgi or supervisord configuration file, added to the
    file's result; nothing for any other file."""
    if not any(rule.code in task.report for rule in rules_of_kind(SERVER_CONFIG)):
        return
    try:
        data = task.source if task.source is not None else Path(task.path).read_bytes()
    except OSError:
        return  # the file's own analysis reports it
    if len(data) > MAX_SERVER_CONFIG_BYTES or b"\x00" in data:
        return
    text = data.decode("utf-8-sig", "replace")
    config = read_server_config(task.display_path, text)
    if config is None:
        return
    document = ServerConfigDocument(task.display_path, config,
                                    _directory(task))
    lines = split_lines(text)
    suppressions = Suppressions.scan(text, resolve_code, by_line=not task.display_path.endswith(".py"))
    problems = _problems(task, document, result, SERVER_CONFIG)
    # A Python file's suppressions were applied (and counted) by its own analysis already.
    result.findings.extend(make_findings(task, lines, problems, suppressions))
    if config.programs and not result.facts:
        result.facts = config.facts()


def _analyze_app_json(task: FileTask, data: bytes, result: FileResult) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b'"formation"' in data:  # meant for a platform, which cannot read it either
            _unreadable(task, result, [], f"cannot decode as UTF-8 ({exc.reason} at byte {exc.start})",
                        data.count(b"\n", 0, exc.start) + 1)
        return  # otherwise not ours to judge: some other tool's app.json
    try:
        document = read_app_json(text, task.display_path)
    except AppJsonError as exc:
        _unreadable(task, result, split_lines(text), exc.reason, exc.line, exc.column)
        return
    if document is None:
        return
    result.parsed = True
    result.findings.extend(make_findings(task, document.lines, _problems(task, document, result), Suppressions.empty()))
    result.facts = document.facts()


def _problems(task: FileTask, document: Any, result: FileResult, kind: str | None = None) -> list[Coded]:
    """The problems of every reported rule that judges files of this kind (``kind``: the
    document's, where it is not the file's: Kubernetes manifests are YAML files). A rule that
    raises costs only its own problems; the error names it."""
    rules = [rule for rule in rules_of_kind(kind or task.kind)
             if issubclass(rule, DeployRule) and rule.code in task.report]
    return problems_of(rules, lambda rule: rule.check(document), task.display_path, result.errors)


def _unreadable(task: FileTask, result: FileResult, lines: list[str], reason: str, line: int = 1,
                column: int = 1) -> None:
    problem = Problem.at(line, column, column + 1, {"reason": reason})
    result.findings.extend(make_findings(task, lines, [(PARSE_ERROR, problem)], Suppressions.empty()))


def formation_findings(model: Any, tasks: dict[str, FileTask]) -> tuple[list[Finding], dict]:
    """The findings of the formation rules for every app whose files were checked, and the
    process types each one is about (the formation table lists them per type)."""
    by_file: dict[str, list[Coded]] = {}
    about: dict[tuple[str, str, int, int], tuple[str, ...]] = {}
    rules = [rule for rule in load_rules().values() if issubclass(rule, FormationRule)]
    for app in model.apps:
        for rule in rules:
            if app.procfile is None and not (rule.judges_descriptors and app.declared):
                continue  # an app.json alone: the process types are declared elsewhere
            for path, problem, types in rule.check_app(app):
                by_file.setdefault(path, []).append((rule.code, problem))
                about[(path, rule.code, problem.span.line, problem.span.column)] = types
    findings = []
    for path, problems in by_file.items():
        task = tasks.get(path)
        if task is None:
            continue
        try:
            text = Path(task.path).read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        suppressions = comment_suppressions(text) if _has_hash_comments(path) else Suppressions.empty()
        findings += make_findings(task, split_lines(text), problems, suppressions)
    concerns = {key: set(about[key]) for key in (finding_key(f) for f in findings) if key in about}
    return findings, concerns


def _has_hash_comments(path: str) -> bool:
    """Procfiles and the YAML and TOML descriptors take `#` comments (JSON takes none)."""
    return process_file_kind(path) == PROCFILE or path.endswith((".yml", ".yaml", ".toml"))


def comment_suppressions(text: str) -> Suppressions:
    """Directives in `#` comment lines, each covering the next line that is no comment, and
    at the end of a line (``TRAILING_DIRECTIVE``), covering that line."""
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
            trailing = TRAILING_DIRECTIVE.search(line) if "#" in line else None
            if trailing:  # a directive at the end of the line covers that line
                for kind, codes_text, offset in directives(trailing.group("comment")):
                    written = parse_codes(codes_text)
                    if kind == "noqa" and not written:
                        continue
                    items.append(Suppression(number, trailing.start("comment") + 1 + offset, kind, False, written,
                                             {code: resolve_code(code) for code in written}))
            continue
        column = len(line) - len(stripped) + 1
        following = following_of[number + 1]
        for kind, codes_text, offset in directives(stripped):
            written = parse_codes(codes_text)
            if kind == "noqa" and not written:
                continue
            items.append(Suppression(number, column + offset, kind, True, written,
                                     {code: resolve_code(code) for code in written}, covers_line=following))
    return Suppressions(items)


def make_findings(task: FileTask, lines: list[str], problems: list[Coded], suppressions: Suppressions) -> list[Finding]:
    """Findings for the problems the task reports, minus the suppressed ones."""
    factory = FindingFactory(task, lines)
    findings = []
    for code, problem in sorted(problems, key=lambda item: (item[1].span.line, item[1].span.column, item[0])):
        if code not in task.report:
            continue
        span = problem.span
        if code != PARSE_ERROR and suppressions.suppresses(code, span.line, span.end_line,
                                                           problem.statement_line or span.line):
            continue
        findings.append(factory.make(code, span, problem.fields, fix=problem.fix))
    return findings
