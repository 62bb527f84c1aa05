"""A shell script (``start.sh``, ``bin/run`` with a ``#!/bin/sh`` line) read as the list of
commands it runs, each with the lines it spans, the way ``sh`` reads it: continuation lines
joined, a quote left open carried on to the next lines, here-documents passed over,
comments and function headers skipped. Each command is read by ``shell_commands.py`` as a
Procfile command is; nothing is executed.

A script that another script runs (``sh bin/other.sh``, ``. ./env.sh``) is checked as a
file of its own, so its commands are not judged again at the line that runs it; an
``sh -c '...'`` string is judged at the line that holds it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from twelvecheck.deploy.procfile import split_lines
from twelvecheck.deploy.shell_commands import Invocation, read_command
from twelvecheck.deploy.shell_words import QuoteError, Token, tokenize
from twelvecheck.files.ignoring import repository_root
from twelvecheck.files.kinds import is_shell_shebang

MAX_SCRIPT_BYTES = 512 * 1024
# A quote left open is carried over at most this many lines (sh would read on to the end).
_MAX_QUOTED_LINES = 50
_FUNCTION_RE = re.compile(r"^\s*(function\s+[\w-]+\s*(\(\))?|[\w-]+\s*\(\))\s*\{?\s*$")


class UnreadableScript(ValueError):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message, self.line = message, line


@dataclass
class ScriptCommand:
    """One command line of a script (continuations joined), and what it runs."""

    text: str
    line: int  # its first line
    # (offset in text, line, 0-based column of that offset): where each physical line starts.
    starts: list[tuple[int, int, int]]
    invocations: list[Invocation] = field(default_factory=list)
    name: str = ""  # what the messages call it ({type}); "" for the script's file name

    def position(self, offset: int) -> tuple[int, int]:
        """(line, 1-based column) of an offset of ``text``."""
        index = max(0, bisect.bisect_right([start for start, _, _ in self.starts], offset) - 1)
        start, line, column = self.starts[index]
        return line, column + (offset - start) + 1


@dataclass
class ScriptDocument:
    display_path: str
    text: str
    lines: list[str]
    directory: Path | None
    root: Path | None
    commands: list[ScriptCommand]

    @property
    def name(self) -> str:
        """What the rules' messages call it ({type}): the script's file name."""
        return self.display_path.rsplit("/", 1)[-1]

    @property
    def settings(self) -> list:
        return []  # a script sets nothing of a server's configuration itself


def read_script(data: bytes, display_path: str, directory: Path | None) -> ScriptDocument:
    """The script in ``data``; raises UnreadableScript for a binary file."""
    data = data[:MAX_SCRIPT_BYTES]
    if b"\x00" in data:
        # A script with a payload appended (a self-extracting archive) is read up to it;
        # a file that is binary from its start is no script.
        if not is_shell_shebang(data.split(b"\n", 1)[0]):
            raise UnreadableScript("binary data (a NUL byte), not a shell script")
        data = data[:data.index(b"\x00")].rpartition(b"\n")[0]
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    root = repository_root(directory) if directory is not None else None
    lines = split_lines(text)
    commands = []
    for command in _commands(lines):
        try:
            reading = read_command(command.text, directory, root)
        except QuoteError:
            continue
        # Commands of another script it runs are judged in that script (a checked file).
        command.invocations = [inv for inv in reading.invocations if inv.origin in ("", "sh -c")]
        commands.append(command)
    return ScriptDocument(display_path, text, lines, directory, root, commands)


def _commands(lines: list[str]):
    number = 0
    while number < len(lines):
        first = number
        text, starts = "", []
        while True:
            line = lines[number]
            starts.append((len(text), number + 1, 0))
            number += 1
            if line.endswith("\\") and number < len(lines):
                text += line[:-1] + " "
                continue
            text += line
            if _open_quote(text) and number < len(lines) and number - first < _MAX_QUOTED_LINES:
                text += "\n"
                continue
            break
        stripped = text.strip()
        if not stripped or stripped.startswith("#") or _FUNCTION_RE.match(text):
            continue
        for delimiter, tabs in _heredocs(text):
            number = _after_heredoc(lines, number, delimiter, tabs)
        yield ScriptCommand(text, first + 1, starts)


def _open_quote(text: str) -> bool:
    try:
        tokenize(text)
    except QuoteError:
        return True
    return False


def _heredocs(text: str) -> list[tuple[str, bool]]:
    """(delimiter, leading tabs stripped) of each here-document the command opens."""
    try:
        tokens = tokenize(text)
    except QuoteError:
        return []
    found = []
    for index, token in enumerate(tokens):
        if not (token.op and token.text == "<<") or index + 1 >= len(tokens) or tokens[index + 1].op:
            continue
        word, tabs = tokens[index + 1].text, False
        if word.startswith("-"):
            word, tabs = word[1:], True
            if not word and index + 2 < len(tokens) and not tokens[index + 2].op:
                word = tokens[index + 2].text
        if word:
            found.append((word, tabs))
    return found


def _after_heredoc(lines: list[str], number: int, delimiter: str, tabs: bool) -> int:
    while number < len(lines):
        line = lines[number].lstrip("\t") if tabs else lines[number]
        number += 1
        if line.rstrip("\r") == delimiter:
            break
    return number


def token_span(command: ScriptCommand, token: Token) -> tuple[int, int, int]:
    """(line, column, end column) of a word of a script command (its end on its first line)."""
    line, column = command.position(token.start)
    end_line, end_column = command.position(max(token.start, token.end - 1))
    return line, column, end_column + 1 if end_line == line else column + 1
