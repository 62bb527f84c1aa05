"""Whether a Python script a command runs does anything when run: a script whose top level
only imports other people's modules and defines functions (``clock.py`` defining ``job()``
for someone to call) exits as soon as it starts. Read with CPython's parser, never run.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable

MAX_SCRIPT_BYTES = 256 * 1024


def defines_only(path: Path, is_project_module: Callable[[str], bool]) -> list[str] | None:
    """The names a script defines when its top level does nothing else (imports of modules
    that are not the project's, functions and classes without decorators, literal
    constants, docstrings); None when it may run something, or cannot be read."""
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            return None
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    defined: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if (isinstance(node, ast.ImportFrom) and node.level) or any(
                    is_project_module(module.split(".")[0]) for module in modules):
                return None  # the project's module may run something when imported
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.decorator_list or (isinstance(node, ast.ClassDef) and not _inert_class(node)):
                return None
            defined.append(node.name)
        elif not _inert(node):
            return None
    return defined or None


def _inert(node: ast.stmt) -> bool:
    """A statement that runs nothing: a docstring or constant, ``pass``, a literal assigned."""
    if isinstance(node, ast.Pass):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        try:
            ast.literal_eval(node.value)
        except (ValueError, SyntaxError, TypeError, RecursionError):
            return False
        return True
    return isinstance(node, ast.AnnAssign) and node.value is None


def _inert_class(node: ast.ClassDef) -> bool:
    if node.keywords or any(not isinstance(base, (ast.Name, ast.Attribute)) for base in node.bases):
        return False
    return all(_inert(statement) or (isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                                     and not statement.decorator_list) for statement in node.body)
