"""The project pass for the process model: Procfiles, formations and the code they run.

An *app* is a folder with a ``Procfile`` (monorepos have several). Its formation comes from
``app.json`` in the same folder, then ``[tool.twelvecheck.formation]`` and ``--formation``
(for the app at or above the configuration's folder, resp. the checked paths, or the only
app; see ``_app_for``). From there: the Python files each process type runs, the formation
rules' findings (``checks/formation/``), and the scale hazards: a finding whose rule document
names one (a scheduler, a PID file) in code that runs in a process type scaled above one is
an error, and the message says how many copies run.
The code a process type runs is also an entry point of the whole-program signal rules.
A development Procfile (``Procfile.dev``) or Compose override declares local process types:
their code is followed, but no formation counts them (see ``process_entry_points``).
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twelvecheck.core.findings import Finding, Severity
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.config.formation import FormationOverride
from twelvecheck.deploy.analysis import formation_findings
from twelvecheck.deploy.cli_targets import cli_units, shown_commands
from twelvecheck.deploy.formation import Formation, development_server_in_code, finding_key, scheduler_in_code
from twelvecheck.program.project import EntryPoint



@dataclass
class ProcessType:
    name: str
    app: "App"
    line: int
    command: str
    scheduler: str | None
    targets: list[dict[str, Any]]
    files: set[str] = field(default_factory=set)  # Python files it runs (display paths)
    development_server: str | None = None  # the development server its own code starts, and where
    findings: list[Finding] = field(default_factory=list)
    # A process a descriptor declares (deploy/declared.py) rather than a Procfile line: the
    # file, its kind, the replicas it gives (count, line, source), and what was not analysed.
    declared_in: str | None = None
    declared_kind: str | None = None
    replicas: dict[str, Any] | None = None
    local: bool = False
    notes: list[str] = field(default_factory=list)
    lines: frozenset[int] = frozenset()  # the descriptor's lines about it (declaration, command, replicas)
    dockerfile: str | None = None  # the Dockerfile its image is built from (a Compose build)
    # target index -> (the command's function "path:function (flask poll)", or why none is found)
    commands: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def path(self) -> str | None:
        """The file that declares the process type."""
        return self.declared_in or self.app.procfile

    @property
    def quantity(self) -> int | None:
        if self.declared_in is not None:
            return self.replicas["count"] if self.replicas else None
        return self.app.formation.quantity(self.name)

    @property
    def source(self) -> str:
        if self.declared_in is not None:
            if not self.replicas:
                return ""
            return f"{posixpath.basename(self.declared_in)}:{self.replicas['line']} {self.replicas['source']}"
        return self.app.formation.source_of(self.name)

    def runs(self) -> list[str]:
        """Where the process's Python code starts: ``path``, ``path:attr`` (an app a server
        imports), ``path:function (command)`` (a console script, a command of a command-line
        framework: ``commands``). Empty: its code was not followed (``why_not_analysed``)."""
        runs = []
        for index, target in enumerate(self.targets):
            command, _ = self.commands.get(index, (None, None))
            if command or target["kind"] in ("flask", "console"):  # found in the program, or not at all
                runs += [command] if command else []
            elif target.get("path"):
                runs.append(f"{target['path']}:{target['attr']}" if target.get("attr") else target["path"])
        return runs

    def why_not_analysed(self) -> str:
        """Why no code of the process was followed: what the descriptor says, else the command."""
        notes = [note for note in self.notes if "not analysed" in note]
        if notes:
            return notes[0].replace(": not analysed", "")
        if not self.command:
            return "no command"
        if whys := [why for _, why in self.commands.values() if why]:
            return whys[0]
        missing = [target["name"] for target in self.targets if not target.get("path") and target["kind"] != "console"]
        if missing:
            return f"{', '.join(missing)} is not a file of the checked folders"
        return "runs no Python code found in the checked folders"


@dataclass
class App:
    directory: str  # display path of the folder ("." for the current one)
    procfile: str | None = None
    appjson: str | None = None
    descriptors: list[str] = field(default_factory=list)  # Compose, Kubernetes, platform files
    declared: list[ProcessType] = field(default_factory=list)  # the processes they declare
    notes: list[str] = field(default_factory=list)  # descriptors passed over (a Helm template)
    types: list[ProcessType] = field(default_factory=list)
    formation: Formation = field(default_factory=Formation)
    # process type (declared, or only in the formation) -> the findings about it
    findings: dict[str, list[Finding]] = field(default_factory=dict)

    def undeclared(self) -> list[str]:
        """Formation entries for types the Procfile does not declare."""
        declared = {ptype.name for ptype in self.types}
        return [name for name in self.formation.items if name not in declared]

    def where_quantity(self, name: str) -> tuple[str | None, int, int, int]:
        """(path, line, column, end column) where process type ``name``'s quantity is said:
        its app.json entry, else its Procfile line, else the Procfile's first line (the
        configuration and the command line have no lines of their own)."""
        planned = self.formation.items.get(name)
        if planned is not None and planned.path is not None:
            return planned.path, planned.line, planned.column, planned.end_column
        declared = next((ptype for ptype in self.types if ptype.name == name), None)
        if declared is not None:
            return self.procfile, declared.line, 1, len(name) + 1
        return self.procfile, 1, 1, 2


@dataclass
class ProcessModel:
    apps: list[App] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # formations that fit no app (run errors)
    # (path, code, line, column) of a formation rule's finding -> the process types it is
    # about, where the line alone does not say (deploy/analysis.formation_findings)
    concerns: dict[tuple[str, str, int, int], set[str]] = field(default_factory=dict)
    # (app.json, line, column) of a quantity that cannot be used -> its process type
    unusable_quantities: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def process_types(self) -> list[ProcessType]:
        return [ptype for app in self.apps for ptype in (*app.types, *app.declared)]

    def about(self, finding: Finding) -> set[str] | None:
        """The process types a finding in a Procfile or app.json is about, when its line
        alone does not say (None otherwise)."""
        about = self.concerns.get(finding_key(finding))
        if about is None:
            name = self.unusable_quantities.get((finding.path, finding.line, finding.column))
            return {name} if name is not None else None
        return about


def _folder(display: str) -> str:
    return posixpath.dirname(display) or "."


def build_model(facts: dict[str, dict], cwd: Path, overrides: list[FormationOverride]) -> ProcessModel:
    """Apps from the facts of every Procfile and app.json (display path -> facts), their
    formations overridden by the configuration and --formation, in that order."""
    apps: dict[str, App] = {}
    unusable: dict[tuple[str, int, int], str] = {}
    for path, fact in sorted(facts.items()):
        procfile = fact.get("procfile")
        if procfile is not None and posixpath.basename(path) == "Procfile":
            app = apps.setdefault(_folder(path), App(_folder(path)))
            app.procfile = path
            declared = {t.name for t in app.types}
            for entry in procfile["entries"]:
                if entry["name"] in declared:
                    continue  # a duplicate (TWC504): the first one stands for it
                declared.add(entry["name"])
                app.types.append(ProcessType(entry["name"], app, entry["line"], entry["command"],
                                             entry["scheduler"], entry["targets"]))
        appjson = fact.get("appjson")
        if appjson is not None and posixpath.basename(path) == "app.json":
            app = apps.setdefault(_folder(path), App(_folder(path)))
            app.appjson = path
            app.formation.add_app_json(path, appjson["formation"])
            for item in appjson["formation"]:
                if not item["valid"]:
                    unusable[(path, item["value_line"], item["value_column"])] = item["type"]
        if procfile is not None and procfile.get("variant") == "development":  # Procfile.dev: local types
            _add_declared(apps, path, {"kind": "procfile", "processes": [
                {**entry, "replicas": None, "local": True, "notes": [], "command_line": entry["line"]}
                for entry in procfile["entries"]]})
        declared = fact.get("declared")
        if declared is not None:
            _add_declared(apps, path, declared)
    _add_images(apps, {path: fact["dockerfile"] for path, fact in facts.items() if fact.get("dockerfile")})
    model = ProcessModel(sorted(apps.values(), key=lambda a: a.directory), unusable_quantities=unusable)
    for override in overrides:
        app = _app_for(model, override, cwd)
        if app is not None:
            app.formation.add_override(override.quantities, override.source)
    return model


def _add_declared(apps: dict[str, App], path: str, declared: dict[str, Any]) -> None:
    """The processes a descriptor declares, as process types of the app of its folder."""
    app = apps.setdefault(_folder(path), App(_folder(path)))
    app.descriptors.append(path)
    if declared.get("note"):
        app.notes.append(f"{path}: {declared['note']}")
    for process in declared["processes"]:
        app.declared.append(ProcessType(
            process["name"], app, process["line"], process["command"] or "", process["scheduler"],
            process["targets"], declared_in=path, declared_kind=declared["kind"], replicas=process["replicas"],
            local=process["local"], notes=list(process["notes"]), dockerfile=process.get("dockerfile"),
            lines=frozenset(line for line in (process["line"], process["command_line"],
                                              (process["replicas"] or {}).get("line")) if line)))


def _add_images(apps: dict[str, App], dockerfiles: dict[str, dict[str, Any]]) -> None:
    """What the Dockerfiles' images run, when no descriptor builds them (a Compose service
    built from one reads its command there, ``descriptor_documents.py``): a process of its
    own, named after the file, whose count is set wherever the image is run."""
    built = {ptype.dockerfile for app in apps.values() for ptype in app.declared}
    for path, image in sorted(dockerfiles.items()):
        process = image.get("process")
        if path in built or not process:
            continue
        app = apps.setdefault(_folder(path), App(_folder(path)))
        app.descriptors.append(path)
        notes = [f"{process['unrunnable']}: not analysed"] if process["unrunnable"] else []
        app.declared.append(ProcessType(
            posixpath.basename(path), app, process["line"], process["command"], process["scheduler"],
            process["targets"], declared_in=path, declared_kind="dockerfile", local=image["variant"] == "development",
            notes=notes, lines=frozenset({process["line"]})))


def _app_for(model: ProcessModel, override: FormationOverride, cwd: Path) -> App | None:
    """The app an override is for: the nearest Procfile folder at or above one of its roots,
    else the only app. None when that is not one app (a problem, unless no Procfile is in
    sight and the override comes from a configuration file shared by every run)."""
    apps = [(app, (cwd / app.directory).resolve()) for app in model.apps if app.procfile]
    chosen: list[App] = []
    for root in override.roots:
        root = (cwd / root).resolve()
        holding = [(app, folder) for app, folder in apps if folder == root or folder in root.parents]
        if holding:
            nearest = max(holding, key=lambda pair: len(pair[1].parts))[0]
            if all(nearest is not app for app in chosen):
                chosen.append(nearest)
    candidates = chosen or [app for app, _ in apps]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        model.problems.append(f"{override.source} is for one app, but {len(candidates)} Procfiles could be meant "
                              f"({', '.join(app.procfile for app in candidates)}): check one app's folder at a time")
    elif override.required:
        model.problems.append(f"{override.source}: no Procfile in the checked folders or above them")
    return None


def _console_units(project, target: dict[str, Any], scripts: list[tuple[str, str]]) -> list[str]:
    """The functions a console-script target runs (declared in the packaging files)."""
    return [unit for name, unit in scripts if name == target["name"] and unit in project.units]


def _files_of(project, ptype: ProcessType, scripts: list[tuple[str, str]]) -> set[str]:
    """The Python files a process type runs: its targets and what they call."""
    if project is None:
        return {t["path"] for t in ptype.targets if t.get("path")}
    starts: list[str] = []
    files: set[str] = set()
    for target in ptype.targets:
        path = target.get("path")
        starts += cli_units(project, target) or []
        if target["kind"] == "console":
            starts += _console_units(project, target, scripts)
            continue
        if not path:
            continue
        files.add(path)
        starts += project.units_in(path, ".<module>") + project.units_in(path, ".<main>")
        if target["kind"] == "celery" and path.endswith("/__init__.py"):
            # `celery -A proj` finds the app in proj.celery when the package has none itself
            starts += project.units_in(path[: -len("__init__.py")] + "celery.py", ".<module>")
        if target["kind"] == "command":
            starts += project.command_units(path)
        if target.get("attr"):
            starts += project.units_in(path, "." + target["attr"])
    for start in starts:
        for name, _ in project.reachable(start):
            files.add(project.unit_paths[name])
    return files


def _started_units(project, target: dict[str, Any], scripts: list[tuple[str, str]]) -> list[str]:
    """Where a target's own code starts, when the process's main loop is that code's.

    ``python path.py`` and ``python -m module`` run the module as ``__main__``: its
    ``__main__`` block, whose unit reaches the module body, or else the body alone (a
    worker written as a top-level loop). A console script runs its function. A server
    given ``module:app`` (gunicorn, uvicorn...) and ``celery -A module`` only import the
    module; the tool owns the main loop and installs its own SIGTERM handling.
    """
    if (command := cli_units(project, target)) is not None:  # `flask poll`, `mytool consume`
        return command
    if target["kind"] == "console":
        return _console_units(project, target, scripts)
    path = target.get("path")
    if target["kind"] == "command":  # `python manage.py poll`: Django runs Command.handle
        return project.command_units(path) if path else []
    if target["kind"] not in ("script", "module") or not path or path.endswith("/__init__.py"):
        return []  # `python -m package` needs a __main__.py: an __init__.py alone does not run
    return project.units_in(path, ".<main>") or project.units_in(path, ".<module>")


def process_entry_points(model: ProcessModel, project, scripts: list[tuple[str, str]],
                         include_local: bool = False) -> list[EntryPoint]:
    """The entry points the process types make, for the signal rules (TWC302/TWC303).

    Code run by several process types is one entry point naming all of them. A local process
    type (a developer's machine runs it, stopped with Ctrl+C) makes none, unless
    ``include_local`` (``local-files = "check"``); the code's own entry points stay.
    """
    runners: dict[str, dict[int, ProcessType]] = {}  # unit -> the types running it, in order, once
    for ptype in model.process_types():
        if ptype.local and not include_local:
            continue
        for target in ptype.targets:
            for unit in _started_units(project, target, scripts):
                runners.setdefault(unit, {}).setdefault(id(ptype), ptype)
    return [dataclasses.replace(project.entry_point(unit, _process_types_phrase(list(ptypes.values()))),
                                declared=tuple((p.path, p.line) for p in ptypes.values() if p.path and p.line))
            for unit, ptypes in sorted(runners.items())]


def _process_types_phrase(ptypes: list[ProcessType]) -> str:
    """The subject of a message (``{entry} runs ...``): ``process type 'worker' (Procfile)``,
    ``the code of process types 'a' and 'b' (app/Procfile)``."""
    by_file: dict[str, list[str]] = {}
    for ptype in ptypes:
        by_file.setdefault(ptype.path or "Procfile", []).append(f"'{ptype.name}'")
    listed = " and ".join(f"{_names(names)} ({procfile})" for procfile, names in by_file.items())
    return f"process type {listed}" if len(ptypes) == 1 else f"the code of process types {listed}"


def _names(names: list[str], shown: int = 5) -> str:
    """'a' and 'b'; past a few names, the first ones and how many more (a message, not a list)."""
    if len(names) <= shown:
        return " and ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def build_process_model(facts: dict[str, dict], outside: dict[str, dict], settings, project,
                        scripts: list[tuple[str, str]]) -> ProcessModel:
    """The apps and what each process type runs. Built before the whole-program rules run:
    the process types are entry points there (``process_entry_points``). ``outside`` holds
    the facts of ``run/deploy_files.deployment_facts``."""
    facts = {**outside, **facts}
    model = build_model(facts, settings.cwd, settings.formations)
    for ptype in model.process_types():
        ptype.files = _files_of(project, ptype, scripts)
        if ptype.scheduler is None and project is not None:
            ptype.scheduler = scheduler_in_code(project, ptype.files)
        if project is not None:
            ptype.commands = shown_commands(project, ptype.targets)
            starts = [unit for target in ptype.targets for unit in _started_units(project, target, scripts)]
            ptype.development_server = development_server_in_code(project, starts) if starts else None
    return model


def apply_process_model(findings: list[Finding], model: ProcessModel, tasks: list, settings) -> list[Finding]:
    """Add the formation findings and escalate the scale hazards, once every other finding
    (the whole-program ones too) is known; each process type keeps the findings about it."""
    found, concerns = formation_findings(model, {task.display_path: task for task in tasks})
    findings = [*findings, *found]
    model.concerns.update(concerns)
    _escalate(findings, model)
    position = {id(finding): index for index, finding in enumerate(findings)}
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for app in model.apps:
        # The findings that can be about a process type, found through indexes rather than by
        # asking every finding about every type: a Procfile of thousands of types stays linear.
        declarations = [path for path in (app.procfile, app.appjson) if path]
        by_type: dict[str, list[Finding]] = {}
        by_line: dict[int, list[Finding]] = {}
        for finding in (f for path in declarations for f in by_path.get(path, ())):
            for name in model.about(finding) or ():
                by_type.setdefault(name, []).append(finding)
            by_line.setdefault(finding.line, []).append(finding)
        for ptype in app.types:
            candidates = [*by_type.get(ptype.name, ()), *by_line.get(ptype.line, ()),
                          *(f for path in sorted(ptype.files) for f in by_path.get(path, ()))]
            ptype.findings = _in_order({id(f): f for f in candidates
                                        if _affects(f, app, ptype.name, ptype, model)}, position)
            app.findings[ptype.name] = ptype.findings
        for name in app.undeclared():
            app.findings[name] = _in_order({id(f): f for f in by_type.get(name, ())
                                            if _affects(f, app, name, None, model)}, position)
        for ptype in app.declared:
            candidates = [*(f for f in by_path.get(ptype.declared_in or "", ()) if f.line in ptype.lines),
                          *(f for path in sorted(ptype.files) for f in by_path.get(path, ()))]
            ptype.findings = _in_order({id(f): f for f in candidates}, position)
    return findings


def _in_order(chosen: dict[int, Finding], position: dict[int, int]) -> list[Finding]:
    return sorted(chosen.values(), key=lambda finding: position[id(finding)])


def _escalate(findings: list[Finding], model: ProcessModel) -> None:
    """A finding whose rule document names a scale hazard (a scheduler, a PID file) is an
    error in code that a process type scaled above one runs, and says how many copies run."""
    # A process declared for a developer's machine runs there alone, however it is scaled.
    scaled_types = [p for p in model.process_types() if (p.quantity or 0) > 1 and not p.local]
    docs = load_rule_docs()
    for finding in findings:
        doc = docs.get(finding.code)
        template = doc.scale_hazard if doc is not None else None
        if template is None:
            continue
        scaled = [p for p in scaled_types if finding.path in p.files]
        if not scaled:
            continue
        ptype = max(scaled, key=lambda p: p.quantity)
        finding.severity = Severity.ERROR
        hazard = template.format(type=ptype.name, n=ptype.quantity)
        if doc.scale_replaces and doc.scale_replaces in finding.message:
            finding.message = finding.message.replace(doc.scale_replaces, hazard, 1)
        else:
            finding.message += "; " + hazard


def _affects(finding: Finding, app: App, name: str, ptype: ProcessType | None, model: ProcessModel) -> bool:
    """Whether a finding is about process type ``name`` of ``app`` (ptype: its declaration)."""
    about = model.about(finding)
    if about is not None:
        return finding.path in (app.procfile, app.appjson) and name in about
    if ptype is None or finding.path == app.appjson:
        return False  # the formation's own problems are all in concerns
    if finding.path == app.procfile:
        return finding.line == ptype.line
    return finding.path in ptype.files
