"""Expression helpers shared by rules: calls, arguments, literals, paths, opened files."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.names import dotted_name

if TYPE_CHECKING:
    from twelvecheck.engine.analyze import FileContext

OPEN_FUNCTIONS = frozenset({"builtins.open", "io.open", "codecs.open", "os.open", "os.fdopen"})
PATH_CONSTRUCTORS = frozenset({
    "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath",
    "os.path.join", "os.path.abspath", "os.path.expanduser", "os.path.realpath",
    "os.path.normpath", "os.fspath",
})
DEVNULL_STRINGS = frozenset({"/dev/null", "nul", "NUL"})


def argument(call: cst.Call, position: int, keyword: str | None = None) -> cst.BaseExpression | None:
    """The expression passed at ``position`` or as ``keyword=``; None if absent or starred.
    (Also for ``ast.Call``, whose keywords are kept apart: the whole-program facts.)"""
    if isinstance(call, ast.Call):
        if keyword is not None:
            for named in call.keywords:
                if named.arg == keyword:
                    return named.value  # type: ignore[return-value]
        if any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
            return None
        return call.args[position] if position < len(call.args) else None  # type: ignore[return-value]
    if keyword is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in positional[: position + 1]):
        return None
    if position < len(positional):
        return positional[position].value
    return None


def keyword_argument(call: cst.Call, keyword: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain or implicitly concatenated string literal, else None."""
    if isinstance(node, ast.AST):
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def keyword_is_true(call: cst.Call, keyword: str) -> bool:
    arg = keyword_argument(call, keyword)
    return arg is not None and is_true(arg.value)


def string_items(node: cst.BaseExpression) -> list[str]:
    """The string literals of a list/tuple literal (other elements are skipped)."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return []
    items = []
    for element in node.elements:
        value = element.value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            items.append(value.evaluated_value)
    return items


def is_stringish(node: cst.BaseExpression) -> bool:
    """A string literal, f-string, or string formatting of a literal."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Modulo, cst.Add)):
        return is_stringish(node.left) or is_stringish(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "format" and is_stringish(node.func.value):
            return True
    return False


def is_path_expression(node: cst.BaseExpression, ctx: "FileContext") -> bool:
    """An expression that evidently evaluates to a file system path (not a stream)."""
    if is_stringish(node):
        return True
    if isinstance(node, cst.Call):
        if ctx.qualify(node.func) in PATH_CONSTRUCTORS:
            return True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in {"joinpath", "with_suffix", "with_name"}:
            return is_path_expression(node.func.value, ctx)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return is_path_expression(node.left, ctx)
    return False


def is_devnull(node: cst.BaseExpression | None, ctx: "FileContext") -> bool:
    if node is None:
        return False
    if string_value(node) in DEVNULL_STRINGS:
        return True
    if isinstance(node, cst.Call) and ctx.qualify(node.func) == "builtins.getattr":
        # getattr(os, "devnull", "/dev/null")
        return string_value(argument(node, 1)) == "devnull"
    return ctx.qualify(node) == "os.devnull" if isinstance(node, (cst.Name, cst.Attribute)) else False


def opened_path(node: cst.BaseExpression, ctx: "FileContext") -> cst.BaseExpression | None:
    """For ``open(p, ...)``, ``os.open(p, ...)``, ``Path(p).open(...)``: the path expression.

    ``X.fileno()`` is looked through to X. Anything else gives None.
    """
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "fileno" and not node.args:
        return opened_path(func.value, ctx)
    qualified = ctx.qualify(func)
    if qualified in OPEN_FUNCTIONS and qualified != "os.fdopen":
        return argument(node, 0, "file") or argument(node, 0, "path") or argument(node, 0, "filename")
    if isinstance(func, cst.Attribute) and func.attr.value == "open" and isinstance(func.value, cst.Call):
        inner = func.value
        if ctx.qualify(inner.func) in {"pathlib.Path", "pathlib.PosixPath"}:
            return argument(inner, 0) or inner
    return None


def target_key(node: cst.BaseExpression) -> str | None:
    """A key for an assignment target or a use of it: ``name`` or ``self.attr``."""
    return dotted_name(node)


def subexpressions(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node and everything below it, except the bodies of lambdas and nested defs."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)) and current is not node:
            continue
        pending.extend(current.children)
