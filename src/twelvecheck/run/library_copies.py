"""Which library copies the project uses: a folder holding its own packaging metadata and
licence (files/roles.py finds them) is a vendored copy only while nothing outside it imports
it. A monorepo's ``libs/billing/`` with its own pyproject.toml and LICENSE that a service
imports runs in production, and is checked as production code; the same folder copied in
and never imported is passed over.

Imports are read from the text of every Python file of the run (files/imports_text.py, the
pattern the fact closure starts from), because the program model has facts only from the
files an entry point reaches, and this decision comes before the analysis. A copy imported
by a copy in use is in use too. Where this can be wrong: an import built at run time
(``importlib.import_module(name)``) is not seen, so such a copy stays vendored, and a
mention in a string that looks like an import statement counts as one.
"""

from __future__ import annotations

import os
from pathlib import Path

from twelvecheck.files.discovery import SourceFile
from twelvecheck.files.modulepath import module_name_from_path
from twelvecheck.files.roles import VENDORED, FileRoles
from twelvecheck.files.imports_text import imports_in_text

# Modules beside a library's packaging that are its build and test scripts, never imported.
_BUILD_SCRIPTS = frozenset({"setup", "conftest", "noxfile", "fabfile"})


def copies_in_use(judge: FileRoles, files: list[SourceFile], cwd: Path) -> set[str]:
    """The library copies of ``judge`` (absolute folders ending in a separator) that a Python
    file outside them imports, directly or through another copy in use."""
    if not judge.copies:
        return set()
    modules: dict[str, str] = {}  # absolute path -> module name, for the Python files
    copy_of: dict[str, str | None] = {}
    provides: dict[str, set[str]] = {copy: set() for copy in judge.copies}
    for source in files:
        if source.kind != "python":
            continue
        path = os.path.normpath(os.path.join(cwd, source.path))
        modules[path] = module_name_from_path(path)[0]
        copy_of[path] = next((copy for copy in judge.copies if path.startswith(copy)), None)
        top = modules[path].partition(".")[0]
        if copy_of[path] is not None and top not in _BUILD_SCRIPTS and judge.role(source.display) == VENDORED:
            provides[copy_of[path]].add(top)  # its tests (a test role) provide nothing

    def imported_tops(paths: list[str]) -> set[str]:
        return {name.partition(".")[0] for path in paths for name in imports_in_text(path, modules[path])}

    used: set[str] = set()
    imported = imported_tops([path for path, copy in copy_of.items() if copy is None])
    while True:
        found = {copy for copy, names in provides.items() if copy not in used and names & imported}
        if not found:
            return used
        used |= found
        imported |= imported_tops([path for path, copy in copy_of.items() if copy in found])
