"""TWC203 on logging configuration files: fileConfig INI, and YAML/JSON in the dictConfig schema.

(The Python side is logging_config_file_handler.py, whose rule reads these files through
``config_problems``.) Input that does not parse is no logging config this rule can judge: it
yields no findings, never an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from twelvecheck.core.lazy import yaml

from twelvecheck.checks.logging._handlers import (FILE_HANDLER_CLASSES, handler_class_string_entry,
                                                  handler_class_string_is_file)
from twelvecheck.core.findings import Span
from twelvecheck.engine.rule import Problem

MAX_CHARS = 2 * 1024 * 1024
WHERE = {"ini": "INI logging config", "yaml": "YAML logging config", "json": "JSON logging config"}
# Keys that, next to ``handlers``, make a mapping a dictConfig config (not an Ansible play).
DICTCONFIG_MARKERS = frozenset({"version", "formatters", "loggers", "root", "disable_existing_loggers"})
# Class names as they appear in text, for the cheap gate ("FileHandler", "DailyLogFile", ...).
_CLASS_TOKENS = tuple(sorted({name.rsplit(".", 1)[-1] for name in FILE_HANDLER_CLASSES}))
_MERGE_TAG = "tag:yaml.org,2002:merge"


# What makes a file a logging configuration at all, whatever its handlers: fileConfig's
# [loggers]/[handlers]/[formatters] sections (logging.config docs, "Configuration file
# format"); a dictConfig mapping's "handlers" key beside one of its other keys.
_INI_SECTIONS = re.compile(r"^[ \t]*\[(?:loggers|handlers|formatters)\][ \t]*$", re.M)
_MAPPING_KEY = re.compile(
    r"""(?<![\w-])["']?(handlers|version|formatters|loggers|root|disable_existing_loggers)["']?[ \t]*:""")


def is_logging_config(text: str, kind: str) -> bool:
    """Whether a file is a logging configuration (TWC203 reads it), findings or none: a
    pre-commit configuration, a CI workflow or a JSON report is not."""
    if kind == "ini":
        return _INI_SECTIONS.search(text) is not None
    if kind not in WHERE or "handlers" not in text:
        return False
    keys = set(_MAPPING_KEY.findall(text))
    return "handlers" in keys and bool(keys & DICTCONFIG_MARKERS)


def looks_like_logging_config(text: str, kind: str) -> bool:
    """Cheap text gate before parsing."""
    if kind not in WHERE or "handler" not in text or len(text) > MAX_CHARS:
        return False
    return "filename" in text or any(token in text for token in _CLASS_TOKENS)


@dataclass
class _Hit:
    handler: str
    detail: str
    span: Span
    handler_line: int  # the handler's own line (section header / mapping key): its "statement"


def config_problems(text: str, kind: str) -> list[Problem]:
    """TWC203's problems in a logging configuration file of this kind ("ini", "yaml", "json")."""
    if not looks_like_logging_config(text, kind):
        return []
    if kind == "ini":
        hits = _ini_hits(text)
    elif kind == "yaml":
        hits = _yaml_hits(text) or []
    else:
        # JSON must be valid JSON (YAML also accepts trailing commas, comments, ...); YAML
        # nodes then give exact positions, and a text search does when YAML cannot read it.
        try:
            data = json.loads(text, object_pairs_hook=_Object)
        except (ValueError, RecursionError):
            return []
        hits = _yaml_hits(text)
        if hits is None:  # valid JSON has tabs only as whitespace: same positions without
            hits = _yaml_hits(text.replace("\t", " "))
        if hits is None:  # e.g. a control character in a string, a key over 1024 characters
            hits = _json_hits(text, data)
    # A directive above the handler (its section header or key) covers it, as one above a
    # statement does in Python (JSON has no comments).
    return [Problem(hit.span, {"handler": hit.handler, "detail": hit.detail, "where": WHERE[kind],
                               "knowledge": _entry(hit.detail)},
                    statement_line=hit.handler_line) for hit in hits]


def _entry(detail: str) -> str | None:
    """The ``[handlers]`` entry behind a hit on a ``class`` (none for a bare filename)."""
    return handler_class_string_entry(detail[len("class "):]) if detail.startswith("class ") else None


# --- fileConfig INI
_SECTION_RE = re.compile(r"\[(?P<header>.+)\]")
_OPTION_RE = re.compile(r"(?P<option>.*?)\s*[=:]\s*(?P<value>.*)$")


@dataclass
class _IniOption:
    line: int
    column: int
    end_column: int
    values: list[str]  # the first line's value, then continuation lines


@dataclass
class _IniSection:
    name: str
    line: int
    options: dict[str, _IniOption] = field(default_factory=dict)


def _scan_ini(text: str) -> list[_IniSection]:
    """Sections and options with positions, following configparser's default syntax."""
    sections: list[_IniSection] = []
    current: _IniSection | None = None
    option: _IniOption | None = None
    indent_level = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue  # blank lines and comment lines do not end a multi-line value
        indent = len(raw) - len(raw.lstrip())
        if option is not None and indent > indent_level:
            option.values.append(stripped)  # continuation line
            continue
        indent_level = indent
        option = None
        match = _SECTION_RE.match(stripped)
        if match:
            current = _IniSection(match.group("header"), number)
            sections.append(current)
            continue
        if current is None:
            return []  # configparser: MissingSectionHeaderError; fileConfig cannot read it
        match = _OPTION_RE.match(stripped)
        if match and match.group("option").strip():
            option = _IniOption(number, indent + 1, len(raw.rstrip()) + 1, [match.group("value")])
            current.options[match.group("option").rstrip().lower()] = option
    return sections


def _ini_hits(text: str) -> list[_Hit]:
    sections = _scan_ini(text)
    handler_sections = [s for s in sections if s.name.startswith("handler_")]
    declared = next((s.options["keys"] for s in sections if s.name == "handlers" and "keys" in s.options), None)
    # fileConfig only builds the handlers listed in [handlers] keys=.
    listed = None if declared is None else {k.strip() for k in "\n".join(declared.values).split(",")}
    hits = []
    for section in handler_sections:
        name = section.name[len("handler_"):]
        option = section.options.get("class")
        if option is None or (listed is not None and name not in listed):
            continue
        # fileConfig eval()s the class, so a trailing '# ...' is a Python comment.
        class_name = "\n".join(option.values).split("#", 1)[0].strip()
        if class_name and handler_class_string_is_file(class_name):
            span = Span(option.line, option.column, option.line, option.end_column)
            hits.append(_Hit(name, f"class {class_name}", span, section.line))
    return hits


# --- YAML (and JSON read as YAML)

# No logging configuration nests flow collections this deep; PyYAML takes ~25 s to compose
# 20,000 nested '[', so a hostile file is passed over rather than parsed.
MAX_FLOW_DEPTH = 200
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _flow_depth(text: str) -> int:
    """The deepest nesting of [ ] and { } (brackets in strings count too: an upper bound)."""
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _yaml_hits(text: str) -> list[_Hit] | None:
    """Hits in every document of the stream, or None if it does not parse as YAML."""
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        return None
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    hits: list[_Hit] = []
    stack = [doc for doc in documents if doc is not None]
    seen: set[int] = set()  # aliases can share nodes or even make cycles
    cache: dict[int, _Pairs] = {}
    try:
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                entries = _yaml_mapping(node, cache)
                if "handlers" in entries and DICTCONFIG_MARKERS.intersection(entries):
                    hits.extend(_yaml_handlers(entries["handlers"][1], cache))
                stack.extend(value for _, value in node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
    except RecursionError:  # a very long chain of '<<' merges
        return []
    return hits


_Pairs = "dict[str, tuple[yaml.Node, yaml.Node]]"  # a string: yaml loads when first used


def _yaml_mapping(node: yaml.MappingNode, cache: dict[int, _Pairs]) -> _Pairs:
    """key -> (key node, value node), ``<<`` merges applied; memoized, as merges of aliases
    can be cyclic or fan out exponentially."""
    if id(node) in cache:
        return cache[id(node)]
    cache[id(node)] = {}  # a merge cycle sees no keys
    explicit: _Pairs = {}
    merged: _Pairs = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.tag == _MERGE_TAG:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    for name, pair in _yaml_mapping(source, cache).items():
                        merged.setdefault(name, pair)
        else:
            explicit[key.value] = (key, value)
    cache[id(node)] = result = {**merged, **explicit}
    return result


def _mark_span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _yaml_handlers(node: yaml.Node, cache: dict[int, _Pairs]) -> list[_Hit]:
    if not isinstance(node, yaml.MappingNode):
        return []
    hits = []
    for name, (key, handler) in _yaml_mapping(node, cache).items():
        if not isinstance(handler, yaml.MappingNode):
            continue
        fields = _yaml_mapping(handler, cache)
        line = key.start_mark.line + 1
        class_node = fields.get("class", (None, None))[1]
        if isinstance(class_node, yaml.ScalarNode) and handler_class_string_is_file(class_node.value):
            hits.append(_Hit(name, f"class {class_node.value.strip()}", _mark_span(class_node), line))
        elif "filename" in fields:
            hits.append(_Hit(name, "a filename", _mark_span(fields["filename"][0]), line))
    return hits


# --- JSON that YAML cannot read

class _Object(list):
    """A JSON object as its (key, value) pairs, in document order."""


def _json_hits(text: str, data: object) -> list[_Hit]:
    found: list[tuple[bool, str, str, str]] = []  # (first in block, handler, key, class)
    stack = [data]
    while stack:  # document order: children are pushed reversed
        value = stack.pop()
        if isinstance(value, _Object):
            entries = dict(value)
            handlers = entries.get("handlers")
            if isinstance(handlers, _Object) and DICTCONFIG_MARKERS.intersection(entries):
                first = True
                for name, handler in handlers:
                    fields = dict(handler) if isinstance(handler, _Object) else {}
                    cls = fields.get("class")
                    if isinstance(cls, str) and handler_class_string_is_file(cls):
                        found.append((first, name, "class", cls))
                    elif "filename" in fields:
                        found.append((first, name, "filename", ""))
                    else:
                        continue
                    first = False
            stack.extend(reversed([v for _, v in value]))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    hits = []
    cursor = 0
    for first, name, key, cls in found:
        # Positions by text search, moving forward through the file in document order:
        # the "handlers" key, the handler's key (as json.dumps or the raw text spells it),
        # then its class value or filename key.
        if first:
            match = _JSON_HANDLERS_RE.search(text, cursor)
            cursor = match.end() if match else cursor
        for spelling in (json.dumps(name), f'"{name}"'):
            match = re.compile(rf"{re.escape(spelling)}\s*:").search(text, cursor)
            if match:
                cursor = match.start()
                break
        match = (_JSON_CLASS_RE if key == "class" else _JSON_FILENAME_RE).search(text, cursor)
        begin, end = match.span(1) if match else (cursor, cursor + 1)
        cursor = end
        span = Span(*_position(text, begin), *_position(text, end))
        hits.append(_Hit(name, f"class {cls.strip()}" if key == "class" else "a filename", span, 0))
    return hits


_JSON_HANDLERS_RE = re.compile(r'"handlers"\s*:\s*\{')
_JSON_CLASS_RE = re.compile(r'"class"\s*:\s*("(?:[^"\\]|\\.)*")')
_JSON_FILENAME_RE = re.compile(r'("filename")\s*:')


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
