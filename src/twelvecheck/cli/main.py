"""The command line: ``twelvecheck [PATHS]...`` (= ``twelvecheck check``), ``rules``, ``explain``.

When the first argument is both a subcommand name and an existing path (this repository
has a ``rules/`` folder), the subcommand wins: write ``twelvecheck check rules`` or
``twelvecheck ./rules`` to check the folder.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from twelvecheck import __version__
from twelvecheck.config.formation import parse_formation_option
from twelvecheck.core.fixhints import fix_kinds, rule_fix_hint
from twelvecheck.core.formats import REPORT_FORMATS
from twelvecheck.core.ruledocs import load_rule_docs, resolve_code



class _DefaultToCheck(click.Group):
    """Routes anything that is not a subcommand (or --help/--version) to ``check``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="twelvecheck")
def cli() -> None:
    """Check a codebase against the Twelve-Factor process model.

    `twelvecheck [OPTIONS] [PATHS]...` is `twelvecheck check`; see
    `twelvecheck check --help` for its options.
    """


def _selector_option(*names: str, help: str):
    return click.option(*names, multiple=True, metavar="SELECTORS", help=help)


def _parse_formation(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    if not values:
        return {}
    quantities: dict[str, int] = {}
    for value in values:  # repeatable: a later one wins for the types it names
        try:
            quantities.update(parse_formation_option(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return quantities


def _formation_option():
    return click.option("--formation", multiple=True, metavar="TYPE=N,...", callback=_parse_formation,
                        help="How many processes of each type run (web=3,worker=5); wins over app.json "
                             "and [tool.twelvecheck.formation] for the types it names.")


def _config_options(command):
    command = click.option("--isolated", is_flag=True, help="Ignore every configuration file.")(command)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=str), default=None,
                        help="Use this configuration file instead of searching for one.")(command)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "format_", type=click.Choice(REPORT_FORMATS), default=None,
              help="Report format (default: text).")
@click.option("--output-format", "output_formats", multiple=True, metavar="FORMAT=FILE",
              help="Also write a report in FORMAT to FILE (atomically); repeatable.")
@click.option("--baseline", "baseline", type=click.Path(path_type=str), default=None, metavar="FILE",
              help="Report only findings not recorded in the baseline FILE.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Record the current findings in FILE, then report as if it were the --baseline.")
@click.option("--show-source", is_flag=True, default=None, help="Text format: show each finding's source line.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the report to FILE (atomically) instead of standard output.")
@_selector_option("--select", help="Enable only these codes, prefixes (TWC2) or families (logging); comma-separated.")
@_selector_option("--extend-select", help="Enable these in addition to the selected rules.")
@_selector_option("--ignore", help="Disable these codes, prefixes or families.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"], case_sensitive=False), default=None,
              help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, default=None, help="Exit 0 even when there are findings.")
@click.option("--fail-on-empty", is_flag=True, default=None,
              help="Exit 2 when there is no file to check (a gate that checked nothing must not pass).")
@_config_options
@_formation_option()
@click.option("--statistics", is_flag=True, default=None, help="Show counts per rule instead of each finding.")
@click.option("--quiet", "-q", is_flag=True, default=None, help="Print findings only, no summary line.")
@click.option("--color/--no-color", default=None,
              help="Force or disable colors (default: on for a terminal unless NO_COLOR is set).")
@click.option("--stdin-filename", default=None, metavar="NAME",
              help="Read standard input (with or without the path '-') and report it as NAME.")
@click.option("--exclude", multiple=True, metavar="PATTERNS", help="Replace the default excludes (gitignore syntax).")
@click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Exclude these as well.")
@click.option("--force-exclude", is_flag=True, default=None, help="Apply excludes to paths named on the command line too.")
@click.option("--no-respect-gitignore", is_flag=True, default=False, help="Check files that .gitignore ignores.")
@click.option("--include-tests", is_flag=True, default=None,
              help="Check test files too (tests/, test_*.py, pytest's testpaths; passed over by default).")
@click.option("--include-vendored", is_flag=True, default=None,
              help="Check vendored copies of libraries too (vendor/, a library copied in with its own packaging "
                   "and licence that nothing imports; passed over by default).")
