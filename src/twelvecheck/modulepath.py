"""A file's dotted module name, from the file system alone (no libcst, nothing imported)."""

from __future__ import annotations

from pathlib import Path


def module_name_from_path(path: Path) -> tuple[str, bool]:
    """Dotted module name of a file, walking up through packages (dirs with __init__.py).

    Only the file system is consulted; nothing is imported. Returns (name, is_package).
    """
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.append(directory.name)
        if directory.parent == directory:
            break
        directory = directory.parent
    if not parts:
        parts = [path.parent.name or "__main__"]
    return ".".join(reversed(parts)), is_package
