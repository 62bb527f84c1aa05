"""The batched visitor feeds a rule's listeners around the rule's own methods, and the shared
models (Rule.models) once, around every rule."""

from __future__ import annotations

import ast

import libcst as cst

from twelvecheck.engine.rule import FileContext, Rule
from twelvecheck.engine.visitor import BatchedVisitor

SOURCE = "def f():\n    g()\n"


class Model:
    def __init__(self, log: list[str], name: str = "model") -> None:
        self.log, self.name = log, name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append(f"{self.name} visit")

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append(f"{self.name} leave")

    def visit_Call(self, node: cst.Call) -> None:
        self.log.append(f"{self.name} call")


class Listening(Rule):
    code = "TWC999"

    def __init__(self, ctx: FileContext, log: list[str], failing: bool = False) -> None:
        super().__init__(ctx)
        self.log, self.failing = log, failing
        self.listeners = [Model(log, "first"), Model(log, "second")]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append("rule visit")
        if self.failing:
            raise ValueError("broken")

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append("rule leave")


class Other(Rule):
    code = "TWC998"

    def __init__(self, ctx: FileContext, log: list[str]) -> None:
        super().__init__(ctx)
        self.log = log

    def visit_Call(self, node: cst.Call) -> None:
        self.log.append("other call")


def _run(*rules_of) -> tuple[list[str], list[str]]:
    module = cst.parse_module(SOURCE)
    ctx = FileContext(module, SOURCE, "app", False, ast.parse(SOURCE))
    log: list[str] = []
    errors: list[str] = []
    rules = [make(ctx, log) for make in rules_of]
    BatchedVisitor(ctx, rules, lambda rule, exc: errors.append(f"{rule.code}: {exc}")).run(module)
    return log, errors


def test_listeners_visit_before_their_rule_and_leave_after_it():
    log, errors = _run(Listening)
    assert log == ["first visit", "second visit", "rule visit", "first call", "second call",
                   "rule leave", "second leave", "first leave"]
    assert not errors


def test_a_rule_error_switches_its_listeners_off_and_no_other_rule():
    log, errors = _run(lambda ctx, log: Listening(ctx, log, failing=True), Other)
    assert errors == ["TWC999: broken"]
    assert log == ["first visit", "second visit", "rule visit", "other call"]


def test_a_rule_without_listeners_has_none():
    assert Rule.listeners == ()


class SharedModel(Model):
    """A shared per-file model (Rule.models): built once from the context, fed for every reader."""

    built: list["SharedModel"] = []

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx.shared_log, "shared")  # type: ignore[attr-defined]
        self.failing = False
        SharedModel.built.append(self)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        if self.failing:
            raise ValueError("model broken")


class Reader(Rule):
    code = "TWC997"
    models = (SharedModel,)

    def __init__(self, ctx: FileContext, log: list[str]) -> None:
        super().__init__(ctx)
        self.log = log
        self.model = ctx.model_of(SharedModel)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append(f"{self.code} visit")

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.log.append(f"{self.code} leave")

    def visit_Call(self, node: cst.Call) -> None:
        self.log.append(f"{self.code} call")


class SecondReader(Reader):
    code = "TWC996"


def _run_shared(*rules_of, failing: bool = False) -> tuple[list[str], list[str], list[Rule]]:
    module = cst.parse_module(SOURCE)
    ctx = FileContext(module, SOURCE, "app", False, ast.parse(SOURCE))
    log: list[str] = []
    errors: list[str] = []
    ctx.shared_log = log  # type: ignore[attr-defined]
    # As engine/analyze.py does: the models the rules name, built before the rules.
    for model_class in {model for make in rules_of for model in make.models}:
        ctx.models[model_class] = model_class(ctx)
    models = list(ctx.models.values())
    for model in models:
        model.failing = failing
    rules = [make(ctx, log) for make in rules_of]
    BatchedVisitor(ctx, rules, lambda rule, exc: errors.append(f"{rule.code}: {exc}"), models).run(module)
    return log, errors, rules


def test_a_shared_model_is_built_once_and_fed_before_every_rule_and_left_after_all():
    SharedModel.built.clear()
    log, errors, rules = _run_shared(Reader, SecondReader, Other)
    assert len(SharedModel.built) == 1
    assert rules[0].model is rules[1].model is SharedModel.built[0]
    assert log == ["shared visit", "TWC997 visit", "TWC996 visit", "shared call", "TWC997 call", "TWC996 call",
                   "other call", "TWC997 leave", "TWC996 leave", "shared leave"]
    assert not errors


def test_a_shared_model_error_switches_off_every_rule_that_reads_it_and_no_other():
    log, errors, _ = _run_shared(Reader, SecondReader, Other, failing=True)
    assert errors == ["TWC997: model broken", "TWC996: model broken"]
    assert log == ["shared visit", "TWC997 visit", "TWC996 visit", "shared call", "other call"]


def test_a_model_no_rule_feeds_is_built_on_request_and_not_fed():
    module = cst.parse_module(SOURCE)
    ctx = FileContext(module, SOURCE, "app", False, ast.parse(SOURCE))
    ctx.shared_log = []  # type: ignore[attr-defined]
    first = ctx.model_of(SharedModel)
    assert ctx.model_of(SharedModel) is first
    BatchedVisitor(ctx, [], lambda rule, exc: None).run(module)
    assert ctx.shared_log == []  # type: ignore[attr-defined]
