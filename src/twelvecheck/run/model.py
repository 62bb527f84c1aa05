"""What a run is given and what it gives back: ``Settings`` in, ``RunResult`` out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvecheck.config.formation import FormationOverride
from twelvecheck.core.findings import Finding, ToolError
from twelvecheck.core.values import Frozen, Mutable, init_field
from twelvecheck.files.discovery import DEFAULT_EXCLUDES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from twelvecheck.engine.task import FileTask


class Settings(Mutable):  # core/values.py: the dataclass cost a replay's start 0.8 ms
    _fields = ("paths", "select", "extend_select", "ignore", "exclude", "extend_exclude", "force_exclude",
               "respect_gitignore", "per_file_ignores", "severity", "jobs", "root", "cwd", "stdin_filename",
               "stdin_source", "formations", "local_files", "process_model", "cache_dir", "prefilter",
               "include_roles", "role_paths", "reachable_only", "show_silenced", "knowledge", "own_outputs",
               "local_rules")
    paths: list[str]
    select: list[str] | None
    extend_select: list[str]
    ignore: list[str]
    exclude: list[str]
    extend_exclude: list[str]
    force_exclude: bool
    respect_gitignore: bool
    per_file_ignores: dict[str, list[str]]
    severity: dict[str, str]
    jobs: int  # 0: one per core
    root: Path  # config directory: patterns are relative to it
    cwd: Path
    stdin_filename: str | None
    stdin_source: bytes | None
    # Quantities from [tool.twelvecheck.formation], then --formation: each wins over app.json
    # and the ones before it for the process types it names (deploy/process_model.build_model).
    formations: list[FormationOverride]
    # Deployment files meant for a developer's machine (Procfile.dev, Dockerfile.dev, a Compose
    # override): "local-only" (only the rules whose document says local_files = true report
    # there, and their process types are no entry points of the whole-program rules) or
    # "check" (judged as production files are).
    local_files: str
    # `twelvecheck formation` needs the process model even when no rule that reads it is selected.
    process_model: bool
    cache_dir: Path | None  # None: no cache (--no-cache, standard input)
    # Off: parse every file and collect whole-program facts everywhere (the tests compare).
    prefilter: bool
    # The roles of files a run checks although they do not run in production (files/roles.py:
    # "test", "vendored", "example"), and the patterns that give files a role besides the
    # conventions ({"test": [...], ...}, relative to ``root``).
    include_roles: list[str]
    role_paths: dict[str, list[str]]
    # Report only findings some process type reaches (deploy/reach.py).
    reachable_only: bool
    # --show-silenced: list what a knowledge entry kept from being reported (RunResult.silenced).
    show_silenced: bool
    # [tool.twelvecheck.knowledge]: what the project's own code and tools do (config/knowledge.py).
    knowledge: dict[str, list[str]]
    # twelvecheck's own outputs (reports, baselines), as absolute normalized paths: never
    # checked, though a walk meets them.
    own_outputs: frozenset[str]
    # Local rule modules and folders ([tool.twelvecheck] local-rules), relative to ``root``
    # (engine/extensions.py).
    local_rules: list[str]

    def __init__(self, paths: list[str] | None = None, select: list[str] | None = None,
                 extend_select: list[str] | None = None, ignore: list[str] | None = None,
                 exclude: list[str] | None = None, extend_exclude: list[str] | None = None,
                 force_exclude: bool = False, respect_gitignore: bool = True,
                 per_file_ignores: dict[str, list[str]] | None = None, severity: dict[str, str] | None = None,
                 jobs: int = 0, root: Path | None = None, cwd: Path | None = None,
                 stdin_filename: str | None = None, stdin_source: bytes | None = None,
                 formations: list[FormationOverride] | None = None, local_files: str = "local-only",
                 process_model: bool = False, cache_dir: Path | None = None, prefilter: bool = True,
                 include_roles: list[str] | None = None, role_paths: dict[str, list[str]] | None = None,
                 reachable_only: bool = False, show_silenced: bool = False,
                 knowledge: dict[str, list[str]] | None = None, own_outputs: frozenset[str] = frozenset(),
                 local_rules: list[str] | None = None) -> None:
        # Each list and dict is the instance's own (the dataclass's default factories).
        self.paths = ["."] if paths is None else paths
        self.select = select
        self.extend_select = [] if extend_select is None else extend_select
        self.ignore = [] if ignore is None else ignore
        self.exclude = list(DEFAULT_EXCLUDES) if exclude is None else exclude
        self.extend_exclude = [] if extend_exclude is None else extend_exclude
        self.force_exclude = force_exclude
        self.respect_gitignore = respect_gitignore
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.severity = {} if severity is None else severity
        self.jobs = jobs
        self.root = Path.cwd() if root is None else root
        self.cwd = Path.cwd() if cwd is None else cwd
        self.stdin_filename = stdin_filename
        self.stdin_source = stdin_source
        self.formations = [] if formations is None else formations
        self.local_files = local_files
        self.process_model = process_model
        self.cache_dir = cache_dir
        self.prefilter = prefilter
        self.include_roles = [] if include_roles is None else include_roles
        self.role_paths = {} if role_paths is None else role_paths
        self.reachable_only = reachable_only
        self.show_silenced = show_silenced
        self.knowledge = {} if knowledge is None else knowledge
        self.own_outputs = own_outputs
        self.local_rules = [] if local_rules is None else local_rules


class RunResult(Mutable):
    _fields = ("files_scanned", "findings", "errors", "enabled", "checked", "baseline", "process_model", "tasks",
               "passed_over", "roles", "unreached", "local_only", "silenced")
    files_scanned: int
    findings: list[Finding]
    errors: list[ToolError]
    enabled: set[str]
    # display path -> the codes that ran on it (reports list them: junit testcases).
    checked: dict[str, list[str]]
    # Set by --baseline: {"file", "entries", "baselined", "stale"} (the JSON summary's "baseline").
    baseline: dict | None
    # Procfiles, formations and the code each process type runs (deploy/process_model.ProcessModel).
    process_model: Any
    # display path -> what was analyzed there (the fixer analyzes its fixes the same way).
    tasks: Mapping[str, FileTask]
    # How many files of each role the run passed over (files/roles.py), and the role of each
    # checked file that is not production code (display path -> "test"...).
    passed_over: dict[str, int]
    roles: dict[str, str]
    # --reachable-only: how many findings no process type reaches were left out; None when
    # it was not asked for, or nothing declares a process type (then nothing is left out).
    unreached: int | None
    # The local-only files checked without their production findings (local-files = "local-only").
    local_only: list[str]
    # --show-silenced: what knowledge entries silenced (Silenced, sorted; None when it was
    # not asked for). A run record keeps it for a replay of such a run.
    silenced: "list[Silenced] | None"

    def __init__(self, files_scanned: int, findings: list[Finding], errors: list[ToolError], enabled: set[str],
                 checked: dict[str, list[str]] | None = None, baseline: dict | None = None,
                 process_model: Any = None, tasks: Mapping[str, FileTask] | None = None,
                 passed_over: dict[str, int] | None = None, roles: dict[str, str] | None = None,
                 unreached: int | None = None, local_only: list[str] | None = None,
                 silenced: list | None = None) -> None:
        self.files_scanned = files_scanned
        self.findings = findings
        self.errors = errors
        self.enabled = enabled
        self.checked = {} if checked is None else checked
        self.baseline = baseline
        self.process_model = process_model
        self.tasks = {} if tasks is None else tasks
        self.passed_over = {} if passed_over is None else passed_over
        self.roles = {} if roles is None else roles
        self.unreached = unreached
        self.local_only = [] if local_only is None else local_only
        self.silenced = silenced


class Silenced(Frozen):
    """A finding a rule did not report because a knowledge entry says the code does it right
    (``[handles-sigterm]``: a framework handles SIGTERM for the process, TWC302 and TWC303;
    ``logs-to-stdout``: the function sets up logging to stdout, TWC201 to TWC204):
    --show-silenced (run/silenced.py)."""

    __slots__ = ("code", "path", "line", "column", "knowledge", "reason", "message")
    code: str
    path: str  # display path
    line: int
    column: int
    knowledge: str  # the entry (config/knowledge.entry_id)
    reason: str  # what the entry says, before its name: "SIGTERM handled by"
    message: str  # the finding's message, as it would have been reported

    def __init__(self, code: str, path: str, line: int, column: int, knowledge: str, reason: str,
                 message: str) -> None:
        for name, value in zip(self.__slots__, (code, path, line, column, knowledge, reason, message)):
            init_field(self, name, value)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, object]:
        return dict(zip(self.__slots__, self._values(self)))

    @classmethod
    def from_dict(cls, item: Any) -> "Silenced":
        """``to_dict`` undone (a run record's); raises TypeError or KeyError on a foreign item."""
        values = [item[name] for name in cls.__slots__]
        if not all(isinstance(value, int if index in (2, 3) else str) for index, value in enumerate(values)):
            raise TypeError("not a silenced finding")
        return cls(*values)

    def line_text(self) -> str:
        """``app/worker.py:12: TWC302 not reported: SIGTERM handled by user:ourlib.worker.Worker.run``"""
        return f"{self.path}:{self.line}: {self.code} not reported: {self.reason} {self.knowledge}"


def roots_of(settings: Settings) -> list[Path]:
    """The paths the run checks, absolute (the working directory for standard input)."""
    if settings.stdin_source is not None:
        return [settings.cwd]
    return [p if (p := Path(path)).is_absolute() else settings.cwd / p for path in settings.paths]
