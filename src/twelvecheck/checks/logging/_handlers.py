"""What counts as a file-writing log handler, shared by the logging rules."""

from __future__ import annotations

from twelvecheck.config import knowledge

# Qualified names of handler classes (and logger factories) that write to a file path, and
# structlog's logger factories, which write wherever ``file=`` points: a file when it is
# opened here (knowledge/logging.toml [handlers], which says where each was verified).
FILE_HANDLER_CLASSES = knowledge.names("logging", "handlers", "file-classes")
STRUCTLOG_FILE_FACTORIES = knowledge.names("logging", "handlers", "structlog-file-factories")

LOGURU_ADD = "loguru.logger.add"


def handler_class_string_is_file(value: str) -> bool:
    """A dictConfig/fileConfig ``class`` string naming a file handler."""
    return handler_class_string_entry(value) is not None


def handler_class_string_entry(value: str) -> str | None:
    """The ``[handlers]`` entry (config/knowledge.entry_id) a dictConfig/fileConfig ``class``
    string names, or None if it names no file handler.

    fileConfig evaluates the class in the ``logging`` namespace, so ``FileHandler`` and
    ``handlers.RotatingFileHandler`` are spelled without the ``logging.`` prefix there.
    """
    value = value.strip()
    candidates = [value, f"logging.{value}"]
    if value.startswith("ext://"):
        candidates.append(value[len("ext://"):])
    return next((handler_entry(name) for name in candidates if name in FILE_HANDLER_CLASSES), None)


def handler_entry(qualified: str) -> str:
    """How reports name the ``[handlers]`` entry of this built-in handler class or factory."""
    return knowledge.entry_id("handlers", qualified, False)
