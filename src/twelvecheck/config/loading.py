"""Configuration files: ``[tool.twelvecheck]`` in pyproject.toml, or (.)twelvecheck.toml.

Found by walking up from the first path; the nearest directory with one of them wins, in
the order ``.twelvecheck.toml``, ``twelvecheck.toml``, ``pyproject.toml`` (a pyproject.toml
without a ``[tool.twelvecheck]`` table is passed over). Command-line options win over it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator

from twelvecheck.core import toml as _toml
from twelvecheck.core.findings import Severity
from twelvecheck.core.formats import REPORT_FORMATS
from twelvecheck.core.values import Mutable
from twelvecheck.config.formation import config_problem
from twelvecheck.config.selection import SelectorError, expand

CONFIG_NAMES = (".twelvecheck.toml", "twelvecheck.toml", "pyproject.toml")
FORMATS = REPORT_FORMATS
# How deployment files meant for a developer's machine are judged (files/kinds.is_local_file):
# "local-only" reports only what breaks them there too, "check" judges them as production files.
LOCAL_FILES = ("local-only", "check")


class ConfigError(Exception):
    def __init__(self, message: str, path: Path | None = None, key: str | None = None) -> None:
        where = f"{path}" if path else "configuration"
        if key:
            where += f": key {key!r}"
        super().__init__(f"{where}: {message}")

    @classmethod
    def several(cls, problems: list["ConfigError"], path: Path | None) -> "ConfigError":
        """One error listing each problem on a line of its own, each naming file and key."""
        where = f"{path}" if path else "configuration"
        error = cls.__new__(cls)
        Exception.__init__(error, f"{where}: {len(problems)} problems:\n" +
                           "\n".join(f"  {problem}" for problem in problems))
        return error


def _list_of_str(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# key -> (check, what is expected)
_SCALARS: dict[str, tuple[Any, str]] = {
    "select": (_list_of_str, "a list of rule selectors (codes, prefixes, families)"),
    "extend-select": (_list_of_str, "a list of rule selectors"),
    "ignore": (_list_of_str, "a list of rule selectors"),
    "exclude": (_list_of_str, "a list of gitignore-style patterns"),
    "extend-exclude": (_list_of_str, "a list of gitignore-style patterns"),
    "force-exclude": (lambda v: isinstance(v, bool), "true or false"),
    "respect-gitignore": (lambda v: isinstance(v, bool), "true or false"),
    "fail-on": (lambda v: isinstance(v, str) and v.lower() in ("error", "warning", "info"),
                'one of "error", "warning", "info"'),
    "exit-zero": (lambda v: isinstance(v, bool), "true or false"),
    "fail-on-empty": (lambda v: isinstance(v, bool), "true or false"),
    "statistics": (lambda v: isinstance(v, bool), "true or false"),
    "quiet": (lambda v: isinstance(v, bool), "true or false"),
    "color": (lambda v: isinstance(v, bool), "true or false"),
    "format": (lambda v: v in FORMATS, f"one of {', '.join(repr(f) for f in FORMATS)}"),
    "output": (lambda v: isinstance(v, str) and v != "", "a file path"),
    "output-format": (lambda v: isinstance(v, dict) and all(k in FORMATS and isinstance(f, str) and f
                                                           for k, f in v.items()),
                      f"a table of format = file path (formats: {', '.join(FORMATS)})"),
    "baseline": (lambda v: isinstance(v, str) and v != "", "a file path (relative to the configuration file)"),
    "show-source": (lambda v: isinstance(v, bool), "true or false"),
    "cache": (lambda v: isinstance(v, bool), "true or false"),
    "cache-dir": (lambda v: isinstance(v, str) and v != "", "a folder path (relative to the configuration file)"),
    "jobs": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
             "a whole number >= 0 (0: one per core)"),
    "per-file-ignores": (lambda v: isinstance(v, dict), "a table of pattern = [selectors]"),
    "severity": (lambda v: isinstance(v, dict), 'a table of code = "error" | "warning" | "info"'),
    "formation": (lambda v: isinstance(v, dict), "a table of process type = quantity (web = 3)"),
    "include-tests": (lambda v: isinstance(v, bool), "true or false"),
    "include-vendored": (lambda v: isinstance(v, bool), "true or false"),
    "reachable-only": (lambda v: isinstance(v, bool), "true or false"),
    "show-silenced": (lambda v: isinstance(v, bool), "true or false"),
    "test-paths": (_list_of_str, "a list of gitignore-style patterns"),
    "vendored-paths": (_list_of_str, "a list of gitignore-style patterns"),
    "example-paths": (_list_of_str, "a list of gitignore-style patterns"),
    "local-files": (lambda v: v in LOCAL_FILES, f"one of {', '.join(repr(v) for v in LOCAL_FILES)}"),
    "local-rules": (_list_of_str, "a list of folders or modules of local rules (relative to the configuration file)"),
    "knowledge": (lambda v: True, "a table"),  # judged whole by config/knowledge.knowledge_problems
}
KNOWN_KEYS = tuple(_SCALARS)


class FileConfig(Mutable):
    _fields = ("path", "root", "values")
    path: Path | None
    root: Path | None  # patterns in the file are relative to this directory
    values: dict[str, Any]

    def __init__(self, path: Path | None = None, root: Path | None = None,
                 values: dict[str, Any] | None = None) -> None:
        self.path = path
        self.root = root
        self.values = {} if values is None else values


def find_config(start: Path) -> Path | None:
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file():
                if name != "pyproject.toml" or _has_tool_table(candidate):
                    return candidate
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = pyproject.read_bytes()
    except OSError:
        return False
    # A pyproject that merely exists must not stop the search; parse only when it may match.
    if b"twelvecheck" not in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True  # it names twelvecheck but cannot be read: load_config says why and where
    if re.search(r"^\s*\[\s*tool\s*\.\s*twelvecheck\s*[\].]", text, re.M):
        return True  # even when the TOML is broken: load_config reports that
    # `[tool]` + `twelvecheck = {...}`, or a dotted `tool.twelvecheck.select = [...]`.
    try:
        tool = _toml.loads(text).get("tool")
    except (_toml.TOMLDecodeError, RecursionError):
        return True  # broken TOML that names twelvecheck: rather an error than a silent default
    return isinstance(tool, dict) and "twelvecheck" in tool


def load_config(path: Path, use_rules: Callable[[list[str], Path], Any] | None = None) -> FileConfig:
    """The configuration in ``path``, checked. ``use_rules(local_rules, folder)`` puts the
    local rules it names (and the installed plugins) in use before its selectors are checked,
    so that they may name those rules' codes."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path) from None
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError("invalid TOML: nested too deeply to read", path) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("twelvecheck", {})
        prefix = "tool.twelvecheck."
    else:
        prefix = ""
    if not isinstance(data, dict):
        raise ConfigError("[tool.twelvecheck] must be a table", path)
    if use_rules is not None:
        local_rules = data.get("local-rules", [])
        use_rules(local_rules if _list_of_str(local_rules) else [], path.parent)
    validate(data, path, prefix)
    return FileConfig(path=path, root=path.parent, values=data)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable gitignore-style pattern, or None when it is."""
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as exc:  # pathspec's pattern errors are ValueErrors
        return str(exc)
    return None


def validate(data: dict[str, Any], path: Path | None, prefix: str = "") -> None:
    """Every mistake in the file at once (one ConfigError, a line each), not the first alone."""
    problems = [problem for key, value in data.items() for problem in _key_problems(key, value, path, prefix)]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ConfigError.several(problems, path)


def _key_problems(key: str, value: Any, path: Path | None, prefix: str) -> Iterator[ConfigError]:
    """What is wrong with one key of the file: each bad pattern or selector in it."""
    if key not in _SCALARS:
        import difflib

        close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield ConfigError(f"unknown key{hint} (known keys: {', '.join(KNOWN_KEYS)})", path, prefix + key)
        return
    check, expected = _SCALARS[key]
    if not check(value):
        yield ConfigError(f"expected {expected}, got {_describe(value)}", path, prefix + key)
        return
    if key in ("exclude", "extend-exclude", "per-file-ignores"):
        for pattern in value:
            problem = pattern_problem(pattern)
            if problem:
                yield ConfigError(f"expected gitignore-style patterns, got {pattern!r} ({problem})",
                                  path, prefix + key)
    if key in ("select", "extend-select", "ignore"):
        for selector in value:
            yield from _selector_problems(selector, path, prefix + key)
    elif key == "per-file-ignores":
        for pattern, selectors in value.items():
            if not _list_of_str(selectors):
                yield ConfigError(f"expected a list of rule selectors, got {_describe(selectors)}",
                                  path, f"{prefix}{key}.{pattern}")
                continue
            for selector in selectors:
                yield from _selector_problems(selector, path, prefix + key)
    elif key == "severity":
        for selector, level in value.items():
            yield from _selector_problems(selector, path, prefix + key)
            if not isinstance(level, str):
                yield ConfigError(f"expected a severity string, got {_describe(level)}",
                                  path, f"{prefix}{key}.{selector}")
                continue
            try:
                Severity.parse(level)
            except ValueError as exc:
                yield ConfigError(str(exc), path, prefix + key)
    elif key == "formation":
        problem = config_problem(value)
        if problem:
            yield ConfigError(problem[1], path, prefix + key + problem[0])
    elif key == "knowledge":
        # Loaded for a configuration that has the table: a run without one never reads it.
        from twelvecheck.config.knowledge import knowledge_problems

        for below, message in knowledge_problems(value):
            yield ConfigError(message, path, prefix + key + below)


def _selector_problems(selector: str, path: Path | None, key: str) -> Iterator[ConfigError]:
    try:
        expand(selector)
    except (SelectorError, ValueError) as exc:
        yield ConfigError(str(exc), path, key)


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"
