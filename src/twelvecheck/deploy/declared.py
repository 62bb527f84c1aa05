"""A process a deployment descriptor declares, whatever the descriptor: the record every
reader of ``compose.py``, ``kubernetes.py`` and ``platform_files.py`` yields, and the process
model takes (with a Procfile's process types) as its process types.

Each record carries its provenance: the file and line that declare it, the command as the
descriptor gives it, how many replicas run and where that count is written, and what could
not be read (``notes``): a command that comes from an image no file here builds is "not
analysed", never "clean".
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from twelvecheck.deploy.yaml_tree import Node, YamlError, is_template, read_documents


@dataclass
class Replicas:
    count: int | None  # None: unknown here (set elsewhere, or scaled by the platform)
    line: int  # where the count is written (the process's line when it is a default)
    source: str  # "deploy.replicas", "spec.replicas", "HorizontalPodAutoscaler minReplicas", "default"...

    def to_facts(self) -> dict[str, Any]:
        return {"count": self.count, "line": self.line, "source": self.source}


@dataclass
class DeclaredProcess:
    name: str  # the process type: a compose service, a container of a workload, a fly process
    path: str  # display path of the descriptor
    line: int  # where the process is declared
    argv: list[str] | None = None  # the command as an argument vector (exec form)
    shell: str | None = None  # or as text a shell runs
    command_line: int | None = None  # where the command is written
    command_column: int = 1  # and the column its text starts at (its first word's, for a list)
    replicas: Replicas | None = None
    local: bool = False  # declared for a developer's machine (an override named for development)
    schedule: str | None = None  # a cron schedule: the platform runs it as a clock
    dockerfile: str | None = None  # the Dockerfile the process's image is built from (a display path)
    context: str | None = None  # the folder the image is built from (a display path): where the code is
    image: str | None = None  # an image built elsewhere
    init: bool = False  # an init process is PID 1 (compose `init: true`)
    image_command: str | None = None  # the command of the image it builds, when it sets none
    notes: list[str] = field(default_factory=list)

    @property
    def command(self) -> str | None:
        """The command as one line of text (an argument vector quoted as a shell would need)."""
        if self.shell is not None:
            return self.shell
        if self.argv is not None:
            return shlex.join(self.argv)
        return None

    def to_facts(self) -> dict[str, Any]:
        return {
            "name": self.name, "path": self.path, "line": self.line, "argv": self.argv, "shell": self.shell,
            "command_line": self.command_line, "replicas": self.replicas.to_facts() if self.replicas else None,
            "local": self.local, "schedule": self.schedule, "dockerfile": self.dockerfile, "context": self.context, "image": self.image,
            "init": self.init, "notes": self.notes,
        }


class DescriptorError(Exception):
    """A descriptor that cannot be read (TWC001 at the position given)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def whole_number(value: Any) -> int | None:
    """A replica count as written: a non-negative int (not a bool), or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def yaml_documents(text: str, template_reason: str,
                   template_error: type[DescriptorError] = DescriptorError) -> "list[Node]":
    """A YAML descriptor's documents; ``template_error(template_reason)`` for a file with
    template syntax, a ``DescriptorError`` with the position for one that is not YAML."""
    if is_template(text):
        raise template_error(f"template syntax ({{{{ }}}}): {template_reason}; not analysed")
    try:
        return read_documents(text)
    except YamlError as error:
        raise DescriptorError(error.reason, error.line, error.column) from None
