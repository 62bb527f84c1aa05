"""Which processes a container starts, and which of them the shell stands between.

Docker sends SIGTERM to the container's PID 1 only. A shell that is PID 1 (a shell-form
``CMD``, ``sh -c "..."``, an entrypoint script) has no handler for it and, as PID 1, is not
killed by it either; it does not pass it on, so the program it waits for runs until the
stop timeout ends in SIGKILL. ``exec`` replaces the shell with the program, and an init
(``tini``, ``dumb-init``, ``docker run --init``) forwards the signal.

``container_launches`` follows the final stage's command: inits and wrappers that exec
(``gosu``, ``su-exec``, ``env``), ``sh -c`` strings, scripts of the build context (the
entrypoint or command script, one level deep, and what its ``"$@"`` runs), and the scripts
the image makes executable for a platform to run (``COPY start /start`` + ``chmod +x``).
Each program started is a ``Launch``: what it is, whether a shell waits for it without
``exec``, where it is written and which Dockerfile line leads there.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from twelvecheck.config import knowledge
from twelvecheck.core.findings import SAFE, Edit, Fix, Span
from twelvecheck.deploy.container import (
    DockerfileDocument, find_program, instruction_argv, script_text,
)
from twelvecheck.deploy.dockerfile import Instruction, Stage
from twelvecheck.deploy.shell_commands import Invocation, read_argv, read_command
from twelvecheck.deploy.shell_words import QuoteError
from twelvecheck.deploy.tools import SHELLS

# Inits that run as PID 1 and forward signals to their child (knowledge/commands.toml [pid1],
# which says where each was verified).
INITS = knowledge.names("commands", "pid1", "inits")
# Their options that take a value (`tini -e 143`, `dumb-init --rewrite 15:3`).
_INIT_VALUE_OPTIONS = frozenset({"-e", "-p", "--rewrite", "-r"})
# Programs that exec the command after them (so it keeps their PID): how many words they take first.
EXEC_WRAPPERS = {"exec": 0, "gosu": 1, "su-exec": 1, "s6-setuidgid": 1, "setpriv": 0, "chpst": 0, "env": 0}
# Tool roles of deploy/tools.py that keep running in the foreground.
LONG_RUNNING_ROLES = frozenset({"server", "worker", "scheduler"})
# `python -m X` that runs a task and exits (a test image's CMD): never a long-running program
# (knowledge/commands.toml [pid1]).
SHORT_LIVED_MODULES = knowledge.names("commands", "pid1", "short-lived-modules")
_DOLLAR_AT = frozenset({"$@", "${@}", "$*"})
_FUNCTION_RE = re.compile(r"^\s*(function\s+[\w.-]+\s*(\(\))?|[\w.-]+\s*\(\))\s*(\{.*)?$")
_HEREDOC_RE = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_SHELL_SYNTAX = set("$`\\\"'*?[]{}~<>|&;()#\n")


@dataclass
class Launch:
    """One program a container starts."""

    inv: Invocation
    waited: bool  # a shell runs it without exec and waits for it (it never gets SIGTERM)
    through: str  # how: "the shell form of CMD", "`sh -c`", "start.sh"
    line: int
    column: int
    end_column: int
    instruction: Instruction  # the Dockerfile line that leads here
    script: Path | None = None  # the script it is written in (None: the Dockerfile)
    shown: str = ""  # that script as reported
    final: bool = False  # the last command of its shell code
    under_init: bool = False  # an init is PID 1 and forwards SIGTERM
    fix: Fix | None = None

    @property
    def long_running(self) -> bool:
        """A program that keeps running: a server, worker or scheduler of the tool table, or
        the Python program a shell's last command runs (`python app.py`, `python -m app`)."""
        tool = self.inv.tool
        if tool is not None:
            return tool.role in LONG_RUNNING_ROLES
        if self.inv.module is not None and self.inv.module.split(".")[0] in SHORT_LIVED_MODULES:
            return False
        return self.final and bool(self.inv.script or self.inv.module)

    @property
    def process_manager(self) -> bool:
        tool = self.inv.tool
        return tool is not None and (tool.role == "manager" or tool.manages)

    def where(self, document: DockerfileDocument) -> str:
        """Which Dockerfile line runs it, as a clause: "which the ENTRYPOINT at line 35 of
        docker/Dockerfile runs"."""
        instruction = self.instruction
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            return f"which the {instruction.keyword} at line {instruction.line} of {document.display_path} runs"
        return (f"which {document.display_path} makes executable at line {instruction.line} for the platform "
                f"to run")


