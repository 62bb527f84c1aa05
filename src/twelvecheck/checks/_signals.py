"""Which signal an expression names, and what a handler expression does with it."""

from __future__ import annotations

import signal as _signal
from typing import TYPE_CHECKING, Callable, Iterable

from twelvecheck.lazy import libcst as cst

from twelvecheck.names import dotted_name

if TYPE_CHECKING:
    from twelvecheck.engine import FileContext

# Numbers as POSIX fixes them (they are what `signal.signal(15, ...)` means on Linux).
_BY_NUMBER = {2: "SIGINT", 15: "SIGTERM", 1: "SIGHUP", 13: "SIGPIPE", 3: "SIGQUIT"}
_SIGNAL_NAMES = frozenset(name for name in dir(_signal) if name.startswith("SIG") and not name.startswith("SIG_"))


def signals_of(node: cst.BaseExpression | None, ctx: "FileContext", loop_vars: dict[str, set[str]] | None = None,
               values: Callable[[cst.BaseExpression], Iterable[cst.BaseExpression]] | None = None) -> set[str]:
    """The signal names an expression may denote: ``signal.SIGTERM``, ``Signals.SIGTERM``,
    ``15``, a name bound by ``for sig in (SIGINT, SIGTERM)`` (``loop_vars``), or what a
    variable was assigned (``values``, e.g. AssignedValues.values)."""
    if node is None:
        return set()
    if values is not None and isinstance(node, (cst.Name, cst.Attribute)):
        found: set[str] = set()
        for value in values(node):
            found |= signals_of(value, ctx, loop_vars)
        if found:
            return found
    if isinstance(node, cst.Integer):
        name = _BY_NUMBER.get(node.evaluated_value)
        return {name} if name else set()
    if isinstance(node, cst.Name) and loop_vars and node.value in loop_vars:
        return set(loop_vars[node.value])
    if isinstance(node, (cst.Name, cst.Attribute)):
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
    if values is not None and isinstance(node, (cst.Name, cst.Attribute)):
        kinds = {handler_kind(value, ctx) for value in values(node)}
        if len(kinds) == 1:
            return kinds.pop()
    if isinstance(node, (cst.Name, cst.Attribute)):
        qualified = ctx.qualify(node)
        if qualified in ("signal.SIG_IGN", "signal.Handlers.SIG_IGN"):
            return "ignore"
        if qualified in ("signal.SIG_DFL", "signal.Handlers.SIG_DFL"):
            return "default"
    if isinstance(node, cst.Lambda) and _does_nothing(node.body):
        return "ignore"
    return "handler"


def _does_nothing(body: cst.BaseExpression) -> bool:
    return (isinstance(body, cst.Name) and body.value == "None") or isinstance(body, cst.Ellipsis) or (
        isinstance(body, (cst.Integer, cst.SimpleString)))


def describe(node: cst.BaseExpression) -> str:
    return dotted_name(node) or type(node).__name__
