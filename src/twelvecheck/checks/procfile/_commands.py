"""What a Procfile command does to the process model, read from the tool table.

For each entry: the simple commands it runs (``commands.read_command``), then, for each,
what the table says its options do: detach (TWC511), write a PID file (TWC512) or a log
file (TWC513), embed a scheduler (TWC514), ignore ``$PORT`` in ``web`` (TWC515), serve for
development (TWC516), manage processes of its own (TWC517), migrate before serving
(TWC518), reload on SIGTERM (TWC519). No tool is named here: they are rows of the table.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from twelvecheck.deploy.tools import DETACHING_WRAPPERS, Tool
from twelvecheck.deploy.shell_commands import Invocation, _positionals
from twelvecheck.deploy.shell_words import Token

PORT_REFERENCE = re.compile(r"\$\{?PORT\b|%PORT%|\$\(PORT\)")
FIXED_PORT = re.compile(r"(^|:)\d+$")
GENERIC_PORT_OPTIONS = ("--port", "--server.port", "-Dserver.port", "--http-port", "--listen-port")
STDOUT_FILES = frozenset({"/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1", "/dev/fd/2"})
NOT_A_STEP = frozenset({"cd", "echo", "export", "set", "true", ":", "printf", "sleep", "unset", "mkdir", "touch", "yes"})
SCHEDULER_NAME = re.compile(r"clock|scheduler|(?<!heart)beat|cron", re.I)
MAX_CONFIG_BYTES = 256 * 1024


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


@dataclass
class Issue:
    code: str
    token: Token  # in the entry's command (offsets from the command's first character)
    what: str
    fix: CommandFix | None = None  # always safe: the Procfile's own words, nothing a program reads


def find_options(args: list[Token], specs: tuple[str, ...]) -> list[Option]:
    """The options of ``args`` that match the specs (see deploy/tools.py)."""
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
            else:
                continue
            if literal is not None and (value is None or literal.lower() not in value.lower()):
                continue
            found.append(Option(spec, token, value, value_token))
    return found


def first_argument(inv: Invocation) -> Token | None:
    positions = _positionals(inv.args, inv.tool)
    return inv.args[positions[0]] if positions else None


class EntryCommands:
    """The simple commands of one entry and what the table makes of them."""

    def __init__(self, name: str, invocations: list[Invocation], root: Path | None,
                 started: list[tuple[Invocation, list[Invocation]]] = (), command: str = "") -> None:
        self.name = name
        self.command = command  # the Procfile line's command, which the fixes' offsets are in
        self.invocations = invocations
        self.root = root
        # Process types it starts through a process manager (`honcho start migrate`).
        self.started = list(started)
        self.issues: list[Issue] = []

    # -- helpers ---------------------------------------------------------------------
    def _where(self, inv: Invocation, token: Token) -> Token:
        return token if not inv.origin else inv.anchor

    def _label(self, inv: Invocation, text: str) -> str:
        if inv.origin and inv.origin != "sh -c":
            path, _, line = inv.origin.rpartition(":")
            return f"{text} ({path} line {line})"
        return text

    def _report(self, code: str, inv: Invocation, token: Token, text: str, fix: CommandFix | None = None) -> None:
        # Only words of the Procfile line itself are edited, not those of a script or `sh -c` string.
        self.issues.append(Issue(code, self._where(inv, token), self._label(inv, text), None if inv.origin else fix))

    def _config(self, inv: Invocation) -> str:
        """The text of a config file of the repository the tool is given (one level)."""
        tool = inv.tool
        if tool is None or not tool.config or inv.base is None:
            return ""
        names = [o.value for o in find_options(inv.args, tool.config) if o.value]
        if "ARG" in tool.config and (first := first_argument(inv)) is not None:
            names.append(first.text)
        texts = []
        for name in names:
            path = (inv.base / name)
            try:
                resolved = path.resolve()
                if self.root is not None:
                    resolved.relative_to(self.root.resolve())
                if resolved.is_file() and resolved.stat().st_size <= MAX_CONFIG_BYTES:
                    texts.append(resolved.read_text(encoding="utf-8", errors="replace"))
            except (OSError, ValueError, RuntimeError):
                continue
        return "\n".join(texts)

    @staticmethod
    def _in_config(config: str, spec: str) -> bool:
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

    # -- the checks ------------------------------------------------------------------------
    def check(self) -> list[Issue]:
        for inv in self.invocations:
            self._detaching(inv)
            if inv.tool is not None:
                self._tool_options(inv)
            self._redirections(inv)
        if self.name == "web":
            self._port()
        if self.name != "release":
            self._migration()
        return self.issues

    def _detaching(self, inv: Invocation) -> None:
        if inv.separator == "&":
            self._report("TWC511", inv, inv.words[0], f"`{inv.spelled()} &` runs in the background",
                         self._trailing_ampersand(inv))
        for wrapper in inv.wrappers:
            if posixpath.basename(wrapper.text) in DETACHING_WRAPPERS:
                fix = CommandFix(f"remove `{wrapper.text}`", (CommandEdit(wrapper.start, inv.words[0].start,
                                                                             remove=True),)) if inv.words else None
                self._report("TWC511", inv, wrapper, f"`{wrapper.text} {inv.program}` detaches", fix)
        tool = inv.tool
        if tool is None:
            return
        config = self._config(inv)
        self._option_or_config("TWC511", inv, config, tool.daemon, "detaches",
                               lambda option: f"`{tool.key} {option.token.text}` detaches", fix=_removal)
        if tool.role == "detacher" or tool.foreground:
            told = find_options(inv.args, tool.foreground) or any(self._in_config(config, s) for s in tool.foreground)
            if not told:
                note = f": {tool.note}" if tool.note else ""
                self._report("TWC511", inv, inv.words[0], f"`{tool.key}` detaches{note}")

    def _trailing_ampersand(self, inv: Invocation) -> CommandFix | None:
        """Dropping `&` is right only where nothing follows it: `a & b` runs both."""
        end = len(self.command.rstrip())
        if inv is not self.invocations[-1] or not self.command[:end].endswith("&") or \
                self.command[:end].endswith(("&&", ">&", "<&")):
            return None
        return CommandFix("remove the trailing `&`", (CommandEdit(end - 1, end, remove=True),))

    def _option_or_config(self, code: str, inv: Invocation, config, specs, what: str, describe,
                          fix: Callable[[Option], CommandFix | None] | None = None) -> None:
        """Report each of the tool's options on the command line; failing that, the first
        one its configuration file sets (gunicorn.conf.py, uwsgi.ini), at the program name."""
        options = find_options(inv.args, specs)
        for option in options:
            self._report(code, inv, option.token, describe(option), fix(option) if fix else None)
        if options:
            return
        for spec in specs:
            if self._in_config(config, spec):
                self._report(code, inv, inv.words[0], f"`{inv.tool.key}` {what} (its configuration file sets "
                                                      f"{spec.split()[0].lstrip('-')})")
                return

    def _tool_options(self, inv: Invocation) -> None:
        tool = inv.tool
        config = self._config(inv)
        self._option_or_config("TWC512", inv, config, tool.pid, "writes a PID file",
                               lambda option: f"`{tool.key} {option.token.text}` writes the PID file "
                                              f"{option.value or ''}".rstrip(), fix=_removal)
        for option in find_options(inv.args, tool.log):
            if option.value is None or option.value in STDOUT_FILES or (
                    tool.stdout is not None and option.value == tool.stdout):
                continue
            note = f"; {tool.note}" if option.value == "-" and tool.stdout is None and tool.note else ""
            self._report("TWC513", inv, option.token, f"`{tool.key} {option.token.text}` logs to the file "
                                                      f"{option.value!r}{note}", _to_stdout(option, tool.stdout))
        if tool.role != "scheduler":
            for option in find_options(inv.args, tool.scheduler):
                self._report("TWC514", inv, option.token, f"`{tool.key} {option.token.text}`")
        if tool.role == "devserver":
            self._report("TWC516", inv, inv.words[0], f"`{tool.key}` is a development server or file watcher")
        for option in find_options(inv.args, tool.reload):
            self._report("TWC516", inv, option.token, f"`{tool.key} {option.token.text}` reloads on code changes, "
                                                      "a development feature")
        if tool.role == "manager":
            self._report("TWC517", inv, inv.words[0], f"`{tool.key}` runs a process manager")
        if tool.sigterm and not find_options(inv.args, (f"--{tool.sigterm}",)) and not re.search(
                rf"^\s*{tool.sigterm}\s*[=:]?\s*(true|1|yes|on)?\s*$", config, re.M | re.I):
            self._report("TWC519", inv, inv.words[0], f"`{tool.key}` without --{tool.sigterm}")

    def _redirections(self, inv: Invocation) -> None:
        for operator, target in inv.redirects:
            if operator.text.startswith("<") or operator.text.endswith("&") or target.text in STDOUT_FILES \
                    or target.text == "/dev/null":
                continue
            fix = CommandFix(f"remove `{operator.raw} {target.raw}`",
                             (CommandEdit(operator.start, target.end, remove=True),))
            self._report("TWC513", inv, operator, f"`{operator.text} {target.text}` sends the output to a file", fix)

    def _port(self) -> None:
        for inv in self.invocations:
            for assignment in inv.env:
                name, _, value = assignment.text.partition("=")
                if name == "PORT" and not PORT_REFERENCE.search(value):
                    self._report("TWC515", inv, assignment, f"`{assignment.text}` replaces the port the platform "
                                                            "assigns")
            if inv.program in ("unset", "export") and any(t.text == "PORT" or t.text.startswith("PORT=")
                                                          for t in inv.words[1:]):
                self._report("TWC515", inv, inv.words[0], f"`{inv.spelled()}` takes away the port the platform "
                                                          "assigns")
            tool = inv.tool
            if tool is None:
                self._generic_port(inv)
                continue
            if not tool.port and not tool.listens:
                continue
            given = find_options(inv.args, tool.port)
            if "ARG" in tool.port and (first := first_argument(inv)) is not None:
                given.append(Option("ARG", first, first.text))
            ports = [o for o in given if o.value and (PORT_REFERENCE.search(o.value) or FIXED_PORT.search(o.value))]
            if any(PORT_REFERENCE.search(o.value) for o in ports):
                continue
            if ports:
                option = ports[0]
                spelled = option.token.text if option.spec == "ARG" or "=" in option.token.text else \
                    f"{option.token.text} {option.value}"
                self._report("TWC515", inv, option.token, f"`{tool.key} {spelled}` listens on a fixed port")
            elif tool.listens and tool.listens != "$PORT" and not find_options(inv.args, tool.config):
                flag = next((s.split()[0] for s in tool.port if s.split()[0] != "ARG"), "")
                how = f"pass {flag} $PORT" if flag and "port" in flag else "give it $PORT"
                self._report("TWC515", inv, inv.words[0], f"`{tool.key}` listens on {tool.listens}, not on $PORT, "
                                                          f"unless told ({how})")

    def _generic_port(self, inv: Invocation) -> None:
        for option in find_options(inv.words[1:], tuple(f"{flag} N" for flag in GENERIC_PORT_OPTIONS)):
            if option.value and FIXED_PORT.search(option.value) and not PORT_REFERENCE.search(option.value):
                self._report("TWC515", inv, option.token, f"`{inv.program} {option.token.text}` listens on a fixed "
                                                          "port")

    def _migration(self) -> None:
        # (where to report, the step) for its own steps and those of the types it starts
        steps = [(inv, inv) for inv in self.invocations]
        steps += [(manager, inv) for manager, started in self.started for inv in started]
        steps = [(at, inv) for at, inv in steps if posixpath.basename(inv.program) not in NOT_A_STEP]
        migrations = [(at, inv) for at, inv in steps if uses(inv.tool, "migration")]
        if migrations and len(steps) > 1:
            at, inv = migrations[0]
            via = "" if at is inv else f" (through `{at.tool.key}`)"
            self._report("TWC518", at, at.words[0], f"`{inv.tool.key}` runs in process type {self.name}{via} "
                                                    "together with other commands")


def _removal(option: Option) -> CommandFix:
    """Remove an option and its value: the tool's default is the foreground and no PID file."""
    spelled = " ".join(token.raw for token in (option.token, option.value_token) if token is not None)
    return CommandFix(f"remove `{spelled}`", (CommandEdit(option.token.start, option.end, remove=True),))


