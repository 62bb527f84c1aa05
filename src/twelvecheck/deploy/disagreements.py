"""Where the files of an app disagree about a process type: two files declaring the same
name with different commands, or different numbers of processes (TWC605, and
`twelvecheck formation`)."""

from __future__ import annotations

import posixpath
import shlex

from twelvecheck.deploy.process_model import App, ProcessType


def disagreements(app: App) -> list[tuple[ProcessType, str]]:
    """Process types of the same name that two files of the app declare with different
    commands (word by word) or different numbers of processes: (the later declaration, what
    they say). Declarations for a developer's machine, and a name twice in one file, are
    left out."""
    by_name: dict[str, list[ProcessType]] = {}
    for ptype in (*app.types, *(p for p in app.declared if not p.local)):
        by_name.setdefault(ptype.name, []).append(ptype)
    found = []
    for name, declarations in by_name.items():
        first = declarations[0]
        for other in declarations[1:]:
            said = _disagreement(first, other) if other.path != first.path else None
            if said:
                found.append((other, f"{name}: {said}"))
    return found


def _disagreement(first: ProcessType, other: ProcessType) -> str | None:
    where_first, where_other = _where(first), _where(other)
    if first.command and other.command and _words(first.command) != _words(other.command):
        return (f"{where_other} runs `{_short(other.command)}`, but {where_first} runs `{_short(first.command)}`: "
                "only one of them is what production runs")
    if first.quantity is not None and other.quantity is not None and first.quantity != other.quantity:
        return (f"{where_other} runs {other.quantity} ({other.source}), but {where_first} says {first.quantity} "
                f"({first.source})")
    return None


def _where(ptype: ProcessType) -> str:
    return posixpath.basename(ptype.path or "Procfile")


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def _short(command: str, width: int = 60) -> str:
    text = " ".join(command.split())
    return text if len(text) <= width else text[:width - 3] + "..."
