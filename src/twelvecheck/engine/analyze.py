"""Analyze one file: read it once, parse it once, run every enabled rule in one traversal.

Positions are the expensive libcst metadata (about four parses): they are computed only
for files where a rule reported something, and only the reported nodes are looked up.
"""

from __future__ import annotations

import ast
import hashlib
import sys
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from twelvecheck import checks  # noqa: F401  (registers every rule)
from twelvecheck.core.findings import FileResult, Span, ToolError
from twelvecheck.core.lazy import libcst as cst
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.engine.names import ImportTable, collect_module_bindings
from twelvecheck.engine.positions import Positions
from twelvecheck.engine.pyfix import PendingFix, materialize
from twelvecheck.engine.rule import REGISTRY, Candidate, ProjectRule, Rule
from twelvecheck.files.decoding import SourceError, decode_source
from twelvecheck.engine.suppressions import Suppressions
from twelvecheck.engine.task import META_CODES, PARSE_ERROR, UNUSED_SUPPRESSION, FileTask, FindingFactory, resolve_code
from twelvecheck.engine.walk import handles_punctuation, node_types, walk


class FileContext:
    """What rules see of the file being analyzed."""

    def __init__(self, module: cst.Module, text: str, module_name: str, is_package: bool, tree: ast.Module) -> None:
        self.module = module
        self.tree = tree  # CPython's tree of the same text (pyfix places imports with it)
        self.text = text
        self.module_name = module_name
        self.imports = ImportTable(module_name, is_package)
        self.candidates: list[Candidate] = []
        self.statements: list[cst.CSTNode] = []
        self.functions: list[cst.FunctionDef] = []
        self.classes: list[cst.ClassDef] = []

    def qualify(self, node: cst.BaseExpression) -> str | None:
        return self.imports.qualify(node)

    def add_candidate(self, code: str, node: cst.CSTNode, fields: dict[str, Any],
                      fix: "PendingFix | None" = None) -> None:
        statement = self.statements[-1] if self.statements else None
        self.candidates.append(Candidate(code, node, fields, statement, fix=fix))


@lru_cache(maxsize=None)
def _dispatch_names(rule_class: type[Rule]) -> tuple[tuple[str, str], ...]:
    """(node type name, method name) pairs for every visit_/leave_ method of a rule."""
    pairs = []
    for attr in dir(rule_class):
        for prefix in ("visit_", "leave_"):
            if attr.startswith(prefix) and callable(getattr(rule_class, attr)):
                pairs.append((prefix + attr[len(prefix):], attr))
    return tuple(pairs)


@lru_cache(maxsize=None)
def _types_of(*bases: type) -> frozenset[type]:
    """Node classes by exact type: isinstance against libcst's abstract bases is slow per node."""
    return frozenset(node_type for node_type in node_types() if issubclass(node_type, bases))


@lru_cache(maxsize=None)
def _types_by_name() -> dict[str, list[type]]:
    by_name: dict[str, list[type]] = {}
    for node_type in node_types():
        by_name.setdefault(node_type.__name__, []).append(node_type)
    return by_name


