"""Meta rules: the engine itself emits these (see engine.py); they have no visitor."""

from twelvecheck.engine.rule import Rule


class ParseError(Rule):
    code = "TWC001"


class UnusedSuppression(Rule):
    code = "TWC002"
