"""One run: settings in, discovered files analyzed (in parallel), findings out."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from twelvecheck.config.selection import expand, reads_any, resolve, wants_process_files
from twelvecheck.core.digest import sha256
from twelvecheck.core.findings import Severity, ToolError
from twelvecheck.core.plugins import plugins_installed
from twelvecheck.core.ruledocs import extension_docs_in_use, load_rule_docs
from twelvecheck.files.discovery import SourceFile, discover
from twelvecheck.files.kinds import is_local_file, process_file_kind, script_kind_by_head
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.files.local_settings import development_settings
from twelvecheck.files.roles import LOCAL, PASSED_OVER, PRODUCTION, VENDORED, FileRoles
from twelvecheck.run.cache import CACHE_FORMAT_DIR, load_rule_docs_remembered
from twelvecheck.run.library_copies import copies_in_use
from twelvecheck.run.model import RunResult, Settings, roots_of
from twelvecheck.run.replay import RunRecords, files_above

if TYPE_CHECKING:
    from twelvecheck.engine.task import FileTask


def _severity_overrides(settings: Settings) -> tuple[tuple[str, Severity], ...]:
    overrides = {}
    for selector, level in settings.severity.items():
        for code in expand(selector):
            overrides[code] = Severity.parse(level)
    return tuple(sorted(overrides.items()))


class _PerFileIgnores:
    def __init__(self, settings: Settings) -> None:
        self.root = settings.root
        if settings.per_file_ignores:
            import pathspec  # only for per-file ignores: a plain run need not load it
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
    load_rule_docs_remembered(settings.cache_dir)
    # The local rules and plugins first: selection and the documents know their codes.
    rules, errors = use_rules(settings.local_rules, settings.root)
    enabled = resolve(settings.select, settings.extend_select, settings.ignore)
    severities = _severity_overrides(settings)
    per_file = _PerFileIgnores(settings)

    if settings.stdin_source is not None:
        name = settings.stdin_filename or "-"
        # --stdin-filename Procfile reads a Procfile, start.sh a shell script
        kind = process_file_kind(name) or script_kind_by_head(name, settings.stdin_source[:256]) or "python"
        files = [SourceFile(Path(name), name if settings.stdin_filename else "-", kind, True)]
        packaging: list[Path] = []
        records = None
    else:
        records = _run_records(settings, enabled, severities, rules)
        found = discover(
            settings.paths,
            cwd=settings.cwd,
            root=settings.root,
            exclude=[*settings.exclude, *settings.extend_exclude],
            force_exclude=settings.force_exclude,
            respect_gitignore=settings.respect_gitignore,
            include_configs=reads_any(enabled, {"logging-config", "server-config"}),
            include_process_files=settings.process_model or settings.reachable_only or wants_process_files(enabled),
            memo=records.walks if records is not None else None,
        )
        files, packaging = found.files, found.packaging
        errors += found.errors
        if settings.own_outputs:
            files = [f for f in files if os.path.normpath(settings.cwd / f.path) not in settings.own_outputs]
        if settings.process_model or wants_process_files(enabled):
            from twelvecheck.run.deploy_files import deployment_files_above

            files = sorted([*files, *deployment_files_above(settings, files)], key=lambda f: f.display)

    # Tests and vendored copies do not run in production: passed over unless asked. A vendored
    # Python module is still analysed for what it does (the whole-program rules follow calls
    # into it), and what is found in it is dropped (_with_roles).
    files, roles, passed_over, unreported = _by_role(settings, files, packaging)
    # Each file with the codes it reports and its path as the analysis opens it.
    sources = []
    cwd = str(settings.cwd)
    every_code = frozenset(enabled)  # one set shared by the files no per-file ignore names
    local_codes = None  # read from the rule documents when a local-only file is met
    local_only = []
    for source in files:
        ignored = per_file.codes_for(source.path, settings.cwd)
        report = frozenset(every_code - ignored) if ignored else every_code
        if report:
            if settings.local_files != "check" and source.kind in LOCAL_KINDS and is_local_file(source.path):
                # Read all the same (even with no code left): its process types are entry
                # points of the code they run, and formation shows them.
                local_codes = _local_codes(every_code) if local_codes is None else local_codes
                report = report & local_codes
                local_only.append(source.display)
            sources.append((source, report, os.path.join(cwd, source.path)))  # an absolute path stays
    roles.update((display, LOCAL) for display in local_only if display not in roles)
    # Procfiles, formations, and the code they run (`twelvecheck formation` always wants them).
    with_process_model = settings.process_model or settings.reachable_only or wants_process_files(enabled)
    key = _run_key(records, settings, enabled, severities, sources, packaging, rules) if records is not None \
        else None
    if records is not None:
        answer = records.recall(key)
        if answer is not None:
            records.refresh()
            result = _replayed(answer, settings, enabled, severities, sources, errors)
            result.local_only = local_only
            return _with_roles(result, roles, passed_over, unreported)
    # Deferred: the analysis loads the rules, the process model and the engine, which a run
    # answered from its record never needs. The console script kept the garbage collector off
    # until here (twelvecheck/__main__.py): syntax trees and facts do make cycles.
    gc.enable()
    from twelvecheck.run.analysis import analyze_run

    result = analyze_run(settings, enabled, severities, sources, packaging, errors, with_process_model,
                         records, key)
    result.local_only = local_only
    result = _with_roles(result, roles, passed_over, unreported)
    if settings.reachable_only and result.process_model is not None and result.process_model.process_types():
        from twelvecheck.deploy.reach import reachable_only  # as analyze_run: a replay never loads it

        reached = reachable_only(result.findings, result.process_model)
        result.unreached = len(result.findings) - len(reached)
        result.findings = reached
    return result


def use_rules(local_rules: list[str], root: Path) -> tuple[str, list[ToolError]]:
    """Put the local rules (paths relative to ``root``) and installed plugins in use
    (engine/extensions.py): the fingerprint of their sources for the run's key ("" with
    none) and what went wrong loading them. With none configured or installed this imports
    nothing: a run without them pays for a look at sys.path alone."""
    if not local_rules and not plugins_installed() and not extension_docs_in_use():
        return "", []
    from twelvecheck.engine.extensions import use_extensions

    extensions = use_extensions(local_rules, root)
    return extensions.fingerprint, list(extensions.errors)


def _by_role(settings: Settings, files: list[SourceFile], packaging: list[Path]
             ) -> tuple[list[SourceFile], dict[str, str], dict[str, int], frozenset[str]]:
    """The files to read, the role of each that is not production code, how many of each
    role were passed over (files/roles.py), and which files read are passed over (vendored
    Python modules: read, never reported). A file named on the command line is checked
    whatever its role, unless --force-exclude (pre-commit names every staged file), as a
    pattern of ``exclude`` is."""
    if settings.stdin_source is not None:
        return files, {}, {}, frozenset()
    judge = FileRoles(settings.root, settings.cwd, roots_of(settings), packaging, settings.role_paths)
    if judge.copies:  # a library copy that the project imports runs in production
        judge.keep_copies(judge.copies - copies_in_use(judge, files, settings.cwd))
    kept, roles, passed_over, unreported = [], {}, {}, set()
    local = development_settings(files, settings.cwd)  # labelled, checked all the same
    for source in files:
        role = judge.role(source.display)
        role = LOCAL if role == PRODUCTION and source.display in local else role
        if role in PASSED_OVER and role not in settings.include_roles and \
                (settings.force_exclude or not source.explicit):
            passed_over[role] = passed_over.get(role, 0) + 1
            if role == VENDORED and source.kind == "python":
                unreported.add(source.display)
                kept.append(source)
            continue
        if role != PRODUCTION:
            roles[source.display] = role
        kept.append(source)
    return kept, roles, passed_over, frozenset(unreported)


def _with_roles(result: RunResult, roles: dict[str, str], passed_over: dict[str, int],
                unreported: frozenset[str]) -> RunResult:
    """The result as the passed-over files leave it: not counted as checked, nothing in them
    reported (a whole-program finding may land where the code it names is)."""
    result.roles, result.passed_over = roles, passed_over
    if unreported:
        result.findings = [finding for finding in result.findings if finding.path not in unreported]
        if result.silenced is not None:
            result.silenced = [item for item in result.silenced if item.path not in unreported]
        result.checked = {path: codes for path, codes in result.checked.items() if path not in unreported}
        result.files_scanned = len(result.checked)  # as the analysis and a replay count them
    return result


# The kinds of file that can be meant for a developer's machine (files/kinds.is_local_file).
LOCAL_KINDS = frozenset({"procfile", "dockerfile", "compose"})


def _local_codes(enabled: frozenset[str]) -> frozenset[str]:
    """The enabled codes that report in a local-only file: those whose rule document says
    ``local_files = true`` (what breaks the file on a developer's machine too)."""
    docs = load_rule_docs()
    return frozenset(code for code in enabled if code in docs and docs[code].local_files)


def _run_records(settings: Settings, enabled: set[str], severities: tuple, rules: str) -> RunRecords | None:
    """The record of runs like this one (replay.py), which also holds their last walk; None
    for runs that are not recorded."""
    if settings.cache_dir is None or settings.stdin_source is not None or not settings.prefilter \
            or settings.process_model:
        return None
    name = sha256(json.dumps(_run_shape(settings, enabled, severities, rules), sort_keys=True,
                                     default=str).encode("utf-8", "surrogatepass"))
    return RunRecords(settings.cache_dir / CACHE_FORMAT_DIR, name.hexdigest())


def _run_shape(settings: Settings, enabled: set[str], severities: tuple, rules: str) -> dict:
    shape = {
        "settings": {name: value for name, value in vars(settings).items() if name not in _NOT_IN_KEY},
        "enabled": sorted(enabled),
        "severities": severities,
    }
    if rules:  # the local rules' and plugins' sources
        shape["rules"] = rules
    return shape


def _run_key(records: RunRecords, settings: Settings, enabled: set[str], severities: tuple, sources: list,
             packaging: list[Path], rules: str) -> str:
    """This run's key: its shape and every file it reads, by content."""
    shape = _run_shape(settings, enabled, severities, rules)
    # What the run reads besides its files: console scripts, Procfiles and app.json above.
    around = files_above(roots_of(settings), (*_PACKAGING_NAMES, "Procfile", "app.json"))
    around += [str(path) for path in packaging]
    records.digest([path for _, _, path in sources] + around)
    # The codes reported are mostly the same set for every file: each set is spelled once.
    reported: dict[frozenset, int] = {}
    shape["files"] = [[source.display, path, source.kind, reported.setdefault(report, len(reported)),
                       module_name_from_path(path) if source.kind == "python" else None]
                      for source, report, path in sources]
    shape["reported"] = [sorted(codes) for codes in reported]
    shape["around"] = sorted(set(around))
    return records.key(shape)


_PACKAGING_NAMES = ("pyproject.toml", "setup.cfg", "setup.py")  # packaging.find_packaging_files
# Settings that do not change a run's answer, or are not part of a recorded run.
_NOT_IN_KEY = frozenset({"jobs", "cache_dir", "stdin_filename", "stdin_source", "own_outputs"})


def _replayed(answer: dict, settings: Settings, enabled: set[str], severities: tuple, sources: list,
              errors: list[ToolError]) -> RunResult:
    facts_from = set(answer["facts_from"])
    entry_functions = frozenset(answer["entry_functions"])

    def tasks() -> dict[str, FileTask]:
        from twelvecheck.engine.task import FileTask  # loaded only when the fixer asks

        return {source.display: FileTask(
            path=path, display_path=source.display, report=report, severities=severities, kind=source.kind,
            entry_functions=entry_functions, collect_facts=source.display in facts_from,
            prefilter=settings.prefilter,
        ) for source, report, path in sources}

    # The files counted are the ones the record says were checked (analysis._checked_tasks).
    return RunResult(len(answer["checked"]), answer["findings"], errors, enabled, answer["checked"],
                     tasks=_OnDemand(tasks), silenced=answer["silenced"])


class _OnDemand(Mapping):
    """A replay's tasks, made when first asked for: only the fixer asks (a task per file was
    a millisecond of a warm Django run)."""

    def __init__(self, make: Callable[[], dict]) -> None:
        self._make = make
        self._made: dict | None = None

    def _tasks(self) -> dict:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, key: str) -> FileTask:
        return self._tasks()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tasks())

    def __len__(self) -> int:
        return len(self._tasks())
