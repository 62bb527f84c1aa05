"""The deployment descriptors' readers (deploy/compose.py, kubernetes.py, platform_files.py):
what each declares as processes, with the line, the command, the replicas and where the count
comes from; and what they say about files they cannot read."""

from __future__ import annotations

import textwrap

import pytest

from twelvecheck.deploy.compose import is_compose_name, is_development_compose, read_compose
from twelvecheck.deploy.declared import DescriptorError
from twelvecheck.deploy.kubernetes import TemplateFile, read_manifests
from twelvecheck.deploy.platform_files import read_platform_file

COMPOSE = textwrap.dedent("""\
    x-app: &app
      build:
        context: ./backend
        dockerfile: docker/prod/Dockerfile
      env_file: .env

    services:
      web:
        <<: *app
        command: gunicorn shop.wsgi --bind 0.0.0.0:8000 --workers 3
        deploy:
          replicas: 3
      worker:
        <<: *app
        command: ["celery", "-A", "shop", "worker", "-l", "info"]
        scale: 2
      scheduler:
        <<: *app
        entrypoint: /entrypoint.sh
        command: celery -A shop beat
        init: true
      cache:
        image: redis:7
        profiles: ["cache"]
    """)


def test_compose_services_are_processes_with_their_commands_and_replicas():
    web, worker, scheduler, cache = read_compose(COMPOSE, "deploy/docker-compose.yml")
    assert (web.name, web.line, web.command_line) == ("web", 8, 10)
    assert web.argv == ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
    assert (web.replicas.count, web.replicas.line, web.replicas.source) == (3, 12, "deploy.replicas")
    assert web.dockerfile == "deploy/backend/docker/prod/Dockerfile"  # through the merge key
    assert worker.argv[:3] == ["celery", "-A", "shop"] and worker.replicas.source == "scale"
    assert scheduler.argv == ["/entrypoint.sh", "celery", "-A", "shop", "beat"] and scheduler.init
    assert scheduler.replicas.count == 1 and scheduler.replicas.source.startswith("default")
    assert cache.argv is None and cache.image == "redis:7"
    assert any("not analysed" in note for note in cache.notes)
    assert any("profile cache" in note for note in cache.notes)
    assert not web.local


@pytest.mark.parametrize(("name", "compose", "local"), [
    ("docker-compose.yml", True, False), ("compose.yaml", True, False), ("docker-compose.prod.yml", True, False),
    ("docker-compose.override.yml", True, True), ("compose.dev.yaml", True, True),
    ("docker-compose.serve-development.yml", True, True), ("docker-compose.test-api.yml", True, True),
    ("composer.yml", False, False), ("my-compose.yml", False, False),
])
def test_compose_files_by_name_and_which_are_for_development(name, compose, local):
    assert is_compose_name(name) is compose
    assert is_development_compose(name) is local


@pytest.mark.parametrize(("text", "line"), [
    ("services:\n  web:\n    command: [gunicorn\n", 4),
    ("services: [web, worker]\n", 1),
])
def test_a_compose_file_that_cannot_be_read_says_where(text, line):
    with pytest.raises(DescriptorError) as raised:
        read_compose(text, "docker-compose.yml")
    assert raised.value.line == line and raised.value.reason


def test_a_command_that_cannot_be_split_is_a_note_not_an_error():
    (web,) = read_compose("services:\n  web:\n    build: .\n    command: sh -c 'gunicorn app\n", "compose.yaml")
    assert web.argv is None and any("cannot be split" in note for note in web.notes)


