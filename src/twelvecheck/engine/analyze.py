"""Analyze one file: read it once, parse it once, run every enabled rule in one traversal.

``run/worker.py`` hands over each file by kind: Python source comes here (``analyze_python``),
and so do the text files some rule reads (``analyze_text``: logging configurations);
Procfiles and app.json go to ``deploy/analysis.py``.

Positions are the expensive libcst metadata (about four parses): they are computed only
for files where a rule reported something, and only the reported nodes are looked up.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import Any

from twelvecheck.core.findings import FileResult, Span, ToolError
from twelvecheck.core.lazy import libcst as cst
from twelvecheck.engine.code_text import code_text
from twelvecheck.engine.factscope import FileScope
from twelvecheck.engine.knowledge_scope import silenced_lines, silencing_entry
from twelvecheck.engine.meta import META_CODES, PARSE_ERROR, UNUSED_SUPPRESSION
from twelvecheck.engine.names import collect_module_bindings
from twelvecheck.engine.positions import Positions
from twelvecheck.engine.pyfix import materialize
from twelvecheck.engine.registry import load_rules, problems_of, rule_failure, rules_of_kind
from twelvecheck.engine.syntax_versions import newer_syntax, running_python
from twelvecheck.engine.rule import FileContext, ProjectRule, Rule
from twelvecheck.engine.suppressions import Suppressions
from twelvecheck.core.ruledocs import resolve_code
from twelvecheck.engine.task import FileTask, FindingFactory
from twelvecheck.engine.visitor import BatchedVisitor
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.files.kinds import has_comments
from twelvecheck.files.modulepath import module_name_from_path


# Files of a text kind larger than this (a logging config) are data, not configuration.
MAX_TEXT_BYTES = 2 * 1024 * 1024


def analyze_python(task: FileTask, result: FileResult) -> None:
    """A Python file: read, decoded, vetted by CPython's parser, then its rules in one traversal."""
    if task.source is not None:
        data = task.source
    else:
        try:
            data = Path(task.path).read_bytes()
        except OSError as exc:
            _parse_error(task, result, [], f"cannot read file: {exc.strerror or exc}", 1, 1)
            return
        result.digest = hashlib.sha256(data).hexdigest()  # as cache.Content hashes it
    try:
        text = decode_source(data)
    except SourceError as exc:
        _parse_error(task, result, [], exc.message, exc.line, exc.column)
        return
    _analyze_python(task, text, text.splitlines(), result)


def analyze_text(task: FileTask, result: FileResult) -> None:
    """A file of a text kind some rule reads (a logging config: ini, yaml, json), judged by
    each such rule's ``check_text``. Such files are not ours to judge as a whole: one that
    is unreadable, binary or not UTF-8 is passed over without a finding."""
    path = Path(task.path)
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            return
        data = path.read_bytes()
    except OSError:
        return
    result.digest = hashlib.sha256(data).hexdigest()  # as for a Python file
    if b"\x00" in data:
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    lines = text.splitlines()
    factory = FindingFactory(task, lines)
    suppressions: Suppressions | None = None
    for rule in rules_of_kind(task.kind):
        if rule.code not in task.report:
            continue
        found = problems_of([rule], lambda rule: rule.check_text(text, task.kind), task.display_path, result.errors)
        problems = {(p.span.line, p.span.column): p for _, p in found}  # aliases repeat one
        if problems and suppressions is None:
            # A directive in a comment above the problem's statement covers it, as in Python.
            suppressions = Suppressions.scan(text, resolve_code) if has_comments(task.kind) else \
                Suppressions.empty()
        for _, problem in sorted(problems.items()):
            span = problem.span
            if not suppressions.suppresses(rule.code, span.line, span.end_line, problem.statement_line or span.line):
                result.findings.append(factory.make(rule.code, span, problem.fields))


def _parse_error(task: FileTask, result: FileResult, lines: list[str], message: str, line: int, column: int) -> None:
    if PARSE_ERROR not in task.report:
        return
    span = Span(line, column, line, column + 1)
    result.findings.append(FindingFactory(task, lines).make(PARSE_ERROR, span, {"reason": message}))


