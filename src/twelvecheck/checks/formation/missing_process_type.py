"""TWC604 formation-missing-process-type: a process type the Procfile declares and the formation leaves out."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.formation._cases import WEB_WORKER, app_json
from twelvecheck.deploy.process_model import App
from twelvecheck.engine.rule import FormationRule, Invalid, Problem, Valid


class MissingProcessType(FormationRule):
    code = "TWC604"

    @classmethod
    def check_app(cls, app: App) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        formation = app.formation
        if not formation.sources:
            return  # no formation anywhere: nothing is left out
        for ptype in app.types:
            if ptype.name not in formation.items and ptype.name != "release":  # release runs once per deploy
                yield app.procfile, Problem.at(ptype.line, 1, len(ptype.name) + 1, {
                    "type": ptype.name, "source": ", ".join(formation.sources)}), (ptype.name,)

    VALID = [
        Valid(WEB_WORKER),  # no formation anywhere
        Valid(WEB_WORKER + "release: python manage.py migrate\n",
              files=(app_json('{"web": {"quantity": 1}, "worker": {"quantity": 1}}'),)),
    ]
    INVALID = [
        Invalid(WEB_WORKER, files=(app_json('{"web": {"quantity": 1}}'),), lines=(2,)),
        Invalid(WEB_WORKER, files=(app_json("{}"),), lines=(1, 2)),
        Invalid(WEB_WORKER, options=("--formation", "web=2"), lines=(2,)),
    ]
