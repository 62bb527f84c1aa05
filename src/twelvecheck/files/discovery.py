"""Which files to check: walk the given paths, honour excludes and .gitignore.

Patterns (``exclude``, ``extend-exclude``, ``.gitignore``) use gitignore syntax (ignoring.py).
Directory symlinks are not followed and file symlinks are only read when they point inside
the tree being walked, so a repository cannot make twelvecheck read outside the paths it
was given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from twelvecheck.core.findings import ToolError
from twelvecheck.core.values import Frozen, Mutable, init_field
from twelvecheck.files.ignoring import Ignorer, inside
from twelvecheck.files.kinds import (
    LOGGING_CONFIG_SUFFIXES, PLATFORM_FILES, PYTHON_SUFFIXES, SCRIPT_SUFFIXES, config_kind, process_file_kind,
    script_kind_by_head,
)
from twelvecheck.files.walk_memo import NoWitness, WalkMemo, WalkWitness

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", "_darcs", ".jj",
    "__pycache__", "node_modules", "build", "dist", "site-packages",
    ".tox", ".nox", ".venv", "venv", ".eggs", "*.egg-info", ".direnv",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".twelvecheck_cache",
)
PACKAGING_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


class SourceFile(Frozen):  # core/values.py: a frozen dataclass cost a replay's start 0.5 ms
    __slots__ = ("path", "display", "kind", "explicit")
    path: Path
    display: str
    kind: str  # "python", a logging config kind ("ini", "yaml", "json"), "procfile", "appjson", "script"
    explicit: bool

    def __init__(self, path: Path, display: str, kind: str, explicit: bool = False) -> None:
        init_field(self, "path", path)
        init_field(self, "display", display)
        init_field(self, "kind", kind)
        init_field(self, "explicit", explicit)


class Discovery(Mutable):
    _fields = ("files", "errors", "packaging")
    files: list[SourceFile]
    errors: list[ToolError]
    # pyproject.toml / setup.cfg / setup.py met on the walk (monorepos hold several).
    packaging: list[Path]

    def __init__(self, files: list[SourceFile] | None = None, errors: list[ToolError] | None = None,
                 packaging: list[Path] | None = None) -> None:
        self.files = [] if files is None else files
        self.errors = [] if errors is None else errors
        self.packaging = [] if packaging is None else packaging


def display_path(path: Path, cwd: Path) -> str:
    absolute = path if path.is_absolute() else cwd / path
    try:
        return Path(os.path.relpath(absolute, cwd)).as_posix() if inside(absolute, cwd) else absolute.as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


def _kind_of(path: Path, include_configs: bool, include_process_files: bool = False) -> str | None:
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if include_process_files:  # Procfile (and variants, monorepo ones too), app.json, descriptors
        kind = process_file_kind(path)
        if kind is not None:
            return kind
        if path.suffix in SCRIPT_SUFFIXES or "." not in path.name:  # shell scripts: by their first line too
            kind = script_kind_by_head(path, _head(path))
            if kind is not None:
                return kind
    if include_configs:
        return config_kind(path)
    if include_process_files and path.suffix.lower() in _MANIFEST_SUFFIXES:
        return "yaml"  # a Kubernetes manifest, if its content says so
    return None


# YAML files are read for Kubernetes manifests when the process model is wanted, even where
# no logging-configuration rule asks for them.
_MANIFEST_SUFFIXES = (".yaml", ".yml")

# A name with no suffix may be a shell script: its first line says (``#!/bin/sh``).
_MAYBE_SCRIPT = "maybe-script"


def _head(path: Path | str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(256)
    except OSError:
        return b""


def discover(
    paths: list[str],
    *,
    cwd: Path,
    root: Path,
    exclude: list[str],
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    include_configs: bool = True,
    include_process_files: bool = False,
    memo: WalkMemo | None = None,
) -> Discovery:
    """The files to check below ``paths``. With a ``memo`` (the last discovery of the same
    paths with the same settings) a folder is walked again only if something the last walk
    read has changed (walk_memo.py)."""
    found = Discovery()
    ignorer = Ignorer(root, exclude, respect_gitignore)
    witness = WalkWitness()
    walks: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()  # normalized absolute paths

    def add(path: Path, kind: str, explicit: bool) -> None:
        key = os.path.normpath(cwd / path)
        if key not in seen:
            seen.add(key)
            found.files.append(SourceFile(path, display_path(path, cwd), kind, explicit))

    for argument in paths:
        path = Path(argument)
        absolute = path if path.is_absolute() else cwd / path
        if not absolute.exists():
            reason = "is a broken symbolic link" if absolute.is_symlink() else "does not exist"
            found.errors.append(ToolError(f"path {reason}", argument))
            continue
        if absolute.is_dir():
            if force_exclude and ignorer.ignored(absolute, True, absolute, named_root=False):
                continue
            def unlisted(directory: Path, error: OSError, path: Path = path, absolute: Path = absolute) -> None:
                shown = display_path(_shown(directory, path, absolute), cwd)
                found.errors.append(ToolError(f"cannot list directory: {error.strerror or error}; "
                                              "the files in it are not checked", shown))

            # The walk's paths begin with str(absolute); a file's path as shown, its display
            # path and its key are the folder's with the rest appended (strings: a tree can
            # hold thousands of files, and a Path costs several microseconds to make).
            top, shown_dir = str(absolute), str(path)
            display_dir, key_dir = display_path(path, cwd), os.path.normpath(top)
            walked = memo.recall(top) if memo is not None else None
            if walked is None:
                walked = list(_walk(absolute, ignorer, include_configs, include_process_files, unlisted, witness))
                witness.above(top)
            walks[top] = walked
            for file_path, kind in walked:
                if kind == "packaging":
                    found.packaging.append(Path(file_path))
                    continue
                rest = file_path[len(top):].lstrip(os.sep)
                key = key_dir + os.sep + rest if key_dir != os.sep else os.sep + rest
                if key in seen:
                    continue
                seen.add(key)
                posix_rest = rest if os.sep == "/" else rest.replace(os.sep, "/")
                found.files.append(SourceFile(
                    Path(rest) if shown_dir == "." else Path(shown_dir, rest),
                    posix_rest if display_dir == "." else f"{display_dir.rstrip('/')}/{posix_rest}", kind, False))
            continue
        if force_exclude and ignorer.ignored(absolute, False, absolute.parent, named_root=False):
            continue
        # A named file is checked when it is Python by name or by its #! line; other files
        # (pre-commit passes README.md, Procfile, ...) are passed over without a word.
        kind = _kind_of(path, include_configs, include_process_files) or (
            "python" if _has_python_shebang(absolute) else None)
        if kind is not None:
            add(path, kind, True)
    found.files.sort(key=lambda f: f.display)
    if memo is not None and witness.seen:  # something was walked: remember what it read
        for gitignore in ignorer.consulted:
            witness.read(gitignore)
        if found.errors:
            witness.untrusted()
        memo.keep(walks, witness)
    return found


def _has_python_shebang(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return path.suffix == ""  # unreadable: let the engine report why (TWC001)
    return first.startswith(b"#!") and b"python" in first


def _shown(file_path: Path, argument: Path, absolute: Path) -> Path:
    """The file's path spelled from the argument the user gave (relative stays relative)."""
    return argument / file_path.relative_to(absolute)


