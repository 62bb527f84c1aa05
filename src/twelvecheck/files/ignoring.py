"""Exclude patterns and .gitignore files: which paths of a tree are not checked.

Patterns use gitignore syntax through pathspec, the library pip, black and hatch use for the
same job. ``Ignorer.ignored`` judges one path (the paths named on the command line); the
walk in discovery.py asks ``WalkRules``, which decides per folder what it can, on strings
(``tests/test_discovery_walk.py`` holds the two to the same answers).
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    import pathspec


def _relative_posix(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` with '/' separators."""
    relative = os.path.relpath(path, base)
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def repository_folders(directory: Path) -> Iterator[Path]:
    """``directory`` and its parents, up to the repository root (the first holding ``.git``)
    or the file system's root: where .gitignore files, console scripts and the Procfile a
    checked path belongs to are looked for."""
    for candidate in (directory, *directory.parents):
        yield candidate
        if (candidate / ".git").exists():
            return


def repository_root(directory: Path) -> Path:
    """The nearest folder at or above ``directory`` holding ``.git`` (a folder or a file);
    ``directory`` itself when none does."""
    *_, last = repository_folders(directory)
    return last if (last / ".git").exists() else directory


def inside(path: "Path | str", root: "Path | str") -> bool:
    """Whether ``path`` is ``root`` or below it, lexically."""
    inner, outer = os.path.normpath(path), os.path.normpath(root)
    return inner == outer or inner.startswith(outer if outer.endswith(os.sep) else outer + os.sep)


class Ignorer:
    """Exclude patterns relative to the project root plus .gitignore files on the way."""

    def __init__(self, root: Path, patterns: list[str], respect_gitignore: bool) -> None:
        self.root = root
        self._patterns = patterns
        self.respect_gitignore = respect_gitignore
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._git_dirs_cache: dict[Path, list[Path]] = {}
        self._named_root_ignored: dict[tuple[Path, Path], bool] = {}
        self._named_root_excluded: dict[Path, bool] = {}
        self.consulted: list[str] = []  # the .gitignore files looked for, read or missing

    # The patterns are compiled when first asked for: a run whose walk is remembered
    # (walk_memo.py) judges no path, and need not load pathspec at all.
    @cached_property
    def spec(self) -> "pathspec.GitIgnoreSpec":
        return _gitignore_spec().from_lines(self._patterns)

    @cached_property
    def match(self) -> Callable[[str], bool]:
        return _matcher(self.spec)  # spec.match_file, one regex when it can be

    @cached_property
    def walk_matchers(self) -> tuple[Callable[[str], bool] | None, Callable[[str], bool]]:
        return _walk_matchers(self.spec)

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._gitignores:
            spec = None
            self.consulted.append(os.path.join(directory, ".gitignore"))
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
        dirs = self._git_dirs_cache[path.parent] = list(repository_folders(path.parent))
        return dirs

    def ignored(self, path: Path, is_dir: bool, walk_base: Path, named_root: bool = True) -> bool:
        """Whether ``path`` (found under ``walk_base``, a path the user named) is excluded.

        With ``named_root`` (the default) a pattern or .gitignore that excludes the named
        path itself does not hide what is in it: the user asked for it. --force-exclude
        passes False to apply every pattern to the named path too.
        """
        suffix = "/" if is_dir else ""
        base = self.root if inside(path, self.root) else walk_base
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
        if directory == walk_base or not inside(walk_base, directory):
            return False
        key = (directory, walk_base)
        if key not in self._named_root_ignored:
            relative = Path(os.path.relpath(walk_base, directory)).as_posix()
            self._named_root_ignored[key] = spec.match_file(relative + "/")
        return self._named_root_ignored[key]


    # -- the walk: what ``ignored`` decides, worked out once per directory ------------------
    def walk_rules(self, top: Path) -> "WalkRules":
        return WalkRules(self, top)


class WalkRules:
    """``Ignorer.ignored(path, is_dir, top)`` for the paths a walk of ``top`` meets, with the
    per-path work done once per directory: which base the exclude patterns are relative to,
    and which .gitignore files apply (the chain up to the repository root, nearest first).
    Paths are plain strings here; ``tests/test_discovery.py`` holds the walk to ``ignored``."""

    def __init__(self, ignorer: Ignorer, top: Path) -> None:
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
        to the repository root (as ``Ignorer._git_dirs``), minus those that ignore ``top``."""
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

    def ignored(self, path: str, relative: str, name: str, is_dir: bool,
                chain: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
        """Whether the entry ``name`` of a folder the walk let through, at ``path`` and
        ``relative`` to the exclude base, is excluded."""
        suffix = "/" if is_dir else ""
        if relative != ".":
            by_name, by_path = self.ignorer.walk_matchers
            if by_name is None:
                if by_path(relative + suffix):
                    return True
            elif by_name(name + suffix) or by_path(relative + suffix):
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


def _walk_matchers(spec: pathspec.GitIgnoreSpec) -> tuple[Callable[[str], bool] | None, Callable[[str], bool]]:
    """``spec.match_file`` split for the walk: (by name, by relative path).

    A pattern with no slash but a trailing one matches a path when it matches one of its
    parts. On the walk every folder above an entry was let through already (and a named
    path below the base that such a pattern matches makes the named path the base, see
    ``WalkRules``), so only the last part can match: the entry's name. Names are short and
    repeat (``__init__.py``, ``locale``, ``LC_MESSAGES``), so their answers are remembered.
    With a negated pattern the order of patterns decides: no split, (None, the whole spec).
    """
    patterns = [p for p in spec.patterns if p.include is not None]
    if any(not p.include for p in patterns):
        return None, _matcher(spec)
    by_name = [p for p in patterns if _one_part(p.pattern)]
    by_path = _matcher(_gitignore_spec()([p for p in patterns if not _one_part(p.pattern)]))
    if not by_name:
        return None, by_path
    match_name = _matcher(_gitignore_spec()(by_name))
    answers: dict[str, bool] = {}

    def name_matches(name: str) -> bool:
        answer = answers.get(name)
        if answer is None:
            answer = answers[name] = match_name(name)
        return answer

    return name_matches, by_path


def _one_part(pattern: object) -> bool:
    """A gitignore line with no slash but at most one trailing one (``build``, ``*.egg-info``, ``dist/``)."""
    if not isinstance(pattern, str):
        return False
    core = pattern.rstrip(" ")
    core = core[:-1] if core.endswith("/") else core
    return bool(core) and "/" not in core and "\\" not in core


def _lenient_spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """A .gitignore's patterns; like git, skip the lines that are no valid pattern."""
    spec = _gitignore_spec()
    try:
        return spec.from_lines(lines)
    except ValueError:  # pathspec's pattern errors (a lone "!" or "\\")
        valid = []
        for line in lines:
            try:
                spec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return spec.from_lines(valid)


def _gitignore_spec() -> "type[pathspec.GitIgnoreSpec]":
    import pathspec  # deferred: loading it is a tenth of a run answered from its record

    return pathspec.GitIgnoreSpec
