"""``twelvecheck test-rules [PATHS]``: the VALID and INVALID cases of local rules and plugins,
run by the same code that runs the built-in rules' cases (run/rule_cases.py).

One line per case (``ok`` or ``FAIL``), the reason under a failing one, then a summary. Exit
0 when every case holds, 1 when one does not (or a rule has no cases of a kind), 2 when a
rule does not load (its module, its document, its code) or there is no rule to test.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click

from twelvecheck.cli.exits import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, guarded, print_error
from twelvecheck.cli.settings import rules_of_project
from twelvecheck.core.findings import ToolError
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.registry import builtin_rules, load_rules
from twelvecheck.run.rule_cases import CaseFailure, cases_of, check_case, missing_cases
from twelvecheck.run.runner import use_rules


def test_rules(paths: list[str], quiet: bool, options: dict[str, Any]) -> int:
    outcome: list[int] = []
    guarded_status = guarded(lambda: outcome.append(_test_rules(paths, quiet, options)) or EXIT_OK)
    return guarded_status if guarded_status != EXIT_OK else outcome[0]


def _test_rules(paths: list[str], quiet: bool, options: dict[str, Any]) -> int:
    cwd = Path.cwd()
    if paths:  # these folders or modules; plugins load too, but only these rules are tested
        local = [str((cwd / path).resolve()) for path in paths]
        errors: list[ToolError] = use_rules(local, cwd)[1]
    else:
        configured, root, errors = rules_of_project(cwd, options)
        local = [str((root / path).resolve()) for path in configured]
    docs = load_rule_docs()
    builtin = builtin_rules()
    rules = {code: rule for code, rule in load_rules().items()
             if code not in builtin and (not paths or docs[code].origin.startswith("local "))}
    for error in errors:
        print_error(str(error))
    if not rules:
        if not errors:
            print_error("no local rule or plugin to test: name a folder or module of rules, or set "
                        "local-rules in [tool.twelvecheck]")
        return EXIT_ERROR
    passed = failed = 0
    for rule in rules.values():
        problem = missing_cases(rule)
        if problem:
            failed += 1
            click.echo(f"FAIL {rule.code} ({docs[rule.code].origin}): {problem}")
    for item in cases_of(rules):
        with tempfile.TemporaryDirectory(prefix="twelvecheck-case-") as workdir:
            try:
                check_case(item, Path(workdir) / "app", tuple(local))
            except CaseFailure as failure:
                failed += 1
                click.echo(f"FAIL {item.name} ({docs[item.rule.code].origin})")
                click.echo("\n".join(f"    {line}" for line in str(failure).splitlines()))
                continue
        passed += 1
        if not quiet:
            click.echo(f"ok   {item.name}")
    click.echo(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}: {passed} cases passed, {failed} failed")
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK
