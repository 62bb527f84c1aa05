"""``twelvecheck check``: merge configuration with the command line, run, report, exit."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import click

from twelvecheck.cli.baseline import BaselineError
from twelvecheck.cli.main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, _split, write_atomically
from twelvecheck.config.loading import ConfigError, FileConfig, find_config, load_config, pattern_problem
from twelvecheck.core.findings import Severity
from twelvecheck.run.runner import Settings
from twelvecheck.config.selection import SelectorError, expand


def print_error(message: str) -> None:
    click.echo(f"twelvecheck: error: {message}", err=True)


def run_check(paths: list[str], options: dict[str, Any]) -> int:
    return guarded(lambda: _run_check(paths, options))


def guarded(command: Callable[[], int]) -> int:
    """Run a command (check, formation) with the exit codes and messages users are promised."""
    try:
        return command()
    except (ConfigError, SelectorError, BaselineError) as exc:
        print_error(str(exc))
        return EXIT_ERROR
    except click.ClickException:
        raise  # a usage error: click prints it and exits 2
    except Exception as exc:  # a bug in twelvecheck: say so, never dump a traceback on users
        print_error(f"internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("TWELVECHECK_DEBUG"):
            traceback.print_exc()
        else:
            click.echo("(set TWELVECHECK_DEBUG=1 for the traceback)", err=True)
        return EXIT_ERROR


def _load_file_config(paths: list[str], options: dict[str, Any], cwd: Path) -> FileConfig:
    if options.get("isolated"):
        return FileConfig()
    if options.get("config_file"):
        path = Path(options["config_file"])
        if not path.is_file():
            raise ConfigError("configuration file does not exist", path)
        return load_config(path)
    start = paths[0] if paths and paths[0] != "-" else (options.get("stdin_filename") or ".")
    start_path = Path(start) if Path(start).is_absolute() else cwd / start
    # A --stdin-filename (or a missing path) need not exist: search from its nearest folder.
    while not start_path.exists() and start_path.parent != start_path:
        start_path = start_path.parent
    found = find_config(start_path)
    return load_config(found) if found else FileConfig()


def _folder_prefix(cwd: Path, root: Path) -> str:
    """cwd relative to the config folder, as a pattern prefix ("svc/"); "" if not below it."""
    try:
        relative = cwd.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def _rebase(pattern: str, prefix: str) -> str:
    """A command-line gitignore pattern (relative to cwd) made relative to the config folder.

    Patterns without an inner '/' match at any depth and stay as they are; anchored ones
    (``legacy/*.py``, ``/build``) get the cwd's path below the config folder in front.
    """
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if not prefix or "/" not in body.rstrip("/"):
        return pattern
    return ("!" if negated else "") + prefix + body.lstrip("/")


def _cache_dir(options: dict[str, Any], file_values: dict[str, Any], cwd: Path, root: Path) -> Path | None:
    """--cache-dir (relative to cwd), else cache-dir (relative to the config file), else
    .twelvecheck_cache in the config's folder; None with --no-cache or cache = false."""
    from twelvecheck.run.cache import CACHE_DIR_NAME

    if options.get("no_cache") or file_values.get("cache") is False:
        return None
    if options.get("cache_dir"):
        return cwd / options["cache_dir"]
    if "cache-dir" in file_values:
        return root / file_values["cache-dir"]
    return root / CACHE_DIR_NAME


def _pick(options: dict[str, Any], file_values: dict[str, Any], option: str, key: str, default: Any) -> Any:
    """The command-line value when one was given, else the configuration's, else the default."""
    value = options.get(option)
    if value is not None and value != () and value is not False:
        return value
    return file_values.get(key, default)


def prepare(paths: list[str], options: dict[str, Any], cwd: Path) -> tuple[Settings, FileConfig]:
    """Settings from the configuration file and the options ``check`` and ``formation`` share
    (a command without an option reads it from the file alone)."""
    config = _load_file_config(paths, options, cwd)
    file_values = config.values
    for option in ("select", "extend_select", "ignore"):
        for selector in _split(options.get(option, ())):
            expand(selector)  # an unknown selector is a usage error (exit 2)
    for option in ("exclude", "extend_exclude"):
        for pattern in _split(options.get(option, ())):
            problem = pattern_problem(pattern)
            if problem:
                raise click.UsageError(f"--{option.replace('_', '-')}: {pattern!r} is no gitignore-style "
                                       f"pattern ({problem})")

    settings = Settings(cwd=cwd, root=config.root or cwd)
    settings.paths = paths or ["."]
    # Patterns in the file are relative to its folder, patterns on the command line to cwd.
    prefix = _folder_prefix(cwd, settings.root)
    settings.select = _split(options.get("select", ())) or file_values.get("select")
    settings.extend_select = [*file_values.get("extend-select", []), *_split(options.get("extend_select", ()))]
    settings.ignore = [*file_values.get("ignore", []), *_split(options.get("ignore", ()))]
    if options.get("exclude"):
        settings.exclude = [_rebase(p, prefix) for p in _split(options["exclude"])]
    elif "exclude" in file_values:
        settings.exclude = list(file_values["exclude"])
    settings.extend_exclude = [*file_values.get("extend-exclude", []),
                               *(_rebase(p, prefix) for p in _split(options.get("extend_exclude", ())))]
    settings.force_exclude = bool(_pick(options, file_values, "force_exclude", "force-exclude", False))
    settings.respect_gitignore = False if options.get("no_respect_gitignore") else \
        file_values.get("respect-gitignore", True)
    settings.per_file_ignores = file_values.get("per-file-ignores", {})
    settings.severity = file_values.get("severity", {})
    settings.jobs = _pick(options, file_values, "jobs", "jobs", 0)
    settings.cache_dir = _cache_dir(options, file_values, cwd, settings.root)
    settings.prefilter = not options.get("no_prefilter")
    settings.formations = _formations(config, options.get("formation") or {}, settings.paths, cwd)
    return settings, config


def _formations(config: FileConfig, option: dict[str, int], paths: list[str], cwd: Path) -> list:
    """The configuration's formation (for the app at its folder), then --formation (for the
    app of the checked paths): later ones win per process type (formation.FormationOverride)."""
    if not config.values.get("formation") and not option:
        return []
    from twelvecheck.deploy.formation import FormationOverride, config_source  # loads the Procfile readers

    layers = []
    if config.values.get("formation") and config.path is not None:
        layers.append(FormationOverride(dict(config.values["formation"]), config_source(config.path),
                                        [config.path.parent]))
    if option:
        layers.append(FormationOverride(option, "--formation", [cwd / path for path in paths], required=True))
    return layers


def use_color(option: bool | None, file_values: dict[str, Any], output: str | None) -> bool:
    """--color/--no-color, else the file's ``color``, else on for a terminal unless NO_COLOR."""
    color = option if option is not None else file_values.get("color")
    if color is None:
        color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return bool(color)


def _run_check(paths: list[str], options: dict[str, Any]) -> int:
    from twelvecheck.cli.outputs import BaselinePlan

    cwd = Path.cwd()
    settings, config = prepare(paths, options, cwd)
    file_values = config.values

    def pick(option: str, key: str, default: Any) -> Any:
        return _pick(options, file_values, option, key, default)

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

    baseline_plan = BaselinePlan.prepare(options, file_values, config.root)

    with contextlib.ExitStack() as scratch:
        if fix_mode == "fix" and settings.cache_dir is None:
            # --fix analyzes the tree twice (before and after); without a cache of the user's,
            # a temporary one spares the second run the files the fixes left alone.
            import tempfile

            settings.cache_dir = Path(scratch.enter_context(tempfile.TemporaryDirectory(prefix="twelvecheck-fix-")))
        return _check_and_report(settings, options, fix_mode, baseline_plan, file_values, cwd, pick)


def _check_and_report(settings: Settings, options: dict[str, Any], fix_mode: str | None, baseline_plan,
                      file_values: dict[str, Any], cwd: Path, pick: Callable[[str, str, Any], Any]) -> int:
    from twelvecheck.reports import ReportContext, render
    from twelvecheck.cli.outputs import parse_output_formats, write_reports
    from twelvecheck.run.runner import run

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
    color = use_color(options["color"], file_values, output)
    context = ReportContext(cwd=cwd, color=color and output is None, statistics=statistics, quiet=quiet,
                            show_source=bool(pick("show_source", "show-source", False)),
                            stdin_name=settings.stdin_filename, stdin_source=settings.stdin_source)
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

    if result.errors or problems or fix_errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    failing = any(finding.severity >= fail_on for finding in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _fixed_note(outcome) -> str:
    files = len(outcome.changed_files)
    note = f"fixed {outcome.fixed_count} finding{'' if outcome.fixed_count == 1 else 's'} in " \
           f"{files} file{'' if files == 1 else 's'}" if files else "nothing to fix"
    if outcome.unsafe_left:
        note += f"; {outcome.unsafe_left} more with --unsafe-fixes"
    return note


def _report_diff(result, outcome, quiet: bool) -> int:
    """--diff: the patch on standard output (`git apply` reads it), the rest on standard error."""
    click.echo("".join(item.diff() for item in outcome.changed_files), nl=False)
    for error in [*result.errors, *outcome.errors]:
        print_error(str(error))
    if not quiet:
        note = _fixed_note(outcome).replace("fixed", "would fix", 1)
        click.echo(f"twelvecheck: {note}", err=True)
    if result.errors or outcome.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if outcome.changed_files else EXIT_OK
