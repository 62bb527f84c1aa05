"""The Dockerfile parser: instructions with their lines, the exec and shell forms, and the
state of each build stage (what the final image runs).

Read as BuildKit reads a Dockerfile (docs.docker.com/reference/dockerfile/, checked against
moby/buildkit's frontend/dockerfile/parser): parser directives at the top (`# escape=`` ` ``
changes the continuation character), comments, continuation lines (the escape character at
the end of a line; comment and blank lines inside an instruction are dropped), heredocs
(`RUN <<EOF` ... `EOF`, `<<-EOF` strips tabs) skipped, the exec form (a JSON array of
strings; anything else after `[` is run through the shell by Docker) and the shell form.
``ARG``/``ENV`` values are substituted where Docker substitutes them (``WORKDIR``, ``COPY``,
``ENV``...), never in ``CMD``/``ENTRYPOINT``, which the container's shell expands at run time.
Nothing is executed; an unreadable file raises ``UnreadableDockerfile`` with a line.
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
from dataclasses import dataclass, field

from twelvecheck.deploy.procfile import split_lines

MAX_BYTES = 1024 * 1024
# Every instruction of the reference (and MAINTAINER, deprecated but still accepted).
INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
# Instructions whose arguments may be a JSON array (the exec form).
_JSON_FORMS = frozenset({"ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})
# BuildKit reads heredocs in these.
_HEREDOC_FORMS = frozenset({"ADD", "COPY", "RUN"})
_HEREDOC_RE = re.compile(r"<<(-?)[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_DIRECTIVE_RE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(\S.*?)[ \t]*$")
_INSTRUCTION_RE = re.compile(r"^([ \t]*)([A-Za-z]+)(?=[ \t]|$)[ \t]*")
_VARIABLE_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
DEFAULT_SHELL = ("/bin/sh", "-c")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class UnreadableDockerfile(ValueError):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class Instruction:
    keyword: str  # upper case
    arguments: str  # continuation lines joined as BuildKit joins them (escape and newline removed)
    line: int  # the keyword's line
    end_line: int
    column: int  # 1-based: the keyword
    arguments_column: int  # 1-based: the first character of the arguments on the first line
    first_line_arguments: str  # the arguments as written on the keyword's line
    exec_form: list[str] | None = None  # the JSON array, when it is one
    exec_error: str | None = None  # starts with `[` but is not a JSON array of strings
    flags: dict[str, str] = field(default_factory=dict)  # leading --name=value options

    @property
    def single_line(self) -> bool:
        return self.line == self.end_line

    @property
    def shell_form(self) -> str:
        """The arguments after the leading flags, as the shell form runs them."""
        return _after_flags(self.arguments)[1]


@dataclass
class Copy:
    """A COPY/ADD from the build context: container destination and context sources."""

    sources: list[str]
    destination: str  # absolute, in the container
    instruction: Instruction


@dataclass
class Stage:
    name: str  # the AS name, else its index
    base: str  # the FROM image (or stage)
    instruction: Instruction
    inherits_command: bool = True  # from a base image: its CMD/ENTRYPOINT are unknown
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None
    cmd_set_here: bool = False
    shell: tuple[str, ...] = DEFAULT_SHELL
    stopsignal: Instruction | None = None
    healthcheck: Instruction | None = None
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    args: dict[str, str | None] = field(default_factory=dict)
    copies: list[Copy] = field(default_factory=list)
    # Container paths made executable: `RUN chmod +x /start`, `COPY --chmod=755 start /start`.
    executables: dict[str, Instruction] = field(default_factory=dict)

    def expand(self, text: str) -> str | None:
        """``text`` with $VAR and ${VAR...} of ARG/ENV substituted; None when one is unknown."""
        return expand(text, {**self.args, **self.env})

    def container_path(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.workdir, path))


@dataclass
class Dockerfile:
    text: str
    lines: list[str]
    instructions: list[Instruction]
    stages: list[Stage]
    escape: str = "\\"

    @property
    def final(self) -> Stage | None:
        """The stage `docker build` builds without `--target` (the last one)."""
        return self.stages[-1] if self.stages else None


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise UnreadableDockerfile(f"the file is larger than {MAX_BYTES // 1024} KiB")
    if b"\x00" in data:
        raise UnreadableDockerfile("binary file (it contains NUL bytes)", data.count(b"\n", 0, data.index(b"\x00")) + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDockerfile(f"cannot decode as UTF-8 ({exc.reason} at byte {exc.start})",
                                   data.count(b"\n", 0, exc.start) + 1) from None


def parse(data: bytes | str) -> Dockerfile:
    text = decode(data) if isinstance(data, bytes) else data
    lines = split_lines(text)
    escape, index = "\\", 0
    while index < len(lines):  # parser directives: only before anything else
        match = _DIRECTIVE_RE.match(lines[index].lstrip("\ufeff"))
        if not match:
            break
        if match.group(1).lower() == "escape":
            if match.group(2) not in ("\\", "`"):
                raise UnreadableDockerfile(f"invalid escape directive {match.group(2)!r} (it must be \\ or `)", index + 1)
            escape = match.group(2)
        index += 1
    instructions = []
    while index < len(lines):
        line = lines[index].lstrip("\ufeff") if index == 0 else lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        instruction, index = _instruction(lines, index, line, escape)
        instructions.append(instruction)
    return Dockerfile(text, lines, instructions, _stages(instructions), escape)


def _continues(line: str, escape: str) -> bool:
    return line.rstrip(" \t").endswith(escape)


def _instruction(lines: list[str], index: int, line: str, escape: str) -> tuple[Instruction, int]:
    match = _INSTRUCTION_RE.match(line)
    if not match:
        raise UnreadableDockerfile(f"not an instruction: {line.strip()[:60]!r}", index + 1,
                                   len(line) - len(line.lstrip()) + 1)
    keyword = match.group(2).upper()
    if keyword not in INSTRUCTIONS:
        raise UnreadableDockerfile(f"unknown instruction: {match.group(2)}", index + 1, len(match.group(1)) + 1)
    start = index
    first = line[match.end():]
    parts = []
    current = first
    while True:
        if _continues(current, escape):
            parts.append(current.rstrip(" \t")[:-1])
            index += 1
            # Comment and blank lines inside an instruction are dropped (BuildKit).
            while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
                index += 1
            if index >= len(lines):
                break
            current = lines[index]
            continue
        parts.append(current)
        break
    arguments = "".join(parts).strip()
    end = min(index, len(lines) - 1)
    index += 1
    if keyword in _HEREDOC_FORMS and not arguments.startswith("["):
        for heredoc in _HEREDOC_RE.finditer(arguments):
            strip_tabs, word = heredoc.group(1) == "-", heredoc.group(3)
            while index < len(lines) and (lines[index].lstrip("\t") if strip_tabs else lines[index]) != word:
                index += 1
            if index >= len(lines):
                raise UnreadableDockerfile(f"the heredoc <<{word} is never closed by a line `{word}`", start + 1)
            end = index
            index += 1
    first_arguments = first.rstrip()
    instruction = Instruction(keyword, arguments, start + 1, end + 1, len(match.group(1)) + 1,
                              match.end() + 1, first_arguments)
    flags, rest = _after_flags(arguments)
    instruction.flags = flags
    if keyword in _JSON_FORMS and rest.startswith("["):
        instruction.exec_form, instruction.exec_error = _json_array(rest)
    return instruction, index


def _after_flags(arguments: str) -> tuple[dict[str, str], str]:
    flags, rest = {}, arguments
    while rest.startswith("--"):
        word, _, after = rest.partition(" ")
        name, _, value = word[2:].partition("=")
        flags[name.lower()] = value
        rest = after.lstrip()
    return flags, rest


def _json_array(text: str) -> tuple[list[str] | None, str | None]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, f"not a JSON array ({exc.msg} at character {exc.pos + 1})"
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None, "a JSON array of strings is expected"
    return value, None


def expand(text: str, variables: dict[str, str | None]) -> str | None:
    """Docker's substitution: $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alternative}."""
    unknown = False

    def value(match: re.Match) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        current = variables.get(name)
        if operator in (":-", "-"):
            return current if current else word
        if operator in (":+", "+"):
            return word if current else ""
        if current is None:
            unknown = True
            return ""
        return current

    result = _VARIABLE_RE.sub(value, text)
    return None if unknown else result


