"""``twelvecheck check``: run with the merged settings, fix when asked, report, exit."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from twelvecheck.cli.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, guarded, print_error, print_warning
from twelvecheck.cli.outputs import BaselinePlan, parse_output_formats, write_reports
from twelvecheck.cli.settings import pick_option, prepare, use_color
from twelvecheck.core.findings import UNSAFE, Severity
from twelvecheck.core.fixhints import APPLY, SHOW
from twelvecheck.files.writing import write_atomically
from twelvecheck.reports import ReportContext, render
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run


def run_check(paths: list[str], options: dict[str, Any]) -> int:
    return guarded(lambda: _run_check(paths, options))


def _run_check(paths: list[str], options: dict[str, Any]) -> int:
    cwd = Path.cwd()
    if options.get("stdin_filename"):
        # As ruff: --stdin-filename reads standard input, with or without '-'; a path named
        # besides it is not checked, and that is said.
        for path in paths:
            if path != "-":
                print_warning(f"ignoring {path} in favour of standard input (--stdin-filename)")
        paths = ["-"]
    settings, config = prepare(paths, options, cwd)
    file_values = config.values

    def pick(option: str, key: str, default: Any) -> Any:
        return pick_option(options, file_values, option, key, default)

    fix_mode = "diff" if options.get("diff") else "fix" if options.get("fix") else None
    if fix_mode and "-" in settings.paths:
        raise click.UsageError("--fix and --diff change files; they cannot read standard input")
    if fix_mode and options.get("write_baseline"):
        raise click.UsageError("--write-baseline records findings; run it without --fix or --diff")
    if options.get("unsafe_fixes") and not fix_mode:
        raise click.UsageError("--unsafe-fixes needs --fix or --diff")
    if settings.paths == ["-"]:
        settings.stdin_source = sys.stdin.buffer.read()
        settings.stdin_filename = options["stdin_filename"]
    elif "-" in settings.paths:
        raise click.UsageError("'-' (standard input) cannot be combined with other paths")

    baseline_plan = BaselinePlan.prepare(options, file_values, config.root, cwd)
    outputs = [pick("output", "output", None), baseline_plan.read, baseline_plan.write,
               *(path for _, path in parse_output_formats(options.get("output_formats") or (),
                                                         file_values.get("output-format")))]
    settings.own_outputs = frozenset(os.path.normpath(cwd / path) for path in outputs if path)

    with contextlib.ExitStack() as scratch:
        if fix_mode == "fix" and settings.cache_dir is None:
            # --fix analyzes the tree twice (before and after); without a cache of the user's,
            # a temporary one spares the second run the files the fixes left alone.
            import tempfile

            settings.cache_dir = Path(scratch.enter_context(tempfile.TemporaryDirectory(prefix="twelvecheck-fix-")))
        return _check_and_report(settings, options, fix_mode, baseline_plan, file_values, cwd, pick)


def _check_and_report(settings: Settings, options: dict[str, Any], fix_mode: str | None, baseline_plan,
                      file_values: dict[str, Any], cwd: Path, pick: Callable[[str, str, Any], Any]) -> int:
    fail_on = Severity.parse(pick("fail_on", "fail-on", "warning"))
    exit_zero = bool(pick("exit_zero", "exit-zero", False))
    format_ = pick("format_", "format", "text")
    output = pick("output", "output", None)
    statistics = bool(pick("statistics", "statistics", False))
    quiet = bool(pick("quiet", "quiet", False))
    extra_outputs = parse_output_formats(options.get("output_formats") or (), file_values.get("output-format"))
    result = run(settings)
    baseline_plan.apply(result, write_atomically)
    fix_errors: list = []
    if fix_mode:
        # Deferred: the fixer analyzes its fixes with the engine, which a run answered
        # from the cache never loads; with the garbage collector on (twelvecheck/__main__.py).
        gc.enable()
        from twelvecheck.fix.fixer import plan_fixes, write_fixes

        outcome = plan_fixes(result.findings, result.tasks, bool(options.get("unsafe_fixes")), baseline_plan.keep)
        fix_errors = outcome.errors
        if fix_mode == "diff":
            return _report_diff(result, outcome, quiet)
        write_fixes(outcome, write_atomically)
        if outcome.changed_files:  # report what is left: the changed files are analyzed again
            result = run(settings)
            baseline_plan.apply(result, write_atomically)
        if not quiet:
            click.echo(f"twelvecheck: {_fixed_note(outcome)}", err=True)
    for error in [*result.errors, *fix_errors]:
        print_error(str(error))
    if settings.reachable_only and result.unreached is None:
        click.echo("twelvecheck: warning: --reachable-only: no file declares a process type, so every finding "
                   "is reported", err=True)
    if baseline_plan.warning:
        print_warning(baseline_plan.warning)
    color = use_color(options["color"], file_values, output)
    context = ReportContext(cwd=cwd, color=color and output is None, statistics=statistics, quiet=quiet,
                            show_source=bool(pick("show_source", "show-source", False)),
                            stdin_name=settings.stdin_filename, stdin_source=settings.stdin_source,
                            paths=tuple(settings.stdin_filename or path for path in settings.paths))
    text = render(format_, result, context)
    problems = write_reports(result, context, extra_outputs, write_atomically)
    for problem in problems:
        print_error(problem)
    if output:
        try:
            write_atomically(output, text)
        except OSError as exc:
            print_error(f"cannot write {output}: {exc.strerror or exc}")
            return EXIT_ERROR
    else:
        click.echo(text, nl=False, color=True)
    written = [*([output] if output else []), *(path for _, path in extra_outputs)]
    # A report in a file, or only a machine's report on standard output (github, json): the
    # terminal, or the CI job's log, still hears how the run went, on standard error. The
    # text report ends with that line itself.
    if written and not quiet and not problems and (output or format_ != "text"):
        from twelvecheck.reports.text import summary_line

        terminal_color = options["color"] if options["color"] is not None else \
            file_values.get("color", sys.stderr.isatty() and not os.environ.get("NO_COLOR"))
        click.echo(f"{summary_line(result, bool(terminal_color))} Report{'s' if len(written) > 1 else ''} "
                   f"written to {', '.join(written)}.", err=True, color=True)

    if result.errors or problems or fix_errors:
        return EXIT_ERROR
    if result.files_scanned == 0:
        # "No findings in 0 files" must not pass unnoticed: a path with nothing to check is
        # more often a mistyped or misconfigured one than a clean one.
        where = ", ".join(settings.paths)
        if pick("fail_on_empty", "fail-on-empty", False):
            print_error(f"no files to check in {where} (--fail-on-empty)")
            return EXIT_ERROR
        print_warning(f"no files to check in {where} (--fail-on-empty makes this an error)")
    if exit_zero:
        return EXIT_OK
    failing = any(finding.severity >= fail_on for finding in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _fixed_note(outcome, option: str = APPLY[UNSAFE]) -> str:
    """What --fix did; ``option`` names the command that takes the unsafe fixes left too."""
    files = len(outcome.changed_files)
    note = f"fixed {outcome.fixed_count} finding{'' if outcome.fixed_count == 1 else 's'} in " \
           f"{files} file{'' if files == 1 else 's'}" if files else "nothing to fix"
    if outcome.unsafe_left:
        note += f"; {outcome.unsafe_left} more with {option}"
    return note


def _report_diff(result, outcome, quiet: bool) -> int:
    """--diff: the patch on standard output (`git apply` reads it), the rest on standard error."""
    click.echo("".join(item.diff() for item in outcome.changed_files), nl=False)
    for error in [*result.errors, *outcome.errors]:
        print_error(str(error))
    if not quiet:
        note = _fixed_note(outcome, SHOW[UNSAFE]).replace("fixed", "would fix", 1)
        click.echo(f"twelvecheck: {note}", err=True)
    if result.errors or outcome.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if outcome.changed_files else EXIT_OK
