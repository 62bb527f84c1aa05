"""TWC601-TWC604: the formation against the Procfile (see deploy/formation.py and
deploy/process_model.py)."""

from __future__ import annotations

from twelvecheck.engine.deploy_rule import Fires, ProcessFileRule, Quiet

WEB_WORKER = "web: gunicorn app:app\nworker: celery -A app worker\n"


def app_json(formation: str) -> tuple[str, str]:
    return "app.json", '{\n  "name": "shop",\n  "formation": ' + formation + "\n}\n"


class UndeclaredProcessType(ProcessFileRule):
    code = "TWC601"
    VALID = [
        Quiet(WEB_WORKER, files=(app_json('{"web": {"quantity": 2}, "worker": {"quantity": 1}}'),), path="app.json"),
        Quiet(None, files=(app_json('{"web": {"quantity": 1}}'),), path="app.json"),  # no Procfile to compare
        Quiet(WEB_WORKER, options=("--formation", "web=2,worker=0")),
    ]
    INVALID = [
        Fires(WEB_WORKER, files=(app_json('{\n    "web": {"quantity": 1},\n    "clock": {"quantity": 1}\n  }'),),
              path="app.json", lines=(5,)),
        Fires(WEB_WORKER, files=(app_json('[{"process": "web", "quantity": 1},\n   {"process": "wrker", "quantity": 2}]'),),
              path="app.json", lines=(4,)),
        Fires(WEB_WORKER, options=("--formation", "web=2,wrker=1"), lines=(1,)),
    ]


class InvalidQuantity(ProcessFileRule):
    code = "TWC602"
    VALID = [Quiet(WEB_WORKER, files=(app_json('{"web": {"quantity": 0}, "worker": {"size": "basic"}}'),),
                   path="app.json")]
    INVALID = [
        Fires(WEB_WORKER, files=(app_json('{\n    "web": {"quantity": "2"},\n    "worker": {"quantity": -1}\n  }'),),
              path="app.json", lines=(4, 5)),
        Fires(WEB_WORKER, files=(app_json('{"web": {"quantity": 1.5}}'),), path="app.json", lines=(3,)),
        Fires(WEB_WORKER, files=(app_json('{"web": {"quantity": true}}'),), path="app.json", lines=(3,)),
    ]


class SchedulerScaled(ProcessFileRule):
    code = "TWC603"
    VALID = [
        Quiet(WEB_WORKER + "clock: python clock.py\n", files=(app_json('{"web": {"quantity": 3}, "clock": {"quantity": 1}}'),)),
        Quiet(WEB_WORKER + "beat: celery -A app beat\n", options=("--formation", "web=3,worker=4,beat=1")),
        Quiet("web: gunicorn app:app\nheartbeat: python ping.py\nclock: python clock.py\n"),
    ]
    INVALID = [
        Fires(WEB_WORKER + "clock: python clock.py\n",
              files=(app_json('{\n    "web": {"quantity": 1},\n    "clock": {"quantity": 2}\n  }'),),
              path="app.json", lines=(5,)),
        Fires(WEB_WORKER + "clock: python clock.py\nbeat: celery -A app beat\n", lines=(4,)),
        Fires("web: gunicorn app:app\nworker: celery -A app worker -B\n", options=("--formation", "worker=3"),
              lines=(2,)),
    ]


class MissingProcessType(ProcessFileRule):
    code = "TWC604"
    VALID = [
        Quiet(WEB_WORKER),  # no formation anywhere
        Quiet(WEB_WORKER + "release: python manage.py migrate\n",
              files=(app_json('{"web": {"quantity": 1}, "worker": {"quantity": 1}}'),)),
    ]
    INVALID = [
        Fires(WEB_WORKER, files=(app_json('{"web": {"quantity": 1}}'),), lines=(2,)),
        Fires(WEB_WORKER, files=(app_json("{}"),), lines=(1, 2)),
        Fires(WEB_WORKER, options=("--formation", "web=2"), lines=(2,)),
    ]
