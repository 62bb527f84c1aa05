"""A Procfile or an app.json as the rules and the process model read it.

``read_procfile`` parses the file (as the platforms read it: ``procfile.py``), reads each
process type's command the way ``sh -c`` will (``shell_commands.py``) and finds the code it
runs (``targets.py``). ``read_app_json`` reads the formation with positions. The rules of
each kind (``checks/procfile/``, ``checks/formation/``) judge these documents; their facts
feed the process model (``process_model.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from twelvecheck.config import knowledge
from twelvecheck.deploy.appjson import FormationItem, read_formation
from twelvecheck.deploy.options import find_options, first_argument
from twelvecheck.deploy.procfile import Entry, Procfile, parse, split_lines
from twelvecheck.deploy.scripts import ScriptCommand
from twelvecheck.deploy.server_configs import (
    GUNICORN_DEFAULT_CONFIG, ServerConfig, Setting, read_server_config,
)
from twelvecheck.deploy.shell_commands import Invocation, read_command
from twelvecheck.deploy.shell_words import QuoteError, tokenize
from twelvecheck.deploy.targets import scheduler_of, targets, tool_names
from twelvecheck.files.ignoring import repository_root
from twelvecheck.files.kinds import procfile_variant

MAX_CONFIG_BYTES = 256 * 1024

@dataclass
class EntryReading:
    """One process type's line, and what its command runs."""

    entry: Entry
    # Why sh cannot run the command (an unterminated quote, the whole command quoted); then
    # nothing is read from it and ``invocations`` is empty.
    unrunnable: str | None = None
    invocations: list[Invocation] = field(default_factory=list)
    # (manager, the invocations of each process type it starts): `honcho start migrate web`.
    started: list[tuple[Invocation, list[Invocation]]] = field(default_factory=list)


@dataclass
class ProcfileDocument:
    procfile: Procfile
    display_path: str
    variant: str  # files/kinds.procfile_variant: "main", "development", "misnamed", "other"
    directory: Path | None  # where its commands run; None for standard input
    root: Path | None  # the repository root: scripts and config files are read inside it only
    entries: list[EntryReading]

    _configs: dict[int, str] = field(default_factory=dict, repr=False)
    _settings: dict[int, ServerConfig | None] = field(default_factory=dict, repr=False)

    @property
    def runnable(self) -> list[EntryReading]:
        return [reading for reading in self.entries if reading.unrunnable is None]

    def tool_config(self, inv: Invocation) -> str:
        """The text of the configuration files of the repository that a command gives its tool
        (``gunicorn -c gunicorn.conf.py``, ``uwsgi uwsgi.ini``), read once; "" without one."""
        if id(inv) not in self._configs:
            self._configs[id(inv)] = _config_text(inv, self.root)
        return self._configs[id(inv)]

    def tool_settings(self, inv: Invocation) -> ServerConfig | None:
        """What those files set, read once: several rules ask of each command."""
        if id(inv) not in self._settings:
            self._settings[id(inv)] = tool_settings(inv, self.root)
        return self._settings[id(inv)]

    def facts(self) -> dict[str, Any]:
        """What the process model needs of the file (plain data: it is cached)."""
        return {"procfile": {"variant": self.variant, "entries": [{
            "name": reading.entry.name, "line": reading.entry.line, "column": reading.entry.column,
            "end_column": reading.entry.end_column, "command": reading.entry.command,
            "scheduler": scheduler_of(reading.entry.name, reading.invocations),
            "tools": tool_names(reading.invocations),
            "targets": targets(reading.invocations, self.display_path, self.directory),
        } for reading in self.runnable]}}


def _config_text(inv: Invocation, root: Path | None, locate: Callable[[str], Path | None] | None = None) -> str:
    """``locate`` finds a file a name means when the command runs elsewhere (a container
    path of a Dockerfile's command); None: the name is relative to ``inv.base``."""
    return "\n".join(text for _, text in _config_files(inv, root, locate=locate))


def _config_files(inv: Invocation, root: Path | None, implicit: bool = False,
                  locate: Callable[[str], Path | None] | None = None) -> list[tuple[str, str]]:
    """(name, text) of each configuration file of the repository the command gives its tool;
    for gunicorn without ``-c``, ./gunicorn.conf.py where the command runs (gunicorn reads it)."""
    tool = inv.tool
    if tool is None or not tool.config or inv.base is None:
        return []
    names = [o.value for o in find_options(inv.args, tool.config) if o.value]
    if "ARG" in tool.config and (first := first_argument(inv)) is not None:
        names.append(first.text)
    if tool.key == "gunicorn":
        names = [_python_module_file(name) for name in names] or ([GUNICORN_DEFAULT_CONFIG] if implicit else [])
    texts = []
    for name in names:
        try:
            located = locate(name) if locate is not None else None
            resolved = (located or inv.base / name).resolve()
            if root is not None:
                resolved.relative_to(root.resolve())  # nothing outside the repository
            if resolved.is_file() and resolved.stat().st_size <= MAX_CONFIG_BYTES:
                texts.append((name, resolved.read_text(encoding="utf-8", errors="replace")))
        except (OSError, ValueError, RuntimeError):
            continue
    return texts