MANIFESTS = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      replicas: 4
      template:
        spec:
          initContainers:
            - name: migrate
              command: ["python", "manage.py", "migrate"]
          containers:
            - name: api
              image: registry.example/shop:1.2
              command: ["gunicorn"]
              args: ["shop.wsgi", "--bind", "0.0.0.0:8000"]
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: worker
    spec:
      scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
      minReplicas: 2
      maxReplicas: 10
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      template:
        spec:
          containers:
            - name: worker
              image: registry.example/shop:1.2
              args: ["celery", "-A", "shop", "worker"]
            - name: metrics
              image: prom/statsd-exporter
    ---
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly-report
    spec:
      schedule: "0 3 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              containers:
                - name: report
                  image: registry.example/shop:1.2
                  command: ["python", "-m", "shop.reports"]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      ports: [{port: 80}]
    """)


def test_kubernetes_workloads_are_processes_with_replicas_from_the_spec_or_an_autoscaler():
    api, worker, metrics, report = read_manifests(MANIFESTS, "k8s/shop.yaml")
    assert (api.name, api.argv) == ("api", ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"])
    assert (api.replicas.count, api.replicas.line, api.replicas.source) == (4, 6, "spec.replicas")
    assert worker.name == "worker/worker" and worker.argv == ["celery", "-A", "shop", "worker"]
    assert (worker.replicas.count, worker.replicas.line) == (2, 24)
    assert "minReplicas" in worker.replicas.source
    assert metrics.argv is None and any("not analysed" in note for note in metrics.notes)
    assert report.schedule == "0 3 * * *" and report.argv == ["python", "-m", "shop.reports"]


def test_a_daemonset_runs_one_pod_per_node_and_a_helm_template_is_passed_over():
    daemon = textwrap.dedent("""\
        kind: DaemonSet
        apiVersion: apps/v1
        metadata: {name: agent}
        spec:
          template:
            spec:
              containers: [{name: agent, image: agent, command: [agent, --serve]}]
        """)
    (agent,) = read_manifests(daemon, "agent.yaml")
    assert agent.replicas.count is None and "every node" in agent.replicas.source
    with pytest.raises(TemplateFile):
        read_manifests("kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n", "templates/api.yaml")


def test_platform_files():
    fly = 'app = "shop"\n\n[processes]\n  web = "gunicorn shop.wsgi"\n  worker = "celery -A shop worker"\n'
    web, worker = read_platform_file("fly.toml", fly, "fly.toml")
    assert (web.name, web.line, web.shell) == ("web", 4, "gunicorn shop.wsgi") and worker.line == 5
    assert web.replicas.count is None and "fly scale count" in web.replicas.source

    render = textwrap.dedent("""\
        services:
          - type: web
            name: shop
            startCommand: gunicorn shop.wsgi
            numInstances: 2
          - type: cron
            name: nightly
            schedule: "0 3 * * *"
            startCommand: python -m shop.reports
          - type: redis
            name: cache
        """)
    shop, nightly = read_platform_file("render.yaml", render, "render.yaml")
    assert (shop.shell, shop.replicas.count, shop.replicas.line) == ("gunicorn shop.wsgi", 2, 5)
    assert nightly.schedule == "0 3 * * *"

    (railway,) = read_platform_file("railway.json", '{\n  "deploy": {\n    "startCommand": "python bot.py",\n'
                                                    '    "numReplicas": 2\n  }\n}\n', "railway.json")
    assert (railway.shell, railway.command_line, railway.replicas.count, railway.replicas.line) == \
        ("python bot.py", 3, 2, 4)
    (railway_toml,) = read_platform_file("railway.toml", '[deploy]\nstartCommand = "python bot.py"\n', "railway.toml")
    assert railway_toml.command_line == 2 and railway_toml.replicas.count == 1

    heroku = "build:\n  docker:\n    web: Dockerfile\nrun:\n  web: gunicorn shop.wsgi\n  worker:\n" \
             "    command:\n      - celery -A shop worker\n    image: web\n"
    web, worker = read_platform_file("heroku.yml", heroku, "heroku.yml")
    assert (web.shell, web.line) == ("gunicorn shop.wsgi", 5) and worker.argv == ["celery -A shop worker"]


@pytest.mark.parametrize(("name", "text"), [
    ("fly.toml", "[processes\nweb = 1\n"), ("railway.json", "{\"deploy\": \n"), ("render.yaml", "services: [\n"),
])
def test_platform_files_that_cannot_be_read_say_where(name, text):
    with pytest.raises(DescriptorError) as raised:
        read_platform_file(name, text, name)
    assert raised.value.reason.startswith("not valid") and raised.value.line >= 1
