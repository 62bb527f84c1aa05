"""One run: settings in, discovered files analyzed (in parallel), findings out."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec

from twelvecheck import checks  # noqa: F401  (registers every rule; they load libcst only when used)
from twelvecheck.closure import FactClosure
from twelvecheck.discovery import DEFAULT_EXCLUDES, SourceFile, discover
from twelvecheck.tasks import FileTask, FindingFactory, resolve_code
from twelvecheck.findings import FileResult, Finding, Severity, Span, ToolError, assign_fingerprints
from twelvecheck.modulepath import module_name_from_path
from twelvecheck.deployment import (apply_process_model, build_process_model, deployment_facts,
                                    process_entry_points, wants_process_files)
from twelvecheck.formation import FormationOverride
from twelvecheck.procfile import process_file_kind
from twelvecheck.project import Project, console_scripts, find_packaging_files
from twelvecheck.rule import REGISTRY, ProjectRule
from twelvecheck.source import SourceError, decode_source
from twelvecheck.suppressions import Suppressions
from twelvecheck.selection import expand, resolve

if TYPE_CHECKING:
    from twelvecheck.cache import ResultCache

# Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 24


@dataclass
class Settings:
    paths: list[str] = field(default_factory=lambda: ["."])
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    extend_exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False
    respect_gitignore: bool = True
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    jobs: int = 0  # 0: one per core
    root: Path = field(default_factory=Path.cwd)  # config directory: patterns are relative to it
    cwd: Path = field(default_factory=Path.cwd)
    stdin_filename: str | None = None
    stdin_source: bytes | None = None
    # Quantities from [tool.twelvecheck.formation], then --formation: each wins over app.json
    # and the ones before it for the process types it names (deployment.build_model).
    formations: list[FormationOverride] = field(default_factory=list)
    # `twelvecheck formation` needs the process model even when no rule that reads it is selected.
    process_model: bool = False
    cache_dir: Path | None = None  # None: no cache (--no-cache, standard input)
    # Off: parse every file and collect whole-program facts everywhere (the tests compare).
    prefilter: bool = True


@dataclass
class RunResult:
    files_scanned: int
    findings: list[Finding]
    errors: list[ToolError]
    enabled: set[str]
    facts: dict[str, dict] = field(default_factory=dict)
    # display path -> the codes that ran on it (reports list them: junit testcases).
    checked: dict[str, list[str]] = field(default_factory=dict)
    # Set by --baseline: {"file", "entries", "baselined", "stale"} (the JSON summary's "baseline").
    baseline: dict | None = None
    # Procfiles, formations and the code each process type runs (deployment.ProcessModel).
    process_model: Any = None
    # display path -> what was analyzed there (the fixer analyzes its fixes the same way).
    tasks: dict[str, FileTask] = field(default_factory=dict)


def _severity_overrides(settings: Settings) -> tuple[tuple[str, Severity], ...]:
    overrides = {}
    for selector, level in settings.severity.items():
        for code in expand(selector):
            overrides[code] = Severity.parse(level)
    return tuple(sorted(overrides.items()))


class _PerFileIgnores:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.root
        self.rules = [
            (pathspec.GitIgnoreSpec.from_lines([pattern]), set().union(*(expand(s) for s in selectors)))
            for pattern, selectors in settings.per_file_ignores.items()
        ]

    def codes_for(self, path: Path, cwd: Path) -> set[str]:
        if not self.rules:
            return set()
        absolute = path if path.is_absolute() else cwd / path
        try:
            relative = Path(os.path.relpath(absolute, self.root)).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        ignored: set[str] = set()
        for spec, codes in self.rules:
            if spec.match_file(relative):
                ignored |= codes
        return ignored


def run(settings: Settings) -> RunResult:
    enabled = resolve(settings.select, settings.extend_select, settings.ignore)
    severities = _severity_overrides(settings)
    per_file = _PerFileIgnores(settings)
    errors: list[ToolError] = []

    if settings.stdin_source is not None:
        name = settings.stdin_filename or "-"
        kind = process_file_kind(name) or "python"  # --stdin-filename Procfile reads a Procfile
        files = [SourceFile(Path(name), name if settings.stdin_filename else "-", kind, True)]
        packaging: list[Path] = []
    else:
        found = discover(
            settings.paths,
            cwd=settings.cwd,
            root=settings.root,
            exclude=[*settings.exclude, *settings.extend_exclude],
            force_exclude=settings.force_exclude,
            respect_gitignore=settings.respect_gitignore,
            include_configs="TWC203" in enabled,
            include_process_files=settings.process_model or wants_process_files(enabled),
        )
        files, errors, packaging = found.files, list(found.errors), found.packaging

    project_codes = sorted(code for code in enabled if issubclass(REGISTRY[code], ProjectRule))
    if project_codes:
        packaging_files = find_packaging_files(_roots(settings))
        known = {path.resolve() for path in packaging_files}
        scripts = console_scripts(packaging_files + [p for p in packaging if p.resolve() not in known])
    else:
        scripts = []
    entry_functions = frozenset(target for _, target in scripts)

    tasks = []
    for source in files:
        report = frozenset(enabled - per_file.codes_for(source.path, settings.cwd))
        if not report:
            continue
        tasks.append(FileTask(
            path=str(source.path if source.path.is_absolute() else settings.cwd / source.path),
            display_path=source.display,
            report=report,
            severities=severities,
            source=settings.stdin_source,
            kind=source.kind,
            entry_functions=entry_functions,
            prefilter=settings.prefilter,
        ))

    # Procfiles, formations, and the code they run (`twelvecheck formation` always wants them).
    with_process_model = settings.process_model or wants_process_files(enabled)
    cache = _open_cache(settings, errors)
    closure = None
    if settings.prefilter and settings.stdin_source is None and (project_codes or with_process_model):
        closure = FactClosure(tasks, scripts, cache.content if cache is not None else None)
        closure.mark_roots()
        if cache is not None:
            closure.assume(cache.recall(_closure_name(settings)))
    results = _analyze_all(tasks, settings.jobs, cache)
    if closure is not None:
        closure.settle(results)
    outside: dict[str, dict] | None = None
    while True:
        facts = {result.path: result.facts for result in results if result.facts}
        if outside is None:  # read once: the closure's waves add Python facts, never Procfiles
            outside = deployment_facts(settings, facts) if with_process_model else {}
        project = Project(facts, scripts) if project_codes or with_process_model else None
        # The process model comes before the whole-program rules: a process type's code is one
        # of their entry points. Its formation findings and escalations come after: they judge
        # the findings of every rule.
        process_model = (build_process_model(facts, outside, settings, project, scripts)
                         if with_process_model else None)
        if project_codes and process_model is not None:
            project.deployed = process_entry_points(process_model, project, scripts)
        missing = _missing_facts(closure, project, process_model)
        if not missing:
            break
        closure.collect(missing, results, lambda more: _analyze_all(more, settings.jobs, cache))
    if cache is not None:
        if closure is not None:
            cache.remember(_closure_name(settings), closure.asked_paths())
        cache.flush()
    findings = [finding for result in results for finding in result.findings]
    if project_codes:
        findings.extend(_project_findings(project, project_codes, tasks, errors))
    if process_model is not None:
        findings = apply_process_model(findings, process_model, tasks, settings)
        errors.extend(ToolError(problem) for problem in process_model.problems)
    for result in results:
        errors.extend(result.errors)
    assign_fingerprints(findings)
    findings.sort(key=Finding.sort_key)
    checked = {task.display_path: _codes_judging(task) for task in tasks}
    return RunResult(len(tasks), findings, errors, enabled, facts, checked, process_model=process_model,
                     tasks={task.display_path: task for task in tasks})


def _missing_facts(closure: FactClosure | None, project: Project | None, model) -> list[int]:
    """Tasks whose facts the whole-program pass can still reach (closure.py)."""
    if closure is None or project is None:
        return []
    starts = [entry.unit for entry in project.entry_points()]
    deployed = [target["path"] for ptype in (model.process_types() if model else [])
                for target in ptype.targets if target.get("path")]
    starts += [unit for path in deployed for unit in project.path_units.get(path, [])]
    return closure.missing(project, starts, deployed)


def _closure_name(settings: Settings) -> str:
    """What the cache files the closure's list under: the same paths checked from the same place."""
    return json.dumps([str(settings.cwd), str(settings.root), settings.paths])


