"""The platforms' own descriptors as declared processes (``declared.py``): fly.toml,
render.yaml, railway.json / railway.toml and heroku.yml.

- ``fly.toml``: ``[processes]`` maps a process group to its command (without it, the image's
  command runs as the group ``app``); the machine count is set with ``fly scale count``,
  outside the file, so it is unknown here.
- ``render.yaml``: ``services`` with a ``type`` (web, worker, pserv, cron), ``startCommand``
  (or ``dockerCommand``), ``numInstances`` or ``scaling.minInstances``, and a cron job's
  ``schedule``. Render runs the start command through a shell.
- ``railway.json`` / ``railway.toml``: ``deploy.startCommand``, ``deploy.numReplicas``,
  ``deploy.cronSchedule``; one service per file.
- ``heroku.yml``: ``run`` maps a process type to a command (text, or ``command:`` with a list);
  the formation is set with ``heroku ps:scale``, outside the file.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable

from twelvecheck.deploy.declared import DeclaredProcess, DescriptorError, Replicas, whole_number, yaml_documents
from twelvecheck.deploy.yaml_tree import Node

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_SCALED_OUTSIDE = "set outside the file"


def read_platform_file(name: str, text: str, display_path: str) -> list[DeclaredProcess]:
    readers = {"fly.toml": _fly, "render.yaml": _render, "railway.json": _railway_json,
               "railway.toml": _railway_toml, "heroku.yml": _heroku}
    return readers[name](text, display_path)


# -- TOML (fly, railway): tomllib gives no positions; keys are found on their lines ----------
def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        raise DescriptorError(f"not valid TOML: {str(error).split(' (at')[0]}", line, column) from None


def _key_line(text: str, key: str, table: str | None = None) -> int:
    """The line a key is set on (in ``[table]`` when given); 1 when it cannot be found."""
    in_table = table is None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = table is not None and stripped.strip("[] \t").split("#")[0].strip() == table
            continue
        if in_table and re.match(rf"""^["']?{re.escape(key)}["']?\s*=""", stripped):
            return number
    return 1


def _fly(text: str, path: str) -> list[DeclaredProcess]:
    data = _toml(text)
    processes = data.get("processes")
    unknown = Replicas(None, 1, f"fly scale count ({_SCALED_OUTSIDE})")
    if not isinstance(processes, dict) or not processes:
        process = DeclaredProcess("app", path, 1, replicas=unknown)
        process.notes.append("no [processes]: the image's command runs: not analysed")
        return [process]
    found = []
    for name, command in processes.items():
        line = _key_line(text, name, "processes")
        process = DeclaredProcess(str(name), path, line, command_line=line, replicas=unknown)
        if isinstance(command, str):
            process.shell = command
        else:
            process.notes.append("the command is not a string: not analysed")
        found.append(process)
    return found


def _railway(data: dict[str, Any], path: str, line_of: Callable[[str], int]) -> list[DeclaredProcess]:
    deploy = data.get("deploy") if isinstance(data.get("deploy"), dict) else {}
    process = DeclaredProcess("web", path, line_of("deploy"))
    command = deploy.get("startCommand")
    if isinstance(command, str):
        process.shell, process.command_line = command, line_of("startCommand")
    else:
        process.notes.append("no deploy.startCommand: the build's start command runs: not analysed")
    replicas = deploy.get("numReplicas")
    process.replicas = Replicas(whole_number(replicas), line_of("numReplicas"), "deploy.numReplicas") \
        if replicas is not None else Replicas(1, process.line, "default (numReplicas not set)")
    schedule = deploy.get("cronSchedule")
    process.schedule = schedule if isinstance(schedule, str) else None
    return [process]


def _railway_toml(text: str, path: str) -> list[DeclaredProcess]:
    def line_of(key: str) -> int:
        return _table_line(text, "deploy") if key == "deploy" else _key_line(text, key, "deploy")

    return _railway(_toml(text), path, line_of)


def _table_line(text: str, table: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().split("#")[0].strip() == f"[{table}]":
            return number
    return 1


def _railway_json(text: str, path: str) -> list[DeclaredProcess]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DescriptorError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    if not isinstance(data, dict):
        raise DescriptorError("not a JSON object")
    return _railway(data, path, lambda key: _json_key_line(text, key))


def _json_key_line(text: str, key: str) -> int:
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


# -- YAML (render, heroku) -----------------------------------------------------------------
def _yaml(text: str) -> Node | None:
    documents = yaml_documents(text, "rendered before the platform reads it")
    return documents[0] if documents else None


def _render(text: str, path: str) -> list[DeclaredProcess]:
    root = _yaml(text)
    services = root.get("services") if root is not None else None
    if services is None or services.kind != "sequence":
        return []
    found = []
    for service in services.elements:
        if service.kind != "mapping":
            continue
        name = service.get("name")
        kind = service.get("type")
        process = DeclaredProcess(name.text() or "service" if name is not None else "service", path, service.line)
        for key in ("startCommand", "dockerCommand"):
            command = service.get(key)
            if command is not None and command.text() is not None:
                process.shell, process.command_line = command.text(), command.line
                break
        else:
            process.notes.append("no startCommand: the runtime's or the image's command runs: not analysed")
        schedule = service.get("schedule")
        process.schedule = schedule.text() if schedule is not None else None
        process.replicas = _render_replicas(service)
        if kind is not None and kind.text() in ("static", "redis", "keyvalue"):
            continue  # not a process of the app's code
        found.append(process)
    return found


def _render_replicas(service: Node) -> Replicas:
    instances = service.get("numInstances")
    if instances is not None:
        return Replicas(whole_number(instances.value), instances.line, "numInstances")
    minimum = service.get("scaling", "minInstances")
    if minimum is not None:
        return Replicas(whole_number(minimum.value), minimum.line, "scaling.minInstances")
    return Replicas(1, service.line, "default (numInstances not set)")


def _heroku(text: str, path: str) -> list[DeclaredProcess]:
    root = _yaml(text)
    run = root.get("run") if root is not None else None
    if run is None or run.kind != "mapping":
        return []
    found = []
    for name, key, value in run.mappings():
        process = DeclaredProcess(name, path, key.line, replicas=Replicas(None, key.line,
                                                                          f"heroku ps:scale ({_SCALED_OUTSIDE})"))
        command = value.get("command") if value.kind == "mapping" else value
        if command is not None and command.text() is not None:
            process.shell, process.command_line = command.text(), command.line
        elif command is not None and command.strings() is not None:
            process.argv, process.command_line = command.strings(), command.line
        else:
            process.notes.append("no command: the image's command runs: not analysed")
        found.append(process)
    return found
