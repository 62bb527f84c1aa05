"""What the Procfile command rules share: one process type's commands, where to report a
word of them, the configuration files their tools are given, and the fixes that edit the
Procfile line.

A word of the Procfile line is reported where it is, and may be fixed; a word of a script
the line runs (``sh bin/start.sh``) or of an ``sh -c`` string is reported at the word of the
line that leads there, with where it really is in the message, and is never edited.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from twelvecheck.core.findings import SAFE, Edit, Fix, Span
from twelvecheck.deploy.documents import EntryReading, ProcfileDocument
from twelvecheck.deploy.options import CommandEdit, CommandFix, Option, find_options
from twelvecheck.deploy.procfile import Entry
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.deploy.shell_words import Token
from twelvecheck.engine.rule import Problem


class EntryCheck:
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

    def option_or_config(self, inv: Invocation, specs: tuple[str, ...], what: str,
                         describe: Callable[[Option], str],
                         fix: Callable[[Option], CommandFix | None] | None = None) -> Iterator[Problem]:
        """Each of the tool's options on the command line; failing that, the first one its
        configuration file sets (gunicorn.conf.py, uwsgi.ini), at the program name."""
        options = find_options(inv.args, specs)
        for option in options:
            yield self.problem(inv, option.token, describe(option), fix(option) if fix else None)
        if options:
            return
        config = self.config(inv)
        for spec in specs:
            if in_config(config, spec):
                yield self.problem(inv, inv.words[0], f"`{inv.tool.key}` {what} (its configuration file sets "
                                                      f"{spec.split()[0].lstrip('-')})")
                return


def entry_checks(document: ProcfileDocument) -> Iterator[EntryCheck]:
    for reading in document.runnable:
        yield EntryCheck(document, reading)


def tool_invocations(document: ProcfileDocument) -> Iterator[tuple[EntryCheck, Invocation]]:
    """Every command of every process type that runs a tool of the table."""
    for check in entry_checks(document):
        for inv in check.invocations:
            if inv.tool is not None:
                yield check, inv


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