@click.option("--reachable-only", is_flag=True, default=None,
              help="Report only findings in code a declared process type reaches (see README: What runs in production).")
@click.option("--show-silenced", is_flag=True, default=None,
              help="After the findings, list each one a knowledge entry kept from being reported, and the entry "
                   "(docs/knowledge.md); the JSON report gains a 'silenced' list.")
@click.option("--no-prefilter", is_flag=True, default=None, hidden=True,
              help="Parse every file and collect whole-program facts everywhere (for tests and benchmarks).")
@click.option("--no-cache", is_flag=True, default=None,
              help="Analyze every file afresh; do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None, metavar="DIR",
              help="Keep per-file results in DIR (default: .twelvecheck_cache beside the configuration, "
                   "else at the repository root).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, metavar="N",
              help="Worker processes; 0 (the default): one per core.")
@click.option("--fix", is_flag=True, default=False,
              help="Apply the safe fixes in place, then report what is left.")
@click.option("--diff", is_flag=True, default=False,
              help="Print the safe fixes (with --unsafe-fixes, the unsafe ones too) as a unified diff and "
                   "change nothing (exit 1 when there is one).")
@click.option("--unsafe-fixes", is_flag=True, default=False,
              help="With --fix or --diff: apply the unsafe fixes too (they may change behaviour; read them).")
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Check PATHS (default: the current directory)."""
    # Deferred, as for `formation`: what a run needs (the runner, configuration, reports)
    # costs `--version`, `rules` and `explain` tens of milliseconds they do not need.
    from twelvecheck.cli.check import run_check

    sys.exit(run_check(list(paths), options))


@cli.command("formation")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=str))
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text",
              help="text: one table per app; json: the documented shape (schema_version 1).")
@_formation_option()
@_config_options
@click.option("--color/--no-color", default=None,
              help="Force or disable colors (default: on for a terminal unless NO_COLOR is set).")
def formation_command(path: str | None, **options: Any) -> None:
    """Show the formation of the app at PATH (default: the current directory): each process
    type's command, how many run, where that is said, and the findings about it."""
    from twelvecheck.cli.formation import run_formation  # deferred: the process model, as for `check`

    sys.exit(run_formation(path, options))


def _project_rules_options(command):
    """--config and --isolated: which configuration's local rules to load (default: the one
    found from the working directory); installed plugins are loaded either way."""
    command = click.option("--isolated", is_flag=True, help="Ignore configuration files (plugins still load).")(command)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                        help="The configuration file whose local-rules to load.")(command)


def _with_project_rules(options: dict[str, Any]) -> list:
    """Put the project's local rules and the installed plugins in use; the errors loading them
    (printed; the command exits 2 after its output)."""
    from twelvecheck.cli.exits import print_error
    from twelvecheck.cli.settings import rules_of_project

    errors = rules_of_project(Path.cwd(), options)[2]
    for error in errors:
        print_error(str(error))
    return errors


@cli.command("rules")
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text",
              help="Output format (default: text).")
@_project_rules_options
def rules_command(format_: str, **options: Any) -> None:
    """List every rule: code, name, family, default severity; the project's local rules and
    installed plugins too, with where each comes from."""
    errors = _guarded_rules(options)
    docs = load_rule_docs()
    if format_ == "json":
        click.echo(json.dumps([
            {"code": d.code, "name": d.name, "family": d.family, "severity": str(d.severity),
             "default_enabled": d.default_enabled, "fixable": d.fixable, "fix": list(d.fix),
             "summary": d.summary,
             "help_uri": d.help_uri, "origin": d.origin}
            for d in docs.values()
        ], indent=2))
    else:
        width = max(len(d.name) for d in docs.values())
        click.echo(f"{'CODE':<7} {'NAME':<{width}} {'FAMILY':<9} {'SEVERITY':<8} SUMMARY")
        for d in docs.values():
            marker = "" if d.default_enabled else " (off by default)"
            origin = "" if d.builtin else f" [{d.origin}]"
            click.echo(f"{d.code:<7} {d.name:<{width}} {d.family:<9} {str(d.severity):<8} {d.summary}{marker}{origin}")
    if errors:
        sys.exit(2)


