"""A run's analysis: every file analyzed or answered from the per-file cache, then joined
by the whole-program pass (the fact closure, the signal rules, the process model).

``runner.run`` comes here when the run record (replay.py) cannot answer; a replayed run
never imports this module, nor the rules, libcst, or the process model.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path

from twelvecheck.config import knowledge
from twelvecheck.core.findings import FileResult, Finding, RelatedLocation, Span, ToolError, assign_fingerprints
from twelvecheck.deploy.cli_targets import cli_setup_units
from twelvecheck.deploy.process_model import apply_process_model, build_process_model, process_entry_points
from twelvecheck.engine.code_text import code_text
from twelvecheck.engine.extensions import extensions_in_use, fingerprint_in_use, formation_failures, use_again
from twelvecheck.engine.registry import load_rules, rule_failure
from twelvecheck.engine.rule import ProjectRule
from twelvecheck.engine.task import FileTask, FindingFactory
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.files.discovery import SourceFile
from twelvecheck.deploy.analysis import SERVER_CONFIG
from twelvecheck.deploy.server_configs import may_be_server_config, read_server_config
from twelvecheck.files.kinds import DEPLOY_KINDS, LOGGING_CONFIG_SUFFIXES
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.program.packaging import console_scripts, find_packaging_files
from twelvecheck.program.project import Project
from twelvecheck.run.cache import ResultCache
from twelvecheck.run.closure import FactClosure
from twelvecheck.run.conditions import answer, questions
from twelvecheck.run.deploy_files import deployment_facts, show_targets_as_checked
from twelvecheck.run.model import RunResult, Settings, roots_of
from twelvecheck.run.replay import RunRecords
from twelvecheck.run.silenced import reported, silenced_findings


# Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 24


def analyze_run(settings: Settings, enabled: set[str], severities: tuple,
                sources: list[tuple[SourceFile, frozenset[str], str]], packaging: list[Path],
                errors: list[ToolError], with_process_model: bool, records: RunRecords | None = None,
                key: str | None = None) -> RunResult:
    """The run's result from its files (``sources``: each with the codes it reports and the
    path to open), and the record of it kept for the next run when ``records`` is given and
    the answer is plain."""
    errors_before = len(errors)
    knowledge.use(settings.knowledge)  # the readers see the project's additions (worker processes too)
    rules = load_rules()
    project_codes = sorted(code for code in enabled if issubclass(rules[code], ProjectRule))
    if project_codes:
        packaging_files = find_packaging_files(roots_of(settings))
        known = {path.resolve() for path in packaging_files}
        scripts = console_scripts(packaging_files + [p for p in packaging if p.resolve() not in known])
    else:
        scripts = []
    entry_functions = frozenset(target for _, target in scripts)

    tasks = []
    for source, report, path in sources:
        tasks.append(FileTask(
            path=path,
            display_path=source.display,
            report=report,
            severities=severities,
            source=settings.stdin_source,
            kind=source.kind,
            entry_functions=entry_functions,
            prefilter=settings.prefilter,
        ))

    cache = _open_cache(settings, errors)
    if cache is not None and records is not None:
        cache.seed(records.contents, records.files)  # read once, for the run record's key
    closure = None
    if settings.prefilter and settings.stdin_source is None and (project_codes or with_process_model):
        closure = FactClosure(tasks, scripts, cache.content if cache is not None else None)
        closure.mark_roots()
        if cache is not None:
            closure.assume(cache.recall(_closure_name(settings)))
    results = _analyze_all(tasks, settings.jobs, cache)
    askers = [rules[code] for code in sorted(enabled) if rules[code].reads_handed_modules]
    if askers and settings.prefilter and settings.stdin_source is None:
        _read_handed_process_id(tasks, results, settings.jobs, cache, askers)
    # Per-file findings that hold on a question about other modules (conditions.py).
    asked = questions(results, settings.show_silenced) if settings.stdin_source is None else []
    if asked and closure is None and settings.prefilter:
        closure = FactClosure(tasks, scripts, cache.content if cache is not None else None)
    if closure is not None:
        closure.settle(results)
    outside: dict[str, dict] | None = None
    for result in results:  # a Procfile checked from below its folder (deploy_files.deployment_files_above)
        if result.path.startswith("../") and "procfile" in result.facts:
            show_targets_as_checked(result.facts, settings.cwd)
    while True:
        facts = {result.path: result.facts for result in results if result.facts}
        if outside is None:  # read once: the closure's waves add Python facts, never Procfiles
            outside = deployment_facts(settings, facts) if with_process_model else {}
        project = Project(facts, scripts) if project_codes or with_process_model or asked else None
        # The process model comes before the whole-program rules: a process type's code is one
        # of their entry points. Its formation findings and escalations come after: they judge
        # the findings of every rule.
        process_model = (build_process_model(facts, outside, settings, project, scripts)
                         if with_process_model else None)
        if project_codes and process_model is not None:
            project.deployed = process_entry_points(process_model, project, scripts,
                                                    include_local=settings.local_files == "check")
        missing = _missing_facts(closure, project, process_model) if project_codes or with_process_model else []
        if closure is not None and project is not None and asked:
            missing = sorted(set(missing) | set(closure.needed_for(project, asked)))
        if not missing:
            break
        closure.collect(missing, results, lambda more: _analyze_all(more, settings.jobs, cache))
    if cache is not None:
        if closure is not None:
            cache.remember(_closure_name(settings), closure.asked_paths())
        cache.flush()
    findings = answer([finding for result in results for finding in result.findings], project)
    if project_codes:
        findings.extend(_project_findings(project, project_codes, tasks, errors))
    silenced = silenced_findings(project, tasks, results) if settings.show_silenced else None
    if process_model is not None:
        findings = apply_process_model(findings, process_model, tasks, settings)
        errors.extend(ToolError(problem) for problem in process_model.problems)
        errors.extend(formation_failures())  # what a local formation rule raised
    for result in results:
        errors.extend(result.errors)
    assign_fingerprints(findings)
    findings.sort(key=Finding.sort_key)
    checked = {task.display_path: _codes_judging(task) for task in _checked_tasks(tasks, results)}
    # Only a plain answer is recorded (replay.py): a Procfile's, a Dockerfile's, a script's or a descriptor's analysis
    # reads the files its commands name, which no key covers, and the process model's apps
    # are shown by reports.
    plain = (len(errors) == errors_before and not (process_model is not None and process_model.apps)
             and not any(task.kind in DEPLOY_KINDS for task in tasks)
             and not any("declared" in (result.facts or {}) for result in results))
    if records is not None and key is not None and cache is not None and plain \
            and _read_as_keyed(tasks, results, records.contents):
        records.store(key, findings, checked, [task.display_path for task in tasks if task.collect_facts],
                      sorted(entry_functions), silenced)
    return RunResult(len(checked), findings, errors, enabled, checked, process_model=process_model,
                     tasks={task.display_path: task for task in tasks}, silenced=silenced)


def _read_handed_process_id(tasks: list[FileTask], results: list[FileResult], jobs: int,
                            cache: ResultCache | None, askers: list) -> None:
    """Read with every per-file rule, whatever the prefilter says, the modules whose functions
    a caller hands the process id (program/process_id.py): whether a parameter written into a
    file there is a PID file is a question for the whole program, and such a module need not
    name a pid at all. Without this wave the finding would depend on the prefilter."""
    callees = {callee for result in results
               for unit in ((result.facts or {}).get("program") or {}).get("units", {}).values()
               for callee, _ in unit.get("pid_args", ())}
    if not callees:
        return
    by_module: dict[str, list[int]] = {}
    for index, task in enumerate(tasks):
        if task.kind == "python":
            by_module.setdefault(module_name_from_path(Path(task.path))[0], []).append(index)
    chosen: set[int] = set()
    for callee in callees:  # the module that defines it: the longest prefix that is one
        module = next((prefix for depth in range(1, callee.count(".") + 1)
                       if (prefix := callee.rsplit(".", depth)[0]) in by_module), None)
        if module is not None:
            chosen.update(index for index in by_module[module] if tasks[index].prefilter)
    # A module the asking rules read already (their tokens are in it) needs no second look.
    indexes = [index for index in sorted(chosen) if not all(rule.mentioned_in(_code(tasks[index])) for rule in askers)]
    for index in indexes:
        tasks[index] = dataclasses.replace(tasks[index], prefilter=False)
    for index, result in zip(indexes, _analyze_all([tasks[i] for i in indexes], jobs, cache)):
        results[index] = result


def _code(task: FileTask) -> str:
    """The module's code, as the prefilter reads it (engine/code_text.py)."""
    try:
        text = decode_source(Path(task.path).read_bytes())
        return code_text(text, ast.parse(text))
    except (OSError, SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
        return ""  # analyzed again below, where the error is reported


def _read_as_keyed(tasks: list[FileTask], results: list[FileResult], contents: dict) -> bool:
    """Whether every file analyzed in this run had the bytes the run's key was made from. A
    file written in between (and written back later) would otherwise be answered from the
    other bytes' findings."""
    for task, result in zip(tasks, results):
        if result.digest is not None:  # read from disk now, not answered by the per-file cache
            content = contents.get(task.path)
            if content is None or content.digest != result.digest:
                return False
    return True


def _missing_facts(closure: FactClosure | None, project: Project | None, model) -> list[int]:
    """Tasks whose facts the whole-program pass can still reach (closure.py)."""
    if closure is None or project is None:
        return []
    starts = [entry.unit for entry in project.entry_points()]
    deployed = [target["path"] for ptype in (model.process_types() if model else [])
                for target in ptype.targets if target.get("path")]
    starts += [unit for path in deployed for unit in project.path_units.get(path, [])]
    # the modules and factories that register a command-line framework's commands (`flask poll`)
    starts += cli_setup_units(project, [target for ptype in (model.process_types() if model else [])
                                        for target in ptype.targets])
    return closure.missing(project, starts, deployed)


def _closure_name(settings: Settings) -> str:
    """What the cache files the closure's list under: the same paths checked from the same place."""
    return json.dumps([str(settings.cwd), str(settings.root), settings.paths])


def _checked_tasks(tasks: list[FileTask], results: list[FileResult]) -> list[FileTask]:
    """The tasks that count as checked files: all but the text files (any YAML, JSON or INI
    file, read in case it is a logging configuration) that gave nothing and that no rule of
    their kind reads (``Rule.reads_text``): a .pre-commit-config.yaml, a CI workflow,
    twelvecheck's own JSON reports and baselines are not checked files."""
    gave = {result.path for result in results if result.findings or result.facts or result.errors}
    return [task for task in tasks if task.kind not in _TEXT_KINDS or task.display_path in gave
            or _read_by_a_rule(task)]


_TEXT_KINDS = frozenset(LOGGING_CONFIG_SUFFIXES.values())


def _read_by_a_rule(task: FileTask) -> bool:
    """Whether a text file is a logging configuration or a server configuration (uwsgi,
    supervisord) that the rules reporting on it read."""
    codes = _judging(task.report, task.kind)
    server = may_be_server_config(task.display_path) and bool(_judging(task.report, SERVER_CONFIG))
    if not codes and not server:
        return False
    try:
        text = Path(task.path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    rules = load_rules()
    return any(rules[code].reads_text(text, task.kind) for code in codes) or \
        (server and read_server_config(task.display_path, text) is not None)


def _codes_judging(task: FileTask) -> list[str]:
    """The reported codes whose rules judge a file of this kind."""
    return list(_judging(task.report, task.kind))


@lru_cache(maxsize=256)
def _judging(report: frozenset[str], kind: str) -> tuple[str, ...]:
    rules = load_rules()
    return tuple(sorted(code for code in report if code in rules and kind in rules[code].kinds))


def _project_findings(project: Project, codes: list[str], tasks: list[FileTask],
                      errors: list[ToolError]) -> list[Finding]:
    """Findings of whole-program rules, with the file's suppressions and ignores applied."""
    by_path = {task.display_path: task for task in tasks}
    findings = []
    for code in codes:
        try:
            found = load_rules()[code].check_project(project)
        except Exception as exc:  # a rule bug costs that rule, not the run
            errors.append(ToolError(rule_failure(code, exc)))
            continue
        for item, task, lines in reported(found, by_path):
            span = Span(*item.span)
            finding = FindingFactory(task, lines).make(code, span, item.fields, fix=item.fix)
            finding.related = tuple(RelatedLocation(path, Span(*at), what) for path, at, what in item.related)
            findings.append(finding)
    return findings


def _open_cache(settings: Settings, errors: list[ToolError]) -> ResultCache | None:
    if settings.cache_dir is None or settings.stdin_source is not None:
        return None
    cache, problem = ResultCache.open(settings.cache_dir)
    if cache is not None:
        cache.rules_fingerprint = fingerprint_in_use()
    if problem:
        print(f"twelvecheck: warning: {problem}", file=sys.stderr)  # slower, not wrong: no error
    return cache


def _analyze_all(tasks: list[FileTask], jobs: int, cache: ResultCache | None = None) -> list[FileResult]:
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


def _parsed_anyway(cache: ResultCache, task: FileTask) -> FileResult | None:
    """A file asked for its facts that an earlier run parsed for its own rules: that result
    holds its facts already (engine/analyze.py: a parsed file yields them whether asked or not). The
    closure's list (``FactClosure.assume``) asks for such files up front."""
    if not task.collect_facts:
        return None
    key = _cache_key(cache, dataclasses.replace(task, collect_facts=False))
    result = cache.get(key, task.display_path) if key is not None else None
    return result if result is not None and result.parsed else None


def _cache_key(cache: ResultCache, task: FileTask) -> str | None:
    """Python files only: Procfiles and configs are cheap and depend on files around them."""
    if task.kind != "python" or task.source is not None:
        return None
    content = cache.content(task.path)
    if content is None:
        return None  # unreadable: the analysis reports it
    shape = (task.display_path, task.path, module_name_from_path(task.path)[0], task.collect_facts,
             _shared_shape(task.report, task.severities, task.prefilter, task.entry_functions),
             *knowledge.user().key())  # the project's knowledge changes what a file's rules see
    return cache.key(content.digest, shape)


@lru_cache(maxsize=256)
def _shared_shape(report: frozenset[str], severities: tuple, prefilter: bool, entry_functions: frozenset[str]) -> str:
    """The part of a cache key most tasks of a run share, spelled once (as JSON) per run
    rather than sorted and spelled again for each of its files."""
    return json.dumps([sorted(report), severities, prefilter, sorted(entry_functions)])


def _size(task: FileTask) -> int:
    if task.source is not None:
        return len(task.source)
    try:
        return os.stat(task.path).st_size
    except OSError:
        return 0


def _start_worker(parent: int, user_knowledge: knowledge.UserKnowledge, extensions: tuple | None = None) -> None:
    """In each worker: the run's knowledge (however the worker was started), and its end."""
    knowledge.adopt(user_knowledge)
    _exit_with_parent(parent, extensions)


def _exit_with_parent(parent: int, extensions: tuple | None = None) -> None:
    """In each worker: exit when the run that started it is gone. A run killed outright
    (SIGKILL, an OOM kill, a CI timeout) would otherwise leave its workers waiting forever
    on a queue whose other end they hold themselves. And the local rules and plugins in use
    are in use there too, in a worker that did not fork from the run (spawn, forkserver)."""
    use_again(extensions)
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name="twelvecheck-parent-watch", daemon=True).start()


def _analyze(tasks: list[FileTask], indexes: list[int], jobs: int) -> list[FileResult]:
    if not indexes:
        return []
    # Imported here: a run served wholly from the cache never loads the engine (nor libcst).
    from twelvecheck.run.worker import analyze_file, load_parser

    todo = [tasks[index] for index in indexes]
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(todo) < _PARALLEL_THRESHOLD:
        return [analyze_file(task) for task in todo]
    from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: only when there is work

    load_parser()  # once, before the workers fork, rather than once in each of them
    chunksize = max(1, len(todo) // (workers * 32))
    # The largest files first: a large file handed out last would keep one worker busy
    # while the others wait.
    order = sorted(range(len(todo)), key=lambda position: -_size(todo[position]))
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), initializer=_start_worker,
                                 initargs=(os.getpid(), knowledge.user(), extensions_in_use())) as pool:
            done = list(pool.map(analyze_file, [todo[position] for position in order], chunksize=chunksize))
        results: list[FileResult] = [done[0]] * len(todo)
        for position, result in zip(order, done):
            results[position] = result
        return results
    except (OSError, RuntimeError) as exc:  # no fork/semaphores here: do it in-process
        print(f"twelvecheck: parallel run unavailable ({exc}); continuing in one process", file=sys.stderr)
        return [analyze_file(task) for task in todo]
