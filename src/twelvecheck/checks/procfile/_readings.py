"""How the platforms read a Procfile's lines, in words: shared by the Procfile syntax rules.

Each platform's reading comes from the table in ``deploy/platforms.py``; a line they read
differently is described platform by platform ("honcho and foreman skip it; Dokku rejects
the file"), and its cause named ("whitespace before the colon").
"""

from __future__ import annotations

import re
from typing import Iterator

from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.platforms import Outcome, labels
from twelvecheck.deploy.procfile import PORTABLE_NAME, PROCESS_LINE, Procfile


def line_span(procfile: Procfile, number: int) -> tuple[int, int]:
    """(first column, end column) of a line's text, leading blanks and a BOM left out."""
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


def read_by_none(kind: str, groups: list[tuple[str, list[str]]]) -> bool:
    """Whether no platform reads a line (of a kind the parser could not place) as a process type."""
    return kind == "other" and not any(what.startswith("read it as") for what, _ in groups)


def judged_lines(document: ProcfileDocument) -> Iterator[tuple[int, str, list[tuple[str, list[str]]]]]:
    """(line number, kind, readings) of the lines the syntax rules judge: every line but
    merge-conflict markers and the lines of empty or unrunnable commands, which have
    findings of their own (procfile-merge-conflict, procfile-unrunnable-command)."""
    procfile = document.procfile
    skipped = {entry.line for entry in procfile.empty_commands}
    skipped |= {reading.entry.line for reading in document.entries if reading.unrunnable is not None}
    for number, kind in procfile.kinds.items():
        if kind != "conflict" and number not in skipped:
            yield number, kind, readings_of(procfile, number)


def cause(procfile: Procfile, number: int) -> str:
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