def container_launches(document: DockerfileDocument) -> list[Launch]:
    stage = document.final
    if stage is None:
        return []
    follow = _Follower(document, stage)
    entrypoint, cmd = stage.entrypoint, stage.cmd
    if entrypoint is not None and entrypoint.exec_form is None:
        follow.shell(entrypoint.shell_form, entrypoint, "the shell form of ENTRYPOINT", None, False)
    elif entrypoint is not None:
        rest = instruction_argv(stage, cmd)
        follow.start([*entrypoint.exec_form, *rest], entrypoint, (len(rest), cmd), False)
    elif cmd is not None and cmd.exec_form is None:
        follow.shell(cmd.shell_form, cmd, "the shell form of CMD", None, False)
    elif cmd is not None:
        follow.start(list(cmd.exec_form), cmd, None, False)
    if not follow.under_init and document.variant != "development":
        # Scripts the image makes executable are what compose files and platforms run
        # (`command: /start`); a development image's are left alone.
        follow.guessing = True  # only the tool table's servers and workers count there
        for path, instruction in stage.executables.items():
            host = document.host_path(path)
            if host is not None and host not in follow.seen:
                follow.script(host, instruction, None, False)
    return follow.launches


class _Follower:
    def __init__(self, document: DockerfileDocument, stage: Stage) -> None:
        self.document, self.stage = document, stage
        self.launches: list[Launch] = []
        self.seen: set[Path] = set()
        self.under_init = False
        # While a script that a shell runs without exec is read: where that shell is and how
        # it runs the script (an exec in the script does not make its program PID 1).
        self.outer: tuple[tuple, str] | None = None
        self.guessing = False  # reading scripts the image only makes executable

    def start(self, argv: list[str], instruction: Instruction, cmd: tuple[int, Instruction | None] | None,
              waited: bool, place: tuple | None = None) -> None:
        """A program started by exec: PID 1, or what a script's `exec "$@"` becomes. ``cmd``
        is (how many of the last words are CMD's, its instruction)."""
        words = self._peeled(argv)
        if not words:
            return
        name = posixpath.basename(words[0])
        in_cmd = cmd is not None and cmd[1] is not None and len(words) <= cmd[0]
        shown_instruction = cmd[1] if in_cmd else instruction
        # What "$@" of a script it runs stands for: the words after the script, CMD's among them.
        rest_instruction = cmd[1] if cmd is not None and cmd[0] and cmd[1] is not None else instruction
        if name in SHELLS:
            options = [w for w in words[1:] if w.startswith("-")]
            positional = [w for w in words[1:] if not w.startswith("-")]
            if not positional:
                return
            if any("c" in option[1:] for option in options if not option.startswith("--")):
                shell_form = shown_instruction.exec_form is None and positional[0] == shown_instruction.shell_form
                through = f"the shell form of {shown_instruction.keyword}" if shell_form else f"`{name} -c`"
                self.shell(positional[0], shown_instruction, through, None, waited)
            else:
                host = self.document.host_path(self.stage.container_path(positional[0]))
                if host is not None:
                    self.script(host, shown_instruction, (positional[1:], rest_instruction), waited)
            return
        host = find_program(self.stage, self.document, words[0])
        if host is not None and script_text(host) is not None:
            self.script(host, shown_instruction, (words[1:], rest_instruction), waited)
            return
        try:
            invocations = read_argv(words).invocations
        except QuoteError:
            return
        if invocations:
            line, column, end = place[:3] if place else _at(shown_instruction)
            script, shown = (place[3], place[4]) if place else (None, "")
            self.launches.append(Launch(invocations[0], waited, "", line, column, end, shown_instruction,
                                        script, shown, final=True, under_init=self.under_init))

    def _peeled(self, argv: list[str]) -> list[str]:
        index = 0
        while index < len(argv):
            name = posixpath.basename(argv[index])
            if name in INITS:
                self.under_init = True
                index += 1
                while index < len(argv) and argv[index].startswith("-"):
                    index += 2 if argv[index] in _INIT_VALUE_OPTIONS else 1
                    if argv[index - 1] == "--":
                        break
                continue
            if name in EXEC_WRAPPERS:
                index += 1
                while index < len(argv) and (argv[index].startswith("-") or
                                             name == "env" and "=" in argv[index]):
                    index += 1
                index += EXEC_WRAPPERS[name]
                continue
            break
        return argv[index:]

    def shell(self, text: str, instruction: Instruction, through: str, script: tuple | None, waited: bool,
              rest: tuple[list[str], Instruction] | None = None) -> None:
        """Shell code: a shell-form instruction, a `sh -c` string, or one line of a script
        (``script`` = (path, shown, line number, offset of the text in the line, final))."""
        try:
            invocations = read_command(text, None).invocations
        except QuoteError:
            return
        own = script is None and instruction.exec_form is None and instruction.single_line
        for index, inv in enumerate(invocations):
            if inv.separator == "&" or not inv.words:
                continue  # a background process is another question (the scripts' rules)
            execed = any(wrapper.text == "exec" for wrapper in inv.wrappers)
            final = index == len(invocations) - 1 and (script is None or script[4]) and not self.guessing
            if script is not None and execed and self.outer is not None:
                place, through = self.outer[0], f"{self.outer[1]}, which runs {script[1]}"
            elif script is not None:
                line, column = _physical(script[3], inv.words[0].start)
                place = (line, column, column + inv.words[0].end - inv.words[0].start, script[0], script[1])
            elif own:
                start = instruction.arguments_column + len(instruction.arguments) - len(instruction.shell_form)
                place = (instruction.line, start + inv.words[0].start, start + inv.words[0].end, None, "")
            else:
                place = (*_at(instruction), None, "")
            if inv.program in _DOLLAR_AT:
                if rest and rest[0]:
                    self.start(rest[0], rest[1], None, waited or not execed, place)
                continue
            host = None
            if "/" in inv.program or inv.program.endswith(".sh"):
                host = find_program(self.stage, self.document, inv.program)
            if host is not None and script is None and script_text(host) is not None:
                self.outer = (place, through) if not execed else None
                self.script(host, instruction, ([w.text for w in inv.words[1:]], instruction), waited or not execed)
                self.outer = None
                continue
            fix = _exec_form_fix(self.stage, instruction, text, invocations) if own and not execed else None
            self.launches.append(Launch(inv, waited or not execed, through, place[0], place[1], place[2],
                                        instruction, place[3], place[4], final, self.under_init, fix))

    def script(self, host: Path, instruction: Instruction, rest: tuple[list[str], Instruction] | None,
               waited: bool) -> None:
        """A shell script of the build context, one level deep."""
        if host in self.seen or self.document.root is not None and not _inside(host, self.document.root):
            return
        self.seen.add(host)
        text = script_text(host)
        if text is None:
            return
        shown = self.document.shown(host)
        commands = list(script_commands(text))
        last = max((number for number, _, _, depth in commands if depth == 0), default=0)
        for number, segments, line, depth in commands:
            if depth:
                continue  # inside a loop: a respawn loop is the process family's question
            self.shell(line, instruction, shown, (host, shown, number, segments, number == last), waited, rest)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def _at(instruction: Instruction) -> tuple[int, int, int]:
    """The instruction's arguments on its first line."""
    return (instruction.line, instruction.arguments_column,
            instruction.arguments_column + max(1, len(instruction.first_line_arguments)))