def _codes_judging(task: FileTask) -> list[str]:
    """The reported codes whose rules judge a file of this kind (logging configs: TWC203)."""
    return list(_judging(task.report, task.kind))


@lru_cache(maxsize=256)
def _judging(report: frozenset[str], kind: str) -> tuple[str, ...]:
    judging = sorted(code for code in report
                     if code in REGISTRY and kind in getattr(REGISTRY[code], "kinds", ("python",)))
    return tuple(judging if kind == "python" or judging else sorted(report & {"TWC002", "TWC203"}))


def _roots(settings: Settings) -> list[Path]:
    if settings.stdin_source is not None:
        return [settings.cwd]
    return [p if (p := Path(path)).is_absolute() else settings.cwd / p for path in settings.paths]


def _project_findings(project: Project, codes: list[str], tasks: list[FileTask],
                      errors: list[ToolError]) -> list[Finding]:
    """Findings of whole-program rules, with the file's suppressions and ignores applied."""
    by_path = {task.display_path: task for task in tasks}
    findings = []
    for code in codes:
        try:
            found = REGISTRY[code].check_project(project)
        except Exception as exc:  # a rule bug costs that rule, not the run
            errors.append(ToolError(f"internal error in rule {code}: {type(exc).__name__}: {exc}"))
            continue
        for item in found:
            task = by_path.get(item.path)
            if task is None or code not in task.report:
                continue
            text = _read_text(task)
            lines = text.splitlines()
            line, column, end_line, end_column = item.span
            if Suppressions.scan(text, resolve_code).suppresses(code, line, end_line, line):
                continue
            span = Span(line, column, end_line, end_column)
            findings.append(FindingFactory(task, lines).make(code, span, item.fields, fix=item.fix))
    return findings


