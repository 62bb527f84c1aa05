"""Where nodes are: libcst's ``PositionProvider`` positions, for a fraction of its cost.

Positions come from generating the module's code again and counting lines and columns on
the way. libcst's provider builds a ``CodePosition`` and a ``CodeRange`` object per node,
splits every token with a regular expression, and its ``resolve()`` follows that with a
batched visit over the whole tree that has nothing to do; together about as much as a parse.
This recorder keeps plain tuples, splits only tokens holding a line break, and skips the
visit: about a third of the time. The positions are libcst's exactly (same codegen hooks,
same syntactic start and end nodes); tests/test_walk.py compares them on every fixture.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from twelvecheck.lazy import libcst as cst

from twelvecheck.findings import Span

_NEWLINE = re.compile(r"\r\n?|\n")
_Point = tuple[int, int]  # line (1-based), column (0-based), as libcst counts


class Positions:
    """Spans of a module's nodes, computed on first use."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._ranges: dict[cst.CSTNode, tuple[_Point, _Point]] | None = None

    def span(self, node: cst.CSTNode) -> Span:
        if self._ranges is None:
            self._ranges = _compute(self.module)
        (line, column), (end_line, end_column) = self._ranges[node]
        return Span(line, column + 1, end_line, end_column + 1)


def _compute(module: cst.Module) -> dict[cst.CSTNode, tuple[_Point, _Point]]:
    recorder_class = _recorder_class()
    if recorder_class is None:  # pragma: no cover - a libcst that moved its codegen hooks
        from libcst.metadata import MetadataWrapper, PositionProvider

        resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {node: ((r.start.line, r.start.column), (r.end.line, r.end.column)) for node, r in resolved.items()}
    recorder = recorder_class(module.default_indent, module.default_newline)
    module._codegen(recorder)
    return recorder.ranges


def codegen_state_class() -> type | None:
    """libcst's code generator state (not public API: None if a release moves it, and the
    callers fall back). The position recorder builds on it; pyfix renders fixes with it."""
    try:
        from libcst._nodes.internal import CodegenState
    except ImportError:  # pragma: no cover
        return None
    return CodegenState


@lru_cache(maxsize=None)
def _recorder_class() -> type | None:
    """The recorder, built on the codegen state libcst's own position provider uses (made on
    first use: importing that module loads libcst)."""
    CodegenState = codegen_state_class()
    if CodegenState is None:  # pragma: no cover
        return None

    class Recorder(_Recorder, CodegenState):  # type: ignore[misc,valid-type]
        pass

    return Recorder


class _Recorder:
    """A codegen state (mixed into libcst's, see _recorder_class) that records where each
    node starts and ends."""

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.line = 1
        self.column = 0
        self.starts: list[_Point] = []
        self.ranges: dict[cst.CSTNode, tuple[_Point, _Point]] = {}

    def _advance(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    # The tokens are kept (a list append is cheap): Module's codegen looks at how many there are.
    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        if node not in self.ranges:  # a syntactic position recorded inside wins
            self.ranges[node] = (start, (self.line, self.column))

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None,
                                  end_node: Optional[cst.CSTNode] = None) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """``with state.record_syntactic_position(node, ...)``, as a plain class (faster than a
    generator-based context manager, and libcst enters one per expression)."""

    __slots__ = ("recorder", "node", "start_node", "end_node", "start")

    def __init__(self, recorder: _Recorder, node: cst.CSTNode, start_node: Optional[cst.CSTNode],
                 end_node: Optional[cst.CSTNode]) -> None:
        self.recorder, self.node, self.start_node, self.end_node = recorder, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = (self.recorder.line, self.recorder.column)

    def __exit__(self, *exc_info: object) -> None:
        recorder = self.recorder
        ranges = recorder.ranges
        start = ranges[self.start_node][0] if self.start_node is not None else self.start
        end = ranges[self.end_node][1] if self.end_node is not None else (recorder.line, recorder.column)
        ranges[self.node] = (start, end)