def _stages(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    global_args: dict[str, str | None] = {}
    for instruction in instructions:
        keyword = instruction.keyword
        if keyword == "FROM":
            stages.append(_new_stage(instruction, stages, global_args))
            continue
        if not stages:
            if keyword == "ARG":
                global_args.update(_arg(instruction.arguments, global_args))
            continue
        _apply(stages[-1], instruction)
    return stages


def _new_stage(instruction: Instruction, stages: list[Stage], global_args: dict[str, str | None]) -> Stage:
    words = _after_flags(instruction.arguments)[1].split()
    image = expand(words[0], global_args) or words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(stages))
    parent = next((stage for stage in reversed(stages) if stage.name.lower() == image.lower()), None)
    if parent is not None:  # FROM an earlier stage: its configuration carries over
        stage = copy.copy(parent)
        stage.env, stage.copies = dict(parent.env), list(parent.copies)
        stage.executables, stage.args = dict(parent.executables), {}
        stage.name, stage.base, stage.instruction, stage.cmd_set_here = name, image, instruction, False
        return stage
    return Stage(name, image, instruction)


def _apply(stage: Stage, instruction: Instruction) -> None:
    keyword = instruction.keyword
    if keyword == "CMD":
        stage.cmd, stage.cmd_set_here, stage.inherits_command = instruction, True, False
    elif keyword == "ENTRYPOINT":
        stage.entrypoint, stage.inherits_command = instruction, False
        if not stage.cmd_set_here:  # Docker resets a CMD the stage did not set itself
            stage.cmd = None
    elif keyword == "SHELL" and instruction.exec_form:
        stage.shell = tuple(instruction.exec_form)
    elif keyword == "STOPSIGNAL":
        stage.stopsignal = instruction
    elif keyword == "HEALTHCHECK":
        stage.healthcheck = instruction
    elif keyword == "WORKDIR":
        expanded = stage.expand(instruction.arguments)
        if expanded:
            stage.workdir = stage.container_path(expanded)
    elif keyword == "ARG":
        stage.args.update(_arg(instruction.arguments, stage.args))
    elif keyword == "ENV":
        stage.env.update(_env(instruction.arguments, stage))
    elif keyword in ("COPY", "ADD") and "from" not in instruction.flags:
        _copy(stage, instruction)
    elif keyword == "RUN":
        for path in _made_executable(instruction.shell_form):
            stage.executables[stage.container_path(path)] = instruction


