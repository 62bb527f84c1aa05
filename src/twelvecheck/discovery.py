"""Which files to check: walk the given paths, honour excludes and .gitignore.

Patterns (``exclude``, ``extend-exclude``, ``.gitignore``) use gitignore syntax through
pathspec, the library pip, black and hatch use for the same job. Directory symlinks are not
followed and file symlinks are only read when they point inside the tree being walked, so a
repository cannot make twelvecheck read outside the paths it was given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pathspec

from twelvecheck.findings import ToolError

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", "_darcs", ".jj",
    "__pycache__", "node_modules", "build", "dist", "site-packages",
    ".tox", ".nox", ".venv", "venv", ".eggs", "*.egg-info", ".direnv",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".twelvecheck_cache",
)
PYTHON_SUFFIXES = (".py", ".pyw")
PACKAGING_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display: str
    kind: str  # "python" or a logging config kind: "ini", "yaml", "json"
    explicit: bool = False


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    errors: list[ToolError] = field(default_factory=list)
    # pyproject.toml / setup.cfg / setup.py met on the walk (monorepos hold several).
    packaging: list[Path] = field(default_factory=list)


def display_path(path: Path, cwd: Path) -> str:
    absolute = path if path.is_absolute() else cwd / path
    try:
        return Path(os.path.relpath(absolute, cwd)).as_posix() if _inside(absolute, cwd) else absolute.as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


def _relative_posix(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` with '/' separators (the walk asks this per file)."""
    relative = os.path.relpath(path, base)
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def _inside(path: Path, root: Path) -> bool:
    inner, outer = os.path.normpath(path), os.path.normpath(root)
    return inner == outer or inner.startswith(outer if outer.endswith(os.sep) else outer + os.sep)


def _kind_of(path: Path, include_configs: bool, include_process_files: bool = False) -> str | None:
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if include_process_files:  # Procfile (and variants, monorepo ones too), app.json
        from twelvecheck.procfile import process_file_kind

        kind = process_file_kind(path)
        if kind is not None:
            return kind
    if include_configs:
        from twelvecheck.configfiles import config_kind

        return config_kind(path)
    return None


class _Ignorer:
    """Exclude patterns relative to the project root plus .gitignore files on the way."""

    def __init__(self, root: Path, patterns: list[str], respect_gitignore: bool) -> None:
        self.root = root
        self.spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        self.respect_gitignore = respect_gitignore
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._git_dirs_cache: dict[Path, list[Path]] = {}
        self._named_root_ignored: dict[tuple[Path, Path], bool] = {}
        self._named_root_excluded: dict[Path, bool] = {}

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            spec = None
            try:
                text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
                spec = _lenient_spec(text.splitlines())
            except OSError:
                pass
            self._gitignores[directory] = spec
        return self._gitignores[directory]

    def _git_dirs(self, path: Path) -> list[Path]:
        """Directories whose .gitignore applies to ``path``: up to the repository root."""
        cached = self._git_dirs_cache.get(path.parent)
        if cached is not None:
            return cached
        dirs = self._git_dirs_cache[path.parent] = []
        directory = path.parent
        while True:
            dirs.append(directory)
            if (directory / ".git").exists() or directory.parent == directory:
                break
            directory = directory.parent
        return dirs

    def ignored(self, path: Path, is_dir: bool, walk_base: Path, named_root: bool = True) -> bool:
        """Whether ``path`` (found under ``walk_base``, a path the user named) is excluded.

        With ``named_root`` (the default) a pattern or .gitignore that excludes the named
        path itself does not hide what is in it: the user asked for it. --force-exclude
        passes False to apply every pattern to the named path too.
        """
        suffix = "/" if is_dir else ""
        base = self.root if _inside(path, self.root) else walk_base
        if named_root and base != walk_base and self._excludes_named_root(walk_base):
            base = walk_base  # patterns still apply below the named path
        relative = _relative_posix(path, base)
        if relative != "." and self.spec.match_file(relative + suffix):
            return True
        if self.respect_gitignore:
            # The nearest .gitignore that decides wins, so a deeper `!pattern` re-includes.
            for directory in self._git_dirs(path):
                spec = self._gitignore(directory)
                if spec is None or (named_root and self._ignores_named_root(directory, spec, walk_base)):
                    continue
                include = spec.check_file(_relative_posix(path, directory) + suffix).include
                if include is not None:
                    return include
        return False

    def _excludes_named_root(self, walk_base: Path) -> bool:
        if walk_base not in self._named_root_excluded:
            relative = Path(os.path.relpath(walk_base, self.root)).as_posix()
            self._named_root_excluded[walk_base] = relative != "." and self.spec.match_file(relative + "/")
        return self._named_root_excluded[walk_base]

    def _ignores_named_root(self, directory: Path, spec: pathspec.GitIgnoreSpec, walk_base: Path) -> bool:
        """A .gitignore above a path the user named that ignores that path itself.

        The user asked for it explicitly, so that .gitignore must not hide its contents
        (pyenv's checkout ignores /versions/, which holds the standard library).
        """
        if directory == walk_base or not _inside(walk_base, directory):
            return False
        key = (directory, walk_base)
        if key not in self._named_root_ignored:
            relative = Path(os.path.relpath(walk_base, directory)).as_posix()
            self._named_root_ignored[key] = spec.match_file(relative + "/")
        return self._named_root_ignored[key]


def _lenient_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """A .gitignore's patterns; like git, skip the lines that are no valid pattern."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # pathspec's pattern errors (a lone "!" or "\\")
        valid = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return pathspec.GitIgnoreSpec.from_lines(valid)


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
) -> Discovery:
    found = Discovery()
    ignorer = _Ignorer(root, exclude, respect_gitignore)
    seen: set[Path] = set()

    def add(path: Path, kind: str, explicit: bool) -> None:
        key = Path(os.path.normpath(cwd / path))
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

            for file_path, kind in _walk(absolute, ignorer, include_configs, include_process_files, unlisted):
                if kind == "packaging":
                    found.packaging.append(file_path)
                else:
                    add(_shown(file_path, path, absolute), kind, False)
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


def _walk(top: Path, ignorer: _Ignorer, include_configs: bool, include_process_files: bool = False,
          unlisted: Callable[[Path, OSError], None] = lambda directory, error: None):
    real_top = Path(os.path.realpath(top))
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            unlisted(directory, error)  # said, not skipped silently: its files go unchecked
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if ignorer.ignored(path, True, top) or (path / "pyvenv.cfg").exists():
                    continue
                subdirs.append(path)
                continue
            kind = _kind_of(path, include_configs, include_process_files)
            if entry.name in PACKAGING_FILES and not is_link and not ignorer.ignored(path, False, top):
                yield path, "packaging"  # console scripts of a project inside the tree
            if kind is None or ignorer.ignored(path, False, top):
                continue
            if is_link:
                target = Path(os.path.realpath(path))
                if target.exists() and (not _inside(target, real_top) or target.is_dir()):
                    continue
            yield path, kind
        stack.extend(reversed(subdirs))
