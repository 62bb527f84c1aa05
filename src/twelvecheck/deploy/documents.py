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

from twelvecheck.deploy.appjson import FormationItem, read_formation
from twelvecheck.deploy.options import find_options, first_argument
from twelvecheck.deploy.procfile import Entry, Procfile, parse, split_lines
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

    @property
    def runnable(self) -> list[EntryReading]:
        return [reading for reading in self.entries if reading.unrunnable is None]

    def tool_config(self, inv: Invocation) -> str:
        """The text of the configuration files of the repository that a command gives its tool
        (``gunicorn -c gunicorn.conf.py``, ``uwsgi uwsgi.ini``), read once; "" without one."""
        if id(inv) not in self._configs:
            self._configs[id(inv)] = _config_text(inv, self.root)
        return self._configs[id(inv)]

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
    tool = inv.tool
    if tool is None or not tool.config or inv.base is None:
        return ""
    names = [o.value for o in find_options(inv.args, tool.config) if o.value]
    if "ARG" in tool.config and (first := first_argument(inv)) is not None:
        names.append(first.text)
    texts = []
    for name in names:
        try:
            located = locate(name) if locate is not None else None
            resolved = (located or inv.base / name).resolve()
            if root is not None:
                resolved.relative_to(root.resolve())  # nothing outside the repository
            if resolved.is_file() and resolved.stat().st_size <= MAX_CONFIG_BYTES:
                texts.append(resolved.read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError, RuntimeError):
            continue
    return "\n".join(texts)


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
