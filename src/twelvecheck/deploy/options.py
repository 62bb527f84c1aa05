"""A command's options, as the tool table (``tools.py``) spells them, and the edits of a
Procfile command that remove or change one.

A spec is ``"-p FILE"`` (a flag and a value, joined or not), ``"--daemon"`` (a flag alone),
``"daemonize yes"`` (a flag and a literal value) or ``"ARG"`` (the first argument).
"""

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.deploy.shell_commands import Invocation, positionals
from twelvecheck.deploy.shell_words import Token
from twelvecheck.deploy.tools import Tool


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


def find_options(args: list[Token], specs: tuple[str, ...]) -> list[Option]:
    """The options of ``args`` that match the specs (see tools.py)."""
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
    positions = positionals(inv.args, inv.tool)
    return inv.args[positions[0]] if positions else None


def uses(tool: Tool | None, role: str) -> bool:
    return tool is not None and tool.role == role
