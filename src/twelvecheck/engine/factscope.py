"""What whole-program facts see of a file: CPython's tree, its text, its module name, and an
import table kept as the walk goes (program/facts.py walks; names.py resolves)."""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterator

from twelvecheck.engine.names import ImportTable, collect_ast_module_bindings
from twelvecheck.engine.positions import SourceSpans


class FileScope:
    """What the facts see of a file: its tree, text, module name, and the import table and
    definition stacks at the point being walked (the names rules' helpers read as ``ctx``)."""

    def __init__(self, tree: ast.Module, text: str, module_name: str, is_package: bool,
                 entry_functions: frozenset[str]) -> None:
        self.tree = tree
        self.text = text
        self.spans = SourceSpans(text)
        self.module_name = module_name
        self.entry_functions = entry_functions
        self.imports = ImportTable(module_name, is_package)
        self.functions: list[ast.AST] = []
        self.classes: list[ast.ClassDef] = []
        collect_ast_module_bindings(tree, self.imports)

    def qualify(self, node: ast.expr) -> str | None:
        return self.imports.qualify(node)


# Nodes with nothing below them that a fact is made of; and the fields that hold only
# such nodes (a Name's Load, an operator). The walk skips both: half of all nodes.
LEAVES = frozenset({ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue,
                    ast.alias, ast.Global, ast.Nonlocal})
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores"})


@lru_cache(maxsize=None)
def _fields_of(kind: type) -> tuple[str, ...]:
    return tuple(name for name in kind._fields if name not in _SKIPPED_FIELDS)  # type: ignore[attr-defined]


def children(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.iter_child_nodes`` in field order, without the leaves (see LEAVES)."""
    for name in _fields_of(type(node)):
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST) and type(item) not in LEAVES:
                    yield item
        elif isinstance(value, ast.AST) and type(value) not in LEAVES:
            yield value
