"""What a report is rendered against: the working directory, the repository root that CI
formats name files from, colors and the other text options, and the checked files' lines."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from twelvecheck.core.values import Mutable
from twelvecheck.files.ignoring import repository_root

if TYPE_CHECKING:
    from twelvecheck.reports.sources import SourceCache


class ReportContext(Mutable):  # core/values.py: the dataclass cost a replay's start 0.5 ms
    _fields = ("cwd", "root", "color", "statistics", "quiet", "show_source", "stdin_name", "stdin_source", "_sources",
               "paths")
    cwd: Path
    root: Path | None  # repository root; found from cwd when None
    color: bool
    statistics: bool
    quiet: bool
    show_source: bool
    stdin_name: str | None
    stdin_source: bytes | None
    _sources: SourceCache | None
    paths: tuple[str, ...]  # the paths checked, as given (the HTML header shows them)

    def __init__(self, cwd: Path | None = None, root: Path | None = None, color: bool = False,
                 statistics: bool = False, quiet: bool = False, show_source: bool = False,
                 stdin_name: str | None = None, stdin_source: bytes | None = None,
                 _sources: SourceCache | None = None, paths: tuple[str, ...] = ()) -> None:
        self.cwd = Path.cwd() if cwd is None else cwd
        self.root = repository_root(self.cwd.resolve()) if root is None else root
        self.color = color
        self.statistics = statistics
        self.quiet = quiet
        self.show_source = show_source
        self.stdin_name = stdin_name
        self.stdin_source = stdin_source
        self._sources = _sources
        self.paths = paths

    @property
    def sources(self) -> SourceCache:
        if self._sources is None:
            # Loaded when a report shows source lines: a plain text report never does.
            from twelvecheck.reports.sources import SourceCache

            self._sources = SourceCache(self.cwd, self.stdin_name, self.stdin_source)
        return self._sources

    def repo_path(self, path: str) -> str | None:
        """``path`` (relative to cwd) relative to the repository root with '/', or None when
        it is outside the root (or standard input without a name)."""
        if path == "-" and self.stdin_source is not None and not self.stdin_name:
            return None
        absolute = Path(path) if os.path.isabs(path) else self.cwd / path
        relative = os.path.relpath(os.path.normpath(absolute), self.root)
        if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
            return None
        return Path(relative).as_posix()

    def display_path(self, path: str) -> str:
        """The repository-relative path when there is one, else the path as reported."""
        return self.repo_path(path) or path

    def uri(self, path: str) -> tuple[str, str | None]:
        """(uri, uriBaseId) for SARIF: relative to %SRCROOT% when inside the root."""
        relative = self.repo_path(path)
        if relative is not None:
            return quote(relative, safe="/"), "%SRCROOT%"
        if path == "-":
            return "stdin", None
        absolute = Path(path) if os.path.isabs(path) else self.cwd / path
        return Path(os.path.normpath(absolute)).as_uri(), None
