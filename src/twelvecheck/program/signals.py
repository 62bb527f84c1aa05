"""Which signal an expression names, and what a handler expression does with it.

Expressions come from libcst (the per-file rules) or from CPython's ``ast`` (the
whole-program facts); ``_shape`` reads the few forms that matter from either.
"""

from __future__ import annotations

import ast
import signal as _signal
from typing import TYPE_CHECKING, Callable, Iterable

from twelvecheck.core.lazy import libcst as cst


if TYPE_CHECKING:
    from twelvecheck.engine.analyze import FileContext

# Numbers as POSIX fixes them (they are what `signal.signal(15, ...)` means on Linux).
_BY_NUMBER = {2: "SIGINT", 15: "SIGTERM", 1: "SIGHUP", 13: "SIGPIPE", 3: "SIGQUIT"}
_SIGNAL_NAMES = frozenset(name for name in dir(_signal) if name.startswith("SIG") and not name.startswith("SIG_"))


def _shape(node) -> tuple[str, object]:
    """("reference", name or None), ("int", value), ("lambda", body), ("nothing", None) for
    a literal that does nothing as a lambda's body (None, ..., a number or a string), or
    ("other", None)."""
    if isinstance(node, ast.AST):
        if isinstance(node, ast.Name):
            return "reference", node.id
        if isinstance(node, ast.Attribute):
            return "reference", None
        if isinstance(node, ast.Lambda):
            return "lambda", node.body
        if isinstance(node, ast.Constant) and not isinstance(node.value, (bool, float, complex)):
            return ("int", node.value) if isinstance(node.value, int) else ("nothing", None)
        return "other", None
    if isinstance(node, cst.Name):
        return ("nothing", None) if node.value == "None" else ("reference", node.value)
    if isinstance(node, cst.Attribute):
        return "reference", None
    if isinstance(node, cst.Lambda):
        return "lambda", node.body
    if isinstance(node, cst.Integer):
        return "int", node.evaluated_value
    if isinstance(node, (cst.Ellipsis, cst.SimpleString)):
        return "nothing", None
    return "other", None


def signals_of(node: cst.BaseExpression | None, ctx: "FileContext", loop_vars: dict[str, set[str]] | None = None,
               values: Callable[[cst.BaseExpression], Iterable[cst.BaseExpression]] | None = None) -> set[str]:
    """The signal names an expression may denote: ``signal.SIGTERM``, ``Signals.SIGTERM``,
    ``15``, a name bound by ``for sig in (SIGINT, SIGTERM)`` (``loop_vars``), or what a
    variable was assigned (``values``, e.g. AssignedValues.values)."""
    if node is None:
        return set()
    shape, detail = _shape(node)
    if values is not None and shape == "reference":
        found: set[str] = set()
        for value in values(node):
            found |= signals_of(value, ctx, loop_vars)
        if found:
            return found
    if shape == "int":
        name = _BY_NUMBER.get(detail)  # type: ignore[call-overload]
        return {name} if name else set()
    if shape == "reference" and loop_vars and detail in loop_vars:
        return set(loop_vars[detail])  # type: ignore[index]
    if shape == "reference":
        qualified = ctx.qualify(node)
        if qualified and qualified.startswith("signal."):
            last = qualified.rsplit(".", 1)[-1]
            if last in _SIGNAL_NAMES:
                return {last}
    return set()


def handler_kind(node: cst.BaseExpression | None, ctx: "FileContext",
                 values: Callable[[cst.BaseExpression], Iterable[cst.BaseExpression]] | None = None) -> str:
    """'ignore' (SIG_IGN or a do-nothing lambda), 'default' (SIG_DFL), or 'handler'."""
    if node is None:
        return "handler"
    shape, detail = _shape(node)
    if values is not None and shape == "reference":
        kinds = {handler_kind(value, ctx) for value in values(node)}
        if len(kinds) == 1:
            return kinds.pop()
    if shape == "reference":
        qualified = ctx.qualify(node)
        if qualified in ("signal.SIG_IGN", "signal.Handlers.SIG_IGN"):
            return "ignore"
        if qualified in ("signal.SIG_DFL", "signal.Handlers.SIG_DFL"):
            return "default"
    if shape == "lambda" and _shape(detail)[0] in ("nothing", "int"):  # `lambda *_: None`
        return "ignore"
    return "handler"


# Literal collections longer than this are data tables, not the signals a program handles.
_MAX_ELEMENTS = 16
# A signal named by a constant of another module, for the whole program to look up: "@" and
# the constant's qualified name (lifetime.py reads it through Project.files' signal constants).
ELSEWHERE = "@"


def collection_signals(node: ast.expr, ctx: "FileContext", loop_vars: dict[str, set[str]],
                       values: Callable[[ast.expr], Iterable[ast.expr]]) -> set[str]:
    """The signals a tuple, list, set or dict (its keys) names, through what a name was
    assigned (``SIGNALS = (SIGTERM, SIGINT)``); a constant of another module
    (``settings.STOP_SIGNALS``) as ``@`` and its qualified name. CPython ``ast`` only."""
    found: set[str] = set()
    for value in values(node):
        if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            elements = value.elts
        elif isinstance(value, ast.Dict):
            elements = [key for key in value.keys if key is not None]
        else:
            found |= signals_of(value, ctx, loop_vars) or elsewhere(value, ctx)  # type: ignore[arg-type]
            continue
        for element in elements[:_MAX_ELEMENTS]:
            named = element.value if isinstance(element, ast.Starred) else element
            found |= signals_of(named, ctx, loop_vars)  # type: ignore[arg-type]
    return found


def elsewhere(node: ast.expr, ctx: "FileContext") -> set[str]:
    """``{"@pkg.settings.STOP"}`` for a reference to a constant of another module, else empty."""
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return set()
    qualified = ctx.qualify(node)  # type: ignore[arg-type]
    if not qualified or "." not in qualified or qualified.startswith(("signal.", "builtins.")):
        return set()
    return {ELSEWHERE + qualified}
