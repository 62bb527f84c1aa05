"""TWC602 formation-invalid-quantity: an app.json quantity that is not a whole number >= 0
(the configuration and the command line refuse one outright)."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.formation._cases import WEB_WORKER, app_json
from twelvecheck.deploy.documents import AppJsonDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class InvalidQuantity(DeployRule):
    code = "TWC602"

    kinds = ("appjson",)

    @classmethod
    def check(cls, document: AppJsonDocument) -> Iterator[Problem]:
        for item in document.items:
            if item.problem:
                yield Problem.at(item.value_line, item.value_column, item.value_end_column,
                                 {"type": item.type, "problem": item.problem})

    VALID = [Valid(WEB_WORKER, files=(app_json('{"web": {"quantity": 0}, "worker": {"size": "basic"}}'),),
                   path="app.json")]
    INVALID = [
        Invalid(WEB_WORKER, files=(app_json('{\n    "web": {"quantity": "2"},\n    "worker": {"quantity": -1}\n  }'),),
              path="app.json", lines=(4, 5)),
        Invalid(WEB_WORKER, files=(app_json('{"web": {"quantity": 1.5}}'),), path="app.json", lines=(3,)),
        Invalid(WEB_WORKER, files=(app_json('{"web": {"quantity": true}}'),), path="app.json", lines=(3,)),
    ]