def _guarded_rules(options: dict[str, Any]) -> list:
    from twelvecheck.cli.exits import EXIT_ERROR, guarded

    errors: list = []

    def load() -> int:
        errors.extend(_with_project_rules(options))
        return 0

    if guarded(load) == EXIT_ERROR:  # a bad configuration file: said on stderr
        sys.exit(EXIT_ERROR)
    return errors


@cli.command()
@click.argument("rule")
@_project_rules_options
def explain(rule: str, **options: Any) -> None:
    """Print the document of RULE (a code such as TWC201 or a name such as file-log-handler),
    a local rule's or a plugin's too."""
    errors = _guarded_rules(options)
    docs = load_rule_docs()
    code = resolve_code(rule)
    if code is None:
        import difflib

        close = difflib.get_close_matches(rule.upper(), list(docs), n=1) or difflib.get_close_matches(
            rule.lower(), [d.name for d in docs.values()], n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise click.UsageError(f"no rule named {rule!r}{hint} (see `twelvecheck rules`)")
    doc = docs[code]
    state = "enabled by default" if doc.default_enabled else "off by default"
    origin = "" if doc.builtin else f", from: {doc.origin}"
    click.echo(f"{doc.code} {doc.name}  [family: {doc.family}, severity: {doc.severity}, {state}, "
               f"fix: {fix_kinds(doc.fix)}{origin}]")
    hint = rule_fix_hint(doc.fix)
    click.echo(f"{hint}\n" if hint else "")
    click.echo(doc.text)
    _explain_knowledge(doc)
    if errors:
        sys.exit(2)


@cli.command("test-rules")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@_project_rules_options
@click.option("-q", "--quiet", is_flag=True, help="Print the failing cases and the summary only.")
def test_rules_command(paths: tuple[str, ...], quiet: bool, **options: Any) -> None:
    """Run the VALID and INVALID cases of local rules: the rule folders or modules PATHS
    (default: the configuration's local-rules, and the installed plugins). Exit 1 when a
    case fails, 2 when a rule does not load."""
    from twelvecheck.cli.rule_tests import test_rules  # deferred: the engine and the runner

    sys.exit(test_rules(list(paths), quiet, options))


def _explain_knowledge(doc) -> None:
    """The knowledge tables the rule reads (docs/knowledge.md), with the additions of the
    configuration found from the working directory."""
    # Deferred, as for `check`: `--version` and `rules` need neither.
    from twelvecheck.config import knowledge
    from twelvecheck.config.loading import ConfigError, find_config, load_config

    try:
        found = find_config(Path.cwd())
        table = load_config(found).values.get("knowledge") if found is not None else None
    except ConfigError:
        table = None  # `check` reports the configuration's mistakes
    lines = knowledge.read_by(doc.code, doc.family, table)
    if lines:
        click.echo("\nKnowledge it reads (docs/knowledge.md):\n" + "\n".join(lines))


def main() -> None:
    """The console script: the command line, then the end of the process (``_end``)."""
    # A run makes objects by the hundred thousand that live until it ends (syntax trees, the
    # cache's records, facts); at the default thresholds the cyclic collector walks them over
    # and over. The pool's workers inherit this. (100_000, 50, 100), as mypy has, cost memory
    # that older generations held: a --jobs 1 run over the standard library peaked at 305 MB,
    # above the 300 MB aim. Medians on Django, --jobs 1, cold: 8.08 s / 91 MB at the
    # defaults, 7.83 s / 102 MB at mypy's, 7.44 s / 92 MB here; the standard library's peak
    # 288 / 305 / 294 MB.
    gc.set_threshold(10_000, 10, 10)
    try:
        run()
    except SystemExit as done:
        _end(done.code)


def run() -> None:
    """The command line; it ends with SystemExit, as click's commands do."""
    try:
        cli.main(prog_name="twelvecheck")
    except KeyboardInterrupt:
        click.echo("twelvecheck: interrupted", err=True)
        sys.exit(130)


def _end(code: object) -> None:
    """End the process with ``code`` as ``sys.exit`` would, but without the interpreter's
    teardown, which frees every object of the run one by one (the cache's records, the
    facts): on a run served from the cache that is a sizeable part of the whole. Nothing is
    left to clean up by then: reports, the cache and fixed files are written and closed,
    the process pool is shut down. mypy ends the same way (``util.hard_exit``)."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(status)
