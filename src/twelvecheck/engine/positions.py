"""Where nodes are: libcst's ``PositionProvider`` positions, for a fraction of its cost.

Positions come from generating the module's code again and counting lines and columns on
the way. libcst's provider builds a ``CodePosition`` and a ``CodeRange`` object per node,
splits every token with a regular expression, and its ``resolve()`` follows that with a
batched visit over the whole tree that has nothing to do; together about as much as a parse.
This recorder keeps plain tuples, splits only tokens holding a line break, and skips the
visit: about a third of the time. The positions are libcst's exactly (same codegen hooks,
same syntactic start and end nodes); tests/test_walk.py compares them on every fixture.

``SourceSpans`` gives CPython ``ast`` nodes spans in the same convention (1-based lines and
character columns), for the whole-program facts, which are collected from ``ast``.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Optional

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.core.findings import LineIndex, Span

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


class SourceSpans(LineIndex):
    """Spans of ``ast`` nodes in a text: ``ast`` counts columns in UTF-8 bytes, a Span in
    characters. Lines are those of ``LineIndex``, split as CPython and libcst split them (not
    ``str.splitlines``, which also breaks at form feeds)."""

    @property
    def newline(self) -> str:
        """The line break the file uses: its first one, as libcst's ``default_newline``."""
        if len(self.starts) == 1:
            return "\n"
        end = self.starts[1]
        return "\r\n" if self.text[end - 2:end] == "\r\n" else self.text[end - 1]

    def line_text(self, line: int) -> str:
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1]:end]

    def column(self, line: int, byte_offset: int) -> int:
        """The 1-based character column of a byte offset into a line."""
        text = self.line_text(line)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return Span(line, self.column(line, node.col_offset), end_line,  # type: ignore[attr-defined]
                    self.column(end_line, node.end_col_offset or 0))  # type: ignore[attr-defined]

    def statement_start(self, node: ast.stmt) -> int:
        """The line a statement starts on: its first decorator's, for a decorated one."""
        return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])

    def name_span(self, node: "ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef") -> Span:
        """Where a definition's name is (``ast`` locates only its ``def`` or ``class``)."""
        offset = self.starts[node.lineno - 1] + self.column(node.lineno, node.col_offset) - 1
        found = _DEFINITION.match(self.text, offset)
        start = found.end() if found else offset
        line = bisect_right(self.starts, start)  # starts at or before the name: its line number
        column = start - self.starts[line - 1] + 1
        return Span(line, column, line, column + len(node.name))


# `async def`, `def` or `class`, then the blanks and line continuations before the name.
_DEFINITION = re.compile(r"(?:async(?:[ \t\f]|\\\r?\n)+)?(?:def|class)(?:[ \t\f]|\\\r?\n)+")


def _compute(module: cst.Module) -> dict[cst.CSTNode, tuple[_Point, _Point]]:
    recorder_class = _recorder_class()
    if recorder_class is None:  # pragma: no cover - a libcst that moved its codegen hooks
        from libcst.metadata import MetadataWrapper, PositionProvider  # libcst: only in this fallback

        resolved = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {node: ((r.start.line, r.start.column), (r.end.line, r.end.column)) for node, r in resolved.items()}
    recorder = recorder_class(module.default_indent, module.default_newline)
    module._codegen(recorder)
    return recorder.ranges


def codegen_state_class() -> type | None:
    """libcst's code generator state (not public API: None if a release moves it, and the
    callers fall back). The position recorder builds on it; pyfix renders fixes with it."""
    try:
        from libcst._nodes.internal import CodegenState  # deferred with libcst (core/lazy.py)
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
