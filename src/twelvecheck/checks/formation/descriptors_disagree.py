"""TWC605 formation-descriptors-disagree: two files that declare the same process type give it
different commands or different numbers of processes."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.formation._cases import WEB_WORKER, app_json
from twelvecheck.deploy.disagreements import disagreements
from twelvecheck.deploy.process_model import App
from twelvecheck.engine.rule import FormationRule, Invalid, Problem, Valid

COMPOSE_WEB = "services:\n  web:\n    build: .\n    command: {command}\n{extra}"


class DescriptorsDisagree(FormationRule):
    code = "TWC605"
    # Off by default: a Compose file for local development beside a Procfile for production
    # is common and deliberate; `twelvecheck formation` lists the disagreements always.
    kinds = ("procfile", "appjson", "compose", "platform")
    judges_descriptors = True

    @classmethod
    def check_app(cls, app: App) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        for ptype, said in disagreements(app):
            yield ptype.path, Problem.at(ptype.line, 1, 2, {"what": said}), (ptype.name,)  # type: ignore[arg-type]

    VALID = [
        # The same command, as a string in the Procfile and as an argument vector in Compose.
        Valid(WEB_WORKER, files=(("docker-compose.yml", COMPOSE_WEB.format(command='["gunicorn", "app:app"]',
                                                                         extra="")),), path="docker-compose.yml"),
        # A development override runs the development server on purpose.
        Valid(WEB_WORKER, files=(("docker-compose.override.yml", COMPOSE_WEB.format(
            command="flask run --reload", extra="")),), path="docker-compose.override.yml"),
        # A service of another name is another process type; an image's own command is unknown.
        Valid(WEB_WORKER, files=(("docker-compose.yml", "services:\n  api:\n    build: .\n    command: uvicorn app:api\n"
                                                        "  worker:\n    image: shop-worker:1.0\n"),),
              path="docker-compose.yml"),
        # Both say 2: no disagreement on the count.
        Valid(WEB_WORKER, files=(app_json('{"web": {"quantity": 2}}'), ("docker-compose.yml", COMPOSE_WEB.format(
            command="gunicorn app:app", extra="    deploy:\n      replicas: 2\n"))), path="docker-compose.yml"),
    ]
    INVALID = [
        Invalid(WEB_WORKER, files=(("docker-compose.yml", COMPOSE_WEB.format(
            command="gunicorn app:app --workers 4 --preload", extra="")),), path="docker-compose.yml", lines=(2,)),
        # The formation says 1, Compose runs 3.
        Invalid(WEB_WORKER, files=(app_json('{"web": {"quantity": 1}}'), ("docker-compose.yml", COMPOSE_WEB.format(
            command="gunicorn app:app", extra="    deploy:\n      replicas: 3\n"))),
            path="docker-compose.yml", lines=(2,)),
        # Two descriptors of the same folder: fly.toml and render.yaml.
        Invalid(None, files=(("fly.toml", '[processes]\n  worker = "celery -A app worker"\n'),
                             ("render.yaml", "services:\n  - type: worker\n    name: worker\n"
                                             "    startCommand: celery -A app worker -B\n")),
                path="render.yaml", lines=(2,)),
    ]