def _physical(segments: list[tuple[int, int, int]], position: int) -> tuple[int, int]:
    """(line, 1-based column) of a position in a command joined from continuation lines."""
    line, column = segments[0][1], position + segments[0][2] + 1
    for start, number, indent in segments:
        if position >= start:
            line, column = number, position - start + indent + 1
    return line, column


def script_commands(text: str):
    """(line number, segments, command text, loop depth) of each command line of a shell
    script: continuations joined, comments, heredoc bodies and function bodies skipped.
    ``segments`` are (offset in the text, line number, indent) of each physical line in it."""
    lines = _without_heredoc_bodies(text.splitlines())
    index, depth = 0, 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _FUNCTION_RE.match(line):  # a function body runs only when called
            braces = stripped.count("{") - stripped.count("}")  # `${VAR}` counts for nothing
            if braces <= 0 and index < len(lines) and lines[index].strip().startswith("{"):
                braces, index = 1, index + 1  # the brace on the next line
            while index < len(lines) and braces > 0:
                braces += lines[index].count("{") - lines[index].count("}")
                index += 1
            continue
        indent = len(line) - len(line.lstrip())
        segments = [(0, number, indent)]
        line = line.strip()
        while line.endswith("\\") and index < len(lines):
            following = lines[index]
            segments.append((len(line), index + 1, len(following) - len(following.lstrip())))
            line = line[:-1] + " " + following.strip()
            index += 1
        first = stripped.split()[0].rstrip(";")
        if first in ("while", "until", "for") and not re.search(r"\bdone\b", line):
            depth += 1
        elif first == "done":
            depth = max(0, depth - 1)
        yield number, segments, line.strip(), depth


def _without_heredoc_bodies(lines: list[str]) -> list[str]:
    """The lines with every heredoc's body (`python <<END` ... `END`) blanked, so neither the
    commands nor the braces in it count."""
    kept, index = list(lines), 0
    while index < len(kept):
        words = [(m.group(3), m.group(1) == "-") for m in _HEREDOC_RE.finditer(kept[index])]
        index += 1
        for word, strip in words:
            while index < len(kept) and (kept[index].lstrip("\t") if strip else kept[index]) != word:
                kept[index] = ""
                index += 1
            if index < len(kept):
                kept[index] = ""
                index += 1
    return kept


def _exec_form_fix(stage: Stage, instruction: Instruction, text: str, invocations: list[Invocation]) -> Fix | None:
    """`CMD gunicorn app:app` -> `CMD ["gunicorn", "app:app"]`: only for one simple command
    with no shell syntax, and where the exec form changes nothing else (a CMD with no
    ENTRYPOINT, an ENTRYPOINT with no CMD: an exec-form ENTRYPOINT would take CMD as arguments)."""
    if len(invocations) != 1 or invocations[0].env or invocations[0].redirects or _SHELL_SYNTAX & set(text):
        return None
    if instruction.keyword == "CMD" and stage.entrypoint is not None or \
            instruction.keyword == "ENTRYPOINT" and stage.cmd is not None or instruction.flags:
        return None
    words = text.split()
    start = instruction.arguments_column
    span = Span(instruction.line, start, instruction.line, start + len(instruction.first_line_arguments))
    return Fix(SAFE, "use the exec form", (Edit(span, json.dumps(words)),))
