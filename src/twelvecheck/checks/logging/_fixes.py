"""The logging rules' fixes (TWC201, TWC202, TWC203): send the records to a standard stream.

Each builder returns None where the change would be a guess: a ``**kwargs`` that may hold
more file options, a name (``sys``, ``logging``) that means something else at that point,
a handler class that is not the standard library's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twelvecheck.core.lazy import libcst as cst
from twelvecheck.engine.pyfix import PendingFix, end_like, module_reference, remove_arguments
from twelvecheck.program.values.exprs import string_value

if TYPE_CHECKING:
    from twelvecheck.engine.names import ImportTable

# The standard library's file handlers: their stream counterpart is logging.StreamHandler.
STDLIB_FILE_HANDLERS = frozenset({
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
})
# basicConfig arguments that only matter with ``filename`` (the FileHandler it would make).
BASICCONFIG_FILE_ARGUMENTS = ("filename", "filemode", "encoding", "errors")
# loguru.logger.add() options for file sinks only: with a stream sink they raise TypeError.
LOGURU_FILE_OPTIONS = frozenset({"rotation", "retention", "compression", "delay", "watch", "mode",
                                 "buffering", "encoding", "opener", "newline", "errors"})
# dictConfig handler keys that configure a file handler and no StreamHandler accepts.
DICTCONFIG_FILE_KEYS = frozenset({"filename", "mode", "encoding", "delay", "errors", "maxBytes", "backupCount",
                                  "when", "interval", "utc", "atTime"})


def _has_double_star(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def basicconfig_to_stderr(call: cst.Call) -> PendingFix | None:
    """``basicConfig(filename=..., filemode=...)`` without its file arguments: stderr."""
    if _has_double_star(call):
        return None
    drop = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value in BASICCONFIG_FILE_ARGUMENTS]
    names = ", ".join(f"{arg.keyword.value}=" for arg in drop)  # type: ignore[union-attr]
    return PendingFix.safe(f"remove {names} (the root logger writes to stderr)", (call, remove_arguments(call, drop)))


def loguru_sink_to_stderr(call: cst.Call, imports: "ImportTable") -> PendingFix | None:
    """``logger.add("app.log", rotation=...)`` -> ``logger.add(sys.stderr)``, the file-only
    options removed (loguru rejects them for a stream)."""
    if _has_double_star(call):
        return None
    sys_name = module_reference(imports, "sys")
    if sys_name is None:
        return None
    name, needed = sys_name
    positional = [arg for arg in call.args if arg.keyword is None]
    sink = next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "sink"), None)
    sink = sink or (positional[0] if positional and not positional[0].star else None)
    if sink is None:
        return None
    stream = cst.Attribute(value=cst.Name(name), attr=cst.Name("stderr"))
    drop = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value in LOGURU_FILE_OPTIONS]
    fixed = remove_arguments(call, drop)
    fixed = fixed.with_changes(args=[arg.with_changes(value=stream) if arg is sink else arg for arg in fixed.args])
    return PendingFix.safe(f"log to {name}.stderr", (call, fixed), imports=needed)


def handler_to_stream(call: cst.Call, qualified: str, imports: "ImportTable") -> PendingFix | None:
    """``logging.FileHandler(...)`` (or a rotating one) -> ``logging.StreamHandler(sys.stdout)``.
    Unsafe: code may use the file handler's own methods and attributes (``doRollover``,
    ``baseFilename``) afterwards."""
    if qualified not in STDLIB_FILE_HANDLERS:
        return None
    logging_name = module_reference(imports, "logging", spelled_as=call.func)
    sys_name = module_reference(imports, "sys")
    if logging_name is None or sys_name is None:
        return None
    replacement = f"{logging_name[0]}.StreamHandler({sys_name[0]}.stdout)"
    return PendingFix.unsafe(f"use {replacement}", (call, replacement), imports=logging_name[1] + sys_name[1])


def dictconfig_handler_to_stream(handler: cst.BaseExpression, class_value: cst.BaseExpression
                                 ) -> PendingFix | None:
    """A dictConfig handler entry of a standard file handler class -> a StreamHandler on
    ``ext://sys.stdout`` (dictConfig resolves that itself), the file-only keys removed and
    the others (level, formatter, filters) kept. Unsafe: what reads the log file breaks."""
    if not isinstance(handler, cst.Dict) or not isinstance(class_value, cst.SimpleString):
        return None
    if string_value(class_value) not in STDLIB_FILE_HANDLERS:
        return None
    elements = list(handler.elements)
    keys = [string_value(element.key) if isinstance(element, cst.DictElement) else None for element in elements]
    if any(key is None for key in keys):
        return None  # `**defaults` or a computed key: what else it sets is unknown
    quote = class_value.quote
    stream_wanted = "stream" not in keys
    kept: list[cst.BaseDictElement] = []
    for element, key in zip(elements, keys):
        if key in DICTCONFIG_FILE_KEYS:
            continue
        if key == "class":
            element = element.with_changes(value=class_value.with_changes(value=f"{quote}logging.StreamHandler{quote}"))
            if stream_wanted:
                stream = cst.DictElement(cst.SimpleString(f"{quote}stream{quote}"),
                                         cst.SimpleString(f"{quote}ext://sys.stdout{quote}"),
                                         whitespace_before_colon=element.whitespace_before_colon,
                                         whitespace_after_colon=element.whitespace_after_colon,
                                         comma=element.comma)
                spacing = element.comma.whitespace_after if isinstance(element.comma, cst.Comma) else \
                    cst.SimpleWhitespace(" ")
                kept.append(element.with_changes(comma=cst.Comma(whitespace_after=spacing)))
                kept.append(stream)
                continue
        kept.append(element)
    fixed = handler.with_changes(elements=end_like(elements, kept))
    return PendingFix.unsafe("use logging.StreamHandler on ext://sys.stdout", (handler, fixed))