def _to_stdout(option: Option, stdout: str | None) -> CommandFix | None:
    """`--log-file PATH` -> `--log-file -` for a tool that reads a value as standard output."""
    if not stdout:  # no such value (or one that needs quoting, like redis-server's "")
        return None
    if option.value_token is not None:
        edit = CommandEdit(option.value_token.start, option.value_token.end, stdout)
    elif "=" in option.token.raw and option.token.raw.startswith("-"):
        flag = option.token.raw.split("=", 1)[0]
        edit = CommandEdit(option.token.start, option.token.end, f"{flag}={stdout}")
    else:
        return None
    return CommandFix(f"log to `{stdout}` (standard output)", (edit,))


def scheduler_of(name: str, invocations: list[Invocation]) -> str | None:
    """Why a process type looks like a scheduler (by its name or command), or None."""
    for inv in invocations:
        tool = inv.tool
        if tool is None:
            continue
        if tool.role == "scheduler" and not find_options(inv.args, tool.no_scheduler):
            return f"it runs {tool.key}"
        if find_options(inv.args, tool.scheduler):
            return f"it runs {tool.key} with an embedded scheduler"
    if SCHEDULER_NAME.search(name):
        return "its name says so"
    return None


def tool_names(invocations: list[Invocation]) -> list[str]:
    return sorted({inv.tool.key for inv in invocations if inv.tool is not None and inv.tool.role != "wrapper"})


def uses(tool: Tool | None, role: str) -> bool:
    return tool is not None and tool.role == role
