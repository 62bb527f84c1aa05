"""Fixes for Python files: built by rules from nodes, turned into text edits after the walk.

A rule describes its fix with nodes (``PendingFix``): which node to replace by which code,
and which modules the new code needs imported. The engine locates the nodes (the positions
it computes for the finding anyway) and renders replacement nodes with libcst's code
generator, which keeps every comment and space inside them. Imports go after the module's
leading imports (after its docstring and ``__future__`` imports when it has none), the
place a reader and isort expect them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from twelvecheck.core.findings import SAFE, UNSAFE, Edit, Fix, LineIndex, Span
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.positions import Positions, SourceSpans, codegen_state_class

if TYPE_CHECKING:
    from twelvecheck.engine.names import ImportTable


@dataclass
class PendingFix:
    applicability: str
    message: str
    # (node, what replaces it): code, or a node rendered with the module's code generator
    replacements: list[tuple[cst.CSTNode, "str | cst.CSTNode"]] = field(default_factory=list)
    imports: tuple[str, ...] = ()  # `import X` statements the new code needs

    @classmethod
    def safe(cls, message: str, *replacements: tuple[cst.CSTNode, "str | cst.CSTNode"],
             imports: Sequence[str] = ()) -> "PendingFix":
        return cls(SAFE, message, list(replacements), tuple(imports))

    @classmethod
    def unsafe(cls, message: str, *replacements: tuple[cst.CSTNode, "str | cst.CSTNode"],
               imports: Sequence[str] = ()) -> "PendingFix":
        return cls(UNSAFE, message, list(replacements), tuple(imports))


def module_reference(imports: "ImportTable", module: str, spelled_as: cst.BaseExpression | None = None
                     ) -> tuple[str, tuple[str, ...]] | None:
    """How code at the point being visited names ``module`` (a top-level module such as
    ``sys``), and the imports that takes: the head of ``spelled_as`` when that already names
    it (``lg`` in ``lg.FileHandler``), its own name when bound to it, a module-level alias
    (``import signal as sig``), its own name imported when unbound, or None when the name
    means something else here."""
    if spelled_as is not None:
        head = spelled_as
        while isinstance(head, cst.Attribute):
            head = head.value
        if isinstance(head, cst.Name) and imports.lookup(head.value) == module:
            return head.value, ()
    bound = imports.lookup(module)
    if bound == module:
        return module, ()
    alias = imports.alias_of(module)
    if alias is not None and imports.lookup(alias) == module:  # not shadowed where the fix goes
        return alias, ()
    if bound is None:
        return module, (module,)
    return None


def remove_arguments(call: cst.Call, drop: Sequence[cst.Arg]) -> cst.Call:
    """``call`` without the arguments in ``drop``, its commas and line breaks tidied."""
    kept = [arg for arg in call.args if not any(arg is gone for gone in drop)]
    return call.with_changes(args=end_like(list(call.args), kept))


def end_like(original: list, kept: list) -> list:
    """Items of a call or display after some were removed: the new last one ends the way the
    original last one did, with or without a trailing comma, and with the space or line
    break that came before the closing bracket."""
    if kept and original and kept[-1] is not original[-1]:
        changes = {"comma": original[-1].comma}
        if isinstance(original[-1], cst.Arg):
            changes["whitespace_after_arg"] = original[-1].whitespace_after_arg
        kept[-1] = kept[-1].with_changes(**changes)
    return kept


def materialize(pending: PendingFix, module: cst.Module, positions: "Positions", text: str,
                statement: cst.CSTNode | None, tree: ast.Module) -> Fix | None:
    """The fix as text edits, or None when a node cannot be located. ``statement`` (the one
    holding the finding) gives the indentation that continuation lines of new code take;
    ``tree`` is CPython's tree of the same text (where imports go)."""
    edits = []
    index: LineIndex | None = None
    try:
        for node, replacement in pending.replacements:
            if isinstance(replacement, str):
                content = replacement
            else:
                line = positions.span(statement if statement is not None else node).line
                index = index or LineIndex(text)  # lines as libcst counts them (not str.splitlines)
                start = index.offset(line, 1)
                line_text = text[start:index.starts[line]] if line < len(index.starts) else text[start:]
                content = render(replacement, module, line_text[:len(line_text) - len(line_text.lstrip(" \t"))])
                if content is None:
                    return None
            edits.append(Edit(positions.span(node), content))
    except (KeyError, ValueError):  # a node that is not in this module's tree
        return None
    if pending.imports:
        anchor = import_anchor(tree, SourceSpans(text))
        if anchor is None:
            return None
        edits.append(import_edit(*anchor, module.default_newline, pending.imports))
    if not edits:
        return None
    return Fix(pending.applicability, pending.message, tuple(edits))


def render(node: cst.CSTNode, module: cst.Module, indentation: str) -> str | None:
    """A node's code as it reads inside a block indented by ``indentation``.

    ``Module.code_for_node`` renders as if at the top level: a call split over lines, inside
    a function, would lose the function's indentation on its continuation lines. libcst
    takes that indentation from its code generator's state, which is set here."""
    CodegenState = codegen_state_class()
    if CodegenState is None:  # pragma: no cover - a libcst that moved it: no fix rather than a wrong one
        return None
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    if indentation:
        state.indent_tokens.append(indentation)
    node._codegen(state)
    return "".join(state.tokens)


def import_anchor(tree: ast.Module, spans: "SourceSpans") -> tuple[str, Span] | None:
    """Where new imports go, as ("after" | "after-last-line" | "before", a statement's span):
    after the leading imports, else after the docstring and ``__future__`` imports, else
    before the first statement (below a shebang and the header comments). Read from
    CPython's tree, which the engine has for every file (the whole-program facts too)."""
    body = tree.body
    index = 1 if body and _is_docstring(body[0]) else 0
    while index < len(body) and _is_import(body[index], future=True):
        index += 1
    after = body[index - 1] if index else None
    while index < len(body) and _is_import(body[index], future=False):
        after = body[index]
        index += 1
    if after is None:
        if not body:
            return None
        line = spans.statement_start(body[0])
        return "before", Span(line, 1, line, 1)
    if after is body[-1] and not spans.text.endswith(("\n", "\r")):
        return "after-last-line", spans.span(after)
    return "after", spans.span(after)


def import_edit(place: str, span: Span, newline: str, modules: Sequence[str]) -> Edit:
    """The edit adding ``import X`` lines at an anchor (``import_anchor``) whose span is known."""
    content = "".join(f"import {name}{newline}" for name in sorted(set(modules)))
    if place == "before":
        return Edit(Span(span.line, 1, span.line, 1), content)
    if place == "after-last-line":  # the file's last line has no line break: end it first
        return Edit(Span(span.end_line, span.end_column, span.end_line, span.end_column), newline + content)
    return Edit(Span(span.end_line + 1, 1, span.end_line + 1, 1), content)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, (str, bytes))


def _is_import(statement: ast.stmt, future: bool) -> bool:
    if not isinstance(statement, (ast.Import, ast.ImportFrom)):
        return False
    is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__" and not statement.level
    return is_future == future
