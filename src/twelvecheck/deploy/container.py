"""What a Dockerfile's image runs, as the rules read it.

``dockerfiles.read_dockerfile`` parses the file (``dockerfile.py``) and takes its final stage (what
`docker build` builds without ``--target``; which stage a build names with ``--target`` is
not knowable from the file). From that stage's ``ENTRYPOINT`` and ``CMD``, combined as
Docker combines them (an exec-form ENTRYPOINT gets CMD as arguments, a shell-form one
ignores it, each shell form runs as ``SHELL ["/bin/sh", "-c"]``), it follows the chain of
processes to the one that ends up as PID 1 (``pid1.py``) and reads the command the way the
Procfile command rules read a Procfile line (``EntryReading``), so TWC511-TWC514 judge it too.

Files of the build context are found through the stage's ``COPY``/``ADD`` instructions: a
container path maps back to the file copied there, in the build context, which is taken to
be the folder, at or above the Dockerfile, in which the copied files exist.
"""

from __future__ import annotations

import os
import posixpath
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from twelvecheck.deploy.dockerfile import DEFAULT_PATH, Dockerfile, Instruction, Stage
from twelvecheck.deploy.documents import EntryReading, _config_text, tool_settings
from twelvecheck.deploy.server_configs import ServerConfig
from twelvecheck.deploy.procfile import Entry
from twelvecheck.deploy.shell_commands import Invocation, read_command
from twelvecheck.deploy.shell_words import QuoteError, Token
from twelvecheck.deploy.targets import scheduler_of, targets, tool_names
from twelvecheck.engine.rule import Problem
from twelvecheck.files.ignoring import inside

MAX_SCRIPT_BYTES = 64 * 1024
# The name the command rules' messages give the container's command ("inside every {type} process").
CONTAINER = "container"


@dataclass
class ScriptProblem(Problem):
    """A problem in a script the Dockerfile runs, not in the Dockerfile itself."""

    script: Path | None = None
    shown: str = ""  # the script as reported


