"""Reading dict literals (``{...}`` and ``dict(...)``), and the item paths stored into them,
without evaluating anything."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.names import dotted_name
from twelvecheck.program.values.exprs import argument, string_value

# (key as a string, key node to report at, value node)
Entry = tuple[str, "cst.CSTNode", "cst.BaseExpression"]

# Calls that return a copy of the dict they are given (``copy.deepcopy(BASE)``).
COPY_FUNCTIONS = frozenset({"copy.deepcopy", "copy.copy"})
_MAX_DEPTH = 4
# Paths a subscript with a loop name for a key stands for, at most.
_MAX_PATHS = 8


def dict_entries(
    node: cst.BaseExpression,
    resolve_name: Callable[[str], cst.BaseExpression | None] = lambda name: None,
    depth: int = 0,
    qualify: Callable[[cst.BaseExpression], str | None] | None = None,
) -> Iterator[Entry] | None:
    """Entries with string keys of a dict display or ``dict(k=v)`` call, else None.

    ``resolve_name`` lets a value that is a module-level name stand for its literal. Then a
    copy or merge of such a name is read too: ``{**BASE, "k": v}``, ``dict(BASE, k=v)``,
    ``copy.deepcopy(BASE)`` (with ``qualify``, the qualified name of a callee),
    ``BASE.copy()``; a later key replaces an earlier one.
    """
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, cst.Name):
        target = resolve_name(node.value)
        return dict_entries(target, resolve_name, depth + 1, qualify) if target is not None else None
    source = copied_dict(node, qualify)
    if source is not None:
        return dict_entries(source, resolve_name, depth + 1, qualify)
    if isinstance(node, cst.Dict):
        return _latest(_display_entries(node, resolve_name, depth, qualify))
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        return _latest(_call_entries(node, resolve_name, depth, qualify))
    return None


def copied_dict(node: cst.BaseExpression,
                qualify: Callable[[cst.BaseExpression], str | None] | None = None) -> cst.BaseExpression | None:
    """For ``copy.deepcopy(X)``, ``copy.copy(X)`` or ``X.copy()``: X, else None."""
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "copy" and not node.args:
        return func.value
    name = qualify(func) if qualify is not None else dotted_name(func)
    if name in COPY_FUNCTIONS and len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
        return node.args[0].value
    return None


def merged_sources(node: cst.BaseExpression,
                   qualify: Callable[[cst.BaseExpression], str | None] | None = None) -> list[cst.BaseExpression]:
    """The expressions a dict copies or merges entries from: X in ``{**X}``, ``dict(X)``,
    ``dict(**X)``, ``copy.deepcopy(X)``, ``X.copy()``, or X itself when it is a name."""
    if isinstance(node, cst.Name):
        return [node]
    source = copied_dict(node, qualify)
    if source is not None:
        return [source]
    if isinstance(node, cst.Dict):
        return [element.value for element in node.elements if isinstance(element, cst.StarredDictElement)]
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        return [arg.value for arg in node.args if arg.keyword is None]
    return []


def _latest(entries: Iterator[Entry]) -> Iterator[Entry]:
    listed = list(entries)
    last = {key: index for index, (key, _, _) in enumerate(listed)}
    return iter([entry for index, entry in enumerate(listed) if last[entry[0]] == index])


def _merged(value: cst.BaseExpression, resolve_name, depth: int, qualify) -> Iterator[Entry]:
    """The entries of a dict merged in (``**X``, ``dict(X)``); none when X is unknown."""
    yield from dict_entries(value, resolve_name, depth + 1, qualify) or ()


def _display_entries(node: cst.Dict, resolve_name, depth: int, qualify) -> Iterator[Entry]:
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            key = string_value(element.key)
            if key is not None:
                yield key, element.key, element.value
        elif isinstance(element, cst.StarredDictElement):
            yield from _merged(element.value, resolve_name, depth, qualify)


def _call_entries(node: cst.Call, resolve_name, depth: int, qualify) -> Iterator[Entry]:
    for arg in node.args:
        if arg.keyword is not None:
            yield arg.keyword.value, arg.keyword, arg.value
        else:
            yield from _merged(arg.value, resolve_name, depth, qualify)


def keyword_value(call: cst.Call, keyword: str,
                  values: Callable[[cst.BaseExpression], Iterable[cst.BaseExpression]] | None = None,
                  qualify: Callable[[cst.BaseExpression], str | None] | None = None) -> cst.BaseExpression | None:
    """What a call passes as ``keyword=``: the argument itself, or the entry of a mapping it
    expands (``f(**OPTIONS)``, ``f(**{"k": v})``), a name standing for the dict literals it
    was assigned (through ``values``, an ``AssignedValues.values``). None if neither says."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    for arg in call.args:
        if arg.star != "**":
            continue
        for mapping in values(arg.value) if values is not None else (arg.value,):
            for key, _, value in dict_entries(mapping, qualify=qualify) or ():
                if key == keyword:
                    return value
    return None


def item_paths(node: cst.BaseExpression,
               loop_keys: dict[str, list[str]] | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """``X["a"]["b"]`` (or ``X.setdefault("a", {})["b"]``) -> [("X", ("a", "b"))]; ``X`` ->
    [("X", ())]; a key that is a loop name bound to known keys (``X["handlers"][name]`` in
    ``for name in ("a", "b")``) gives a path for each of them; anything else, none."""
    alternatives: list[list[str]] = []
    while True:
        if isinstance(node, cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return []
            index, node = node.slice[0].slice.value, node.value
            key = string_value(index)
            keys = [key] if key is not None else \
                (loop_keys or {}).get(index.value, []) if isinstance(index, cst.Name) else []
        elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
              and node.func.attr.value == "setdefault"):  # X.setdefault("a", {}) is X["a"]
            key, node = string_value(argument(node, 0)), node.func.value
            keys = [key] if key is not None else []
        else:
            break
        if not keys:
            return []
        alternatives.append(keys)
    if not isinstance(node, cst.Name):
        return []
    paths: list[tuple[str, ...]] = [()]
    for keys in reversed(alternatives):
        paths = [(*path, key) for path in paths for key in keys][:_MAX_PATHS]
    return [(node.value, path) for path in paths]


def literal_keys(walked: cst.BaseExpression, resolve: Callable[[str], cst.BaseExpression | None],
                 qualify: Callable[[cst.BaseExpression], str | None] | None = None) -> list[str]:
    """The string keys of a dict (or the strings of a list or tuple) a loop walks, through
    a module-level name."""
    held = resolve(walked.value) if isinstance(walked, cst.Name) else walked
    if isinstance(held, (cst.List, cst.Tuple, cst.Set)):
        return [text for element in held.elements if (text := string_value(element.value)) is not None]
    return [key for key, _, _ in dict_entries(walked, resolve, qualify=qualify) or ()]
