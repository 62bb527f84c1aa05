"""How each platform that runs Procfiles reads one: the knowledge as a table.

Every row is one parser, described by what ``../shared/corpus/procfiles/PARSERS.md``
measured on 28 edge cases (tests/test_procfile_platforms.py replays them all): how it splits
lines, which lines it takes as process lines, comments or errors, what it does with the
command, with names, duplicates and a file without entries. ``read_as`` applies a row to a
file; ``tests`` compare the readings with the real parsers' answers on every corpus file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from twelvecheck.core.lazy import yaml

HONCHO_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class Platform:
    key: str
    label: str
    # How the file is cut into lines: "universal" (\r\n, \r, \n), "crlf" (\r?\n: a bare
    # \r stays in the line), "go" (\n, then one trailing \r dropped, as bufio.ScanLines),
    # "js" (\n; the match stops at the first \r; only an empty line is blank), "yaml".
    lines: str
    process_line: re.Pattern | None  # groups: name, command
    comment: re.Pattern | None
    other_lines: str = "ignore"  # a line that is neither: "ignore" it or "reject" the file
    strip_command: bool = False  # trailing whitespace removed
    trailing_comment: bool = False  # " # ..." ends the command
    empty_command: str = "keep"  # a command that is only whitespace: "keep" or "reject"
    control_characters: str = "keep"  # a \r (or other control character) in the command
    names: re.Pattern | None = None  # names it takes as they are
    other_names: str = "accept"  # "reject" or "rewrite" (lower case, "_" -> "-", warning)
    max_name: int | None = None
    duplicates: str = "both"  # "reject", "last" or "both" (runs each)
    no_entries: str = "ok"  # "reject" a file without a process type
    partial: bool = False  # reports the entries before the line that made it fail

    def rewrite(self, name: str) -> str:
        return name.lower().replace("_", "-")


_ANY_COMMENT = re.compile(r"^\s*#")

PLATFORMS: dict[str, Platform] = {p.key: p for p in (
    Platform("honcho", "honcho", "universal", HONCHO_LINE, None, duplicates="reject"),
    Platform("foreman", "foreman", "crlf", HONCHO_LINE, None, no_entries="reject"),
    Platform("node_foreman", "node-foreman", "js", HONCHO_LINE, re.compile(r"^#"), other_lines="reject",
             strip_command=True, empty_command="reject", duplicates="last"),
    Platform("forego", "forego", "go", HONCHO_LINE, None),
    Platform("overmind", "overmind", "crlf", re.compile(r"^([A-Za-z0-9_-]+):\s+(.+)$"), None,
             duplicates="reject", no_entries="reject", partial=True),
    Platform("heroku_classic", "Heroku (classic)", "universal", re.compile(r"^\s*([A-Za-z0-9_-]+):?\s+(.*)$"), None,
             duplicates="last"),
    Platform("cnb4_approx", "Heroku (CNB)", "go", re.compile(r"^[ \t]*([A-Za-z0-9_-]+):[ \t]*(\S.*)$"),
             _ANY_COMMENT, other_lines="reject", control_characters="reject", names=DNS_LABEL,
             other_names="rewrite", max_name=63, duplicates="last"),
    Platform("dokku", "Dokku", "go", re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(.+)$"), re.compile(r"^\s*(#|//)"),
             other_lines="reject", strip_command=True, trailing_comment=True, empty_command="reject",
             max_name=63, duplicates="reject", no_entries="reject", partial=True),
    Platform("dokku_strict", "Dokku (strict)", "go", re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(.+)$"),
             re.compile(r"^\s*(#|//)"), other_lines="reject", strip_command=True, trailing_comment=True,
             empty_command="reject", names=DNS_LABEL, other_names="reject", max_name=63,
             duplicates="reject", no_entries="reject", partial=True),
    Platform("cf_yaml", "Cloud Foundry", "yaml", None, None, duplicates="last"),
)}


@dataclass(frozen=True)
class Outcome:
    """What a platform makes of one line: "entry", "ignored", "rejected", or "merged"
    (the line is part of an earlier one for this platform)."""

    kind: str
    name: str = ""
    command: str = ""

    def describe(self) -> str:
        if self.kind == "entry":
            return f"read it as {self.name}: {self.command.strip()!r}" if self.command.strip() else \
                f"read it as {self.name} with no command"
        return {"ignored": "skip it", "rejected": "reject the file", "merged": "join it to the line above"}[self.kind]


@dataclass
class Reading:
    """One platform's reading of a file."""

    platform: Platform
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # line -> before name rules
    entries: list[tuple[str, str, int]] = field(default_factory=list)  # (name, command, line), all of them
    error: tuple[int, str] | None = None  # (line, why): the platform refuses the file
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def _reject(self, line: int, why: str) -> None:
        if self.error is None or line < self.error[0]:
            self.error = (line, why)

    @property
    def process_types(self) -> list[tuple[str, str]]:
        """(name, command) of what it runs, after its duplicate rule; [] when it fails."""
        if self.error is not None:
            return []
        if self.platform.duplicates == "last":
            last = {name: command for name, command, _ in self.entries}
            return list(last.items())
        return [(name, command) for name, command, _ in self.entries]

    def verdict(self) -> tuple[tuple[tuple[str, str], ...], bool]:
        """What a user sees: the entries it lists (the ones before the failing line for
        parsers that report them) and whether it failed. Commands compare without
        surrounding whitespace."""
        if self.error is None:
            listed = self.process_types
        elif self.platform.partial:
            listed = [(n, c) for n, c, line in self.entries if line < self.error[0]]
        else:
            listed = []
        return tuple((name, command.strip()) for name, command in listed), self.error is not None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())
    if starts[-1] == len(text) and len(starts) > 1:
        starts.pop()  # a final line break does not start a line
    return starts


