"""The ``formation`` of an ``app.json`` (Heroku, Dokku), with positions.

Two forms exist: the object ``{"web": {"quantity": 2, "size": "basic"}}`` and the older
array ``[{"process": "web", "quantity": 2}]``. A file without ``formation`` is someone
else's ``app.json`` (Expo and others use the name): nothing to say. One that mentions a
formation but is not readable JSON is reported (TWC001), with the position when JSON gives one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from twelvecheck.core.lazy import yaml


@dataclass
class FormationItem:
    type: str
    quantity: Any  # as written; None when the entry has no quantity
    line: int  # the process type's key (or array element)
    column: int
    end_column: int
    value_line: int  # the quantity's value (the key when there is none)
    value_column: int
    value_end_column: int
    problem: str | None = None  # why the quantity (or entry) is not usable


def quantity_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"quantity {json.dumps(value)} is not a whole number"
    if value < 0:
        return f"quantity {value} is negative"
    return None


class AppJsonError(ValueError):
    """An app.json that declares a formation but cannot be read: why, and where."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        counts: dict[str, int] = {}
        for key, _ in pairs:
            counts[key] = counts.get(key, 0) + 1
        self.repeated = {key for key, count in counts.items() if count > 1}


def read_formation(text: str) -> list[FormationItem] | None:
    """The formation entries; None when the file has no formation (or is someone else's file
    that is not JSON). A file that mentions a formation and is not readable JSON raises
    AppJsonError: the platform would reject it, so the deployment is not what it says."""
    try:
        data = json.loads(text, object_pairs_hook=_Object)
    except json.JSONDecodeError as exc:
        if '"formation"' not in text:
            return None
        raise AppJsonError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:  # a number past Python's digit limit; nesting
        if '"formation"' not in text:
            return None
        raise AppJsonError("not valid JSON: nested too deeply" if isinstance(exc, RecursionError)
                           else f"not readable JSON: {exc}") from None
    if not isinstance(data, dict) or "formation" not in data:
        return None
    formation = data["formation"]
    nodes = _yaml_nodes(text)
    fallback = _find(text, '"formation"')
    items: list[FormationItem] = []
    if isinstance(formation, dict):
        for index, (name, spec) in enumerate(formation.items()):
            key_node, value_node = _pair(nodes, index)
            quantity = spec.get("quantity") if isinstance(spec, dict) else None
            quantity_node = _member(value_node, "quantity")
            item = _item(str(name), quantity, key_node, quantity_node or key_node, fallback)
            if not isinstance(spec, dict):
                item.problem = f"the entry for {name} is not an object with a quantity"
            elif name in getattr(formation, "repeated", ()):
                item.problem = "declared more than once in the formation (only this last entry counts)"
            items.append(item)
    elif isinstance(formation, list):
        for index, spec in enumerate(formation):
            node = nodes.value[index] if isinstance(nodes, yaml.SequenceNode) and index < len(nodes.value) else None
            name = spec.get("process") or spec.get("type") if isinstance(spec, dict) else None
            quantity = spec.get("quantity") if isinstance(spec, dict) else None
            item = _item(str(name or f"#{index + 1}"), quantity, node, _member(node, "quantity") or node, fallback)
            if not isinstance(name, str):
                item.problem = "a formation entry without a \"process\" name"
            items.append(item)
    else:
        items.append(_item("formation", formation, None, None, fallback))
        items[-1].problem = "formation is neither an object nor an array"
        return items
    for item in items:
        item.problem = item.problem or quantity_problem(item.quantity)
    return items


def _item(name: str, quantity: Any, key: yaml.Node | None, value: yaml.Node | None,
          fallback: tuple[int, int, int]) -> FormationItem:
    key_span = _span(key) if key is not None else fallback
    value_span = _span(value) if value is not None else key_span
    return FormationItem(name, quantity, *key_span, *value_span)


def _span(node: yaml.Node) -> tuple[int, int, int]:
    start, end = node.start_mark, node.end_mark
    end_column = end.column + 1 if end.line == start.line else start.column + 2
    return start.line + 1, start.column + 1, end_column


def _find(text: str, needle: str) -> tuple[int, int, int]:
    offset = max(text.find(needle), 0)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column, column + len(needle)


def _yaml_nodes(text: str) -> yaml.Node | None:
    """The node of the formation value, by way of YAML (JSON is YAML, give or take tabs)."""
    try:
        root = yaml.compose(re.sub(r"\t", " ", text), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return _member(root, "formation")


def _member(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in reversed(node.value):  # the last one wins, as in json.loads
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return None


def _pair(node: yaml.Node | None, index: int) -> tuple[yaml.Node | None, yaml.Node | None]:
    if not isinstance(node, yaml.MappingNode):
        return None, None
    seen: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        seen[getattr(key, "value", "")] = (key, value)  # json.loads keeps the last duplicate
    pairs = list(seen.values())
    return pairs[index] if index < len(pairs) else (None, None)