def _codes_to_run(task: FileTask, suppressions: Suppressions) -> set[str]:
    run_codes = set(task.report) - META_CODES
    if UNUSED_SUPPRESSION in task.report:
        # To tell whether a suppression is used, the rules it names must run even if
        # they are not reported.
        run_codes |= {code for item in suppressions.items for code in item.resolved.values() if code}
        if any(not item.written for item in suppressions.items):
            run_codes |= set(load_rules()) - META_CODES
    return run_codes


def may_fire(text: str, rule_classes: list[type[Rule]]) -> bool:
    """Whether any rule could fire: each declares tokens it cannot fire without."""
    for rule_class in rule_classes:
        if rule_class.mentioned_in(text):
            return True
    return False


def _check_syntax(task: FileTask, text: str, lines: list[str], result: FileResult) -> ast.Module | None:
    """CPython's tree of the file; if its parser rejects the file, None and a TWC001 in its
    wording. The tree gives the whole-program facts (program/facts.py).

    Every file goes through here before libcst: libcst's native parser overflows its stack
    and kills the process (SIGSEGV) on nesting that CPython rejects cleanly (5,000 open
    parentheses, 10,000 unary minuses), so a hostile file could otherwise take down the
    whole run. CPython's limits (200 brackets, its parser stack) keep libcst in safe depths.
    """
    try:
        return ast.parse(text)
    except SyntaxError as error:
        line, column = error.lineno or 1, max(error.offset or 1, 1)
        newer = newer_syntax(error.msg, lines[line - 1] if 0 < line <= len(lines) else "")
        message = f"not valid Python: {error.msg}" if newer is None else (
            f"not valid Python {running_python()} ({error.msg}), the Python twelvecheck runs on; Python {newer[0]} "
            f"reads {newer[1]}: to check this file, run twelvecheck on Python {newer[0]} or later")
    except (RecursionError, MemoryError):
        message, line, column = "too deeply nested for the parser", 1, 1
    except ValueError as error:
        message, line, column = f"not valid Python: {error}", 1, 1
    if PARSE_ERROR in task.report:
        _parse_error(task, result, lines, message, line, column)
    return None


def _analyze_python(task: FileTask, text: str, lines: list[str], result: FileResult) -> None:
    suppressions = Suppressions.scan(text, resolve_code)
    known = load_rules()
    running = sorted(_codes_to_run(task, suppressions))
    rule_classes = [known[code] for code in running if code in known and "python" in known[code].kinds]
    # A rule of deployment files may judge the code a process type runs from the facts
    # (TWC516: `python app.py` starting Flask's development server): its collectors run too.
    collecting = rule_classes + [known[code] for code in running if code in known and
                                 "python" not in known[code].kinds and known[code].collectors]
    file_rule_classes = [rule for rule in rule_classes if not issubclass(rule, ProjectRule)]
    path = Path(task.path)
    # Source handed over in memory is named after its path when that is a real file: the
    # fixer checks its edits under the file's own module name (relative imports resolve).
    module_name, is_package = module_name_from_path(path) if task.source is None or task.in_place else (
        path.stem, False)
    tree = _check_syntax(task, text, lines, result)
    if tree is None:
        return
    # A per-file rule is built only where its tokens occur in code (not in a comment or a
    # docstring), and libcst parses only files where one does (the prefilter). Whole-program facts come from CPython's tree: from the
    # files the closure asks for (run/closure.py) and, at the cost of a walk, from every file
    # parsed for its own rules, so that no later wave has to read it again.
    code = code_text(text, tree)
    firing = [rule for rule in file_rule_classes if not task.prefilter or rule.mentioned_in(code)]
    rules_may_fire = bool(firing)
    result.facts = {"module": module_name}
    if task.collect_facts or rules_may_fire:
        result.facts.update(_collect_facts(task, collecting, tree, text, lines, module_name, is_package, result))
        result.parsed = True
    if not rules_may_fire:
        _report_unused(task, suppressions, {rule.code for rule in file_rule_classes}, FindingFactory(task, lines),
                       result)
        return
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # CPython accepts the file (checked above): libcst cannot read it
        # Reported only where a per-file rule might fire, whatever the prefilter says: the
        # findings are the same with it and without.
        if may_fire(code, file_rule_classes):
            _parse_error(task, result, lines, *_libcst_failure(exc))
        return
    ctx = FileContext(module, text, module_name, is_package, tree, code)
    collect_module_bindings(module, ctx.imports)
    # Only the rules whose tokens occur here can fire; the others are not even built. The
    # shared models they read are built first, so that each rule gets the one that is fed.
    fed = {model for rule_class in firing for model in rule_class.models_to_feed(code)}
    for model_class in sorted(fed, key=lambda model: model.__qualname__):
        ctx.models[model_class] = model_class(ctx)
    models = list(ctx.models.values())
    rules = [rule_class(ctx) for rule_class in firing]

    def on_error(rule: Rule, exc: BaseException) -> None:
        result.errors.append(ToolError(rule_failure(rule.code, exc), task.display_path))

    try:
        BatchedVisitor(ctx, rules, on_error, models).run(module)
    except RecursionError:
        _parse_error(task, result, lines, "too deeply nested to analyze", 1, 1)
        return
    positions = Positions(module)

    factory = FindingFactory(task, lines)
    # Functions the project's knowledge says do it right (engine/knowledge_scope.py).
    silenced = {rule.code: silenced_lines(tree, module_name, rule.silenced_inside)
                for rule in firing if rule.silenced_inside}
    if ctx.candidates:
        seen: set[tuple[str, int, int]] = set()
        # Where a rule reported at one place with a condition and without, the finding holds.
        for candidate in sorted(ctx.candidates, key=lambda c: c.requires is not None):
            span = positions.span(candidate.node)
            key = (candidate.code, span.line, span.column)
            if key in seen:
                continue
            seen.add(key)
            statement_line = span.line
            if candidate.statement is not None:
                statement_line = positions.span(candidate.statement).line
            if suppressions.suppresses(candidate.code, span.line, span.end_line, statement_line):
                continue
            entry = silencing_entry(silenced.get(candidate.code, []), span.line)
            if entry is not None:
                if candidate.code in task.report:  # kept for --show-silenced, never reported
                    result.silenced.append(factory.make(candidate.code, span, {**candidate.fields, "knowledge": entry},
                                                        requires=candidate.requires))
                continue
            if candidate.code in task.report:
                fix = None if candidate.fix is None else materialize(candidate.fix, module, positions, text,
                                                                     candidate.statement, tree)
                result.findings.append(factory.make(candidate.code, span, candidate.fields, fix=fix,
                                                    requires=candidate.requires))
    # Project rules are judged after every file: whether they used a suppression is not
    # known here, so their directives are not reported as unused.
    judged = {rule.code for rule in rule_classes if not issubclass(rule, ProjectRule)}
    _report_unused(task, suppressions, judged, factory, result)


