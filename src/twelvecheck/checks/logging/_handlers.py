"""What counts as a file-writing log handler, shared by the logging rules."""

from __future__ import annotations

# Qualified names of handler classes (and logger factories) that write to a file path.
FILE_HANDLER_CLASSES = frozenset({
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
    "concurrent_log_handler.ConcurrentRotatingFileHandler",
    "concurrent_log_handler.ConcurrentTimedRotatingFileHandler",
    "cloghandler.ConcurrentRotatingFileHandler",
    "logbook.FileHandler",
    "logbook.RotatingFileHandler",
    "logbook.TimedRotatingFileHandler",
    "logbook.handlers.FileHandler",
    "logbook.handlers.RotatingFileHandler",
    "logbook.handlers.TimedRotatingFileHandler",
    "twisted.python.logfile.LogFile",
    "twisted.python.logfile.DailyLogFile",
})

# structlog logger factories write wherever ``file=`` points: a file when it is opened here.
STRUCTLOG_FILE_FACTORIES = frozenset({
    "structlog.PrintLoggerFactory",
    "structlog.WriteLoggerFactory",
    "structlog.BytesLoggerFactory",
    "structlog.PrintLogger",
    "structlog.WriteLogger",
    "structlog.BytesLogger",
    "structlog.stdlib.PrintLoggerFactory",
})

LOGURU_ADD = "loguru.logger.add"


def handler_class_string_is_file(value: str) -> bool:
    """A dictConfig/fileConfig ``class`` string naming a file handler.

    fileConfig evaluates the class in the ``logging`` namespace, so ``FileHandler`` and
    ``handlers.RotatingFileHandler`` are spelled without the ``logging.`` prefix there.
    """
    value = value.strip()
    candidates = {value, f"logging.{value}"}
    if value.startswith("ext://"):
        candidates.add(value[len("ext://"):])
    return bool(candidates & FILE_HANDLER_CLASSES)
