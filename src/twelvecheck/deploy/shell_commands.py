"""Read a Procfile command the way ``sh -c`` will: words, operators, redirections.

``read_command`` turns one command line into the simple commands it runs, each resolved
against the table in ``tools.py``: ``FOO=1`` prefixes and wrappers (``exec``,
``bundle exec``, ``nohup``...) are peeled off, ``sh -c '...'`` strings are read in turn,
``cd dir &&`` is followed, ``python -m gunicorn`` and ``python manage.py celery worker`` are
seen as the tools they run, and a shell script of the repository that the command runs
(``web: sh bin/start.sh``) is read one level deep. Nothing is executed.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from twelvecheck.deploy.shell_words import REDIRECT_RE, QuoteError, Token, tokenize
from twelvecheck.deploy.tools import (
    MANAGEMENT_SCRIPTS, PYTHON_MODULE_TOOLS, SHELL_KEYWORDS, SHELLS, Tool, tools,
)

_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON_RE = re.compile(r"^python(\d+(\.\d+)?)?$")
MAX_SCRIPT_BYTES = 64 * 1024


@dataclass
class Invocation:
    """One simple command, resolved."""

    words: list[Token]  # the program and its arguments, after assignments and wrappers
    anchor: Token  # where it is in the Procfile line (the -c string or script name when nested)
    origin: str = ""  # "" for the Procfile line; "bin/start.sh:3" for a line of a script
    env: list[Token] = field(default_factory=list)  # NAME=value prefixes
    wrappers: list[Token] = field(default_factory=list)
    redirects: list[tuple[Token, Token]] = field(default_factory=list)
    separator: str = ""  # the operator that ends it: && || ; | & or ""
    base: Path | None = None  # the directory it runs in
    tool: Tool | None = None
    args: list[Token] = field(default_factory=list)  # the words after the tool's name
    script: str | None = None  # a Python script it runs ("app/worker.py")
    module: str | None = None  # a Python module it runs with -m

    @property
    def program(self) -> str:
        return self.words[0].text if self.words else ""

    def spelled(self) -> str:
        return " ".join(token.text for token in self.words)


@dataclass
class CommandReading:
    invocations: list[Invocation]
    scripts: list[str] = field(default_factory=list)  # repository scripts that were read


def read_command(command: str, base: Path | None, root: Path | None = None) -> CommandReading:
    """The simple commands ``command`` runs. ``base`` is the directory it starts in (the
    Procfile's; None: no files are read); ``root`` bounds the scripts that are followed.
    Raises QuoteError for an unterminated quote."""
    reading = CommandReading([])
    _read(command, base, root or base, reading, origin="", anchor=None, depth=0)
    return reading


def read_argv(words: list[str]) -> CommandReading:
    """The commands an argv list runs (``["sh", "-c", "worker &"]``, ``["nohup", "celery",
    "worker"]``), read like a command line whose every word is quoted: an argument that looks
    like an operator stays an argument."""
    return read_command(" ".join(shlex.quote(word) for word in words), None)


def _read(command: str, base: Path | None, root: Path | None, reading: CommandReading, origin: str,
          anchor: Token | None, depth: int) -> None:
    tokens = tokenize(command)
    current: list[Token] = []
    redirects: list[tuple[Token, Token]] = []
    index = 0
    while index <= len(tokens):
        token = tokens[index] if index < len(tokens) else None
        if token is not None and token.op and REDIRECT_RE.fullmatch(token.text):
            target = tokens[index + 1] if index + 1 < len(tokens) and not tokens[index + 1].op else None
            if target is not None:
                redirects.append((token, target))
            index += 2 if target is not None else 1
            continue
        if token is None or token.op:
            separator = token.text if token is not None else ""
            if current:
                base = _invocation(current, redirects, separator, base, root, reading, origin, anchor, depth)
            current, redirects = [], []
            index += 1
            continue
        current.append(token)
        index += 1


def _invocation(words: list[Token], redirects, separator: str, base: Path | None, root: Path | None,
                reading: CommandReading, origin: str, anchor: Token | None, depth: int) -> Path | None:
    """Add one simple command (and what it leads to); returns the directory for the next."""
    inv = Invocation(list(words), anchor or words[0], origin, redirects=list(redirects), separator=separator, base=base)
    _peel(inv)
    if not inv.words:
        return base
    program = inv.program
    name = posixpath.basename(program)
    if name == "cd" and len(inv.words) > 1 and base is not None:
        target = (base / inv.words[1].text).resolve()
        return target if target.is_dir() else base
    if name in SHELLS:
        rest = inv.words[1:]
        flags = [t for t in rest if t.text.startswith("-")]
        if any("c" in t.text[1:] for t in flags if not t.text.startswith("--")):
            script = next((t for t in rest if not t.text.startswith("-")), None)
            if script is not None:
                _read(script.text, base, root, reading, origin or "sh -c", anchor or script, depth)
            return base
        script = next((t for t in rest if not t.text.startswith("-")), None)
        if script is not None:
            _follow(script, base, root, reading, origin, anchor, depth)
        return base
    if name in ("source", ".") and len(inv.words) > 1:
        _follow(inv.words[1], base, root, reading, origin, anchor, depth)
        return base
    _resolve_python(inv)
    _resolve_tool(inv)
    reading.invocations.append(inv)
    if inv.tool is None and inv.script is None and inv.module is None and ("/" in program or program.endswith(".sh")):
        path = _inside(base / program, root) if base is not None else None
        if path is not None and _is_shell_script(path):
            _follow(inv.words[0], base, root, reading, origin, anchor, depth)
        elif path is not None and _is_python_script(path):
            inv.script = program
        if len(inv.words) > 1 and _known(inv.words[1].text):
            # A wrapper script (`bin/start-nginx gunicorn ...`): what it is given to run
            # is a command as well.
            _invocation(inv.words[1:], [], separator, base, root, reading, origin, anchor, depth)
    return base


def _peel(inv: Invocation) -> None:
    """Take assignments, shell keywords and wrappers off the front of ``inv.words``."""
    words = inv.words
    while words:
        first = words[0]
        if _ASSIGNMENT_RE.match(first.raw):
            inv.env.append(first)
            words = words[1:]
            continue
        if first.text in SHELL_KEYWORDS:
            words = words[1:]
            continue
        name = posixpath.basename(first.text)
        if name == "env":
            inv.wrappers.append(first)
            words = words[1:]
            while words and (words[0].text.startswith("-") or _ASSIGNMENT_RE.match(words[0].text)):
                if words[0].text in ("-u", "--unset", "-C", "--chdir", "-S") and len(words) > 1:
                    words = words[1:]
                elif _ASSIGNMENT_RE.match(words[0].text):
                    inv.env.append(words[0])
                words = words[1:]
            continue
        found = _lookup(name, words[1:])
        if found is not None and found[0].role == "wrapper":
            wrapper, used = found
            inv.wrappers.append(first)
            rest = [t for i, t in enumerate(words[1:]) if i not in used]
            if wrapper.through:
                ends = [i for i, t in enumerate(rest) if t.text == "--"]
                words = rest[ends[0] + 1:] if ends else []
            else:
                words = _skip_options(rest, wrapper, wrapper.skip)
            continue
        break
    inv.words = words


def _skip_options(words: list[Token], tool: Tool, positionals: int) -> list[Token]:
    takes_value = _value_flags(tool)
    everything_takes_value = tool.key == "opentelemetry-instrument"
    while words:
        text = words[0].text
        if text == "--":
            return words[1:]
        if text.startswith("-") and len(text) > 1:
            flag = text.split("=", 1)[0]
            words = words[2:] if ("=" not in text and (flag in takes_value or everything_takes_value)) else words[1:]
            continue
        if positionals:
            positionals -= 1
            words = words[1:]
            continue
        return words
    return words


def _resolve_python(inv: Invocation) -> None:
    """``python [opts] -m mod|script args``: the tool or code it runs."""
    name = posixpath.basename(inv.program)
    if name in MANAGEMENT_SCRIPTS:
        inv.words = [_renamed(inv.words[0], "manage.py"), *inv.words[1:]]
        return
    if not _PYTHON_RE.match(name):
        return
    rest = inv.words[1:]
    while rest:
        text = rest[0].text
        if text == "-m" and len(rest) > 1 or text.startswith("-m") and len(text) > 2:
            module_token = rest[1] if text == "-m" else rest[0]
            module = module_token.text if text == "-m" else text[2:]
            after = rest[2:] if text == "-m" else rest[1:]
            tool = PYTHON_MODULE_TOOLS.get(module)
            if tool is None:
                inv.module, inv.args = module, after
            elif tool != "python -m http.server":
                inv.words = [_renamed(module_token, tool), *after]
            return
        if text == "-c":
            return
        if text in ("-W", "-X") and len(rest) > 1:
            rest = rest[2:]
            continue
        if text.startswith("-"):
            rest = rest[1:]
            continue
        if posixpath.basename(text) in MANAGEMENT_SCRIPTS or (
                len(rest) > 1 and rest[1].text in ("runserver", "runserver_plus")):
            # Django's manage.py, and Flask-Script style managers (`python app.py runserver`).
            inv.script = None if posixpath.basename(text) in MANAGEMENT_SCRIPTS else text
            inv.words = [_renamed(rest[0], "manage.py"), *rest[1:]]
        elif _is_tool_script(text):
            # An installed console script run by path (`python /app/.venv/bin/celery worker`):
            # the tool it is.
            inv.words = [_renamed(rest[0], posixpath.basename(text)), *rest[1:]]
        else:
            inv.script, inv.args = text, rest[1:]
        return


def _is_tool_script(path: str) -> bool:
    """A path to a program of the tool table that is not a Python file of its own
    (``bin/celery``, ``/usr/local/bin/gunicorn``)."""
    name = posixpath.basename(path)
    return "/" in path and not name.endswith(".py") and _known(name) and not _PYTHON_RE.match(name)


def _renamed(token: Token, text: str) -> Token:
    return Token(text, token.start, token.end, raw=token.raw)


def _resolve_tool(inv: Invocation) -> None:
    for _ in range(4):  # aliases lead to another row, a few times at most
        found = _lookup(posixpath.basename(inv.program), inv.words[1:], with_python=True)
        if found is None:
            return
        tool, used = found
        rest = [t for i, t in enumerate(inv.words[1:]) if i not in used]
        if not tool.alias:
            inv.tool, inv.args = tool, rest
            return
        first, *more = tool.alias.split()
        inv.words = [_renamed(inv.words[0], first), *(_renamed(inv.words[0], w) for w in more), *rest]


def _lookup(name: str, rest: list[Token], with_python: bool = False) -> tuple[Tool, list[int]] | None:
    """The most specific row for program ``name`` and its subcommand words, and the indexes
    (in ``rest``) of the words that named it."""
    if name == "python" or _PYTHON_RE.match(name):
        if with_python and len(rest) >= 2 and rest[0].text == "-m" and rest[1].text == "http.server":
            return tools()["python -m http.server"], [0, 1]
        return None
    table = tools()  # the built-in rows and the project's own wrappers
    base = table.get(name)
    positions = positionals(rest, base)
    words = [rest[i].text for i in positions]
    if len(words) >= 2 and f"{name} {words[0]} {words[1]}" in table:
        return table[f"{name} {words[0]} {words[1]}"], positions[:2]
    for index, word in enumerate(words[:3]):  # `rake environment resque:scheduler`
        if f"{name} {word}" in table:
            return table[f"{name} {word}"], [positions[index]]
    return (base, []) if base is not None else None


def positionals(words: list[Token], tool: Tool | None) -> list[int]:
    """Indexes of the words that are not options or option values."""
    takes_value = _value_flags(tool) if tool is not None else set()
    found, skip = [], False
    for index, token in enumerate(words):
        if skip:
            skip = False
            continue
        text = token.text
        if text.startswith("-") and len(text) > 1:
            skip = "=" not in text and text in takes_value
            continue
        found.append(index)
    return found


def _value_flags(tool: Tool) -> set[str]:
    specs = (*tool.daemon, *tool.pid, *tool.log, *tool.port, *tool.config, *tool.values, *tool.reload,
             *tool.scheduler, *tool.foreground)
    return {spec.split()[0] for spec in specs if " " in spec and spec.split()[0] != "ARG"}


def _known(word: str) -> bool:
    name, table = posixpath.basename(word), tools()
    return name in table or bool(_PYTHON_RE.match(name)) or any(key.startswith(name + " ") for key in table)


def _inside(path: Path, root: Path | None) -> Path | None:
    try:
        resolved = path.resolve()
        if root is not None:
            resolved.relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):
        return None
    return resolved if resolved.is_file() else None


def _is_shell_script(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    if b"\x00" in head:
        return False
    first = head.split(b"\n", 1)[0]
    if first.startswith(b"#!"):
        return any(shell.encode() in first for shell in SHELLS) and b"python" not in first
    return path.suffix == ".sh"


def _is_python_script(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return False
    return path.suffix in (".py", ".pyw") or (first.startswith(b"#!") and b"python" in first)


def _follow(script: Token, base: Path | None, root: Path | None, reading: CommandReading, origin: str,
            anchor: Token | None, depth: int) -> None:
    """Read a shell script of the repository, one level deep."""
    if depth >= 1 or base is None:
        return
    path = _inside(base / script.text, root)
    if path is None or not _is_shell_script(path):
        return
    try:
        data = path.read_bytes()[:MAX_SCRIPT_BYTES]
        text = data.decode("utf-8", "replace")
    except OSError:
        return
    shown = posixpath.normpath(os.path.relpath(path, root).replace(os.sep, "/")) if root else script.text
    reading.scripts.append(shown)
    for number, line in _logical_lines(text):
        try:
            _read(line, base, root, reading, f"{shown}:{number}", anchor or script, depth + 1)
        except QuoteError:
            continue


def _logical_lines(text: str):
    """(first line number, text) of each command line, continuations joined."""
    pending, start = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        if whole and not whole.startswith("#") and not re.match(r"^[\w-]+\s*\(\)\s*\{?$", whole):
            yield start, whole
