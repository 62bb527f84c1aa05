"""The Procfile parser: every line classified, every entry and problem with line and column.

The reading here is the lenient one (``[indent] name [space] : command``) so that the
checks see every process a platform may run; how each platform really reads the file comes
from ``platforms.py`` (a table), and the differences become findings. Bytes go in;
CRLF, bare CR, a BOM, tabs, no final newline and an empty file are all taken as they come.
Binary junk is reported, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from twelvecheck.deploy.platforms import Reading, read_everywhere

MAX_BYTES = 1024 * 1024
PROCESS_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<name>[^\s:#][^\s:]*)(?P<gap>[ \t]*):(?P<rest>.*)$", re.S)
PORTABLE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})")


@dataclass(frozen=True)
class Entry:
    name: str
    command: str  # trailing whitespace removed
    line: int
    column: int  # 1-based: the name
    command_column: int  # 1-based: the command's first character
    end_column: int  # one past the line's last character


@dataclass
class Procfile:
    text: str
    lines: list[str]  # the lines as numbered for findings (\r\n, \r and \n end a line)
    entries: list[Entry] = field(default_factory=list)
    empty_commands: list[Entry] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)  # line -> blank|comment|conflict|process|other
    bom: bool = False
    bare_cr: tuple[int, int] | None = None  # (line, column) of the first \r without \n
    endings: list[str] = field(default_factory=list)  # each line's line break ("" for the last)
    readings: dict[str, Reading] = field(default_factory=dict)


class UnreadableProcfile(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM stays, as the platforms see it); binary junk raises UnreadableProcfile."""
    if len(data) > MAX_BYTES:
        raise UnreadableProcfile(f"larger than {MAX_BYTES // 1024} KiB: not a Procfile")
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _position(data, nul)
        raise UnreadableProcfile("binary content (a NUL byte): no platform can read it", line, column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise UnreadableProcfile(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = len(re.findall(rb"\r\n|\r|\n", before)) + 1
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    return line, len(before[start:].decode("utf-8", "replace")) + 1


def split_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return [] if lines == [""] else lines


def parse(data: bytes | str) -> Procfile:
    text = decode(data) if isinstance(data, bytes) else data
    procfile = Procfile(text, split_lines(text))
    procfile.bom = text.startswith("\ufeff")
    bare = re.search(r"\r(?!\n)", text)
    if bare:
        before = split_lines(text[:bare.start()] + "x")
        procfile.bare_cr = (len(before), len(before[-1]))
    procfile.endings = [m.group() for m in re.finditer(r"\r\n|\r|\n", text)][:len(procfile.lines)]
    procfile.endings += [""] * (len(procfile.lines) - len(procfile.endings))
    for number, raw in enumerate(procfile.lines, 1):
        line = raw[1:] if number == 1 and procfile.bom else raw
        shift = 1 if number == 1 and procfile.bom else 0
        procfile.kinds[number] = kind = _classify(line)
        if kind != "process":
            continue
        match = PROCESS_LINE.match(line)
        rest = _without_directive(match.group("rest"))
        command = rest.strip(" \t")
        command_column = shift + match.start("rest") + (len(rest) - len(rest.lstrip(" \t"))) + 1
        entry = Entry(match.group("name"), command.rstrip(), number, shift + match.start("name") + 1,
                      command_column, len(raw) + 1)
        (procfile.entries if command.strip() else procfile.empty_commands).append(entry)
    # A trailing `# twelvecheck: ignore[...]` is a suppression, not part of the command: every
    # platform runs the same command with or without it (a shell comment where the line goes
    # to `sh -c`, cut off where the platform strips comments), so no reading differs for it.
    procfile.readings = read_everywhere(_DIRECTIVE_LINE.sub("", text) if "#" in text else text)
    return procfile


# The trailing directive of a line, with the blanks before it (multi-line: per line).
_DIRECTIVE_LINE = re.compile(r"""(?<=\S)[ \t]+#[ \t]*(?:twelvecheck|noqa)[ \t]*:[^"'\r\n]*$""", re.I | re.M)


def _without_directive(rest: str) -> str:
    """A command without the suppression directive at its end (engine/suppressions.py)."""
    return _DIRECTIVE_LINE.sub("", rest) if "#" in rest else rest


def _classify(line: str) -> str:
    if not line.strip():
        return "blank"
    if line.lstrip().startswith("#"):
        return "comment"
    if CONFLICT_MARKER.match(line):
        return "conflict"
    return "process" if PROCESS_LINE.match(line) else "other"
