"""Formations: how many processes of each type run, and where that is said.

Sources, later ones winning per process type: ``app.json`` ``formation``,
``[tool.twelvecheck.formation]`` (``web = 3``), ``--formation web=3,worker=5``
(``config/formation.py`` reads the last two). The formation rules (``checks/formation/``)
judge it against the Procfile.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any


# Calls that make a process a scheduler: it exists to fire jobs on time.
# (A `schedule` loop or a BackgroundScheduler may run beside other work: that is TWC401.)
SCHEDULER_CALLS = {
    "apscheduler.schedulers.blocking.BlockingScheduler": "APScheduler's BlockingScheduler",
}


@dataclass
class Planned:
    type: str
    quantity: int | None  # None: the source gives none usable
    source: str
    path: str | None = None  # the app.json it is in, for findings
    line: int = 1
    column: int = 1
    end_column: int = 2


@dataclass
class Formation:
    items: dict[str, Planned] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def add_app_json(self, path: str, items: list[dict[str, Any]]) -> None:
        self.sources.append(posixpath.basename(path))
        for item in items:
            quantity = item["quantity"] if item["valid"] else None
            self.items[item["type"]] = Planned(item["type"], 1 if item["valid"] and quantity is None else quantity,
                                               posixpath.basename(path), path, item["line"], item["column"],
                                               item["end_column"])

    def add_override(self, quantities: dict[str, int], source: str) -> None:
        self.sources.append(source)
        for name, quantity in quantities.items():
            self.items[name] = Planned(name, quantity, source)

    def quantity(self, name: str) -> int | None:
        planned = self.items.get(name)
        return planned.quantity if planned is not None else None

    def source_of(self, name: str) -> str:
        planned = self.items.get(name)
        return planned.source if planned is not None else ""


def scheduler_in_code(project, files: set[str]) -> str | None:
    for unit, path in project.unit_paths.items():
        if path not in files:
            continue
        for call in project.units[unit].get("calls", ()):
            if call in SCHEDULER_CALLS:
                return f"its code runs {SCHEDULER_CALLS[call]} ({path})"
    return None


# Calls that start a development server, never meant for production (each project's docs
# say so: Flask's app.run() and Dash's run_server()/run() start Werkzeug's development server,
# and so does werkzeug.serving.run_simple).
DEVELOPMENT_SERVER_CALLS = {
    "flask.Flask.run": "Flask's development server (app.run())",
    "flask.app.Flask.run": "Flask's development server (app.run())",
    "dash.Dash.run_server": "Dash's development server (app.run_server())",
    "dash.Dash.run": "Dash's development server (app.run())",
    "dash.dash.Dash.run_server": "Dash's development server (app.run_server())",
    "dash.dash.Dash.run": "Dash's development server (app.run())",
    "werkzeug.serving.run_simple": "Werkzeug's development server (run_simple())",
    "werkzeug.run_simple": "Werkzeug's development server (run_simple())",
}
# Modules of production servers: code that may start one of them as well (`app.run()` under
# `if DEBUG:`, waitress otherwise) is left alone, since the facts do not say which branch runs.
PRODUCTION_SERVER_MODULES = ("waitress", "gevent", "cheroot", "uvicorn", "hypercorn", "bjoern", "eventlet",
                             "meinheld", "gunicorn", "tornado", "paste", "cherrypy", "flask_socketio",
                             "twisted", "aiohttp", "granian", "daphne", "socketio")


def development_server_in_code(project, starts: list[str]) -> str | None:
    """What development server the code from ``starts`` runs (and in which file), when it
    starts no production server anywhere it reaches."""
    found = None
    for name, unit in project.reachable_from(starts):
        for call in unit.get("calls", ()):
            for external in project.external_calls(call):
                if external.split(".")[0] in PRODUCTION_SERVER_MODULES:
                    return None
                if found is None and external in DEVELOPMENT_SERVER_CALLS:
                    found = f"{DEVELOPMENT_SERVER_CALLS[external]} in {project.unit_paths[name]}"
    return found


def finding_key(finding) -> tuple[str, str, int, int]:
    return finding.path, finding.code, finding.line, finding.column