@dataclass
class DockerfileDocument:
    dockerfile: Dockerfile
    display_path: str
    variant: str  # files/kinds.dockerfile_variant: "main" or "development"
    directory: Path | None  # the Dockerfile's folder; None for standard input
    root: Path | None
    context: Path | None  # the build context, as far as the COPY instructions tell
    entries: list[EntryReading] = field(default_factory=list)
    launches: list[Any] = field(default_factory=list)  # pid1.Launch: the processes the image starts (dockerfiles.py)

    _configs: dict[int, str] = field(default_factory=dict, repr=False)
    _settings: dict[int, ServerConfig | None] = field(default_factory=dict, repr=False)

    @property
    def final(self) -> Stage | None:
        return self.dockerfile.final

    @property
    def runnable(self) -> list[EntryReading]:
        return self.entries

    def tool_config(self, inv: Invocation) -> str:
        """The configuration files the command gives its tool, found through the copies
        (`supervisord -c /etc/supervisor/supervisord.conf`)."""
        if id(inv) not in self._configs:
            self._configs[id(inv)] = _config_text(inv, self.root, self._locate())
        return self._configs[id(inv)]

    def tool_settings(self, inv: Invocation) -> ServerConfig | None:
        """What those files set, read by the real readers (gunicorn, uwsgi, supervisord), once:
        several rules ask of each command."""
        if id(inv) not in self._settings:
            self._settings[id(inv)] = tool_settings(inv, self.root, self._locate())
        return self._settings[id(inv)]

    def _locate(self) -> Callable[[str], Path | None] | None:
        stage = self.final
        return (lambda name: self.host_path(stage.container_path(name))) if stage is not None else None

    def host_path(self, container_path: str) -> Path | None:
        """The file of the build context that the final stage copied to ``container_path``."""
        stage = self.final
        if stage is None or self.context is None:
            return None
        return host_file(stage, self.context, container_path, self.root)

    def host_directory(self, container_path: str) -> Path | None:
        stage = self.final
        if stage is None or self.context is None:
            return None
        return host_file(stage, self.context, container_path, self.root, directory=True)

    def shown(self, path: Path) -> str:
        """A file of the repository as reported: beside the Dockerfile's display path."""
        if self.directory is None:
            return path.name
        relative = os.path.relpath(path, self.directory).replace(os.sep, "/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.display_path), relative))

    def facts(self) -> dict[str, Any]:
        """What the image runs (plain data: the process model of compose and Kubernetes reads it)."""
        stage = self.final
        if stage is None:
            return {"dockerfile": {"variant": self.variant, "stages": 0}}

        def described(instruction: Instruction | None) -> dict[str, Any] | None:
            if instruction is None:
                return None
            return {"line": instruction.line, "form": "exec" if instruction.exec_form is not None else "shell",
                    "value": instruction.exec_form if instruction.exec_form is not None else instruction.shell_form}

        return {"dockerfile": {
            "variant": self.variant, "stages": len(self.dockerfile.stages), "stage": stage.name,
            "line": stage.instruction.line, "base": stage.base, "inherits_command": stage.inherits_command,
            "entrypoint": described(stage.entrypoint), "cmd": described(stage.cmd),
            "command": container_argv(stage), "shell": list(stage.shell), "workdir": stage.workdir,
            "stopsignal": stage.stopsignal.arguments if stage.stopsignal else None,
            "stopsignal_line": stage.stopsignal.line if stage.stopsignal else None,
            "process": self._process_facts(stage),
        }}

    def started(self) -> list[Invocation]:
        """The programs the image's command starts, through the scripts it runs (pid1.py): the
        known tools, Python, and each shell's last command (not `set -e` or a shell function)."""
        return [launch.inv for launch in self.launches
                if launch.instruction.keyword in ("CMD", "ENTRYPOINT")
                and (launch.final or launch.inv.tool is not None or launch.inv.script or launch.inv.module)
                ] or (self.entries[0].invocations if self.entries else [])

    def _process_facts(self, stage: Stage) -> dict[str, Any] | None:
        """The process the image starts, as a process type of the model: its command, where it
        is written, and the Python code it runs, found in the build context under WORKDIR."""
        if not self.entries:
            return None
        reading = self.entries[0]
        invocations = self.started()
        base = self.host_directory(stage.workdir) if self.context is not None else None
        base = base or self.directory
        shown_base = self.shown(base) if base is not None else posixpath.dirname(self.display_path)
        # A script of the build context is no Python code of its own (its commands are above).
        found = [target for target in targets(invocations, posixpath.join(shown_base, "-"), base)
                 if target["kind"] != "console" or find_program(stage, self, target["name"]) is None]
        return {
            "command": reading.entry.command, "line": reading.entry.line,
            "scheduler": scheduler_of(CONTAINER, invocations), "tools": tool_names(invocations),
            "targets": found, "unrunnable": reading.unrunnable,
        }


def container_argv(stage: Stage) -> list[str] | None:
    """The argv the container starts with, as Docker combines ENTRYPOINT and CMD; None when
    the stage sets neither (the base image's, which the file does not show)."""
    entrypoint, cmd = stage.entrypoint, stage.cmd
    if entrypoint is None and cmd is None:
        return None
    if entrypoint is not None and entrypoint.exec_form is None:
        return [*stage.shell, entrypoint.shell_form]  # a shell-form ENTRYPOINT ignores CMD
    head = list(entrypoint.exec_form) if entrypoint is not None and entrypoint.exec_form is not None else []
    return head + instruction_argv(stage, cmd)


def instruction_argv(stage: Stage, instruction: Instruction | None) -> list[str]:
    if instruction is None:
        return []
    if instruction.exec_form is not None:
        return list(instruction.exec_form)
    return [*stage.shell, instruction.shell_form]


def host_file(stage: Stage, context: Path, container_path: str, root: Path | None,
              directory: bool = False) -> Path | None:
    """The context file (or folder) that the stage's copies put at ``container_path``; the
    last copy that covers the path wins, as in the image."""
    wanted = posixpath.normpath(container_path)
    for copied in reversed(stage.copies):
        for source in copied.sources:
            if any(char in source for char in "*?["):
                continue
            host = (context / source.lstrip("/")).resolve()
            try:
                host.relative_to((root or context).resolve())
            except ValueError:
                continue
            destination = copied.destination
            if host.is_dir():
                base = destination.rstrip("/") or "/"
                if wanted == base or wanted.startswith(base.rstrip("/") + "/"):
                    candidate = (host / posixpath.relpath(wanted, base)).resolve()
                    if candidate.is_dir() if directory else candidate.is_file():
                        return candidate
            elif not directory and host.is_file():
                target = posixpath.join(destination, posixpath.basename(source)) if destination.endswith("/") \
                    or len(copied.sources) > 1 else destination
                if posixpath.normpath(target) == wanted:
                    return host
    return None


def find_program(stage: Stage, document: DockerfileDocument, word: str) -> Path | None:
    """The context file a command word runs: a path (relative to WORKDIR) or a name on PATH."""
    if "/" in word:
        return document.host_path(stage.container_path(word))
    path = stage.env.get("PATH") or DEFAULT_PATH
    for folder in path.split(":"):
        if folder.startswith("/"):
            found = document.host_path(posixpath.join(folder, word))
            if found is not None:
                return found
    return None


def build_context(dockerfile: Dockerfile, directory: Path | None, root: Path | None) -> Path | None:
    """The folder at or above the Dockerfile where the final stage's copied files exist (the
    most of them; the nearest on a tie)."""
    if directory is None:
        return None
    stage = dockerfile.final
    sources = [s for copied in (stage.copies if stage else []) for s in copied.sources
               if not any(c in s for c in "*?[$")]
    best, best_score = directory, -1
    current = directory.resolve()
    top = (root or directory).resolve()
    while True:
        score = sum((current / source.lstrip("/")).exists() for source in sources)
        if score > best_score:
            best, best_score = current, score
        if current == top or current.parent == current or not inside(current, top):
            break
        current = current.parent
    return best


def command_reading(document: DockerfileDocument, stage: Stage) -> EntryReading | None:
    """The container's command as the Procfile command rules read a process type's line.

    A shell form on one line is the line's own text (its words are reported where they are,
    and may be fixed); anything else (an exec form, continuation lines, ENTRYPOINT and CMD
    together) is read from its argv and reported at the instruction, never edited."""
    argv = container_argv(stage)
    if not argv:
        return None
    entrypoint, cmd = stage.entrypoint, stage.cmd
    shown = cmd if cmd is not None and (entrypoint is None or entrypoint.exec_form is not None) else entrypoint
    own_text = shown.exec_form is None and shown.single_line and (shown is entrypoint or entrypoint is None)
    if own_text:
        command = shown.first_line_arguments
    else:
        command = " ".join(shlex.quote(word) for word in argv)
    entry = Entry(CONTAINER, command, shown.line, shown.column, shown.arguments_column,
                  shown.arguments_column + len(shown.first_line_arguments))
    try:
        invocations = read_command(command, None).invocations
    except QuoteError as exc:
        return EntryReading(entry, unrunnable=f"the command has an {exc}")
    base = document.host_directory(stage.workdir) if document.context is not None else None
    whole = Token(shown.first_line_arguments, 0, len(shown.first_line_arguments))
    for inv in invocations:
        inv.base = base  # where its tool's configuration files are looked for
        if not own_text:
            inv.origin = inv.origin or "sh -c"  # not the line's own words: reported at the instruction
            inv.anchor = whole
    return EntryReading(entry, invocations=invocations)


def script_text(path: Path) -> str | None:
    """A shell script's text, or None for a file that is not one (by its #! line or .sh)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SCRIPT_BYTES)
    except OSError:
        return None
    if b"\x00" in data[:1024]:
        return None
    first = data.split(b"\n", 1)[0]
    if first.startswith(b"#!"):
        if b"python" in first or not any(shell in first for shell in (b"sh", b"bash", b"dash", b"ash", b"zsh")):
            return None
    elif path.suffix != ".sh":
        return None
    return data.decode("utf-8", "replace")