def _split(text: str, mode: str) -> list[tuple[int, str]]:
    """(offset, line) as the platform cuts the text."""
    if mode == "universal":
        pattern = r"\r\n|\r|\n"
    elif mode == "crlf":
        pattern = r"\r?\n"
    else:
        pattern = r"\n"
    pieces: list[tuple[int, str]] = []
    offset = 0
    for match in re.finditer(pattern, text):
        pieces.append((offset, text[offset:match.start()]))
        offset = match.end()
    if offset < len(text):
        pieces.append((offset, text[offset:]))
    if mode == "go":
        pieces = [(o, s[:-1] if s.endswith("\r") else s) for o, s in pieces]
    return pieces


def read_as(key: str, text: str) -> Reading:
    """How platform ``key`` reads ``text`` (decoded; a BOM, if any, still in front)."""
    platform = PLATFORMS[key]
    reading = Reading(platform)
    starts = _line_starts(text)
    if platform.lines == "yaml":
        _read_yaml(text, starts, reading)
    else:
        _read_lines(text, starts, reading)
    _apply_file_rules(reading)
    return reading


def _read_lines(text: str, starts: list[int], reading: Reading) -> None:
    platform = reading.platform
    pieces = _split(text, platform.lines)
    for index, (offset, raw) in enumerate(pieces):
        line = bisect.bisect_right(starts, offset)
        end = pieces[index + 1][0] if index + 1 < len(pieces) else len(text)
        for later in range(line + 1, bisect.bisect_right(starts, end - 1) + 1):
            reading.outcomes[later] = Outcome("merged")
        if platform.lines == "js":
            blank, subject = raw == "", raw.split("\r", 1)[0]
        else:
            blank, subject = raw.strip() == "", raw
        if blank or (platform.comment is not None and platform.comment.match(subject)):
            reading.outcomes[line] = Outcome("ignored")
            continue
        match = platform.process_line.match(subject)
        if match is None:
            if platform.other_lines == "reject":
                reading.outcomes[line] = Outcome("rejected")
                reading._reject(line, "a line that is no process line")
            else:
                reading.outcomes[line] = Outcome("ignored")
            continue
        name, command = match.group(1), match.group(2)
        if platform.trailing_comment:
            command = re.sub(r"\s+#.*$", "", command)
        if platform.strip_command:
            command = command.strip()
        if (platform.empty_command == "reject" and not command.strip()) or (
                platform.control_characters == "reject" and any(ch < " " and ch != "\t" for ch in command)):
            reading.outcomes[line] = Outcome("rejected")
            reading._reject(line, "a process line it cannot run")
            continue
        reading.outcomes[line] = Outcome("entry", name, command)
        reading.entries.append((name, command, line))


def _yaml_text(text: str) -> str:
    """Go's YAML library takes a tab after the colon and in indentation; PyYAML does not."""
    text = text.lstrip("\ufeff")
    text = re.sub(r"(?m)^[ \t]+", lambda m: m.group().replace("\t", " "), text)
    return re.sub(r"(?m)^([^:\r\n]*:)\t", r"\1 ", text)


def _read_yaml(text: str, starts: list[int], reading: Reading) -> None:
    try:
        node = yaml.compose(_yaml_text(text), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        marks = [m for m in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)) if m]
        line = min(m.line for m in marks) + 1 if marks else 1
        reading.outcomes[line] = Outcome("rejected")
        reading._reject(line, "not valid YAML")
        return
    except (ValueError, RecursionError):
        reading._reject(1, "not valid YAML")
        return
    for line in range(1, len(starts) + 1):
        reading.outcomes[line] = Outcome("ignored")
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1
        reading.outcomes[line] = Outcome("rejected")
        reading._reject(line, "not a YAML mapping")
        return
    for key, value in node.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            reading.outcomes[line] = Outcome("rejected")
            reading._reject(line, "a value that is not a string")
            continue
        command = "" if value.tag.endswith(":null") else value.value
        reading.outcomes[line] = Outcome("entry", key.value, command)
        last = value.end_mark.line + (1 if value.end_mark.column else 0)
        for later in range(line + 1, last + 1):
            reading.outcomes[later] = Outcome("merged")
        reading.entries.append((key.value, command, line))


def _apply_file_rules(reading: Reading) -> None:
    platform = reading.platform
    kept = []
    for name, command, line in reading.entries:
        if platform.max_name is not None and len(name) > platform.max_name:
            reading._reject(line, f"a name longer than {platform.max_name} characters")
        elif platform.names is not None and not platform.names.match(name):
            if platform.other_names == "reject":
                reading._reject(line, "a name that is not a lower-case DNS label")
            elif platform.other_names == "rewrite":
                new = platform.rewrite(name)
                reading.warnings.append((line, f"{name} becomes {new}"))
                name = new
        kept.append((name, command, line))
    reading.entries = kept
    seen: set[str] = set()
    for name, _, line in kept:
        if name in seen:
            if platform.duplicates == "reject":
                reading._reject(line, f"{name} is declared twice")
            else:
                reading.warnings.append((line, f"{name} is declared twice"))
        seen.add(name)
    if not kept and platform.no_entries == "reject":
        reading._reject(max(reading.outcomes, default=1), "no process types")


def read_everywhere(text: str) -> dict[str, Reading]:
    return {key: read_as(key, text) for key in PLATFORMS}


def labels(keys) -> str:
    """'honcho, foreman and Dokku' for platform keys, in table order."""
    names = [PLATFORMS[key].label for key in PLATFORMS if key in set(keys)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