class _BatchedVisitor:
    """Keeps scopes, imports and the statement stack, then calls every rule's methods."""

    def __init__(self, ctx: FileContext, rules: list[Rule], on_error: Callable[[Rule, BaseException], None]) -> None:
        self.ctx = ctx
        self.on_error = on_error
        by_name = _types_by_name()
        self.visitors: dict[type, list[tuple[Rule, Callable]]] = {}
        self.leavers: dict[type, list[tuple[Rule, Callable]]] = {}
        self.handled: set[str] = set()
        for rule in rules:
            for key, attr in _dispatch_names(type(rule)):
                table = self.visitors if key.startswith("visit_") else self.leavers
                type_name = key.split("_", 1)[1]
                self.handled.add(type_name)
                for node_type in by_name.get(type_name, ()):
                    table.setdefault(node_type, []).append((rule, getattr(rule, attr)))
        self.broken: set[int] = set()
        self.statement_types = _types_of(cst.SimpleStatementLine, cst.BaseCompoundStatement)
        self.import_types = _types_of(cst.Import, cst.ImportFrom)

    def run(self, module: cst.Module) -> None:
        walk(module, self.on_visit, self.on_leave, skip_punctuation=not handles_punctuation(self.handled))

    def _call(self, handlers: list[tuple[Rule, Callable]], node: cst.CSTNode) -> None:
        for rule, method in handlers:
            if id(rule) in self.broken:
                continue
            try:
                method(node)
            except Exception as exc:  # a rule bug must not cost the other rules
                self.broken.add(id(rule))
                self.on_error(rule, exc)

    def on_visit(self, node: cst.CSTNode) -> bool:
        ctx = self.ctx
        node_type = type(node)
        if node_type in self.statement_types:
            ctx.statements.append(node)
        elif node_type in self.import_types:
            ctx.imports.add_import(node)  # type: ignore[arg-type]
        if node_type is cst.FunctionDef:
            ctx.imports.bind_definition(node.name.value)  # type: ignore[attr-defined]
            ctx.imports.push("function")
            ctx.functions.append(node)  # type: ignore[arg-type]
        elif node_type is cst.ClassDef:
            ctx.imports.bind_definition(node.name.value)  # type: ignore[attr-defined]
            ctx.imports.push("class")
            ctx.classes.append(node)  # type: ignore[arg-type]
        handlers = self.visitors.get(node_type)
        if handlers:
            self._call(handlers, node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        node_type = type(original_node)
        handlers = self.leavers.get(node_type)
        if handlers:
            self._call(handlers, original_node)
        ctx = self.ctx
        if node_type is cst.FunctionDef:
            ctx.imports.pop()
            ctx.functions.pop()
        elif node_type is cst.ClassDef:
            ctx.imports.pop()
            ctx.classes.pop()
        if node_type in self.statement_types:
            ctx.statements.pop()


def load_parser() -> None:
    """Load libcst, its native parser and the node tables now, not on the first file: the
    runner calls this before its worker processes fork, so they share one import."""
    _types_of(cst.SimpleStatementLine, cst.BaseCompoundStatement)
    _types_of(cst.Import, cst.ImportFrom)
    cst.parse_module("")


# libcst's visitor recurses once per tree level; long implicit string concatenations
# (pydoc_data/topics.py) nest thousands deep. Python-to-Python calls do not use the C stack
# on 3.11+, so a higher limit is safe there.
_RECURSION_LIMIT = 20_000 if sys.version_info >= (3, 11) else 8_000


def analyze_file(task: FileTask) -> FileResult:
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    result = FileResult(task.display_path)
    try:
        _analyze_into(task, result)
    except Exception as exc:  # never a traceback for the user; the run goes on
        result.errors.append(ToolError(
            f"internal error: {type(exc).__name__}: {exc} "
            f"(at {traceback.extract_tb(exc.__traceback__)[-1].name})",
            task.display_path,
        ))
    return result


# Logging configuration files larger than this are data, not configuration.
MAX_CONFIG_BYTES = 2 * 1024 * 1024


def _analyze_into(task: FileTask, result: FileResult) -> None:
    if task.kind in ("procfile", "appjson"):
        from twelvecheck.deploy.analysis import analyze_process_file

        analyze_process_file(task, result)
        return
    if task.kind != "python":
        _analyze_config(task, result)
        return
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


def _analyze_config(task: FileTask, result: FileResult) -> None:
    """A possible logging config (ini/yaml/json). Such files are not ours to judge as a
    whole: one that is unreadable, binary or not UTF-8 is passed over without a finding."""
    from twelvecheck.checks.logging._config_files import analyze_config_file

    path = Path(task.path)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
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
    analyze_config_file(task, text, lines, result, FindingFactory(task, lines))


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
            run_codes |= set(REGISTRY) - META_CODES
    return run_codes


def may_fire(text: str, rule_classes: list[type[Rule]]) -> bool:
    """Whether any rule could fire: each declares tokens it cannot fire without."""
    for rule_class in rule_classes:
        if rule_class.mentioned_in(text):
            return True
    return False


def _check_syntax(task: FileTask, text: str, lines: list[str], result: FileResult) -> ast.Module | None:
    """CPython's tree of the file; if its parser rejects the file, None and a TWC001 in its
    wording. The tree gives the whole-program facts (checks/_program.py).

    Every file goes through here before libcst: libcst's native parser overflows its stack
    and kills the process (SIGSEGV) on nesting that CPython rejects cleanly (5,000 open
    parentheses, 10,000 unary minuses), so a hostile file could otherwise take down the
    whole run. CPython's limits (200 brackets, its parser stack) keep libcst in safe depths.
    """
    try:
        return ast.parse(text)
    except SyntaxError as error:
        message, line, column = f"not valid Python: {error.msg}", error.lineno or 1, max(error.offset or 1, 1)
    except (RecursionError, MemoryError):
        message, line, column = "too deeply nested for the parser", 1, 1
    except ValueError as error:
        message, line, column = f"not valid Python: {error}", 1, 1
    if PARSE_ERROR in task.report:
        _parse_error(task, result, lines, message, line, column)
    return None


def _analyze_python(task: FileTask, text: str, lines: list[str], result: FileResult) -> None:
    suppressions = Suppressions.scan(text, resolve_code)
    rule_classes = [REGISTRY[code] for code in sorted(_codes_to_run(task, suppressions))
                    if code in REGISTRY and "python" in REGISTRY[code].kinds]
    file_rule_classes = [rule for rule in rule_classes if not issubclass(rule, ProjectRule)]
    path = Path(task.path)
    # Source handed over in memory is named after its path when that is a real file: the
    # fixer checks its edits under the file's own module name (relative imports resolve).
    module_name, is_package = module_name_from_path(path) if task.source is None or task.in_place else (
        path.stem, False)
    tree = _check_syntax(task, text, lines, result)
    if tree is None:
        return
    # A per-file rule is built only where its tokens occur, and libcst parses only files
    # where one is (the prefilter). Whole-program facts come from CPython's tree: from the
    # files the closure asks for (closure.py) and, at the cost of a walk, from every file
    # parsed for its own rules, so that no later wave has to read it again.
    firing = [rule for rule in file_rule_classes if not task.prefilter or rule.mentioned_in(text)]
    rules_may_fire = bool(firing)
    result.facts = {"module": module_name}
    if task.collect_facts or rules_may_fire:
        result.facts.update(_collect_facts(task, rule_classes, tree, text, lines, module_name, is_package, result))
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
        if may_fire(text, file_rule_classes):
            _parse_error(task, result, lines, *_libcst_failure(exc))
        return
    ctx = FileContext(module, text, module_name, is_package, tree)
    collect_module_bindings(module, ctx.imports)
    # Only the rules whose tokens occur here can fire; the others are not even built.
    rules = [rule_class(ctx) for rule_class in firing]

    def on_error(rule: Rule, exc: BaseException) -> None:
        result.errors.append(ToolError(
            f"internal error in rule {rule.code}: {type(exc).__name__}: {exc}", task.display_path
        ))

    try:
        _BatchedVisitor(ctx, rules, on_error).run(module)
    except RecursionError:
        _parse_error(task, result, lines, "too deeply nested to analyze", 1, 1)
        return
    positions = Positions(module)

    factory = FindingFactory(task, lines)
    if ctx.candidates:
        seen: set[tuple[str, int, int]] = set()
        for candidate in ctx.candidates:
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
            if candidate.code in task.report:
                fix = None if candidate.fix is None else materialize(candidate.fix, module, positions, text,
                                                                     candidate.statement, tree)
                result.findings.append(factory.make(candidate.code, span, candidate.fields, fix=fix))
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
    from twelvecheck.engine.factscope import FileScope

    collector_classes = {c for r in rule_classes if issubclass(r, ProjectRule) for c in r.collectors}
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
