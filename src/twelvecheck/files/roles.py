"""What a file is for, from where it is: production code, a test, a vendored copy of a
library, or an example. The process, logging, signal and scheduler rules judge what runs in
production; a test runner and a copy of someone else's library do not run there, so a run
passes them over unless asked (``--include-tests``, ``--include-vendored``). An example is
code a user copies into production as it is (an example's scheduler set-up becomes theirs),
so it is checked, and its findings say they are in an example.

A file's role comes from its path below the project root (the configuration's folder, else
the working directory): the configured patterns first, then the outermost folder named for a
role, then the file's name, then a library copy around it:

- *test*: a folder named like a test suite (``tests/``, ``test/``), a file named as pytest
  and unittest collect them (``test_*.py``, ``*_test.py``, ``*_tests.py``, ``tests.py``,
  ``conftest.py``), the ``testpaths`` of the project's pytest configuration (pyproject.toml,
  pytest.ini, tox.ini, setup.cfg: celery keeps its tests in ``t/``), and the ``test-paths``
  patterns of twelvecheck's configuration;
- *vendored*: a folder named for vendored code (``vendor/``, ``_vendor/``, ``third_party/``),
  a folder below the project root holding its own packaging metadata (setup.py, setup.cfg
  with [metadata], pyproject.toml with [project] or [tool.poetry]) and licence that no
  module outside it imports (a library copied in whole, ``vendorlibs/pyqs/``: the run asks
  run/library_copies.py which copies are in use) and that deploys nothing of its own (no
  Procfile, Dockerfile or app.json: a monorepo's service), and the ``vendored-paths`` patterns;
- *example*: ``examples/``, ``docs/``, ``demo/`` and the like, and ``example-paths``;
- *local*: local tooling, given by the run (run/runner.py): development deployment files
  and development settings modules (files/local_settings.py);
- *production*: everything else.

Where this can be wrong: a package of the project named ``tests`` or ``docs`` that production
imports (name it in ``per-file-ignores`` instead, or include the role), and a library copy
that the project loads by a name built at run time, or that only code outside the checked
paths imports (``vendored-paths`` cannot un-vendor it: use ``--include-vendored``). The folder the user names on the command line and the project root
are never vendored copies.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from twelvecheck.core import toml
from twelvecheck.core.lazy import deferred

configparser: Any = deferred("configparser")  # for setup.cfg and tox.ini, which few projects have

PRODUCTION, TEST, VENDORED, EXAMPLE = "production", "test", "vendored", "example"
# Local tooling: a development Procfile, Dockerfile or Compose override (files/kinds.is_local_file)
# and a development settings module (files/local_settings.py). Checked and reported (a local
# deployment file by the rules whose document says local_files), labelled.
LOCAL = "local"
PASSED_OVER = (TEST, VENDORED)  # the roles a run leaves out unless asked

# Folder names, compared case-insensitively, per role (checked in this order).
ROLE_FOLDERS = {
    TEST: frozenset({"tests", "test"}),
    VENDORED: frozenset({"vendor", "vendored", "_vendor", "third_party", "third-party", "thirdparty"}),
    EXAMPLE: frozenset({"examples", "example", "docs", "doc", "demo", "demos"}),
}
_ROLE_FOLDER = re.compile("(?:^|/)(?:" + "|".join(
    f"(?P<{role}>{'|'.join(re.escape(name) for name in sorted(names))})" for role, names in ROLE_FOLDERS.items())
    + ")/", re.IGNORECASE)
# pytest's default python_files (test_*.py, *_test.py), unittest's discovery (test*.py is
# pattern "test*.py": test_*.py covers the common spelling), Django's per-app tests.py.
TEST_FILE = re.compile(r"^(test_.*|.*_tests?|tests|conftest)\.pyi?$")
LICENCE = re.compile(r"^(licen[cs]e|copying)(\.\w+)?$", re.I)
# A folder with its own deployment is a service of a monorepo, not a library copied in.
DEPLOYS = re.compile(r"^(procfile|dockerfile|app\.json|docker-compose\.ya?ml|compose\.ya?ml)$", re.I)


class FileRoles:
    """The role of each file of a run, by its path relative to ``cwd`` (its display path)."""

    def __init__(self, root: Path, cwd: Path, checked: list[Path], packaging: list[Path],
                 role_paths: dict[str, list[str]] | None = None) -> None:
        self.root = root.resolve()
        self.cwd = cwd.resolve()
        kept = {self.root, *(path.resolve() for path in checked)}  # never vendored copies
        # Library copies: folders below the root with packaging metadata (the walk met it) and
        # a licence; the run keeps only those nothing imports (run/library_copies.py).
        # The cheap tests first: the metadata is parsed only in a folder with a licence.
        self.copies = frozenset(str(path.parent.resolve()) + os.sep for path in packaging
                                if (folder := path.parent.resolve()) not in kept and self.root in folder.parents
                                and _is_library_copy(folder) and is_packaging_metadata(path))
        role_paths = role_paths or {}
        self.patterns = {TEST: [*pytest_testpaths(self.root), *role_paths.get(TEST, [])],
                         VENDORED: list(role_paths.get(VENDORED, [])), EXAMPLE: list(role_paths.get(EXAMPLE, []))}
        self._specs: dict[str, object] = {}
        self._below_root = self.cwd == self.root or self.root in self.cwd.parents
        self._cwd_prefix = "" if self.cwd == self.root else self.cwd.relative_to(self.root).as_posix() + "/" \
            if self._below_root else None

    def role(self, display: str) -> str:
        """The role of the file shown as ``display`` (a path relative to ``cwd``, "/"-separated)."""
        if self._cwd_prefix is not None and not display.startswith(("../", "/")):
            relative = self._cwd_prefix + display  # the common case, without touching the file system
        else:
            absolute = os.path.normpath(os.path.join(self.cwd, display))
            relative = os.path.relpath(absolute, self.root).replace(os.sep, "/")
            if relative.startswith("../"):
                relative = display  # outside the project: its own path is all there is
        for role in (TEST, VENDORED, EXAMPLE):  # what the configuration names comes first
            if self.patterns[role] and self._matches(role, relative):
                return role
        folder = _ROLE_FOLDER.search(relative)  # the outermost folder with a role decides
        if folder is not None:
            return folder.lastgroup or PRODUCTION
        if TEST_FILE.match(relative.rpartition("/")[2]):
            return TEST
        if self.copies:
            absolute = os.path.normpath(os.path.join(self.cwd, display))
            if any(absolute.startswith(copy) for copy in self.copies):
                return VENDORED
        return PRODUCTION

    def keep_copies(self, copies: frozenset[str]) -> None:
        """Only ``copies`` are vendored library copies (the others are in use)."""
        self.copies = frozenset(copies)

    def _matches(self, role: str, relative: str) -> bool:
        if role not in self._specs:
            import pathspec  # deferred, as in ignoring.py: a run without such patterns never loads it

            self._specs[role] = pathspec.GitIgnoreSpec.from_lines(self.patterns[role])
        return self._specs[role].match_file(relative)  # type: ignore[attr-defined]


def is_packaging_metadata(path: Path) -> bool:
    """A file that makes its folder a distribution: setup.py, setup.cfg with [metadata], a
    pyproject.toml with [project] or [tool.poetry] (one holding only tool settings, as many a
    service's does, does not)."""
    if path.name == "setup.py":
        return True
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name == "setup.cfg":
        return re.search(r"^\[metadata\]", text, re.M) is not None
    try:
        table = toml.loads(text)
    except ValueError:
        return False
    tool = table.get("tool")
    return isinstance(table.get("project"), dict) or isinstance(tool, dict) and isinstance(tool.get("poetry"), dict)


def _is_library_copy(folder: Path) -> bool:
    """A licence beside the packaging, and nothing that deploys the folder as a service."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(LICENCE.match(name) for name in names) and not any(DEPLOYS.match(name) for name in names)


def pytest_testpaths(root: Path) -> list[str]:
    """The ``testpaths`` of the pytest configuration at ``root``, as patterns of folders. As
    pytest, the first file that is a pytest configuration decides: pytest.ini, then
    pyproject.toml with [tool.pytest.ini_options], tox.ini with [pytest], setup.cfg with
    [tool:pytest]. A file that cannot be read gives none: pytest would complain, twelvecheck
    need not."""
    sections = {"pytest.ini": "pytest", "tox.ini": "pytest", "setup.cfg": "tool:pytest"}
    for name in ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
        path = root / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if name == "pyproject.toml":
                if "pytest" not in text:
                    continue
                tool = toml.loads(text).get("tool", {})
                options = tool.get("pytest", {}).get("ini_options") if isinstance(tool, dict) else None
                if not isinstance(options, dict):
                    continue
                found = options.get("testpaths", [])
                found = found.split() if isinstance(found, str) else found
            else:
                parser = configparser.ConfigParser(interpolation=None)
                parser.read_string(text)
                if not parser.has_section(sections[name]) and name != "pytest.ini":
                    continue
                found = parser.get(sections[name], "testpaths", fallback="").split()
        except (OSError, UnicodeDecodeError, ValueError, configparser.Error, AttributeError):
            continue
        return [f"/{item.strip('/')}/" for item in found if isinstance(item, str) and item.strip("/")]
    return []
