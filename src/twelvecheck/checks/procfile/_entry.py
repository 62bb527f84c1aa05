"""What the command rules share: the commands of a "command document" (a Procfile's process
types, a shell script's lines, a supervisord program's ``command=``), where to report a word
of them, the configuration files their tools are given, and the fixes that edit the
Procfile line.

A rule asks ``command_checks(document)`` for the document's commands, each a
``CommandCheck`` with its ``invocations`` and ``problem(inv, token, text, fix)``, and
``config_settings(document, behaviour)`` for what a server configuration file sets itself.

A word of the Procfile line is reported where it is, and may be fixed; a word of a script
the line runs (``sh bin/start.sh``) or of an ``sh -c`` string is reported at the word of the
line that leads there, with where it really is in the message, and is never edited. A
word of a script's own line is reported at its line and column in the script (a script
does not report the commands of another script it runs: that one is checked as a file
of its own).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from pathlib import Path
from typing import Callable, Iterator

from twelvecheck.core.findings import SAFE, Edit, Fix, Span
from twelvecheck.deploy.documents import EntryReading, ProcfileDocument, tool_settings
from twelvecheck.deploy.options import CommandEdit, CommandFix, Option, find_options, names_config, tool_entry
from twelvecheck.deploy.procfile import Entry
from twelvecheck.deploy.scripts import ScriptCommand, token_span
from twelvecheck.deploy.server_configs import DAEMON, LOG, PID, ServerConfig, Setting
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.deploy.shell_words import Token
from twelvecheck.engine.rule import Problem


class CommandCheck:
    """One command of a command document, as the command rules judge it: ``name`` fills the
    messages' {type}, ``command`` is the text the invocations' offsets are in."""

    name: str
    command: str
    invocations: list[Invocation]
    # A process type's or a supervisord program's command is the process: its output is the
    # log. A script also runs commands that make files (`envsubst < a > b`): only the output
    # of a long-running one is a log there (options.long_running).
    every_command_runs_on = True

    def problem(self, inv: Invocation, token: Token, text: str, fix: CommandFix | None = None) -> Problem:
        raise NotImplementedError

    def tool_problem(self, inv: Invocation, token: Token, text: str, fix: CommandFix | None = None) -> Problem:
        """A problem that the tool's row of knowledge/tools.toml makes (its options, its
        role): it names the knowledge entry behind it (``tool_entry``)."""
        problem = self.problem(inv, token, text, fix)
        problem.fields["knowledge"] = tool_entry(inv)
        return problem

    def config(self, inv: Invocation) -> str:
        """The text of the configuration files the command gives its tool."""
        raise NotImplementedError

    def settings(self, inv: Invocation) -> ServerConfig | None:
        """What those files set, read by a real reader (gunicorn, uwsgi, supervisord)."""
        raise NotImplementedError

    def option_or_config(self, inv: Invocation, specs: tuple[str, ...], what: str,
                         describe: Callable[[Option], str],
                         fix: Callable[[Option], CommandFix | None] | None = None) -> Iterator[Problem]:
        """Each of the tool's options on the command line; failing that, the first one its
        configuration file sets (gunicorn.conf.py, uwsgi.ini), at the program name."""
        options = find_options(inv.args, specs)
        for option in options:
            yield self.tool_problem(inv, option.token, describe(option), fix(option) if fix else None)
        if options:
            return
        settings = self.settings(inv)
        if settings is not None:  # read by a real reader: what it sets, by behaviour
            behaviour = _behaviour(inv, specs)
            found = [s for s in settings.of(behaviour) if not s.default] if behaviour else []
            if found:
                yield self.tool_problem(inv, inv.words[0], f"`{inv.tool.key}` {what} (its configuration file sets "
                                                      f"{found[0].key})")
            return
        config = self.config(inv)
        for spec in specs:
            if in_config(config, spec):
                yield self.tool_problem(inv, inv.words[0], f"`{inv.tool.key}` {what} (its configuration file sets "
                                                      f"{spec.split()[0].lstrip('-')})")
                return

    def config_setting(self, inv: Invocation, behaviour: str) -> Setting | None:
        """The first setting of this behaviour that the tool's configuration file writes
        (not a default), read by a real reader; None without one."""
        settings = self.settings(inv)
        found = [s for s in settings.of(behaviour) if not s.default] if settings is not None else []
        return found[0] if found else None

    def config_unread(self, inv: Invocation) -> bool:
        """The command gives its tool a configuration file that the run found nowhere
        (``supervisord -c /etc/supervisord.conf`` made in the image from a template, or from
        outside the repository): what it sets is unknown, so a default it may change (detach,
        a PID file) is not reported."""
        return names_config(inv.args, inv.tool) and self.settings(inv) is None and not self.config(inv)

    def told_foreground(self, inv: Invocation) -> bool:
        """Whether a tool that detaches unless told is told, on the command line or in its
        configuration file (supervisord's nodaemon=true, nginx's `daemon off;`)."""
        tool = inv.tool
        if find_options(inv.args, tool.foreground, short_groups=True):
            return True
        settings = self.settings(inv)
        if settings is not None:
            return not settings.of(DAEMON)
        config = self.config(inv)
        return any(in_config(config, spec) for spec in tool.foreground)


def _behaviour(inv: Invocation, specs: tuple[str, ...]) -> str | None:
    tool = inv.tool
    for behaviour, tool_specs in ((DAEMON, tool.daemon), (PID, tool.pid), (LOG, tool.log)):
        if set(specs) & set(tool_specs):
            return behaviour
    return None


class EntryCheck(CommandCheck):
    """One runnable process type of a Procfile, as the command rules judge it."""

    def __init__(self, document: ProcfileDocument, reading: EntryReading) -> None:
        self.document = document
        self.entry = reading.entry
        self.name = reading.entry.name
        self.command = reading.entry.command  # the fixes' offsets are in it
        self.invocations = reading.invocations
        self.started = reading.started

    def problem(self, inv: Invocation, token: Token, text: str, fix: CommandFix | None = None,
                **fields: str) -> Problem:
        where = token if not inv.origin else inv.anchor
        if inv.origin and inv.origin != "sh -c":
            path, _, line = inv.origin.rpartition(":")
            text = f"{text} ({path} line {line})"
        fix = None if inv.origin else fix  # only the Procfile line's own words are edited
        return Problem.at(self.entry.line, self.entry.command_column + where.start,
                          self.entry.command_column + where.end, {"what": text, "type": self.name, **fields},
                          fix=command_fix(self.entry, fix) if fix else None)

    def config(self, inv: Invocation) -> str:
        return self.document.tool_config(inv)

    def settings(self, inv: Invocation) -> ServerConfig | None:
        return self.document.tool_settings(inv)


class LineCheck(CommandCheck):
    """One command of a script or of a server configuration (supervisord's ``command=``),
    reported at its own line and column. No fix is offered there (yet)."""

    def __init__(self, document, command: ScriptCommand) -> None:
        self.document = document
        self.line = command
        self.name = command.name or document.name
        self.command = command.text
        self.invocations = command.invocations
        self.started: list = []
        self._settings: dict[int, ServerConfig | None] = {}
        self.every_command_runs_on = bool(command.name)  # a program's command, not a script line

    def problem(self, inv: Invocation, token: Token, text: str, fix: CommandFix | None = None,
                **fields: str) -> Problem:
        line, column, end_column = token_span(self.line, token if not inv.origin else inv.anchor)
        return Problem.at(line, column, end_column, {"what": text, "type": self.name, **fields})

    def config(self, inv: Invocation) -> str:
        return ""  # the tools with a real reader are read by ``settings``; the others need a Procfile

    def settings(self, inv: Invocation) -> ServerConfig | None:
        """A script runs where its caller is: a file it names is looked for beside it, then
        from each folder above it up to the repository root (a container's working
        directory is one of them, as a rule). A file named by an absolute path in the
        container (``/etc/supervisor/conf.d/supervisord.conf``) is looked for by its file
        name in the same folders, where a Dockerfile's COPY takes it from, as a rule."""
        if id(inv) not in self._settings:
            root = self.document.root
            folders = [inv.base, *_folders_up_to(inv.base, root)] if inv.base is not None else []
            found = None
            for folder in folders:
                found = tool_settings(dataclasses.replace(inv, base=folder), root)
                if found is not None:
                    break
            if found is None and folders:
                found = tool_settings(inv, root, locate=lambda name: _by_file_name(name, folders))
            self._settings[id(inv)] = found
        return self._settings[id(inv)]


def _by_file_name(name: str, folders: list) -> Path | None:
    """The first of ``folders`` holding a file named as the absolute path ``name`` ends."""
    if not name.startswith("/"):
        return None
    for folder in folders:
        candidate = folder / posixpath.basename(name)
        if candidate.is_file():
            return candidate
    return None


def _folders_up_to(folder, root) -> list:
    if folder is None or root is None:
        return []
    found = []
    for parent in folder.parents:
        found.append(parent)
        if parent == root or len(found) >= 8:
            break
    return found if root in found else []


def command_checks(document) -> Iterator[CommandCheck]:
    """The commands of a command document: a Procfile's runnable process types, a script's
    lines, a server configuration's program commands."""
    if isinstance(document, ProcfileDocument) or hasattr(document, "runnable"):  # a Dockerfile's too
        for reading in document.runnable:
            yield EntryCheck(document, reading)
        return
    for command in document.commands:
        yield LineCheck(document, command)


entry_checks = command_checks  # the Procfile-only rules' name for it


def tool_invocations(document) -> Iterator[tuple[CommandCheck, Invocation]]:
    """Every command of the document that runs a tool of the table."""
    for check in command_checks(document):
        for inv in check.invocations:
            if inv.tool is not None:
                yield check, inv


def config_settings(document, behaviour: str) -> Iterator[Problem]:
    """What a server configuration file sets itself (``daemon = True``, ``pidfile``...), at
    the setting's line; nothing for a Procfile or a script."""
    for setting in getattr(document, "settings", ()):
        if setting.behaviour == behaviour:
            yield setting_problem(document, setting)


def setting_problem(document, setting: Setting) -> Problem:
    return Problem.at(setting.line, setting.column, setting.end_column, {"what": setting.what, "type": document.name})


def in_config(config: str, spec: str) -> bool:
    """Whether a configuration file's text sets the option a spec names."""
    flag, _, wanted = spec.partition(" ")
    key = flag.lstrip("-")
    if not config or len(key) < 2:
        return False
    if wanted and not wanted.isupper():  # "daemon off", "daemonize yes"
        return re.search(rf"^\s*{re.escape(wanted)}|^\s*{re.escape(key)}\s*[=:]?\s*{re.escape(wanted)}",
                         config, re.M | re.I) is not None
    if wanted:  # "--pidfile FILE": the key set to something
        return re.search(rf"^\s*{re.escape(key)}\s*[=:]\s*\S", config, re.M | re.I) is not None
    return re.search(rf"^\s*{re.escape(key)}\s*[=:]\s*(true|1|yes|on)\b", config, re.M | re.I) is not None


def removal(option: Option) -> CommandFix:
    """Remove an option and its value: the tool's default is the foreground and no PID file."""
    spelled = " ".join(token.raw for token in (option.token, option.value_token) if token is not None)
    return CommandFix(f"remove `{spelled}`", (CommandEdit(option.token.start, option.end, remove=True),))


def command_fix(entry: Entry, fix: CommandFix) -> Fix:
    """A fix of an entry's command as edits of the Procfile line; a removed word takes the
    blanks after it with it (before it, at the end of the command), so no double space stays."""
    command = entry.command
    edits = []
    for edit in fix.edits:
        start, end = edit.start, edit.end
        if edit.remove:
            after = len(command) - len(command[end:].lstrip(" \t")) if end < len(command) else end
            if after < len(command):
                end = after
            else:
                start = len(command[:start].rstrip(" \t"))
        edits.append(Edit(Span(entry.line, entry.command_column + start, entry.line, entry.command_column + end),
                          edit.content))
    return Fix(SAFE, fix.message, tuple(edits))
