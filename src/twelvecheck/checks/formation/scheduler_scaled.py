"""TWC603 formation-scheduler-scaled: a scheduler process type scaled above one, or two process
types that both schedule jobs: every job runs more than once."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.formation._cases import COMPOSE_BEAT, K8S_BEAT, WEB_WORKER, app_json
from twelvecheck.deploy.process_model import App, ProcessType
from twelvecheck.engine.rule import FormationRule, Invalid, Problem, Valid


class SchedulerScaled(FormationRule):
    code = "TWC603"
    kinds = ("procfile", "appjson", "compose", "platform")
    judges_descriptors = True

    @classmethod
    def check_app(cls, app: App) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        # The Procfile's types and, declared elsewhere, each descriptor's processes (a process
        # declared for a developer's machine is not a production formation).
        for types in ([app.types] if app.procfile else []) + [
                [p for p in app.declared if p.declared_in == path and not p.local] for path in app.descriptors]:
            yield from cls._check(app, [p for p in types if p.scheduler and p.quantity != 0])

    @classmethod
    def _check(cls, app: App, schedulers: list[ProcessType]) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        for ptype in schedulers:
            if (ptype.quantity or 0) > 1:
                path, line, column, end_column = app.where_quantity(ptype.name) if ptype.declared_in is None else (
                    ptype.declared_in, ptype.replicas["line"], 1, 2)  # type: ignore[index]
                yield path, Problem.at(line, column, end_column, {
                    "what": f"{ptype.name} is a scheduler ({ptype.scheduler}) scaled to {ptype.quantity} "
                            f"({ptype.source}): every job runs {ptype.quantity} times"}), (ptype.name,)
        for second in schedulers[1:]:
            first = schedulers[0]
            yield second.path, Problem.at(second.line, 1, len(second.command) + len(second.name) + 3, {
                "what": f"{first.name} and {second.name} both schedule jobs ({first.name}: {first.scheduler}; "
                        f"{second.name}: {second.scheduler}): a job both of them know runs twice"}), \
                (first.name, second.name)

    VALID = [
        Valid(WEB_WORKER, files=(("docker-compose.yml", COMPOSE_BEAT.format(replicas=1)),), path="docker-compose.yml"),
        # An override for a developer's machine is no production formation.
        Valid(WEB_WORKER, files=(("docker-compose.override.yml", COMPOSE_BEAT.format(replicas=2)),),
              path="docker-compose.override.yml"),
        # Nor is a development Procfile (two schedulers there, beside the Procfile's own clock).
        Valid(WEB_WORKER + "clock: python clock.py\n",
              files=(("Procfile.dev", "clock: python clock.py\nbeat: celery -A app beat\n"),), path="Procfile.dev"),
        Valid(WEB_WORKER + "clock: python clock.py\n",
              files=(("Procfile.dev", "clock: python clock.py\nbeat: celery -A app beat\n"),)),
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
        # Declared elsewhere: a Compose service running celery beat, scaled to 2 there.
        Invalid(WEB_WORKER, files=(("docker-compose.yml", COMPOSE_BEAT.format(replicas=2)),),
                path="docker-compose.yml", lines=(10,)),
        # A Kubernetes Deployment of the scheduler, floored at two by its autoscaler.
        Invalid(WEB_WORKER, files=(("deploy/k8s/beat.yaml", K8S_BEAT),), path="deploy/k8s/beat.yaml", lines=(20,)),
        # render.yaml: a worker service running beat on two instances.
        Invalid(WEB_WORKER, files=(("render.yaml", "services:\n  - type: web\n    name: web\n"
                                                   "    startCommand: gunicorn app:app\n  - type: worker\n"
                                                   "    name: beat\n    startCommand: celery -A app beat\n"
                                                   "    numInstances: 2\n"),),
                path="render.yaml", lines=(8,)),
        # Two schedulers in one Compose file.
        Invalid(WEB_WORKER, files=(("compose.yaml", COMPOSE_BEAT.format(replicas=1) +
                                    "  clock:\n    build: .\n    command: python clock.py\n"),),
                path="compose.yaml", lines=(11,)),
    ]
