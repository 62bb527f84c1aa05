"""Procfile syntax and portability (TWC501-TWC508), from the platform readings.

A line no platform runs is TWC501; a line the platforms read differently is TWC502, and the
message names who does what. Names (TWC503), duplicates (TWC504), empty commands (TWC505),
a file without process types (TWC506), merge-conflict markers (TWC507) and a file name no
platform looks for (TWC508) follow. Every problem has a line and columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twelvecheck.deploy.procfile import PORTABLE_NAME, PROCESS_LINE, Procfile
from twelvecheck.deploy.platforms import PLATFORMS, Outcome, labels

if TYPE_CHECKING:
    from twelvecheck.core.findings import Fix


@dataclass
class Problem:
    code: str
    line: int
    column: int
    end_column: int
    fields: dict[str, str] = field(default_factory=dict)
    end_line: int | None = None
    fix: "Fix | None" = None


def _span(procfile: Procfile, number: int) -> tuple[int, int]:
    raw = procfile.lines[number - 1] if number <= len(procfile.lines) else ""
    start = len(raw) - len(raw.lstrip(" \t\ufeff")) + 1
    return (start, len(raw) + 1) if raw.strip(" \t\ufeff") else (1, len(raw) + 1)


def readings_of(procfile: Procfile, number: int) -> list[tuple[str, list[str]]]:
    """(what they do, platform keys) for one line, in table order of the first platform."""
    groups: dict[str, list[str]] = {}
    for key, reading in procfile.readings.items():
        outcome = reading.outcomes.get(number)
        if outcome is not None:
            groups.setdefault(_describe(outcome), []).append(key)
    return list(groups.items())


def _describe(outcome: Outcome) -> str:
    if outcome.kind == "entry":
        command = outcome.command.strip()
        if not command:
            return f"read it as {outcome.name} with an empty command"
        shown = command if len(command) <= 60 else command[:57] + "..."
        return f"read it as `{outcome.name}: {shown}`"
    return {"ignored": "skip it", "rejected": "reject the file", "merged": "join it to the line before"}[outcome.kind]


def describe_readings(groups) -> str:
    """"honcho and foreman skip it; Dokku rejects the file" from (what, platform keys) pairs."""
    return "; ".join(said(keys, what) for what, keys in (groups.items() if isinstance(groups, dict) else groups))


def said(keys: list[str], what: str) -> str:
    verb, _, rest = what.partition(" ")
    return f"{labels(keys)} {verb}{'s' if len(keys) == 1 else ''} {rest}"


def _cause(procfile: Procfile, number: int) -> str:
    raw = procfile.lines[number - 1]
    kind = procfile.kinds[number]
    if number == 1 and procfile.bom:
        return "a byte order mark (U+FEFF) in front of the first line"
    if procfile.endings[number - 1] == "\r" or (number > 1 and procfile.endings[number - 2] == "\r"):
        return "a carriage return (\\r) without a line feed ends a line here"
    if kind == "blank":
        if "\r\n" in procfile.endings and not raw:
            return "an empty line in a file with CRLF line breaks (a lone \\r to some parsers)"
        return "a line of only whitespace"
    if kind == "comment":
        return "an indented comment"
    if kind == "other":
        if raw.lstrip().startswith("//"):
            return "a `//` line"
        if re.match(r"^\s*[A-Za-z0-9_-]+\s+\S", raw):
            return "no colon after the process type name"
        return "this line"
    match = PROCESS_LINE.match(raw)
    if match.group("indent"):
        return "whitespace before the process type name"
    if match.group("gap"):
        return "whitespace before the colon"
    if not PORTABLE_NAME.match(match.group("name")):
        return f"the name {match.group('name')!r} has characters other than letters, digits, '-' and '_'"
    if not match.group("rest")[:1].isspace():
        return "no space after the colon"
    if re.search(r"\s#", match.group("rest")):
        return "a ` #` in the command (a comment to Dokku and Cloud Foundry, part of the command elsewhere)"
    yaml_outcome = procfile.readings["cf_yaml"].outcomes.get(number)
    if yaml_outcome is not None and yaml_outcome.kind in ("rejected", "merged"):
        return "Cloud Foundry reads the Procfile as YAML, and YAML reads this line differently"
    return "the platforms read this line differently"


def syntax_problems(procfile: Procfile, explained: set[int] = frozenset()) -> list[Problem]:
    """TWC501-TWC507 (not TWC508, which is about the file name). ``explained``: lines a
    more specific finding already covers (an unrunnable command)."""
    problems: list[Problem] = []
    portability: dict[tuple[str, str], list[int]] = {}
    empty = {entry.line for entry in procfile.empty_commands}
    for number, kind in procfile.kinds.items():
        if kind == "conflict" or number in empty or number in explained:
            continue
        groups = readings_of(procfile, number)
        if kind == "other" and not any(what.startswith("read it as") for what, _ in groups):
            start, end = _span(procfile, number)
            problems.append(Problem("TWC501", number, start, end, {"readings": describe_readings(groups)}))
            continue
        if len(groups) > 1:
            cause = _cause(procfile, number)
            # A bare \r makes the lines around it differ each in its own way: one finding.
            key = (cause, "") if cause.startswith("a carriage return") else (cause, describe_readings(groups))
            if key not in portability:
                portability[key] = [describe_readings(groups)]
            portability[key].append(number)
    for (cause, _), (said, *numbers) in portability.items():
        also = f" (also on line{'s' if len(numbers) > 2 else ''} {', '.join(map(str, numbers[1:]))})" \
            if len(numbers) > 1 else ""
        start, end = _span(procfile, numbers[0])
        problems.append(Problem("TWC502", numbers[0], start, end, {"cause": cause, "readings": said + also}))
    problems.extend(_name_problems(procfile))
    problems.extend(_duplicate_problems(procfile))
    for entry in procfile.empty_commands:
        problems.append(Problem("TWC505", entry.line, entry.column, entry.end_column, {
            "what": f"process type {entry.name} has no command",
            "how": describe_readings(readings_of(procfile, entry.line))}))
    problems.extend(_conflict_problems(procfile))
    if not procfile.entries:
        problems.append(_no_process_types(procfile))
    return problems


def _name_problems(procfile: Procfile) -> list[Problem]:
    problems = []
    for entry in procfile.entries:
        name = entry.name
        if not PORTABLE_NAME.match(name):
            continue  # the line itself is read differently: TWC502
        groups: dict[str, list[str]] = {}
        for key, platform in PLATFORMS.items():
            if platform.max_name is not None and len(name) > platform.max_name:
                groups.setdefault("reject the file", []).append(key)
            elif platform.names is not None and not platform.names.match(name):
                what = "reject the file" if platform.other_names == "reject" else \
                    f"rename it to {platform.rewrite(name)!r} (with a warning)"
                groups.setdefault(what, []).append(key)
        if not groups:
            continue
        reason = "is longer than 63 characters" if len(name) > 63 else \
            "is not a lower-case DNS label (only a-z, 0-9 and '-')"
        how = describe_readings(groups)
        problems.append(Problem("TWC503", entry.line, entry.column, entry.column + len(name),
                                {"name": name, "reason": reason, "how": how}))
    return problems


def _duplicate_problems(procfile: Procfile) -> list[Problem]:
    lines: dict[str, list[int]] = {}
    for entry in procfile.entries:
        lines.setdefault(entry.name, []).append(entry.line)
    problems = []
    for entry in procfile.entries:
        declared = lines[entry.name]
        if len(declared) < 2 or entry.line == declared[0]:
            continue
        groups: dict[str, list[str]] = {}
        for key, platform in PLATFORMS.items():
            what = {"reject": "reject the file", "both": "run every one",
                    "last": f"run only the last one (line {declared[-1]})"}[platform.duplicates]
            groups.setdefault(what, []).append(key)
        problems.append(Problem("TWC504", entry.line, entry.column, entry.column + len(entry.name), {
            "name": entry.name, "first": str(declared[0]),
            "how": describe_readings(groups)}))
    return problems


def _conflict_problems(procfile: Procfile) -> list[Problem]:
    problems, opened = [], None
    for number, kind in procfile.kinds.items():
        if kind != "conflict":
            continue
        raw = procfile.lines[number - 1]
        if raw.startswith("<<<<<<<"):
            opened = number
        elif raw.startswith(">>>>>>>") and opened is not None:
            problems.append(Problem("TWC507", opened, 1, len(procfile.lines[opened - 1]) + 1, {}, end_line=number))
            opened = None
    for number, kind in procfile.kinds.items():
        if kind == "conflict" and not any(p.line <= number <= (p.end_line or p.line) for p in problems):
            problems.append(Problem("TWC507", number, 1, len(procfile.lines[number - 1]) + 1, {}))
    return problems


def _no_process_types(procfile: Procfile) -> Problem:
    kinds = set(procfile.kinds.values())
    if not procfile.text.strip():
        what = "the file is empty"
    elif kinds <= {"blank", "comment"}:
        what = "every line is blank or a comment"
    else:
        what = "no line declares a process type the way every platform reads it"
    refusing = [key for key, platform in PLATFORMS.items() if platform.no_entries == "reject"]
    heroku = procfile.readings["heroku_classic"].process_types
    if heroku:
        what += f" (only Heroku (classic) reads {', '.join(name for name, _ in heroku)})"
    return Problem("TWC506", 1, 1, _span(procfile, 1)[1] if procfile.lines else 1,
                   {"what": what, "how": f"{labels(refusing)} refuse to start; the others run nothing"})
