"""TWC201 file-log-handler: constructing a log handler that writes to a file."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import argument, is_path_expression, keyword_argument, opened_path
from twelvecheck.checks.logging._fixes import handler_to_stream, loguru_sink_to_stderr
from twelvecheck.checks.logging._handlers import FILE_HANDLER_CLASSES, LOGURU_ADD, STRUCTLOG_FILE_FACTORIES
from twelvecheck.engine.rule import Invalid, Rule, Valid


class FileLogHandler(Rule):
    code = "TWC201"
    tokens = ("FileHandler", "LogFile", "loguru", "structlog")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Local classes (qualified) that derive from a file handler, found so far.
        self.file_subclasses: set[str] = set()

    def visit_Module(self, node: cst.Module) -> None:
        # Classes defined at module level may be used above their definition (inside
        # functions), so subclasses are collected before the walk, to a fixed point.
        classes = [s for s in node.body if isinstance(s, cst.ClassDef)]
        changed = True
        while changed:
            changed = False
            for cls in classes:
                qualified = self.ctx.imports.lookup(cls.name.value)
                if qualified not in self.file_subclasses and self._derives_from_file_handler(cls):
                    self.file_subclasses.add(qualified)
                    changed = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.ctx.functions and self._derives_from_file_handler(node):
            self.file_subclasses.add(self.ctx.imports.lookup(node.name.value) or "")

    def _derives_from_file_handler(self, node: cst.ClassDef) -> bool:
        for base in node.bases:
            qualified = self.ctx.qualify(base.value)
            if qualified in FILE_HANDLER_CLASSES or qualified in self.file_subclasses:
                return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        if qualified in FILE_HANDLER_CLASSES or qualified in self.file_subclasses:
            self.report(node, handler=qualified.rsplit(".", 1)[-1],
                        fix=handler_to_stream(node, qualified, self.ctx.imports))
        elif qualified == LOGURU_ADD:
            sink = argument(node, 0, "sink")
            if sink is not None and is_path_expression(sink, self.ctx):
                self.report(node, handler="loguru logger.add(<path>)",
                            fix=loguru_sink_to_stderr(node, self.ctx.imports))
        elif qualified in STRUCTLOG_FILE_FACTORIES:
            file_arg = keyword_argument(node, "file")
            if file_arg is not None and opened_path(file_arg.value, self.ctx) is not None:
                self.report(node, handler=f"{qualified.rsplit('.', 1)[-1]}(file=open(...))")

    VALID = [
        Valid("""
            import logging
            handler = logging.StreamHandler()
            """),
        Valid("""
            import logging
            def reopen(handler):
                return isinstance(handler, logging.FileHandler)
            """),
        Valid("""
            # logging.FileHandler("app.log") is what we avoid
            text = "logging.FileHandler('app.log')"
            def f():
                '''Never call logging.FileHandler here.'''
            """),
        Valid("""
            class Registry:
                FileHandler = object
            registry = Registry()
            handler = registry.FileHandler("app.log")
            """),
        Valid("""
            def FileHandler(path):
                return path
            FileHandler("app.log")
            """),
        Valid("""
            import sys
            from loguru import logger
            logger.add(sys.stderr, level="INFO")
            logger.add(lambda message: print(message))
            """),
        Valid("""
            import logging.handlers
            class Handler(logging.handlers.RotatingFileHandler):
                pass
            """),
        Valid("""
            import structlog
            import sys
            structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.stderr))
            """),
    ]

    INVALID = [
        Invalid("""
            import logging
            handler = logging.FileHandler("app.log")
            """, lines=(2,), fixed="""
            import logging
            import sys
            handler = logging.StreamHandler(sys.stdout)
            """),
        Invalid("""
            import logging as lg
            lg.getLogger().addHandler(lg.FileHandler("app.log"))
            """, lines=(2,)),
        Invalid("""
            from logging.handlers import RotatingFileHandler as R
            handler = R("app.log", maxBytes=10_000)
            """, lines=(2,)),
        Invalid("""
            from logging import handlers
            def setup():
                return handlers.TimedRotatingFileHandler("app.log", when="midnight")
            """, lines=(3,)),
        Invalid("""
            def setup():
                import logging.handlers
                return logging.handlers.WatchedFileHandler(
                    "app.log",
                )
            """, lines=(3,)),
        Invalid("""
            def build():
                return AppHandler("app.log")

            from logging import FileHandler

            class AppHandler(FileHandler):
                pass

            class NoisyHandler(AppHandler):
                pass

            NoisyHandler("noisy.log")
            """, lines=(2, 12)),
        Invalid("""
            from twisted.python.logfile import DailyLogFile
            class CarbonLogFile(DailyLogFile):
                pass
            class Observer:
                def log_to_dir(self, logdir):
                    self.console = CarbonLogFile("console.log", logdir)
            """, lines=(6,)),
        Invalid("""
            from pathlib import Path
            from loguru import logger
            logger.add("logs/app.log", rotation="1 day")
            logger.add(Path("logs") / "errors.log")
            logger.add(sink=f"{name}.log")
            """, lines=(3, 4, 5)),
        Invalid("""
            import structlog
            structlog.configure(
                logger_factory=structlog.WriteLoggerFactory(file=open("app.log", "a")),
            )
            """, lines=(3,)),
    ]
