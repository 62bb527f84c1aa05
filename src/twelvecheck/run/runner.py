"""One run: settings in, discovered files analyzed (in parallel), findings out."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from twelvecheck.config.selection import expand, reads_any, resolve, wants_process_files
from twelvecheck.core.findings import Severity, ToolError
from twelvecheck.engine.task import FileTask
from twelvecheck.files.discovery import SourceFile, discover
from twelvecheck.files.kinds import process_file_kind, script_kind_by_head
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.run.cache import CACHE_FORMAT_DIR
from twelvecheck.run.model import RunResult, Settings, roots_of
from twelvecheck.run.replay import RunRecords, files_above


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
    enabled = resolve(settings.select, settings.extend_select, settings.ignore)
    severities = _severity_overrides(settings)
    per_file = _PerFileIgnores(settings)
    errors: list[ToolError] = []

    if settings.stdin_source is not None:
        name = settings.stdin_filename or "-"
        # --stdin-filename Procfile reads a Procfile, start.sh a shell script
        kind = process_file_kind(name) or script_kind_by_head(name, settings.stdin_source[:256]) or "python"
        files = [SourceFile(Path(name), name if settings.stdin_filename else "-", kind, True)]
        packaging: list[Path] = []
        records = None
    else:
        records = _run_records(settings, enabled, severities)
        found = discover(
            settings.paths,
            cwd=settings.cwd,
            root=settings.root,
            exclude=[*settings.exclude, *settings.extend_exclude],
            force_exclude=settings.force_exclude,
            respect_gitignore=settings.respect_gitignore,
            include_configs=reads_any(enabled, {"logging-config", "server-config"}),
            include_process_files=settings.process_model or wants_process_files(enabled),
            memo=records.walks if records is not None else None,
        )
        files, errors, packaging = found.files, list(found.errors), found.packaging
        if settings.own_outputs:
            files = [f for f in files if os.path.normpath(settings.cwd / f.path) not in settings.own_outputs]
        if settings.process_model or wants_process_files(enabled):
            from twelvecheck.run.deploy_files import deployment_files_above

            files = sorted([*files, *deployment_files_above(settings, files)], key=lambda f: f.display)

    # Each file with the codes it reports and its path as the analysis opens it.
    sources = []
    cwd = str(settings.cwd)
    every_code = frozenset(enabled)  # one set shared by the files no per-file ignore names
    for source in files:
        ignored = per_file.codes_for(source.path, settings.cwd)
        report = frozenset(every_code - ignored) if ignored else every_code
        if report:
            sources.append((source, report, os.path.join(cwd, source.path)))  # an absolute path stays
    # Procfiles, formations, and the code they run (`twelvecheck formation` always wants them).
    with_process_model = settings.process_model or wants_process_files(enabled)
    key = _run_key(records, settings, enabled, severities, sources, packaging) if records is not None else None
    if records is not None:
        answer = records.recall(key)
        if answer is not None:
            records.refresh()
            return _replayed(answer, settings, enabled, severities, sources, errors)
    # Deferred: the analysis loads the rules, the process model and the engine, which a run
    # answered from its record never needs.
    from twelvecheck.run.analysis import analyze_run

    return analyze_run(settings, enabled, severities, sources, packaging, errors, with_process_model,
                       records, key)


def _run_records(settings: Settings, enabled: set[str], severities: tuple) -> RunRecords | None:
    """The record of runs like this one (replay.py), which also holds their last walk; None
    for runs that are not recorded."""
    if settings.cache_dir is None or settings.stdin_source is not None or not settings.prefilter \
            or settings.process_model:
        return None
    name = hashlib.sha256(json.dumps(_run_shape(settings, enabled, severities), sort_keys=True,
                                     default=str).encode("utf-8", "surrogatepass"))
    return RunRecords(settings.cache_dir / CACHE_FORMAT_DIR, name.hexdigest())


def _run_shape(settings: Settings, enabled: set[str], severities: tuple) -> dict:
    return {
        "settings": {name: value for name, value in vars(settings).items() if name not in _NOT_IN_KEY},
        "enabled": sorted(enabled),
        "severities": severities,
    }


def _run_key(records: RunRecords, settings: Settings, enabled: set[str], severities: tuple, sources: list,
             packaging: list[Path]) -> str:
    """This run's key: its shape and every file it reads, by content."""
    shape = _run_shape(settings, enabled, severities)
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
    tasks = {source.display: FileTask(
        path=path, display_path=source.display, report=report, severities=severities, kind=source.kind,
        entry_functions=entry_functions, collect_facts=source.display in facts_from,
        prefilter=settings.prefilter,
    ) for source, report, path in sources}
    # The files counted are the ones the record says were checked (analysis._checked_tasks).
    return RunResult(len(answer["checked"]), answer["findings"], errors, enabled, answer["checked"], tasks=tasks)