def _arg(arguments: str, known: dict[str, str | None]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for word in arguments.split():
        name, equals, default = word.partition("=")
        found[name] = _unquoted(default) if equals else known.get(name)
    return found


def _env(arguments: str, stage: Stage) -> dict[str, str]:
    found: dict[str, str] = {}
    if "=" not in arguments.split(None, 1)[0] if arguments.split() else True:
        name, _, value = arguments.partition(" ")  # the legacy `ENV NAME value`
        if name:
            found[name] = stage.expand(value.strip()) or value.strip()
        return found
    for match in re.finditer(r"([A-Za-z_][A-Za-z0-9_.-]*)=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S*)", arguments):
        value = _unquoted(match.group(2))
        found[match.group(1)] = expand(value, {**stage.args, **stage.env, **found}) or value
    return found


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _copy(stage: Stage, instruction: Instruction) -> None:
    words = instruction.exec_form if instruction.exec_form is not None else instruction.shell_form.split()
    if len(words) < 2 or any("<<" in word for word in words):
        return
    destination = stage.expand(words[-1])
    if destination is None:
        return
    into_folder = destination.endswith(("/", "/.")) or destination in (".", "..")
    target = stage.container_path(destination) + ("/" if into_folder else "")
    stage.copies.append(Copy([source for source in words[:-1] if "://" not in source], target, instruction))
    if executable_mode(instruction.flags.get("chmod", "")):
        for source in words[:-1]:
            path = posixpath.join(target, posixpath.basename(source.rstrip("/"))) if target.endswith("/") else target
            stage.executables[posixpath.normpath(path)] = instruction


def _made_executable(command: str) -> list[str]:
    """Paths a RUN makes executable: `chmod +x /start`, `chmod 755 /a /b`, `chmod u+x ...`."""
    found = []
    for match in re.finditer(r"\bchmod\s+((?:-\S+\s+)*)(\S+)\s+([^;&|]+)", command):
        if executable_mode(match.group(2)):
            found += [word for word in match.group(3).split() if not word.startswith("-") and "$" not in word]
    return found


def executable_mode(mode: str) -> bool:
    """Whether a chmod mode makes a file executable by its owner (`+x`, `u+x`, `755`)."""
    if re.fullmatch(r"[ugoa]*\+[rwxXst]*x[rwxXst]*", mode):
        return True
    return bool(re.fullmatch(r"[0-7]{3,4}", mode)) and int(mode[-3]) % 2 == 1
