"""The check command's report plumbing: ``--output-format FORMAT=FILE`` and baselines.

Kept apart from ``check.py`` so that the command's flow stays short: parse and validate
everything the command line names before the run (a bad ``--output-format`` or a missing
baseline is exit 2 before any file is read), then, after the run, apply the baseline and
write each report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from twelvecheck.cli.exits import BaselineError
from twelvecheck.core.findings import Finding, assign_fingerprints
from twelvecheck.core.values import Mutable
from twelvecheck.reports import FORMATS, ReportContext, render
from twelvecheck.run.model import RunResult

if TYPE_CHECKING:
    from twelvecheck.cli import baseline as baselines


def parse_output_formats(values: list[str] | tuple[str, ...], from_config: dict[str, str] | None) -> list[tuple[str, str]]:
    """``FORMAT=FILE`` pairs from the command line (or the config's ``output-format`` table)."""
    if not values:
        return sorted((from_config or {}).items())
    pairs = []
    for value in values:
        format_, sep, path = value.partition("=")
        format_ = format_.strip().lower()
        if not sep or not path.strip():
            raise click.UsageError(f"--output-format: expected FORMAT=FILE, got {value!r}")
        if format_ not in FORMATS:
            raise click.UsageError(f"--output-format: unknown format {format_!r} in {value!r} "
                                   f"(formats: {', '.join(FORMATS)})")
        pairs.append((format_, path))
    return pairs


class BaselinePlan(Mutable):
    _fields = ("read", "write", "entries", "place", "warning")
    read: str | None  # --baseline FILE
    write: str | None  # --write-baseline FILE
    entries: list[baselines.Entry] | None
    place: baselines.Place | None  # the baseline's folder: its entries' paths start there
    warning: str | None  # said on standard error: a baseline that matched nothing

    def __init__(self, read: str | None = None, write: str | None = None,
                 entries: list[baselines.Entry] | None = None, place: baselines.Place | None = None,
                 warning: str | None = None) -> None:
        self.read = read
        self.write = write
        self.entries = entries
        self.place = place
        self.warning = warning

    @classmethod
    def prepare(cls, options: dict[str, Any], file_values: dict[str, Any], config_root: Path | None,
                cwd: Path | None = None) -> "BaselinePlan":
        """Read the baseline now: a missing or invalid one stops the run before it starts."""
        read = options.get("baseline")
        if not read and file_values.get("baseline"):
            configured = Path(file_values["baseline"])
            read = str(configured if configured.is_absolute() or config_root is None else config_root / configured)
        plan = cls(read=read, write=options.get("write_baseline"))
        if plan.read or plan.write:
            # Loaded only for a run with a baseline: its dataclasses cost every other run's start.
            from twelvecheck.cli import baseline as baselines

            plan.place = baselines.Place.of(plan.write or plan.read, cwd or Path.cwd())
        if plan.read and not plan.write:
            plan.entries = baselines.load(plan.read)
        return plan

    def keep(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not cover (one file's, analyzed again by the fixer)."""
        if not self.entries:
            return findings
        from twelvecheck.cli import baseline as baselines  # loaded by prepare()

        assign_fingerprints(findings)
        return baselines.apply(findings, self.entries, None, set(), self.place).new

    def apply(self, result: RunResult, write_atomically: Any) -> None:
        """Write the baseline (--write-baseline), then report only what it does not cover."""
        if not self.write and self.entries is None:
            return
        from twelvecheck.cli import baseline as baselines  # loaded by prepare()

        if self.write:
            try:
                write_atomically(self.write, baselines.dumps(result.findings, self.place))
            except OSError as exc:
                raise BaselineError(f"cannot write: {exc.strerror or exc}", self.write) from None
            self.entries = baselines.entries_for(result.findings, self.place)
        if self.entries is None:
            return
        outcome = baselines.apply(result.findings, self.entries, result.checked or None, set(result.enabled),
                                  self.place)
        result.findings = outcome.new
        if outcome.warning:
            self.warning = f"baseline {self.write or self.read}: {outcome.warning}"
        result.baseline = outcome.summary(self.write or self.read or "")


def write_reports(result: RunResult, context: ReportContext, pairs: list[tuple[str, str]],
                  write_atomically: Any) -> list[str]:
    """Write each extra report; the problems (one message per failed file) are returned."""
    problems = []
    plain = ReportContext(cwd=context.cwd, root=context.root, color=False, statistics=context.statistics,
                          quiet=context.quiet, show_source=context.show_source,
                          stdin_name=context.stdin_name, stdin_source=context.stdin_source,
                          _sources=context._sources, paths=context.paths)
    for format_, path in pairs:
        try:
            write_atomically(path, render(format_, result, plain))
        except OSError as exc:
            problems.append(f"cannot write {path}: {exc.strerror or exc}")
    return problems
