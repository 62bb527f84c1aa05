"""Which files to check: walk the given paths, honour excludes and .gitignore.

Patterns (``exclude``, ``extend-exclude``, ``.gitignore``) use gitignore syntax through
pathspec, the library pip, black and hatch use for the same job. Directory symlinks are not
followed and file symlinks are only read when they point inside the tree being walked, so a
repository cannot make twelvecheck read outside the paths it was given.
"""

from __future__ import annotations

import os
import re
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
        self.match = _matcher(self.spec)  # spec.match_file, one regex when it can be
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
        if relative != "." and self.match(relative + suffix):
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


    # -- the walk: what ``ignored`` decides, worked out once per directory ------------------
    def walk_rules(self, top: Path) -> "_WalkRules":
        return _WalkRules(self, top)


class _WalkRules:
    """``_Ignorer.ignored(path, is_dir, top)`` for the paths a walk of ``top`` meets, with the
    per-path work done once per directory: which base the exclude patterns are relative to,
    and which .gitignore files apply (the chain up to the repository root, nearest first).
    Paths are plain strings here; ``tests/test_discovery.py`` holds the walk to ``ignored``."""

    def __init__(self, ignorer: _Ignorer, top: Path) -> None:
        self.ignorer = ignorer
        self.top = os.path.abspath(top)  # normalized as os.path.relpath sees it
        self.root = os.path.abspath(ignorer.root)
        # A pattern excluding the named path itself: patterns apply below it, relative to it.
        self.root_is_top = ignorer._excludes_named_root(top) and not _same(self.root, self.top)

    def base_of(self, directory: str) -> tuple[str, bool]:
        """The folder the exclude patterns of ``directory``'s entries are relative to, as a
        prefix ("" or "a/b/"), and whether that folder is the project root."""
        if not self.root_is_top and _inside_str(directory, self.root):
            return _prefix(directory, self.root), True
        return _prefix(directory, self.top), False

    def top_chain(self) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
        """The .gitignore files that apply to ``top``'s entries: ``top`` and its parents up
        to the repository root (as ``_Ignorer._git_dirs``), minus those that ignore ``top``."""
        if not self.ignorer.respect_gitignore:
            return []
        chain = []
        for directory in self.ignorer._git_dirs(Path(self.top) / "_"):
            spec = self.ignorer._gitignore(directory)
            if spec is not None and not self.ignorer._ignores_named_root(directory, spec, Path(self.top)):
                chain.append((_prefix_dir(str(directory)), spec))
        return chain

    def chain_below(self, directory: str, names: set[str],
                    parent: list[tuple[str, pathspec.GitIgnoreSpec]]) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
        """The chain for the entries of ``directory`` (below ``top``), from its parent's."""
        if not self.ignorer.respect_gitignore:
            return []
        # A folder holding .git is a repository root: the .gitignore files above stop there.
        chain = [] if ".git" in names and os.path.exists(os.path.join(directory, ".git")) else parent
        if ".gitignore" in names:
            spec = self.ignorer._gitignore(Path(directory))
            if spec is not None:
                chain = [(_prefix_dir(directory), spec), *chain]
        return chain

    def ignored(self, path: str, relative: str, is_dir: bool,
                chain: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
        suffix = "/" if is_dir else ""
        if relative != "." and self.ignorer.match(relative + suffix):
            return True
        for prefix, spec in chain:
            include = spec.check_file(path[len(prefix):] + suffix).include
            if include is not None:
                return include
        return False


def _same(a: str, b: str) -> bool:
    return os.path.normpath(a) == os.path.normpath(b)


def _inside_str(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def _prefix_dir(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _prefix(directory: str, base: str) -> str:
    """``directory`` (at or below ``base``) relative to it, as a prefix for its entries' names."""
    if directory == base:
        return ""
    relative = directory[len(_prefix_dir(base)):]
    return (relative if os.sep == "/" else relative.replace(os.sep, "/")) + "/"


def _matcher(spec: pathspec.GitIgnoreSpec) -> Callable[[str], bool]:
    """``spec.match_file`` for normalized relative paths. Without negated patterns a path is
    excluded when any pattern matches, which one regex answers in a single call."""
    patterns = [p for p in spec.patterns if p.include is not None]
    if not patterns:
        return lambda path: False
    regexes = [getattr(p, "regex", None) for p in patterns]
    if any(not p.include for p in patterns) or any(
            r is None or not isinstance(r.pattern, str) or r.flags != re.UNICODE or "(?P=" in r.pattern
            for r in regexes):
        return spec.match_file
    # Named groups (pathspec marks a directory match with one) would clash when joined.
    combined = re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', r.pattern)})" for r in regexes))
    return lambda path: combined.match(path) is not None


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


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
            for file_path, kind in _walk(absolute, ignorer, include_configs, include_process_files, unlisted):
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
    """The files below ``top`` that are not excluded, in name order, depth first, as
    ``(path, kind)`` with the path a string that begins with ``str(top)``. Works on strings
    and decides per directory what it can (a tree can hold thousands of folders)."""
    real_top = Path(os.path.realpath(top))
    rules = ignorer.walk_rules(top)
    # (the folder as spelled from top, for listing and for the paths yielded;
    #  the same normalized, for matching; the .gitignore chain of its entries)
    stack = [(str(top), rules.top, rules.top_chain())]
    while stack:
        directory, normal, chain = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            unlisted(Path(directory), error)  # said, not skipped silently: its files go unchecked
            continue
        if normal != rules.top:
            names = {entry.name for entry in entries}
            if "pyvenv.cfg" in names:
                continue  # a virtualenv: installed code, not the project's (a stat per folder cost more)
            chain = rules.chain_below(normal, names, chain)
        prefix, in_root = rules.base_of(normal)
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            full = normal + os.sep + name if normal != os.sep else os.sep + name
            # The project root met on a walk from above it: patterns apply below it.
            relative = "." if not in_root and full == rules.root and not rules.root_is_top else prefix + name
            if is_dir:
                if rules.ignored(full, relative, True, chain):
                    continue
                subdirs.append((entry.path, full, chain))
                continue
            kind = _kind_of_name(name, include_configs, include_process_files)
            packaging = name in PACKAGING_FILES and not is_link
            if kind is None and not packaging:
                continue
            if rules.ignored(full, relative, False, chain):
                continue
            path = entry.path
            if packaging:
                yield path, "packaging"  # console scripts of a project inside the tree
            if kind is None:
                continue
            if is_link:
                target = Path(os.path.realpath(path))
                if target.exists() and (not _inside(target, real_top) or target.is_dir()):
                    continue
            yield path, kind
        stack.extend(reversed(subdirs))


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _kind_of_name(name: str, include_configs: bool, include_process_files: bool) -> str | None:
    """``_kind_of`` for a file name met on the walk, without making a path of it."""
    suffix = _suffix(name)
    if suffix in PYTHON_SUFFIXES:
        return "python"
    if include_process_files and ("procfile" in name.lower() or name == "app.json"):
        from twelvecheck.procfile import process_file_kind

        kind = process_file_kind(name)
        if kind is not None:
            return kind
    if include_configs:
        from twelvecheck.configfiles import LOGGING_CONFIG_SUFFIXES

        return LOGGING_CONFIG_SUFFIXES.get(suffix.lower())
    return None