def _walk(top: Path, ignorer: Ignorer, include_configs: bool, include_process_files: bool = False,
          unlisted: Callable[[Path, OSError], None] = lambda directory, error: None,
          witness: WalkWitness | None = None):
    """The files below ``top`` that are not excluded, in name order, depth first, as
    ``(path, kind)`` with the path a string that begins with ``str(top)``. Works on strings
    and decides per directory what it can (a tree can hold thousands of folders). The
    ``witness`` takes the ``stat`` of each folder listed and each file read."""
    witness = witness or NoWitness()
    real_top = Path(os.path.realpath(top))
    rules = ignorer.walk_rules(top)
    # (the folder as spelled from top, for listing and for the paths yielded;
    #  the same normalized, for matching; the .gitignore chain of its entries)
    stack = [(str(top), rules.top, rules.top_chain())]
    while stack:
        directory, normal, chain = stack.pop()
        witness.read(directory)
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            unlisted(Path(directory), error)  # said, not skipped silently: its files go unchecked
            witness.untrusted()
            continue
        if normal != rules.top:
            names = {entry.name for entry in entries}
            if "pyvenv.cfg" in names:
                continue  # a virtualenv: installed code, not the project's (a stat per folder cost more)
            chain = rules.chain_below(normal, names, chain)
        prefix, in_root = rules.base_of(normal)
        # Files and folders in name order; only the ones that may count are sorted (a folder
        # of translations holds hundreds of files that do not).
        subdirs, files = [], []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir:
                    # Most files are of no kind that counts: decided before any path is built.
                    kind = _kind_of_name(name, include_configs, include_process_files)
                    if kind is None and name not in PACKAGING_FILES:
                        continue
                    is_link = entry.is_symlink()
            except OSError:
                continue
            full = normal + os.sep + name if normal != os.sep else os.sep + name
            # The project root met on a walk from above it: patterns apply below it.
            relative = "." if not in_root and full == rules.root and not rules.root_is_top else prefix + name
            if is_dir:
                if not rules.ignored(full, relative, name, True, chain):
                    subdirs.append((name, entry.path, full))
                continue
            packaging = name in PACKAGING_FILES and not is_link
            if (kind is not None or packaging) and not rules.ignored(full, relative, name, False, chain):
                if kind == _MAYBE_SCRIPT:
                    witness.read(entry.path)
                    kind = script_kind_by_head(name, _head(entry.path))
                    if kind is None and not packaging:
                        continue
                files.append((name, entry.path, kind, packaging, is_link))
        files.sort()
        for _, path, kind, packaging, is_link in files:
            if packaging:
                yield path, "packaging"  # console scripts of a project inside the tree
            if kind is None:
                continue
            if is_link:
                witness.untrusted()  # its target may change with no folder's stat changing
                target = Path(os.path.realpath(path))
                if target.exists() and (not inside(target, real_top) or target.is_dir()):
                    continue
            yield path, kind
        subdirs.sort()
        stack.extend((path, full, chain) for _, path, full in reversed(subdirs))


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _kind_of_name(name: str, include_configs: bool, include_process_files: bool) -> str | None:
    """``_kind_of`` for a file name met on the walk, without making a path of it."""
    suffix = _suffix(name)
    if suffix in PYTHON_SUFFIXES:
        return "python"
    lower = name.lower()
    if include_process_files and ("procfile" in lower or name == "app.json" or "dockerfile" in lower
                                  or "containerfile" in lower or "compose" in name or name in PLATFORM_FILES):
        kind = process_file_kind(name)
        if kind is not None:
            return kind
    if include_process_files and (suffix in SCRIPT_SUFFIXES or (not suffix and "." not in name)):
        return _MAYBE_SCRIPT  # decided by its first line once the path is known (and not ignored)
    if include_configs:
        return LOGGING_CONFIG_SUFFIXES.get(suffix.lower())
    if include_process_files and suffix.lower() in _MANIFEST_SUFFIXES:
        return "yaml"  # a Kubernetes manifest, if its content says so
    return None
