"""A file's dotted module name, from the file system alone (no libcst, nothing imported)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def module_name_from_path(path: "Path | str") -> tuple[str, bool]:
    """Dotted module name of a file, walking up through packages (dirs with __init__.py).

    Only the file system is consulted; nothing is imported. Returns (name, is_package).
    """
    return _module_name(os.fspath(path))


@lru_cache(maxsize=65536)
def _module_name(path: str) -> tuple[str, bool]:
    # Strings, not Paths, and remembered: the cache key, the fact closure and the engine
    # each ask for every file of a run. The folder is made absolute once for all its files.
    directory, name = os.path.split(path)
    directory = _absolute(directory)
    is_package = name == "__init__.py"
    packages = _packages(directory)
    parts = [*packages] if is_package else [*packages, os.path.splitext(name)[0]]
    if not parts:
        parts = [os.path.basename(directory) or "__main__"]
    return ".".join(parts), is_package


@lru_cache(maxsize=4096)
def _absolute(directory: str) -> str:
    return os.path.abspath(directory)


@lru_cache(maxsize=4096)
def _packages(directory: str) -> tuple[str, ...]:
    """The package names from the outermost package down to ``directory`` (empty when it is
    not a package). Cached per directory: every file of a run asks, several times."""
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return ()
    parent = os.path.dirname(directory)
    if parent == directory:
        return (os.path.basename(directory),)
    return (*_packages(parent), os.path.basename(directory))


def namespace_names(display_path: str, module: str, depth: int = 2) -> list[str]:
    """The longer dotted names a module is also imported by through the folders above its
    outermost package that have no ``__init__.py`` (namespace packages, PEP 420):
    ``jobs/poll.py`` (module ``poll``) is also ``jobs.poll``, from the folder above ``jobs``.
    Up to ``depth`` folders; only folders whose names are identifiers."""
    parts = display_path.replace(os.sep, "/").split("/")
    stem, _ = os.path.splitext(parts[-1])
    parts = parts[:-1] if stem == "__init__" else [*parts[:-1], stem]
    names = module.split(".")
    if len(parts) <= len(names) or parts[-len(names):] != names:
        return []
    above = parts[:-len(names)]
    found = []
    for count in range(1, min(depth, len(above)) + 1):
        folders = above[-count:]
        if not all(folder.isidentifier() for folder in folders):
            break
        found.append(".".join([*folders, *names]))
    return found