def _read_text(task: FileTask) -> str:
    try:
        data = task.source if task.source is not None else Path(task.path).read_bytes()
        return decode_source(data)
    except (OSError, SourceError):
        return ""


def _open_cache(settings: Settings, errors: list[ToolError]) -> "ResultCache | None":
    if settings.cache_dir is None or settings.stdin_source is not None:
        return None
    from twelvecheck.cache import ResultCache

    cache, problem = ResultCache.open(settings.cache_dir)
    if problem:
        print(f"twelvecheck: warning: {problem}", file=sys.stderr)  # slower, not wrong: no error
    return cache


def _analyze_all(tasks: list[FileTask], jobs: int, cache: "ResultCache | None" = None) -> list[FileResult]:
    """Results in task order: cached ones as they are, the rest analyzed (and then cached)."""
    results: list[FileResult | None] = [None] * len(tasks)
    keys: dict[int, str] = {}
    for index, task in enumerate(tasks):
        key = _cache_key(cache, task) if cache is not None else None
        if key is None:
            continue
        results[index] = cache.get(key, task.display_path) or _parsed_anyway(cache, task)
        if results[index] is None:
            keys[index] = key
    pending = [index for index, result in enumerate(results) if result is None]
    for index, result in zip(pending, _analyze(tasks, pending, jobs)):
        results[index] = result
        # Kept only if the analysis read the bytes the key was made from: a file written
        # between the two reads would otherwise be answered wrongly until it changes again.
        content = cache.content(tasks[index].path) if index in keys else None
        if content is not None and result.digest == content.digest:
            cache.put(keys[index], result)
    return results


def _parsed_anyway(cache: "ResultCache", task: FileTask) -> FileResult | None:
    """A file asked for its facts that an earlier run parsed for its own rules: that result
    holds its facts already (engine.py: a parsed file yields them whether asked or not). The
    closure's list (``FactClosure.assume``) asks for such files up front."""
    if not task.collect_facts:
        return None
    key = _cache_key(cache, dataclasses.replace(task, collect_facts=False))
    result = cache.get(key, task.display_path) if key is not None else None
    return result if result is not None and result.parsed else None


def _cache_key(cache: "ResultCache", task: FileTask) -> str | None:
    """Python files only: Procfiles and configs are cheap and depend on files around them."""
    if task.kind != "python" or task.source is not None:
        return None
    content = cache.content(task.path)
    if content is None:
        return None  # unreadable: the analysis reports it
    shape = (task.display_path, task.path, module_name_from_path(task.path)[0], task.collect_facts,
             _shared_shape(task.report, task.severities, task.prefilter, task.entry_functions))
    return cache.key(content.digest, shape)


@lru_cache(maxsize=256)
def _shared_shape(report: frozenset[str], severities: tuple, prefilter: bool, entry_functions: frozenset[str]) -> str:
    """The part of a cache key most tasks of a run share, spelled once (as JSON) per run
    rather than sorted and spelled again for each of its files."""
    return json.dumps([sorted(report), severities, prefilter, sorted(entry_functions)])


def _exit_with_parent(parent: int) -> None:
    """In each worker: exit when the run that started it is gone. A run killed outright
    (SIGKILL, an OOM kill, a CI timeout) would otherwise leave its workers waiting forever
    on a queue whose other end they hold themselves."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name="twelvecheck-parent-watch", daemon=True).start()


def _analyze(tasks: list[FileTask], indexes: list[int], jobs: int) -> list[FileResult]:
    if not indexes:
        return []
    # Imported here: a run served wholly from the cache never loads the engine (nor libcst).
    from twelvecheck.engine import analyze_file, load_parser

    todo = [tasks[index] for index in indexes]
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(todo) < _PARALLEL_THRESHOLD:
        return [analyze_file(task) for task in todo]
    from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: only when there is work

    load_parser()  # once, before the workers fork, rather than once in each of them
    chunksize = max(1, len(todo) // (workers * 32))
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), initializer=_exit_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            return list(pool.map(analyze_file, todo, chunksize=chunksize))
    except (OSError, RuntimeError) as exc:  # no fork/semaphores here: do it in-process
        print(f"twelvecheck: parallel run unavailable ({exc}); continuing in one process", file=sys.stderr)
        return [analyze_file(task) for task in todo]