def _python_module_file(name: str) -> str:
    """gunicorn's ``-c python:pkg.settings`` names a module: its file, from where it runs."""
    if name.startswith("python:"):
        return name[len("python:"):].replace(".", "/") + ".py"
    return name.removeprefix("file:")


# The tools whose configuration files are read by a real reader (server_configs.py); for
# the others the text is searched for the option's name (``in_config`` of the rules):
# knowledge/commands.toml [config-readers].
READ_CONFIGS = knowledge.names("commands", "config-readers", "tools")


def tool_settings(inv: Invocation, root: Path | None,
                  locate: Callable[[str], Path | None] | None = None) -> ServerConfig | None:
    """What the configuration files a command gives its tool set, read by a real reader
    (gunicorn, uwsgi, supervisord); None when the tool has no reader or no file is found.
    gunicorn's implicit ./gunicorn.conf.py counts only when it exists. ``locate``: as for
    ``_config_text``."""
    if inv.tool is None or inv.tool.key not in READ_CONFIGS:
        return None
    merged = None
    for name, text in _config_files(inv, root, implicit=True, locate=locate):
        config = read_server_config(name, text, named=True)
        if config is None:
            continue
        if merged is None:
            merged = ServerConfig(config.server)
        merged.settings.extend(config.settings)
    return merged


@dataclass
class ServerConfigDocument:
    """A server configuration file as the command rules judge it: its settings, and the
    commands it runs (supervisord's ``[program:x] command=``), read like Procfile commands.
    Those commands are read without the files around them (a program's working directory
    is the configuration's business): a script one runs is judged as a file of its own."""

    display_path: str
    config: ServerConfig
    directory: Path | None = None
    root: Path | None = None
    commands: list[ScriptCommand] = field(default_factory=list)

    def __post_init__(self) -> None:
        for program in self.config.programs:
            command = ScriptCommand(program.command, program.line, [(0, program.line, program.column - 1)],
                                    name=f"program:{program.name}")
            try:
                command.invocations = read_command(program.command, None).invocations
            except QuoteError:
                continue
            self.commands.append(command)

    @property
    def name(self) -> str:
        return self.display_path.rsplit("/", 1)[-1]

    @property
    def settings(self) -> list[Setting]:
        return self.config.settings


def read_procfile(data: bytes, display_path: str, directory: Path | None) -> ProcfileDocument:
    """The Procfile in ``data``; raises ``procfile.UnreadableProcfile``."""
    procfile = parse(data)
    root = repository_root(directory) if directory is not None else None
    readings = []
    for entry in procfile.entries:
        unrunnable = _unrunnable(entry.command)
        reading = EntryReading(entry, unrunnable)
        if unrunnable is None:
            reading.invocations = read_command(entry.command, directory, root).invocations
        readings.append(reading)
    by_name: dict[str, list[Invocation]] = {}
    for reading in readings:
        by_name.setdefault(reading.entry.name, reading.invocations)
    for reading in readings:
        if reading.unrunnable is None:
            reading.started = _started_types(reading.invocations, by_name, reading.entry.name)
    return ProcfileDocument(procfile, display_path, procfile_variant(display_path), directory, root, readings)


def _unrunnable(command: str) -> str | None:
    try:
        tokens = tokenize(command)
    except QuoteError as exc:
        return f"the command has an {exc} (sh cannot run it)"
    if len(tokens) == 1 and tokens[0].quoted and re.search(r"\s", tokens[0].text) and \
            tokens[0].raw[:1] in "'\"" and tokens[0].raw[-1:] == tokens[0].raw[:1]:
        first = tokens[0].text.split()[0]
        return (f"the whole command is one quoted word, so sh looks for a program named "
                f"{tokens[0].text[:40]!r} instead of running {first!r} with arguments")
    return None


def _started_types(invocations: list[Invocation], readings: dict[str, list[Invocation]], own: str):
    """(manager invocation, the invocations of the process types it starts) for
    `honcho start collectstatic migrate` and the like, one level deep."""
    started = []
    for inv in invocations:
        if inv.tool is None or inv.tool.role != "manager":
            continue
        for token in inv.args:
            if token.text in readings and token.text != own:
                started.append((inv, readings[token.text]))
    return started


@dataclass
class AppJsonDocument:
    display_path: str
    lines: list[str]
    items: list[FormationItem]

    def facts(self) -> dict[str, Any]:
        return {"appjson": {"formation": [
            {"type": item.type, "quantity": item.quantity, "valid": item.problem is None,
             "line": item.line, "column": item.column, "end_column": item.end_column,
             "value_line": item.value_line, "value_column": item.value_column} for item in self.items]}}


def read_app_json(text: str, display_path: str) -> AppJsonDocument | None:
    """The formation of an app.json; None for an app.json without one (someone else's file:
    Expo and others use the name). Raises ``appjson.AppJsonError``."""
    items = read_formation(text)
    return AppJsonDocument(display_path, split_lines(text), items) if items is not None else None
