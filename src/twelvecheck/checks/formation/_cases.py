"""What the formation rules' cases share: a Procfile of two process types, and an app.json."""

from __future__ import annotations

WEB_WORKER = "web: gunicorn app:app\nworker: celery -A app worker\n"
# A Compose file whose beat service is scaled by ``replicas`` (line 10).
COMPOSE_BEAT = ("services:\n  web:\n    build: .\n    command: gunicorn app:app\n"
                "  beat:\n    build: .\n    command: celery -A app beat\n"
                "    deploy:\n      mode: replicated\n      replicas: {replicas}\n")
# A Kubernetes Deployment running celery beat, and an autoscaler keeping at least 2 (line 20).
K8S_BEAT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: beat\nspec:\n  template:\n"
            "    spec:\n      containers:\n        - name: beat\n          image: shop:1.0\n"
            "          command: [celery, -A, app, beat]\n---\napiVersion: autoscaling/v2\n"
            "kind: HorizontalPodAutoscaler\nmetadata:\n  name: beat\nspec:\n"
            "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: beat}\n  maxReplicas: 4\n"
            "  minReplicas: 2\n")


def app_json(formation: str) -> tuple[str, str]:
    """An app.json with this ``formation`` value, as a (path, text) of a case's files."""
    return "app.json", '{\n  "name": "shop",\n  "formation": ' + formation + "\n}\n"
