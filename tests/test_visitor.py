"""The batched visitor feeds a rule's listeners (its models) around the rule's own methods."""

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
