"""What twelvecheck knows about libraries and tools, as data: the built-in tables in
``twelvecheck/knowledge/*.toml`` and the user's additions in ``[tool.twelvecheck.knowledge]``.

The built-in files are read once, when a reader first asks for a table (a run answered from
its run record never does: the modules that ask are not imported then). Each file has a
``schema`` key: a file of another schema is a packaging mistake, reported as such.

The user's table (docs/knowledge.md) names, per kind of knowledge, qualified Python names or
program names. ``knowledge_problems`` is what the configuration loader reports of it (every
problem, naming the key); ``use`` makes a run's additions the ones the readers see (the
runner calls it, and again in each worker process).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from twelvecheck.core import toml as _toml

SCHEMA = 1
_FOLDER = Path(__file__).resolve().parents[1] / "knowledge"  # twelvecheck/knowledge/, beside config/
_PYTHON_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")  # at least module.name
_PROGRAM_NAME = re.compile(r"^[A-Za-z0-9_.+-]+$")


class KnowledgeFileError(RuntimeError):
    """A built-in knowledge file that cannot be read: the installation is broken."""


@lru_cache(maxsize=None)
def builtin(name: str) -> dict[str, Any]:
    """The built-in knowledge file ``name`` (``frameworks``, ``tools``...), parsed once."""
    path = _FOLDER / f"{name}.toml"
    try:
        data = _toml.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, _toml.TOMLDecodeError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read twelvecheck's knowledge file: {exc}") from None
    if data.get("schema") != SCHEMA:
        raise KnowledgeFileError(f"{path}: schema {data.get('schema')!r}, this twelvecheck reads schema {SCHEMA}")
    return data


def names(name: str, table: str, key: str) -> frozenset[str]:
    """A list of names in table ``table`` of file ``name``."""
    return frozenset(builtin(name)[table][key])


def mapping(name: str, table: str) -> dict[str, Any]:
    """Table ``table`` of file ``name``: name -> value, in the file's order."""
    return dict(builtin(name)[table])


def builtin_files() -> list[str]:
    return sorted(path.stem for path in _FOLDER.glob("*.toml"))


# -- the user's knowledge ---------------------------------------------------------------

@dataclass(frozen=True)
class UserKnowledge:
    """``[tool.twelvecheck.knowledge]``: what the project's own code and tools do."""

    # Calls that hand the main loop to code that installs a SIGTERM handler (TWC302/303).
    handles_sigterm: tuple[str, ...] = ()
    # Functions that set up logging to standard output or standard error: the logging rules
    # (TWC2xx) do not report inside them.
    logs_to_stdout: tuple[str, ...] = ()
    # Calls (functions, or classes whose construction starts them) that start a periodic-job
    # scheduler inside the calling process (TWC401 reports each call).
    schedulers: tuple[str, ...] = ()
    # Programs that run their arguments as the real command (`deploy-wrap gunicorn app:app`).
    wrappers: tuple[str, ...] = ()

    @classmethod
    def from_table(cls, table: dict[str, Any] | None) -> "UserKnowledge":
        """From a table ``knowledge_problems`` found nothing wrong with."""
        table = table or {}
        return cls(**{field.name: tuple(table.get(_key(field.name), ())) for field in fields(cls)})

    def key(self) -> list[str]:
        """The entries, spelled for a cache key (none: nothing, so keys stay as they were)."""
        return [f"{key}:{name}" for key, name in sorted(self.entries())]

    def entries(self) -> Iterator[tuple[str, str]]:
        """(key, name) for every entry, as the configuration spells the key."""
        for field in fields(self):
            for name in getattr(self, field.name):
                yield _key(field.name), name


def _key(field_name: str) -> str:
    return field_name.replace("_", "-")


# The rules each key of the user's table changes (codes or families).
USER_READ_BY: dict[str, tuple[str, ...]] = {
    "handles-sigterm": ("TWC302", "TWC303"),
    "logs-to-stdout": ("TWC201", "TWC202", "TWC203", "TWC204"),
    "schedulers": ("TWC401",),
    "wrappers": ("procfile", "TWC701", "TWC702", "formation"),
}


def read_by(code: str, family: str, table: dict[str, Any] | None) -> list[str]:
    """What ``twelvecheck explain`` says of the knowledge a rule reads: each built-in table
    with its number of entries, then the user's keys that change the rule and their entries."""
    lines = []
    for name in builtin_files():
        data = builtin(name)
        for key, readers in data.get("read-by", {}).items():
            if code in readers or family in readers:
                count = _count(data[key])
                lines.append(f"  knowledge/{name}.toml [{key}]: {count} {'entry' if count == 1 else 'entries'}")
    additions = UserKnowledge.from_table(table)
    for key, readers in USER_READ_BY.items():
        if code in readers or family in readers:
            names = getattr(additions, key.replace("-", "_"))
            lines.append(f"  [tool.twelvecheck.knowledge] {key}: "
                         + (", ".join(f"user:{name}" for name in names) if names else "none configured here"))
    return lines


def _count(table: dict[str, Any]) -> int:
    """Entries of a table: its keys, or where its values are lists (groups), their items."""
    return sum(len(value) if isinstance(value, list) else 1 for value in table.values())


# key -> (pattern, what an entry is)
_USER_KEYS: dict[str, tuple[re.Pattern[str], str]] = {
    "handles-sigterm": (_PYTHON_NAME, "qualified names of calls (module.function, module.Class.method)"),
    "logs-to-stdout": (_PYTHON_NAME, "qualified names of functions (module.function, module.Class.method)"),
    "schedulers": (_PYTHON_NAME, "qualified names of functions or classes (module.name)"),
    "wrappers": (_PROGRAM_NAME, "program names (deploy-wrap)"),
}
USER_KEYS = tuple(_USER_KEYS)


def knowledge_problems(table: Any) -> Iterator[tuple[str, str]]:
    """(key below ``knowledge``, message) for each problem of a ``[...knowledge]`` table."""
    if not isinstance(table, dict):
        yield "", f"expected a table of {', '.join(USER_KEYS)}, got {type(table).__name__} {table!r:.60}"
        return
    for key, value in table.items():
        if key not in _USER_KEYS:
            yield f".{key}", f"unknown knowledge key (known keys: {', '.join(USER_KEYS)})"
            continue
        pattern, expected = _USER_KEYS[key]
        if not isinstance(value, list):
            yield f".{key}", f"expected a list of {expected}, got {type(value).__name__} {value!r:.60}"
            continue
        for item in value:
            if not isinstance(item, str) or not pattern.match(item):
                yield f".{key}", f"expected {expected}, got {item!r:.60}"


_active = UserKnowledge()


def use(table: dict[str, Any] | None) -> None:
    """Make ``table`` (a checked ``[...knowledge]`` table, or None) this process's additions."""
    global _active
    _active = UserKnowledge.from_table(table)


def adopt(additions: UserKnowledge) -> None:
    """Make ``additions`` this process's (a worker process takes its run's)."""
    global _active
    _active = additions


def user() -> UserKnowledge:
    """The additions the readers see (none unless ``use`` was called)."""
    return _active


def entry_id(table: str, name: str, added_by_user: bool) -> str:
    """How reports name a knowledge entry: ``user:ourlib.jobs.every``, or for a built-in one
    its table and name (``handles-sigterm:gunicorn.arbiter.Arbiter.run``)."""
    return f"user:{name}" if added_by_user else f"{table}:{name}"
