"""TWC601 formation-undeclared-process-type: the formation scales a process type the Procfile does not declare."""

from __future__ import annotations

import posixpath
from typing import Iterator

from twelvecheck.checks.formation._cases import WEB_WORKER, app_json
from twelvecheck.deploy.process_model import App
from twelvecheck.engine.rule import FormationRule, Invalid, Problem, Valid


class UndeclaredProcessType(FormationRule):
    code = "TWC601"

    @classmethod
    def check_app(cls, app: App) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        declared = {ptype.name for ptype in app.types}
        for planned in app.formation.items.values():
            if planned.type not in declared:
                count = "" if planned.quantity is None else f" to {planned.quantity}"
                path, line, column, end_column = app.where_quantity(planned.type)
                yield path, Problem.at(line, column, end_column, {
                    "source": planned.source, "type": planned.type, "count": count,
                    "procfile": posixpath.basename(app.procfile)}), (planned.type,)

    VALID = [
        Valid(WEB_WORKER, files=(app_json('{"web": {"quantity": 2}, "worker": {"quantity": 1}}'),), path="app.json"),
        Valid(None, files=(app_json('{"web": {"quantity": 1}}'),), path="app.json"),  # no Procfile to compare
        Valid(WEB_WORKER, options=("--formation", "web=2,worker=0")),
    ]
    INVALID = [
        Invalid(WEB_WORKER, files=(app_json('{\n    "web": {"quantity": 1},\n    "clock": {"quantity": 1}\n  }'),),
              path="app.json", lines=(5,)),
        Invalid(WEB_WORKER, files=(app_json('[{"process": "web", "quantity": 1},\n   {"process": "wrker", "quantity": 2}]'),),
              path="app.json", lines=(4,)),
        Invalid(WEB_WORKER, options=("--formation", "web=2,wrker=1"), lines=(1,)),
    ]
