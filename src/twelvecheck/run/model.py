"""What a run is given and what it gives back: ``Settings`` in, ``RunResult`` out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvecheck.config.formation import FormationOverride
from twelvecheck.core.findings import Finding, ToolError
from twelvecheck.files.discovery import DEFAULT_EXCLUDES

if TYPE_CHECKING:
    from collections.abc import Mapping

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
    # and the ones before it for the process types it names (deploy/process_model.build_model).
    formations: list[FormationOverride] = field(default_factory=list)
    # Deployment files meant for a developer's machine (Procfile.dev, Dockerfile.dev, a Compose
    # override): "local-only" (only the rules whose document says local_files = true report
    # there, and their process types are no entry points of the whole-program rules) or
    # "check" (judged as production files are).
    local_files: str = "local-only"
    # `twelvecheck formation` needs the process model even when no rule that reads it is selected.
    process_model: bool = False
    cache_dir: Path | None = None  # None: no cache (--no-cache, standard input)
    # Off: parse every file and collect whole-program facts everywhere (the tests compare).
    prefilter: bool = True
    # The roles of files a run checks although they do not run in production (files/roles.py:
    # "test", "vendored", "example"), and the patterns that give files a role besides the
    # conventions ({"test": [...], ...}, relative to ``root``).
    include_roles: list[str] = field(default_factory=list)
    role_paths: dict[str, list[str]] = field(default_factory=dict)
    # Report only findings some process type reaches (deploy/reach.py).
    reachable_only: bool = False
    # --show-silenced: list what a knowledge entry kept from being reported (RunResult.silenced).
    show_silenced: bool = False
    # [tool.twelvecheck.knowledge]: what the project's own code and tools do (config/knowledge.py).
    knowledge: dict[str, list[str]] = field(default_factory=dict)
    # twelvecheck's own outputs (reports, baselines), as absolute normalized paths: never
    # checked, though a walk meets them.
    own_outputs: frozenset[str] = frozenset()
    # Local rule modules and folders ([tool.twelvecheck] local-rules), relative to ``root``
    # (engine/extensions.py).
    local_rules: list[str] = field(default_factory=list)


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
    # Procfiles, formations and the code each process type runs (deploy/process_model.ProcessModel).
    process_model: Any = None
    # display path -> what was analyzed there (the fixer analyzes its fixes the same way).
    tasks: "Mapping[str, FileTask]" = field(default_factory=dict)
    # How many files of each role the run passed over (files/roles.py), and the role of each
    # checked file that is not production code (display path -> "test"...).
    passed_over: dict[str, int] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    # --reachable-only: how many findings no process type reaches were left out; None when
    # it was not asked for, or nothing declares a process type (then nothing is left out).
    unreached: int | None = None
    # The local-only files checked without their production findings (local-files = "local-only").
    local_only: list[str] = field(default_factory=list)
    # --show-silenced: what knowledge entries silenced (run/analysis.Silenced; None when it
    # was not asked for, and on every run that is not analysed: a replay has no such list).
    silenced: list | None = None


def roots_of(settings: Settings) -> list[Path]:
    """The paths the run checks, absolute (the working directory for standard input)."""
    if settings.stdin_source is not None:
        return [settings.cwd]
    return [p if (p := Path(path)).is_absolute() else settings.cwd / p for path in settings.paths]
