"""Reading dict literals (``{...}`` and ``dict(...)``) without evaluating anything."""

from __future__ import annotations

from typing import Callable, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import string_value

# (key as a string, key node to report at, value node)
Entry = tuple[str, "cst.CSTNode", "cst.BaseExpression"]


def dict_entries(
    node: cst.BaseExpression,
    resolve_name: Callable[[str], cst.BaseExpression | None] = lambda name: None,
    depth: int = 0,
) -> Iterator[Entry] | None:
    """Entries with string keys of a dict display or ``dict(k=v)`` call, else None.

    ``resolve_name`` lets a value that is a module-level name stand for its literal.
    """
    if isinstance(node, cst.Name) and depth < 3:
        target = resolve_name(node.value)
        return dict_entries(target, resolve_name, depth + 1) if target is not None else None
    if isinstance(node, cst.Dict):
        return _display_entries(node)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        return _call_entries(node)
    return None


def _display_entries(node: cst.Dict) -> Iterator[Entry]:
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            key = string_value(element.key)
            if key is not None:
                yield key, element.key, element.value


def _call_entries(node: cst.Call) -> Iterator[Entry]:
    for arg in node.args:
        if arg.keyword is not None:
            yield arg.keyword.value, arg.keyword, arg.value
