"""Deployment descriptors through the real command line: Compose files, Kubernetes manifests
and the platforms' files declare process types, which `twelvecheck formation` shows with
their provenance, and whose replicas and entry points `twelvecheck check` judges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write
from test_formation_command import by_name, formation_json

SCHEDULING_WEB = ("from apscheduler.schedulers.background import BackgroundScheduler\n\n"
                  "def create_app():\n    jobs = BackgroundScheduler()\n    jobs.start()\n    return object()\n\n"
                  "app = create_app()\n")
LOOPING_WORKER = ("import time\n\n\ndef drain():\n    while True:\n        time.sleep(5)\n\n\n"
                  "if __name__ == '__main__':\n    drain()\n")
COMPOSE = """\
x-app: &app
  build: .
  env_file: .env

services:
  web:
    <<: *app
    command: gunicorn shop.web:app --bind 0.0.0.0:8000
    deploy:
      replicas: 3
  worker:
    <<: *app
    command: ["python", "-m", "shop.worker"]
  db:
    image: postgres:16
"""
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  template:
    spec:
      containers:
        - name: api
          image: registry.example/shop:1.0
          command: ["gunicorn", "shop.web:app"]
"""


@pytest.fixture
def shop(project: Path) -> Path:
    write(project, "shop/__init__.py", "")
    write(project, "shop/web.py", SCHEDULING_WEB)
    write(project, "shop/worker.py", LOOPING_WORKER)
    write(project, "docker-compose.yml", COMPOSE)
    write(project, "deploy/k8s/api.yaml", MANIFEST)
    return project


def check_json(run, *args: str) -> dict:
    result = run("check", "--no-cache", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_formation_shows_every_descriptor_with_provenance_replicas_and_what_runs(shop, run):
    document = formation_json(run)
    apps = {app["directory"]: app for app in document["apps"]}
    assert set(apps) == {".", "deploy/k8s"}
    assert apps["."]["procfile"] is None and apps["."]["descriptors"] == ["docker-compose.yml"]
    types = by_name(document, app=list(apps).index("."))
    web, worker, db = types["web"], types["worker"], types["db"]
    assert (web["declared_in"], web["kind"], web["line"], web["quantity"], web["source"]) == (
        "docker-compose.yml", "compose", 6, 3, "docker-compose.yml:10 deploy.replicas")
    assert web["runs"] == ["shop/web.py:app"] and web["by_code"] == {"TWC401": 1}
    assert worker["runs"] == ["shop/worker.py"] and worker["by_code"] == {"TWC302": 1}
    assert db["runs"] == [] and "postgres:16" in db["not_analysed"]
    api = by_name(document, app=list(apps).index("deploy/k8s"))["api"]
    assert (api["kind"], api["quantity"], api["source"]) == ("kubernetes", 4, "api.yaml:6 spec.replicas")
    text = run("formation", "--no-color").stdout
    assert "not analysed: the command comes from the image postgres" in text
    assert "web (compose, docker-compose.yml:6)" in text


def test_replicas_from_any_descriptor_escalate_a_scale_hazard(shop, run):
    findings = check_json(run)["findings"]
    [scheduler] = [f for f in findings if f["code"] == "TWC401"]
    assert scheduler["severity"] == "error" and "api runs 4 processes" in scheduler["message"]
    [loop] = [f for f in findings if f["code"] == "TWC302"]
    assert "process type 'worker' (docker-compose.yml)" in loop["message"]


def test_a_compose_override_for_development_is_no_production_formation(project, run):
    write(project, "shop/__init__.py", "")
    write(project, "shop/web.py", SCHEDULING_WEB)
    write(project, "docker-compose.override.yml", COMPOSE)
    [scheduler] = [f for f in check_json(run)["findings"] if f["code"] == "TWC401"]
    assert scheduler["severity"] == "warning" and "runs 3 processes" not in scheduler["message"]
    web = by_name(formation_json(run))["web"]
    assert web["local"] is True and web["quantity"] == 3


def test_a_broken_descriptor_is_reported_where_it_breaks_and_the_run_goes_on(project, run):
    write(project, "app.py", "import logging\nlogging.FileHandler('app.log')\n")
    write(project, "docker-compose.yml", "services:\n  web:\n    command: [gunicorn\n")
    write(project, "fly.toml", "[processes\nweb = 1\n")
    write(project, "render.yaml", "services:\n  - type: web\n    startCommand: gunicorn app:app\n")
    result = run("check", "--no-cache", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {(f["path"], f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert ("docker-compose.yml", "TWC001", 4) in found
    assert ("fly.toml", "TWC001", 1) in found
    assert ("app.py", "TWC201", 2) in found  # every other file is still checked
    assert not any(path == "render.yaml" for path, _, _ in found)


def test_a_helm_template_is_passed_over_with_a_note(project, run):
    write(project, "chart/templates/api.yaml", MANIFEST.replace("replicas: 4", "replicas: {{ .Values.replicas }}"))
    write(project, "Procfile", "web: gunicorn shop.web:app\n")
    result = run("check", "--no-cache", "--format", "json")
    assert "TWC001" not in result.stdout
    document = formation_json(run)
    notes = [note for app in document["apps"] for note in app["notes"]]
    assert notes == ["chart/templates/api.yaml: template syntax ({{ }}): a Helm chart or template is rendered "
                     "before it is applied; not analysed"]


def test_a_descriptor_finding_is_suppressed_by_a_comment(project, run):
    compose = ("services:\n  beat:\n    build: .\n    command: celery -A shop beat\n"
               "    # twelvecheck: ignore[TWC603]  two on purpose: the jobs are idempotent\n    scale: 2\n")
    write(project, "docker-compose.yml", compose)
    assert "TWC603" not in run("check", "--no-cache").stdout
    write(project, "docker-compose.yml", compose.replace("twelvecheck: ignore[TWC603]  ", ""))
    assert "docker-compose.yml:6:1: TWC603" in run("check", "--no-cache").stdout


def test_the_html_report_lists_the_descriptors_processes(shop, run):
    page = run("check", "--no-cache", "--format", "html").stdout
    assert "<code>docker-compose.yml</code>" in page and 'data-process-type="worker"' in page
    assert "not analysed: the command comes from the image postgres:16" in page
    assert "(docker-compose.yml:6)" in page  # where web is declared


REPO = Path(__file__).resolve().parents[1]
SAMPLE = "fixtures/descriptor-app"


def test_the_sample_service_deployed_with_compose_and_kubernetes(run):
    """The README of fixtures/descriptor-app says what each file shows; this is it."""
    findings = {(f["path"].removeprefix(SAMPLE + "/"), f["code"], f["severity"])
                for f in json.loads(run("check", "--no-cache", "--format", "json", SAMPLE, cwd=REPO).stdout)["findings"]}
    assert findings == {("deploy/k8s/beat.yaml", "TWC603", "error"), ("bakery/web.py", "TWC401", "error"),
                        ("bakery/worker.py", "TWC302", "warning")}
    document = formation_json(run, SAMPLE, cwd=REPO)
    kubernetes = by_name(document, app=[a["directory"] for a in document["apps"]].index(f"{SAMPLE}/deploy/k8s"))
    assert {name: (t["quantity"], t["runs"]) for name, t in kubernetes.items()} == {
        "beat": (2, [f"{SAMPLE}/bakery/__init__.py"]), "web": (3, [f"{SAMPLE}/bakery/web.py:app"]),
        "worker": (2, [f"{SAMPLE}/bakery/worker.py"]), "nightly": (1, [f"{SAMPLE}/bakery/nightly.py"])}