def _report_unused(task: FileTask, suppressions: Suppressions, ran: set[str], factory: "FindingFactory",
                   result: FileResult) -> None:
    if UNUSED_SUPPRESSION not in task.report:
        return
    for item, reason in suppressions.unused(ran):
        span = Span(item.line, item.column, item.line, item.column + 1)
        result.findings.append(factory.make(UNUSED_SUPPRESSION, span, {"reason": reason}))


def _libcst_failure(exc: Exception) -> tuple[str, int, int]:
    """Message and position for valid Python (CPython parsed it) that libcst cannot read."""
    if isinstance(exc, cst.ParserSyntaxError):
        message = str(exc.message)
        if "expected one of" in message:
            message = message.split(": expected one of", 1)[0] + ": invalid syntax"
        return f"valid Python that libcst cannot parse ({message})", exc.raw_line, exc.raw_column + 1
    if isinstance(exc, RecursionError):
        return "too deeply nested for the parser", 1, 1
    return f"the parser failed: {type(exc).__name__}: {exc}", 1, 1


def _collect_facts(task: FileTask, rule_classes: list[type[Rule]], tree: ast.Module, text: str, lines: list[str],
                   module_name: str, is_package: bool, result: FileResult) -> dict[str, Any]:
    """The whole-program facts the enabled project rules collect, by collector key."""
    collector_classes = {c for r in rule_classes for c in r.collectors}
    facts: dict[str, Any] = {}
    for collector in sorted(collector_classes, key=lambda c: c.key):
        try:
            facts[collector.key] = collector.collect(FileScope(tree, text, module_name, is_package,
                                                               task.entry_functions))
        except RecursionError:
            _parse_error(task, result, lines, "too deeply nested to analyze", 1, 1)
        except Exception as exc:  # a collector bug must not cost the file's findings
            result.errors.append(ToolError(
                f"internal error in facts:{collector.key}: {type(exc).__name__}: {exc}", task.display_path))
    return facts
