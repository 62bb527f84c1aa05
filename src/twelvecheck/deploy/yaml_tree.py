"""YAML read with positions: what the deployment descriptors (compose, Kubernetes, render.yaml,
heroku.yml) are read through.

PyYAML's ``compose_all`` gives nodes with marks; this keeps them as ``Node`` objects with
their Python value and their 1-based line and column, so a reader can say where a command
or a replica count is written. Only the safe loader's tags are read: nothing is constructed
but plain data, and nothing is executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from twelvecheck.core.lazy import yaml

# Helm charts and Jinja/Ansible templates are not YAML until they are rendered.
_TEMPLATE_RE = re.compile(r"\{\{-?\s|\{%-?\s")


class YamlError(Exception):
    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


@dataclass
class Node:
    value: Any  # a str, int, float, bool or None for a scalar; else see items/elements
    line: int
    column: int
    items: dict[str, tuple["Node", "Node"]] = field(default_factory=dict)  # a mapping: key -> (key, value)
    elements: list["Node"] = field(default_factory=list)  # a sequence
    kind: str = "scalar"  # "scalar", "mapping" or "sequence"
    quoted: bool = False  # a scalar written in quotes

    def get(self, *path: str) -> "Node | None":
        """The value at a path of mapping keys, or None where one is missing."""
        node: Node | None = self
        for key in path:
            if node is None or node.kind != "mapping" or key not in node.items:
                return None
            node = node.items[key][1]
        return node

    def key_of(self, key: str) -> "Node | None":
        """The key node itself (where the entry is written)."""
        entry = self.items.get(key) if self.kind == "mapping" else None
        return entry[0] if entry else None

    def text(self) -> str | None:
        """A scalar as text (numbers too), else None."""
        if self.kind != "scalar" or self.value is None:
            return None
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return self.value if isinstance(self.value, str) else str(self.value)

    def strings(self) -> list[str] | None:
        """A sequence of scalars as text, else None."""
        if self.kind != "sequence":
            return None
        texts = [element.text() for element in self.elements]
        return None if any(text is None for text in texts) else texts  # type: ignore[return-value]

    def mappings(self) -> Iterator[tuple[str, "Node", "Node"]]:
        if self.kind == "mapping":
            for name, (key, value) in self.items.items():
                yield name, key, value


def is_template(text: str) -> bool:
    """Whether the file holds template syntax (Helm, Jinja): it is not YAML until rendered."""
    return _TEMPLATE_RE.search(text) is not None


def read_documents(text: str) -> list[Node]:
    """Every document of the text, as positioned nodes (an empty document is left out)."""
    try:
        roots = list(yaml.compose_all(text.replace("\t", " "), Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = f"not valid YAML: {error.problem or error.context or 'unreadable'}"
        raise YamlError(reason, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise YamlError(f"not valid YAML: {type(error).__name__}") from None
    state = _State(yaml.constructor.SafeConstructor())
    return [_convert(root, 0, state) for root in roots if root is not None]


_MAX_DEPTH = 200
# Aliases make a tree out of a small file ("billion laughs"): past this many nodes, stop.
_MAX_NODES = 200_000


@dataclass
class _State:
    constructor: Any
    nodes: int = 0


def _convert(node: Any, depth: int, state: _State) -> Node:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    state.nodes += 1
    if depth > _MAX_DEPTH:
        raise YamlError("nested too deeply", line, column)
    if state.nodes > _MAX_NODES:
        raise YamlError(f"more than {_MAX_NODES} nodes once aliases are expanded", line, column)
    if isinstance(node, yaml.MappingNode):
        converted = Node(None, line, column, kind="mapping")
        merged: list[Node] = []
        for key, value in node.value:
            key_node = _convert(key, depth + 1, state)
            name = key_node.text()
            if name == "<<":  # `<<: *defaults`: the anchored mapping's entries, where not set here
                source = _convert(value, depth + 1, state)
                merged.extend(source.elements if source.kind == "sequence" else [source])
            elif name is not None:
                converted.items[name] = (key_node, _convert(value, depth + 1, state))
        for source in merged:
            for name, entry in source.items.items():
                converted.items.setdefault(name, entry)
        return converted
    if isinstance(node, yaml.SequenceNode):
        return Node(None, line, column, elements=[_convert(item, depth + 1, state) for item in node.value], kind="sequence")
    return Node(_scalar(node, state.constructor), line, column, quoted=node.style in ("'", '"'))


def _scalar(node: Any, constructor: Any) -> Any:
    """A scalar's value as the safe loader would construct it (int, float, bool, None, str);
    a value it cannot construct (a bad timestamp) stays its text."""
    try:
        value = constructor.construct_object(node, deep=False)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return node.value
    return value if isinstance(value, (str, int, float, bool)) or value is None else node.value
