"""Formations: how many processes of each type run, where that is said, and what is wrong with it.

Sources, later ones winning per process type: ``app.json`` ``formation``,
``[tool.twelvecheck.formation]`` (``web = 3``), ``--formation web=3,worker=5``. The rules:
TWC601 a formation type no Procfile declares, TWC602 a quantity that is not a whole number
>= 0 (app.json; the configuration and the command line refuse one), TWC603 a scheduler scaled
above one or two scheduler types, TWC604 a Procfile type the formation leaves out (info).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvecheck.deploy.procfile import split_lines
from twelvecheck.files.kinds import process_file_kind
from twelvecheck.checks.procfile._syntax import Problem

if TYPE_CHECKING:
    from twelvecheck.deploy.process_model import App, ProcessModel

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


Concerns = dict  # (path, code, line, column) of a finding -> the process types it is about


def formation_problems(model: "ProcessModel", tasks: dict) -> tuple[list, Concerns]:
    """Findings of TWC601, TWC603 and TWC604 for every app whose files were checked, and
    the process types each one is about (the formation table lists them per type)."""
    from twelvecheck.deploy.analysis import comment_suppressions, make_findings
    from twelvecheck.engine.suppressions import Suppressions

    by_file: dict[str, list[Problem]] = {}
    about: dict[tuple[str, str, int, int], tuple[str, ...]] = {}
    for app in model.apps:
        for path, problem, types in _app_problems(app):
            by_file.setdefault(path, []).append(problem)
            about[(path, problem.code, problem.line, problem.column)] = types
    findings = []
    for path, problems in by_file.items():
        task = tasks.get(path)
        if task is None:
            continue
        try:
            text = Path(task.path).read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        suppressions = comment_suppressions(text) if process_file_kind(path) == "procfile" else Suppressions.empty()
        findings += make_findings(task, split_lines(text), problems, suppressions)
    concerns = {key: set(about[key]) for key in (finding_key(f) for f in findings) if key in about}
    return findings, concerns


def finding_key(finding) -> tuple[str, str, int, int]:
    return finding.path, finding.code, finding.line, finding.column


def _app_problems(app: "App"):
    """(path, problem, the process types it is about) for one app."""
    if app.procfile is None:
        return  # no Procfile next to the app.json: the process types are declared elsewhere
    declared = {ptype.name: ptype for ptype in app.types}
    formation = app.formation
    for planned in formation.items.values():
        if planned.type not in declared:
            count = "" if planned.quantity is None else f" to {planned.quantity}"
            yield (*_at(app, planned, None, "TWC601", {
                "source": planned.source, "type": planned.type, "count": count,
                "procfile": posixpath.basename(app.procfile)}), (planned.type,))
    schedulers = [p for p in app.types if p.scheduler and p.quantity != 0]
    for ptype in schedulers:
        if (ptype.quantity or 0) > 1:
            yield (*_at(app, formation.items[ptype.name], ptype, "TWC603", {
                "what": f"{ptype.name} is a scheduler ({ptype.scheduler}) scaled to {ptype.quantity} "
                        f"({ptype.source}): every job runs {ptype.quantity} times"}), (ptype.name,))
    for second in schedulers[1:]:
        first = schedulers[0]
        problem = Problem("TWC603", second.line, 1, len(second.command) + len(second.name) + 3, {
            "what": f"{first.name} and {second.name} both schedule jobs ({first.name}: {first.scheduler}; "
                    f"{second.name}: {second.scheduler}): a job both of them know runs twice"})
        yield app.procfile, problem, (first.name, second.name)
    if formation.sources:
        for ptype in app.types:
            if ptype.name not in formation.items and ptype.name != "release":
                yield app.procfile, Problem("TWC604", ptype.line, 1, len(ptype.name) + 1, {
                    "type": ptype.name, "source": ", ".join(formation.sources)}), (ptype.name,)


def _at(app: "App", planned: Planned, ptype, code: str, fields: dict[str, str]):
    if planned.path is not None:
        return planned.path, Problem(code, planned.line, planned.column, planned.end_column, fields)
    if ptype is not None:
        return app.procfile, Problem(code, ptype.line, 1, len(ptype.name) + 1, fields)
    return app.procfile, Problem(code, 1, 1, 2, fields)
