"""What the formation rules' cases share: a Procfile of two process types, and an app.json."""

from __future__ import annotations

WEB_WORKER = "web: gunicorn app:app\nworker: celery -A app worker\n"


def app_json(formation: str) -> tuple[str, str]:
    """An app.json with this ``formation`` value, as a (path, text) of a case's files."""
    return "app.json", '{\n  "name": "shop",\n  "formation": ' + formation + "\n}\n"
