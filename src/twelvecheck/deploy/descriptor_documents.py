"""A deployment descriptor (Compose, Kubernetes, fly/render/railway, heroku.yml) as the process
model reads it: its declared processes (``declared.py``), each with its command read the
way a Procfile line's is (``shell_commands.py``: the tools it runs, whether it is a
scheduler, the Python code it starts).

A command's files are looked for where the process's code is: the build context of a
Compose service (the folder its image is built from), else the repository root, where
platforms build from. A command given as an argument vector is read word by word, never
split again.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from twelvecheck.deploy.compose import read_compose
from twelvecheck.deploy.declared import DeclaredProcess
from twelvecheck.deploy.kubernetes import read_manifests
from twelvecheck.deploy.platform_files import read_platform_file
from twelvecheck.deploy.scripts import ScriptCommand
from twelvecheck.deploy.shell_commands import Invocation, read_command
from twelvecheck.deploy.shell_words import QuoteError
from twelvecheck.deploy.targets import scheduler_of, targets, tool_names
from twelvecheck.files.ignoring import repository_root
from twelvecheck.files.kinds import COMPOSE, PLATFORM

KUBERNETES = "kubernetes"  # manifests come as YAML files, told apart by their content


@dataclass
class DescriptorDocument:
    kind: str  # COMPOSE, KUBERNETES or PLATFORM
    display_path: str
    processes: list[DeclaredProcess]
    directory: Path | None  # the descriptor's folder (None: standard input)

    @property
    def name(self) -> str:
        """What the command rules' messages call the file ({type} of a command without a name)."""
        return posixpath.basename(self.display_path)

    @cached_property
    def root(self) -> Path | None:
        return repository_root(self.directory) if self.directory is not None else None

    @cached_property
    def readings(self) -> list[tuple[DeclaredProcess, list[Invocation], list[dict[str, Any]]]]:
        """Each process with the simple commands it runs and the Python code they start,
        read once from the nearest folder where that code is (see ``_code_folders``)."""
        return [(process, *_read(process, self.display_path, self.directory, self.root))
                for process in self.processes]

    @cached_property  # read once for the four command rules
    def commands(self) -> list[ScriptCommand]:
        """Each process's command, as the command rules (TWC511-TWC514) judge a script's: at
        its line, named after the process. A command given as a list is one line of quoted
        words: a word's column is exact for the first, approximate after it. (A file for a
        developer's machine is not asked for their codes: run/runner.py, local-only files.)"""
        return [ScriptCommand(_command_text(process) or "", process.command_line,
                              [(0, process.command_line, process.command_column - 1)], invocations, name=process.name)
                for process, invocations, _ in self.readings
                if process.command is not None and process.command_line is not None]

    def facts(self) -> dict[str, Any]:
        """What the process model needs of the file (plain data: it is cached)."""
        return {"declared": {"kind": self.kind, "processes": [{
            **process.to_facts(),
            "scheduler": scheduler_of(process.name, invocations) if invocations or process.schedule is None else None,
            "tools": tool_names(invocations),
            "targets": found,
            "command": process.command,
        } for process, invocations, found in self.readings]}}


def read_descriptor(kind: str, text: str, display_path: str, directory: Path | None) -> DescriptorDocument:
    """Raises ``declared.DescriptorError`` for a file that cannot be read."""
    name = posixpath.basename(display_path)
    if kind == COMPOSE:
        processes = read_compose(text, display_path)
    elif kind == KUBERNETES:
        processes = read_manifests(text, display_path)
    elif kind == PLATFORM:
        processes = read_platform_file(name, text, display_path)
    else:
        raise ValueError(f"not a descriptor kind: {kind}")
    return DescriptorDocument(kind, display_path, processes, directory)


def _command_text(process: DeclaredProcess) -> str | None:
    """The command as a shell would read it: an argument vector quoted word by word, so
    nothing in it is read as shell syntax."""
    if process.shell is not None:
        return process.shell
    return " ".join(shlex.quote(word) for word in process.argv) if process.argv else None


def _read(process: DeclaredProcess, display_path: str, directory: Path | None,
          root: Path | None) -> tuple[list[Invocation], list[dict[str, Any]]]:
    """(the simple commands, their targets), from the first code folder where a target is."""
    text = _command_text(process)
    if text is None:
        return [], []
    invocations: list[Invocation] = []
    found: list[dict[str, Any]] = []
    for base, shown_base in _code_folders(process, display_path, directory, root) or [(None, "")]:
        try:
            invocations = read_command(text, base, root).invocations
        except QuoteError:
            process.notes.append("the command has an unterminated quote: not analysed")
            return [], []
        # targets() names files relative to a display path's folder: that of the code folder
        found = targets(invocations, posixpath.join(shown_base, "-"), base) if base is not None else []
        if any(target.get("path") for target in found):
            break
    return invocations, found


def _code_folders(process: DeclaredProcess, display_path: str, directory: Path | None,
                  root: Path | None) -> list[tuple[Path, str]]:
    """Where the process's code may be, nearest first, as (folder, display path): a Compose
    service's build context; else the descriptor's folder and each one above it up to the
    repository root (manifests often sit in ``deploy/k8s/`` beside the code they run)."""
    if directory is None:
        return []
    shown_dir = posixpath.dirname(display_path)
    if process.context is not None:
        folder = (directory / posixpath.relpath(process.context, shown_dir or ".")).resolve()
        if folder.is_dir():
            return [(folder, process.context)]
    folders = [(directory, shown_dir)]
    if root is not None:
        current, shown = directory.resolve(), shown_dir
        top = root.resolve()
        while current != top and top in current.parents:
            current, shown = current.parent, posixpath.normpath(posixpath.join(shown or ".", ".."))
            folders.append((current, shown))
    return folders
