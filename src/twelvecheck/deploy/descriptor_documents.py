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
from twelvecheck.deploy.dockerfile import UnreadableDockerfile
from twelvecheck.deploy.container import DockerfileDocument
from twelvecheck.deploy.dockerfiles import read_dockerfile
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
    def readings(self) -> list[tuple[DeclaredProcess, list[Invocation], list[dict[str, Any]], Path | None]]:
        """Each process with the simple commands it runs (each knowing the folder it runs in),
        the Python code they start, and the build context where that folder is known for sure
        (the image's WORKDIR, mapped back), read once from the nearest folder where that code
        is (see ``_code_folders``)."""
        images: dict = {}
        return [(process, *_read(process, self.display_path, self.directory, self.root, images))
                for process in self.processes]

    @cached_property  # read once for the four command rules
    def commands(self) -> list[ScriptCommand]:
        """Each process's command, as the command rules (TWC511-TWC514) judge a script's: at
        its line, named after the process. A command given as a list is one line of quoted
        words: a word's column is exact for the first, approximate after it. (A file for a
        developer's machine is not asked for their codes: run/runner.py, local-only files.)"""
        return [command for command, _ in self.commands_and_folders]

    @cached_property
    def commands_and_folders(self) -> list[tuple[ScriptCommand, Path | None]]:
        """``commands``, each with its image's build context when the folder it runs in is
        known for sure (None: it is not)."""
        return [(ScriptCommand(_command_text(process) or "", process.command_line,
                               [(0, process.command_line, process.command_column - 1)], invocations,
                               name=process.name), context)
                for process, invocations, _, context in self.readings
                if process.command is not None and process.command_line is not None]

    def facts(self) -> dict[str, Any]:
        """What the process model needs of the file (plain data: it is cached)."""
        return {"declared": {"kind": self.kind, "processes": [{
            **process.to_facts(),
            "scheduler": scheduler_of(process.name, invocations) if invocations or process.schedule is None else None,
            "tools": tool_names(invocations),
            "targets": found,
            "command": process.command or process.image_command,
        } for process, invocations, found, _ in self.readings]}}


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


def _read(process: DeclaredProcess, display_path: str, directory: Path | None, root: Path | None,
          images: dict) -> tuple[list[Invocation], list[dict[str, Any]], Path | None]:
    """(the simple commands, their targets, the build context when the folder the command
    runs in is known: the image's WORKDIR, mapped back), from the first code folder where a
    target is."""
    text = _command_text(process)
    if text is None:
        return (*_image_reading(process, display_path, directory, images), None)
    image = _built_image(process, display_path, directory, images)
    workdir = _working_folder(image) if image is not None else None
    folders = [(workdir, image.shown(workdir))] if workdir is not None else \
        _code_folders(process, display_path, directory, root)
    invocations: list[Invocation] = []
    found: list[dict[str, Any]] = []
    for base, shown_base in folders or [(None, "")]:
        try:
            invocations = read_command(text, base, root).invocations
        except QuoteError:
            process.notes.append("the command has an unterminated quote: not analysed")
            return [], [], None
        # targets() names files relative to a display path's folder: that of the code folder
        found = targets(invocations, posixpath.join(shown_base, "-"), base) if base is not None else []
        if any(target.get("path") for target in found):
            break
    return invocations, found, image.context if workdir is not None else None


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


def _built_image(process: DeclaredProcess, display_path: str, directory: Path | None,
                 images: dict) -> DockerfileDocument | None:
    """The Dockerfile a Compose service builds, read with the build context the descriptor
    gives (once per file and context); None, with a note on the process when its command
    would come from it, when there is none or it cannot be read."""
    if process.dockerfile is None or directory is None:
        return None
    key = (process.dockerfile, process.context)
    if key not in images:
        shown_dir = posixpath.dirname(display_path) or "."
        path = directory / posixpath.relpath(process.dockerfile, shown_dir)
        context = directory / posixpath.relpath(process.context, shown_dir) if process.context else None
        try:
            images[key] = read_dockerfile(path.read_bytes(), process.dockerfile, path.parent,
                                          context.resolve() if context is not None and context.is_dir() else None)
        except OSError:
            images[key] = f"{process.dockerfile} cannot be read"
        except UnreadableDockerfile as exc:
            images[key] = f"{process.dockerfile}:{exc.line}: {exc.message}"
    image = images[key]
    if isinstance(image, str):
        if process.command is None:
            process.notes.append(f"{image}: not analysed")
        return None
    return image


def _working_folder(image: DockerfileDocument) -> Path | None:
    """The folder of the build context the image's WORKDIR holds, when its COPY instructions
    say: where a command given by the descriptor finds its files."""
    stage = image.final
    return image.host_directory(stage.workdir) if stage is not None and image.context is not None else None


def _image_reading(process: DeclaredProcess, display_path: str, directory: Path | None,
                   images: dict) -> tuple[list[Invocation], list[dict[str, Any]]]:
    """What a service that sets no command runs: the command of the image it builds."""
    image = _built_image(process, display_path, directory, images)
    if image is None:
        return [], []
    described = image.facts()["dockerfile"].get("process")
    if described is None:
        process.notes.append(f"{process.dockerfile} sets no command (its base image's runs): not analysed")
        return [], []
    process.image_command = described["command"]
    process.notes.append(f"runs the command of {process.dockerfile}:{described['line']}")
    return image.started(), described["targets"]
