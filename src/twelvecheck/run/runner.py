"""One run: settings in, discovered files analyzed (in parallel), findings out."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvecheck.files.discovery import DEFAULT_EXCLUDES, SourceFile, discover
from twelvecheck.core.findings import Finding, Severity, ToolError
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.config.selection import expand, resolve, wants_process_files

if TYPE_CHECKING:
    from twelvecheck.deploy.formation import FormationOverride
    from twelvecheck.run.replay import RunRecords
    from twelvecheck.engine.task import FileTask


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
    formations: "list[FormationOverride]" = field(default_factory=list)
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
    # display path -> the codes that ran on it (reports list them: junit testcases).
    checked: dict[str, list[str]] = field(default_factory=dict)
    # Set by --baseline: {"file", "entries", "baselined", "stale"} (the JSON summary's "baseline").
    baseline: dict | None = None
    # Procfiles, formations and the code each process type runs (deployment.ProcessModel).
    process_model: Any = None
    # display path -> what was analyzed there (the fixer analyzes its fixes the same way).
    tasks: "dict[str, FileTask]" = field(default_factory=dict)


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
        from twelvecheck.deploy.procfile import process_file_kind

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

    # Each file with the codes it reports and its path as the analysis opens it.
    sources = []
    cwd = str(settings.cwd)
    for source in files:
        report = frozenset(enabled - per_file.codes_for(source.path, settings.cwd))
        if report:
            sources.append((source, report, os.path.join(cwd, source.path)))  # an absolute path stays
    # Procfiles, formations, and the code they run (`twelvecheck formation` always wants them).
    with_process_model = settings.process_model or wants_process_files(enabled)
    records, key = _run_record(settings, enabled, severities, sources, packaging)
    if records is not None:
        answer = records.recall(key)
        if answer is not None:
            records.refresh()
            return _replayed(answer, settings, enabled, severities, sources, errors)
    from twelvecheck.run.analysis import analyze_run

    return analyze_run(settings, enabled, severities, sources, packaging, errors, with_process_model,
                       records, key)


def _run_record(settings: Settings, enabled: set[str], severities: tuple, sources: list,
                packaging: list[Path]) -> "tuple[RunRecords | None, str | None]":
    """The run record of runs like this one, and this run's key (replay.py); (None, None)
    for runs that are not recorded."""
    if settings.cache_dir is None or settings.stdin_source is not None or not settings.prefilter \
            or settings.process_model:
        return None, None
    from twelvecheck.run.cache import CACHE_FORMAT_DIR
    from twelvecheck.run.replay import RunRecords, files_above

    shape = {
        "settings": {name: value for name, value in vars(settings).items() if name not in _NOT_IN_KEY},
        "enabled": sorted(enabled),
        "severities": severities,
    }
    name = hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    records = RunRecords(settings.cache_dir / CACHE_FORMAT_DIR, name.hexdigest())
    # What the run reads besides its files: console scripts, Procfiles and app.json above.
    around = files_above(roots_of(settings), (*_PACKAGING_NAMES, "Procfile", "app.json"))
    around += [str(path) for path in packaging]
    records.digest([path for _, _, path in sources] + around)
    shape["files"] = [[source.display, path, source.kind, sorted(report),
                       module_name_from_path(path) if source.kind == "python" else None]
                      for source, report, path in sources]
    shape["around"] = sorted(set(around))
    return records, records.key(shape)


_PACKAGING_NAMES = ("pyproject.toml", "setup.cfg", "setup.py")  # project.find_packaging_files
# Settings that do not change a run's answer, or are not part of a recorded run.
_NOT_IN_KEY = frozenset({"jobs", "cache_dir", "stdin_filename", "stdin_source"})


def _replayed(answer: dict, settings: Settings, enabled: set[str], severities: tuple, sources: list,
              errors: list[ToolError]) -> "RunResult":
    from twelvecheck.engine.task import FileTask

    facts_from = set(answer["facts_from"])
    entry_functions = frozenset(answer["entry_functions"])
    tasks = {source.display: FileTask(
        path=path, display_path=source.display, report=report, severities=severities, kind=source.kind,
        entry_functions=entry_functions, collect_facts=source.display in facts_from,
        prefilter=settings.prefilter,
    ) for source, report, path in sources}
    return RunResult(len(tasks), answer["findings"], errors, enabled, answer["checked"], tasks=tasks)


def roots_of(settings: Settings) -> list[Path]:
    """The paths the run checks, absolute (the working directory for standard input)."""
    if settings.stdin_source is not None:
        return [settings.cwd]
    return [p if (p := Path(path)).is_absolute() else settings.cwd / p for path in settings.paths]
