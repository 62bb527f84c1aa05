"""A command's options, as the tool table (``tools.py``) spells them, and the edits of a
Procfile command that remove or change one.

A spec is ``"-p FILE"`` (a flag and a value, joined or not), ``"--daemon"`` (a flag alone),
``"daemonize yes"`` (a flag and a literal value) or ``"ARG"`` (the first argument).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from twelvecheck.config import knowledge
from twelvecheck.deploy.shell_commands import Invocation, positionals
from twelvecheck.deploy.shell_words import Token
from twelvecheck.deploy.tools import (
    DETACHING_WRAPPERS, INIT_SCRIPT_ACTIONS, INIT_SCRIPT_DIRS, SHORT_LIVED_MANAGEMENT, SHORT_LIVED_PROGRAMS, Tool, tools,
)
# The process's own standard output or error is no log file, on the command line as in code.
from twelvecheck.program.values.exprs import STDIO_DEVICES


@dataclass(frozen=True)
class Option:
    spec: str
    token: Token
    value: str | None
    value_token: Token | None = None  # the separate word holding the value (`-p FILE`)

    @property
    def end(self) -> int:
        return (self.value_token or self.token).end


@dataclass(frozen=True)
class CommandEdit:
    """Replace the command's characters ``start:end`` (offsets as in Token) by ``content``;
    ``remove`` also takes the blanks that separated them from the next word."""

    start: int
    end: int
    content: str = ""
    remove: bool = False


@dataclass(frozen=True)
class CommandFix:
    message: str
    edits: tuple[CommandEdit, ...]


def find_options(args: list[Token], specs: tuple[str, ...], short_groups: bool = False) -> list[Option]:
    """The options of ``args`` that match the specs (see tools.py). With ``short_groups``, a
    flag spelled in a group of short flags counts too (``-noy``: ``-n``, ``-o`` and ``-y``)."""
    found = []
    for index, token in enumerate(args):
        text = token.text
        if text == "--":
            break
        for spec in specs:
            flag, _, wanted = spec.partition(" ")
            if flag == "ARG":
                continue
            literal = wanted if wanted and not wanted.isupper() else None
            value_token = None
            if text == flag:
                value_token = args[index + 1] if wanted and index + 1 < len(args) else None
                value = value_token.text if value_token is not None else None
            elif text.startswith(flag + "="):
                value = text[len(flag) + 1:]
            elif wanted and len(flag) == 2 and not text.startswith("--") and text.startswith(flag):
                value = text[2:]
            elif (short_groups and not wanted and len(flag) == 2 and len(text) > 2 and text[0] == "-"
                  and text[1:].isalpha() and flag[1] in text[1:]):
                value = None
            else:
                continue
            if literal is not None and (value is None or literal.lower() not in value.lower()):
                continue
            found.append(Option(spec, token, value, value_token))
    return found


def first_argument(inv: Invocation) -> Token | None:
    positions = positionals(inv.args, inv.tool)
    return inv.args[positions[0]] if positions else None


def names_config(args: list[Token], tool: Tool) -> bool:
    """Whether the command gives its tool a configuration file (``supervisord -c FILE``):
    what the tool does by default (detach, write a PID file) that file may change."""
    return any(option.value for option in find_options(args, tool.config))


def tool_entry(inv: Invocation) -> str | None:
    """The knowledge entry that made ``inv``'s tool judged at all (config/knowledge.entry_id):
    the project's own wrapper it was read through (``user:deploy-wrap``), else the tool's row
    (``tools:gunicorn``)."""
    table = tools()
    for wrapper in inv.wrappers:
        row = table.get(posixpath.basename(wrapper.text))
        if row is not None and row.knowledge:
            return row.knowledge
    return knowledge.entry_id("tools", inv.tool.key, False) if inv.tool is not None else None


def uses(tool: Tool | None, role: str) -> bool:
    return tool is not None and tool.role == role


# -- what a tool does, as its options (or their absence) say --------------------------------
@dataclass(frozen=True)
class Effect:
    """Something a command makes its tool do: ``option`` asks for it, or None when the tool
    does it by default (``value`` is then the default, e.g. twistd's ``twistd.pid``)."""

    option: Option | None
    value: str | None


def pid_files(args: list[Token], tool: Tool) -> list[Effect]:
    """The PID files a tool writes: each pid option given a value; failing that, the file it
    writes by default. An option given an empty value (``--pidfile=``) writes none."""
    options = find_options(args, tool.pid)
    if options:
        return [Effect(option, option.value) for option in options if option.value != ""]
    return [Effect(None, tool.pid_default)] if tool.pid_default else []


def detaching(args: list[Token], tool: Tool) -> list[Effect]:
    """How a tool detaches: its daemon options; or, for a tool that forks into the
    background unless given its foreground switch (``foreground`` specs), the absence of
    that switch (``-noy`` spells twistd's ``-n`` too). A configuration file that may say
    the same is not read here, and a "detacher" that hands a service to the system
    (``service``, ``systemctl start``) is not counted."""
    found = [Effect(option, option.value) for option in find_options(args, tool.daemon)]
    if found:
        return found
    if tool.foreground and not find_options(args, tool.foreground, short_groups=True):
        return [Effect(None, None)]
    return []


def log_files(args: list[Token], tool: Tool) -> list[Option]:
    """The options that make a tool log to a file (not its spelling of standard output)."""
    return [option for option in find_options(args, tool.log) if option.value is not None
            and option.value not in STDIO_DEVICES and (tool.stdout is None or option.value != tool.stdout)]


def detaching_wrappers(inv: Invocation) -> list[Token]:
    """The wrappers that detach the command they run (``nohup``, ``setsid``)."""
    return [wrapper for wrapper in inv.wrappers if posixpath.basename(wrapper.text) in DETACHING_WRAPPERS]


def short_lived(inv: Invocation) -> bool:
    """A command that does its work and exits (``echo``, ``mkdir``, a migration,
    ``manage.py collectstatic``): never a long-running process, even in the background."""
    if not inv.words:
        return True
    if inv.tool is not None and inv.tool.role == "migration":
        return True
    name = posixpath.basename(inv.program)
    if name in SHORT_LIVED_PROGRAMS:
        return True
    return name == "manage.py" and len(inv.words) > 1 and inv.words[1].text in SHORT_LIVED_MANAGEMENT


def init_script_start(inv: Invocation) -> bool:
    """``/etc/init.d/nginx start``: an init script run by path, asked to start its service."""
    return inv.program.startswith(INIT_SCRIPT_DIRS) and len(inv.words) > 1 and \
        inv.words[1].text in INIT_SCRIPT_ACTIONS


# Roles of the tool table whose programs run on until stopped.
LONG_RUNNING_ROLES = frozenset({"server", "worker", "scheduler", "manager", "detacher", "devserver"})
_STAYING_WRAPPERS = frozenset({"exec", *DETACHING_WRAPPERS})


def finishes_first(inv: Invocation) -> bool:
    """A command the next one waits for (``a && b``, ``a; b``, ``a || b``) that the tool table
    does not call a server, worker or scheduler: it does its work and exits before the next
    starts, so what it writes is no output of the process that runs on
    (``envsubst < site.tmpl > /etc/nginx/conf.d/site.conf && nginx -g 'daemon off;'``)."""
    return inv.separator in ("&&", "||", ";") and not (inv.tool is not None and inv.tool.role in LONG_RUNNING_ROLES)


def long_running(inv: Invocation) -> bool:
    """A command of a script that runs on: a server, worker or scheduler of the table, or a
    command the script hands its process to (`exec`) or puts in the background (`&`,
    ``nohup``), unless it is short-lived."""
    if short_lived(inv):
        return False
    if inv.tool is not None and inv.tool.role in LONG_RUNNING_ROLES:
        return True
    return inv.separator == "&" or any(posixpath.basename(w.text) in _STAYING_WRAPPERS for w in inv.wrappers)
