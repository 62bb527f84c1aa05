"""Console scripts, read from a project's packaging files: ``pyproject.toml``
(``[project.scripts]``, ``[tool.poetry.scripts]``), ``setup.cfg`` (``[options.entry_points]
console_scripts``) and literal ``entry_points=`` in ``setup.py``. Each script's function is
an entry point of the program (``project.py``). The files are read, never executed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator

from twelvecheck.core import toml as _toml
from twelvecheck.files.ignoring import repository_folders

_SCRIPT_RE = re.compile(r"^\s*([\w.-]+)\s*=\s*([\w.]+)\s*:\s*([\w.]+)")


def find_packaging_files(paths: list[Path]) -> list[Path]:
    """pyproject.toml / setup.cfg / setup.py in the checked directories or above them,
    up to the repository root: console scripts are declared at the project root."""
    found: list[Path] = []
    for path in paths:
        directory = path if path.is_dir() else path.parent
        directory = directory.resolve()
        for candidate in repository_folders(directory):
            names = [candidate / n for n in ("pyproject.toml", "setup.cfg", "setup.py") if (candidate / n).is_file()]
            if names:
                found.extend(n for n in names if n not in found)
                break
    return found


def console_scripts(files: list[Path]) -> list[tuple[str, str]]:
    """(name, "module.function") for every console script the files declare."""
    scripts: list[tuple[str, str]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.name == "pyproject.toml":
            scripts.extend(_pyproject_scripts(text))
        elif path.name == "setup.cfg":
            scripts.extend(_setup_cfg_scripts(text))
        else:
            scripts.extend(_setup_py_scripts(text))
    return scripts


def _target(reference: str) -> str | None:
    module, _, function = reference.partition(":")
    function = function.split("[", 1)[0].strip()  # "mod:func [extra]"
    return f"{module.strip()}.{function}" if module.strip() and function else None


def _pyproject_scripts(text: str) -> Iterator[tuple[str, str]]:
    try:
        data = _toml.loads(text)
    except (_toml.TOMLDecodeError, RecursionError):  # someone else's broken pyproject: no scripts
        return
    tables = [data.get("project", {}).get("scripts", {}),
              data.get("tool", {}).get("poetry", {}).get("scripts", {})]
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, reference in table.items():
            if isinstance(reference, dict):
                reference = reference.get("reference") or reference.get("callable") or ""
            target = _target(reference) if isinstance(reference, str) else None
            if target:
                yield name, target


def _setup_cfg_scripts(text: str) -> Iterator[tuple[str, str]]:
    import configparser  # only for a setup.cfg

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        value = parser.get("options.entry_points", "console_scripts", fallback="")
    except configparser.Error:
        return
    for line in value.splitlines():
        match = _SCRIPT_RE.match(line)
        if match:
            yield match.group(1), f"{match.group(2)}.{match.group(3)}"


def _setup_py_scripts(text: str) -> Iterator[tuple[str, str]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "entry_points":
                continue
            try:
                value = ast.literal_eval(keyword.value)
            except (ValueError, SyntaxError, RecursionError):
                continue
            entries = value.get("console_scripts", []) if isinstance(value, dict) else []
            if isinstance(entries, str):
                entries = entries.splitlines()
            for line in entries if isinstance(entries, (list, tuple)) else []:
                match = _SCRIPT_RE.match(line) if isinstance(line, str) else None
                if match:
                    yield match.group(1), f"{match.group(2)}.{match.group(3)}"
