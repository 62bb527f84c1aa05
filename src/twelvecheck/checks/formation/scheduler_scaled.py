"""TWC603 formation-scheduler-scaled: a scheduler process type scaled above one, or two process
types that both schedule jobs: every job runs more than once."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.formation._cases import WEB_WORKER, app_json
from twelvecheck.deploy.process_model import App
from twelvecheck.engine.rule import FormationRule, Invalid, Problem, Valid


class SchedulerScaled(FormationRule):
    code = "TWC603"

    @classmethod
    def check_app(cls, app: App) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        schedulers = [p for p in app.types if p.scheduler and p.quantity != 0]
        for ptype in schedulers:
            if (ptype.quantity or 0) > 1:
                path, line, column, end_column = app.where_quantity(ptype.name)
                yield path, Problem.at(line, column, end_column, {
                    "what": f"{ptype.name} is a scheduler ({ptype.scheduler}) scaled to {ptype.quantity} "
                            f"({ptype.source}): every job runs {ptype.quantity} times"}), (ptype.name,)
        for second in schedulers[1:]:
            first = schedulers[0]
            yield app.procfile, Problem.at(second.line, 1, len(second.command) + len(second.name) + 3, {
                "what": f"{first.name} and {second.name} both schedule jobs ({first.name}: {first.scheduler}; "
                        f"{second.name}: {second.scheduler}): a job both of them know runs twice"}), \
                (first.name, second.name)

    VALID = [
        Valid(WEB_WORKER + "clock: python clock.py\n", files=(app_json('{"web": {"quantity": 3}, "clock": {"quantity": 1}}'),)),
        Valid(WEB_WORKER + "beat: celery -A app beat\n", options=("--formation", "web=3,worker=4,beat=1")),
        Valid("web: gunicorn app:app\nheartbeat: python ping.py\nclock: python clock.py\n"),
    ]
    INVALID = [
        Invalid(WEB_WORKER + "clock: python clock.py\n",
              files=(app_json('{\n    "web": {"quantity": 1},\n    "clock": {"quantity": 2}\n  }'),),
              path="app.json", lines=(5,)),
        Invalid(WEB_WORKER + "clock: python clock.py\nbeat: celery -A app beat\n", lines=(4,)),
        Invalid("web: gunicorn app:app\nworker: celery -A app worker -B\n", options=("--formation", "worker=3"),
              lines=(2,)),
    ]
