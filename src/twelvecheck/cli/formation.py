"""``twelvecheck formation``: the process model of each app as a table (or JSON).

It runs exactly what ``twelvecheck check`` runs on the same path, with the same configuration
(``cli/settings.prepare`` and ``run/runner.run``), and shows the model the run built: so the
findings listed per process type are the ones ``check`` reports, and nothing is parsed twice.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import click

from twelvecheck import __version__
from twelvecheck.cli.exits import EXIT_ERROR, EXIT_OK, guarded, print_error
from twelvecheck.cli.settings import prepare, use_color
from twelvecheck.deploy.disagreements import disagreements
from twelvecheck.deploy.process_model import App, ProcessModel, ProcessType
from twelvecheck.core.findings import Finding, Severity, ToolError
from twelvecheck.run.runner import run

JSON_SCHEMA_VERSION = 2
_COLUMNS = ("PROCESS TYPE", "COMMAND", "QUANTITY", "SOURCE", "RUNS", "FINDINGS")
_RUNS_WIDTH = 60
_COMMAND_WIDTH = 48  # longer commands are cut in the text table (JSON has them whole)
_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def run_formation(path: str | None, options: dict[str, Any]) -> int:
    return guarded(lambda: _run(path, options))


def _run(path: str | None, options: dict[str, Any]) -> int:
    cwd = Path.cwd()
    settings, config = prepare([path] if path else [], options, cwd)
    settings.process_model = True  # even when the configuration selects no rule that reads it
    result = run(settings)
    errors = list(result.errors)
    apps = shown_apps(result.process_model)
    if not apps:
        errors.append(ToolError(f"no Procfile, Dockerfile, Compose file, Kubernetes manifest or platform descriptor in "
                                f"{path or '.'} (nor a Procfile above it, up to the repository root): "
                                "nothing declares the process types"))
    for error in errors:
        print_error(str(error))
    if options["format_"] == "json":
        click.echo(render_json(apps, errors, result.roles), nl=False)
    elif apps:
        click.echo(render_text(apps, use_color(options["color"], config.values, None)), nl=False, color=True)
    return EXIT_ERROR if errors else EXIT_OK


def shown_apps(model: ProcessModel | None) -> list[App]:
    """The apps that declare process types: with a Procfile or a descriptor (an app.json
    alone declares none)."""
    return [app for app in model.apps if app.procfile or app.declared or app.notes] if model is not None else []


def _rows(app: App) -> list[dict[str, Any]]:
    """One row per process type the Procfile declares, then one per formation entry it
    lacks, then the processes of each descriptor in file order."""
    rows = []
    for ptype in app.types:
        rows.append(_row(ptype, app.findings.get(ptype.name, [])))
    for name in app.undeclared():
        planned = app.formation.items[name]
        rows.append({"name": name, "declared": False, "declared_in": None, "kind": "formation", "line": None,
                     "command": None, "quantity": planned.quantity, "source": planned.source, "local": False,
                     "scheduler": None, "runs": [], "notes": [], "not_analysed": "no file declares it", "files": [],
                     "findings": app.findings.get(name, [])})
    for ptype in app.declared:
        rows.append(_row(ptype, ptype.findings))
    return rows


def _row(ptype: ProcessType, findings: list[Finding]) -> dict[str, Any]:
    runs = ptype.runs()
    return {"name": ptype.name, "declared": True, "declared_in": ptype.path,
            "kind": ptype.declared_kind or "procfile", "line": ptype.line, "command": ptype.command or None,
            "quantity": ptype.quantity, "source": ptype.source or None, "local": ptype.local,
            "scheduler": ptype.scheduler, "runs": runs, "notes": list(ptype.notes),
            "not_analysed": None if runs else ptype.why_not_analysed(),
            "files": sorted(ptype.files), "findings": findings}


# -- text ----------------------------------------------------------------------------------
def render_text(apps: list[App], color: bool) -> str:
    """One table per app, headed by its Procfile and where its formation comes from."""
    return "\n".join(_table(app, color) for app in apps)


def _table(app: App, color: bool) -> str:
    sources = app.formation.sources
    declared_by = [path for path in (app.procfile, *app.descriptors) if path]
    heading = f"{', '.join(declared_by) or app.directory} (formation: {', '.join(sources)})" if sources else \
        f"{', '.join(declared_by) or app.directory}" + (" (no formation: each platform's default quantities)"
                                                         if app.procfile else "")
    cells = [list(_COLUMNS)]
    counts = []
    for row in _rows(app):
        command = _cut(row["command"] if row["declared"] else "(not in the Procfile)", _COMMAND_WIDTH)
        quantity = "-" if row["quantity"] is None else str(row["quantity"])
        name = row["name"] if row["declared_in"] in (None, app.procfile) else f"{row['name']} ({row['kind']}" \
            f"{', local' if row['local'] else ''}, {row['declared_in'].rsplit('/', 1)[-1]}:{row['line']})"
        runs = ", ".join(row["runs"]) if row["runs"] else \
            f"not analysed: {row['not_analysed']}" if row["declared"] else "-"
        cells.append([name, command or "-", quantity, row["source"] or "-", _cut(runs, _RUNS_WIDTH), ""])
        counts.append(row["findings"])
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS) - 1)]
    lines = [click.style(heading, bold=True) if color else heading]
    lines += [f"  note: {note}" for note in _notes(app)]
    for index, line in enumerate(cells):
        text = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:-1]))
        last = _COLUMNS[-1] if index == 0 else _finding_cell(counts[index - 1], color)
        lines.append(click.style(text + "  " + last, bold=True) if color and index == 0 else f"{text}  {last}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _notes(app: App) -> list[str]:
    """Descriptors passed over, and the process types two files disagree about."""
    return [*app.notes, *(said for _, said in disagreements(app))]


def _cut(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())  # a command over several lines, on one
    return text if len(text) <= width else text[:width - 3] + "..."


def _finding_cell(findings: list[Finding], color: bool) -> str:
    """``TWC401 (1), TWC604 (2)``: each code with how many of its findings concern the type."""
    if not findings:
        return "-"
    worst: dict[str, Severity] = {}
    for finding in findings:
        worst[finding.code] = max(worst.get(finding.code, finding.severity), finding.severity)
    counts = Counter(finding.code for finding in findings)
    parts = []
    for code in sorted(counts):
        label = click.style(code, fg=_SEVERITY_COLORS[worst[code]], bold=True) if color else code
        parts.append(f"{label} ({counts[code]})")
    return ", ".join(parts)


# -- JSON ----------------------------------------------------------------------------------
def render_json(apps: list[App], errors: list[ToolError], roles: dict[str, str] | None = None) -> str:
    """The shape documented in the README and src/twelvecheck/schemas/formation-v2.schema.json."""
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "twelvecheck", "version": __version__},
        "apps": [{
            "directory": app.directory,
            "procfile": app.procfile,
            "app_json": app.appjson,
            "descriptors": list(app.descriptors),
            "notes": _notes(app),
            "formation_sources": list(app.formation.sources),
            "process_types": [{
                **{key: value for key, value in row.items() if key != "findings"},
                "by_code": dict(sorted(Counter(f.code for f in row["findings"]).items())),
                "findings": [{**finding.to_json(), "file_role": (roles or {}).get(finding.path, "production")}
                             for finding in row["findings"]],
            } for row in _rows(app)],
        } for app in apps],
        "errors": [error.to_json() for error in errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
