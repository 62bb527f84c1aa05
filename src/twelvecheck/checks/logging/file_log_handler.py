"""TWC201 file-log-handler: constructing a log handler that writes to a file."""

from __future__ import annotations


from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.facts import ProgramFacts
from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.exprs import argument, environment_default, is_stdio_device, is_path_expression, keyword_argument, opened_path
from twelvecheck.checks.logging._fixes import handler_to_stream, loguru_sink_to_stderr
from twelvecheck.checks.logging._handlers import (FILE_HANDLER_CLASSES, LOGURU_ADD, STRUCTLOG_FILE_FACTORIES,
                                                  handler_entry)
from twelvecheck.core.findings import Requires
from twelvecheck.engine.rule import Invalid, Rule, Valid


# The key of the file handler classes in a cross-module question (Rule.known_classes).
_FILE_HANDLERS = "file_handlers"


class FileLogHandler(Rule):
    code = "TWC201"
    silenced_inside = "logs-to-stdout"  # the project says such a function logs to stdout
    models = (AssignedValues,)
    tokens = ("FileHandler", "LogFile", "loguru", "structlog")
    # A handler installed by a module that only imports its class or factory.
    word_tokens = ("addHandler",)
    known_classes = {_FILE_HANDLERS: FILE_HANDLER_CLASSES}
    collectors = (ProgramFacts,)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Local classes (qualified) that derive from a file handler, found so far: the
        # [handlers] entry of the built-in class they derive from.
        self.file_subclasses: dict[str, str] = {}
        self.assigned = ctx.model_of(AssignedValues)



    def visit_Module(self, node: cst.Module) -> None:
        # Classes defined at module level may be used above their definition (inside
        # functions), so subclasses are collected before the walk, to a fixed point.
        classes = [s for s in node.body if isinstance(s, cst.ClassDef)]
        changed = True
        while changed:
            changed = False
            for cls in classes:
                qualified = self.ctx.imports.lookup(cls.name.value)
                if qualified not in self.file_subclasses and (entry := self._file_handler_base(cls)):
                    self.file_subclasses[qualified] = entry
                    changed = True

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.ctx.functions and (entry := self._file_handler_base(node)):
            self.file_subclasses[self.ctx.imports.lookup(node.name.value) or ""] = entry

    def _file_handler_base(self, node: cst.ClassDef) -> str | None:
        """The [handlers] entry of the file handler class this class derives from, if any."""
        for base in node.bases:
            entry = self._entry(self.ctx.qualify(base.value))
            if entry is not None:
                return entry
        return None

    def _entry(self, qualified: str | None) -> str | None:
        """The [handlers] entry of a file handler class, or of a local class derived from one."""
        if qualified in FILE_HANDLER_CLASSES:
            return handler_entry(qualified)
        return self.file_subclasses.get(qualified) if qualified is not None else None

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "addHandler":
            self._installed(argument(node, 0, "hdlr"))
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        if qualified == "logging.basicConfig" and (handlers := keyword_argument(node, "handlers")) is not None:
            for value in self.assigned.values(handlers.value):
                if isinstance(value, (cst.List, cst.Tuple)):
                    for element in value.elements:
                        self._installed(element.value)
        if (entry := self._entry(qualified)) is not None:
            if is_stdio_device(argument(node, 0, "filename"), self.ctx, self.assigned.values):
                return  # FileHandler("/dev/stdout"), FileHandler(os.devnull): no file
            self.report(node, handler=qualified.rsplit(".", 1)[-1],
                        fix=handler_to_stream(node, qualified, self.ctx.imports), knowledge=entry)
        elif qualified == LOGURU_ADD:
            sink = argument(node, 0, "sink")
            if sink is not None and is_path_expression(sink, self.ctx, self.assigned.values):
                # The fix is for a path written in the call: a name or a variable of the
                # environment may be set to something else by the deployment.
                literal = is_path_expression(sink, self.ctx) and environment_default(sink, self.ctx) is None
                self.report(node, handler="loguru logger.add(<path>)",
                            fix=loguru_sink_to_stderr(node, self.ctx.imports) if literal else None)
        elif qualified in STRUCTLOG_FILE_FACTORIES:
            file_arg = keyword_argument(node, "file")
            if file_arg is not None and opened_path(file_arg.value, self.ctx, self.assigned.values) is not None:
                self.report(node, handler=f"{qualified.rsplit('.', 1)[-1]}(file=open(...))",
                            knowledge=handler_entry(qualified))

    def _installed(self, handler: cst.BaseExpression | None) -> None:
        """A handler installed on a logger, built by a call this module cannot judge (a class
        or a factory defined in another module, a local class whose base is imported): a
        finding if the whole program says the call makes a file handler (run/conditions.py)."""
        if handler is None:
            return
        for value in self.assigned.values(handler):
            if not isinstance(value, cst.Call):
                continue
            qualified = self.ctx.qualify(value.func)
            if qualified is None or self._entry(qualified) is not None:
                continue  # unknown, or reported where it is built
            if is_stdio_device(argument(value, 0, "filename"), self.ctx, self.assigned.values):
                continue
            self.report_at(value, None, handler=qualified.rsplit(".", 1)[-1],
                           requires=Requires.instance_of(qualified, _FILE_HANDLERS))

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
        # The sink is a file only if the deployment names one: no default, or an empty one.
        Valid("""
            import os
            import sys
            from loguru import logger

            def configure(level):
                logger.remove()
                logger.add(sys.stderr, level=level)
                extra = os.environ.get("EXTRA_LOG_SINK")
                if extra:
                    logger.add(extra, level=level)
                mirror = os.getenv("MIRROR_LOG", "")
                if mirror:
                    logger.add(mirror)
                logger.add(os.environ.get("AUDIT_SINK", sys.stdout), level="WARNING")
            """, filename="svc/logs.py", files=(("svc/__init__.py", ""),
                                                 ("svc/main.py", "from svc.logs import configure\nconfigure('INFO')\n"))),
        # The process's own streams by path, in every spelling.
        Valid("""
            import logging
            import os
            from environs import Env
            from loguru import logger

            env = Env()
            STREAM = env.str("LOG_STREAM", "/dev/stdout")
            logger.add("/dev/stderr", format="{message}")
            logger.add(STREAM)
            handler = logging.FileHandler(os.environ.get("LOG_FILE", "/dev/stdout"))
            logging.getLogger().addHandler(logging.FileHandler("/proc/self/fd/1"))
            logging.getLogger("quiet").addHandler(logging.FileHandler(os.devnull))
            """),
        # Installed handlers built in other modules: a stream handler's subclass, a factory
        # returning a stream handler, a class from outside the project: no file.
        Valid("""
            import logging
            from rich.logging import RichHandler
            from svc.handlers import ColorHandler
            from svc.factory import console

            def configure(level):
                root = logging.getLogger()
                root.addHandler(ColorHandler())
                root.addHandler(console(level))
                root.addHandler(RichHandler())
                logging.basicConfig(handlers=[ColorHandler()])
            """, filename="svc/main.py",
            files=(("svc/__init__.py", ""),
                   ("svc/handlers.py", "import logging\n\nclass ColorHandler(logging.StreamHandler):\n    pass\n"),
                   ("svc/factory.py", "import sys\nfrom svc.handlers import ColorHandler\n\n"
                                      "def console(level):\n    handler = ColorHandler(sys.stdout)\n"
                                      "    handler.setLevel(level)\n    return handler\n"))),
    ]

    INVALID = [
        # A handler class its package re-exports (svc/__init__.py: `from .logs import *`).
        Invalid("""
            import logging
            from svc import AuditHandler

            def configure():
                logging.getLogger().addHandler(AuditHandler("audit.log"))
            """, filename="app.py", lines=(5,),
            files=(("svc/__init__.py", "from .logs import *\n"),
                   ("svc/logs.py", "from logging.handlers import RotatingFileHandler\n\n"
                                   "class AuditHandler(RotatingFileHandler):\n    pass\n"))),
        # A file handler's subclass two modules away (a chain of subclasses), built where
        # the logger is configured; a factory in another module returning one; a local class
        # whose base is that imported subclass.
        Invalid("""
            import logging
            from svc.handlers import AuditHandler
            from svc.factory import build_handler

            class QuietAudit(AuditHandler):
                pass

            def configure():
                handler = AuditHandler("audit.log")
                logging.getLogger("audit").addHandler(handler)
                logging.getLogger().addHandler(build_handler())
                logging.basicConfig(handlers=[QuietAudit("quiet.log")])
            """, filename="svc/main.py", lines=(9, 11, 12),
            files=(("svc/__init__.py", ""),
                   ("svc/base.py", "from logging.handlers import RotatingFileHandler\n\n"
                                   "class SizedHandler(RotatingFileHandler):\n    pass\n"),
                   ("svc/handlers.py", "from svc.base import SizedHandler\n\n"
                                       "class AuditHandler(SizedHandler):\n    pass\n"),
                   ("svc/factory.py", "import os\nfrom svc.handlers import AuditHandler\n\n"
                                      "def build_handler():\n"
                                      "    return AuditHandler(os.environ.get('LOG_PATH', 'app.log'))\n"))),
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
        # A settings module whose file logging is on unless the deployment turns it off, the
        # path from environs with a default built by os.path.join.
        Invalid("""
            from os.path import abspath, dirname, join
            from environs import Env
            from loguru import logger

            env = Env()
            env.read_env()
            ROOT_DIR = dirname(dirname(abspath(__file__)))
            LOG_DIR = join(ROOT_DIR, env.str("LOG_DIR", "logs"))
            ENABLE_LOG_FILE = env.bool("ENABLE_LOG_FILE", True)
            ROTATION = env.str("LOG_ROTATION", "100MB")

            if ENABLE_LOG_FILE:
                logger.add(env.str("LOG_RUNTIME_FILE", join(LOG_DIR, "runtime.log")), rotation=ROTATION)
                logger.add(env("LOG_ERROR_FILE", join(LOG_DIR, "error.log")), level="ERROR")
            """, filename="pool/setting.py", lines=(13, 14),
            files=(("pool/__init__.py", ""),
                   ("pool/scheduler.py", "from pool.setting import LOG_DIR\n\ndef run():\n    return LOG_DIR\n"))),
        # os.environ / os.getenv / setdefault / decouple / django-environ, each with a default.
        Invalid("""
            import os
            import environ
            from decouple import config
            from loguru import logger

            env = environ.Env()
            LOG_FILE = os.environ.setdefault("WORKER_LOG", "/var/log/worker.log")

            def start(name):
                logger.add(os.environ.get("APP_LOG", "logs/app.log"), rotation="10 MB")
                logger.add(os.getenv("ACCESS_LOG", default=f"logs/{name}-access.log"))
                logger.add(LOG_FILE)
                logger.add(config("AUDIT_LOG", default="audit.log"), level="INFO")
                logger.add(env("TRACE_LOG", default="trace.log"))
            """, filename="worker/logs.py", lines=(10, 11, 12, 13, 14),
            files=(("worker/__init__.py", ""),
                   ("worker/__main__.py", "from worker.logs import start\nstart('worker')\n"))),
        # Paths built with %, .format, pathlib's / and with_suffix, str(path).
        Invalid("""
            import sys
            from pathlib import Path
            from loguru import logger

            BASE_DIR = Path(__file__).resolve().parent

            def setup(log_dir, name):
                logger.add("%s/%s.log" % (log_dir, name))
                logger.add("{}/errors.log".format(log_dir), level="ERROR")
                target = BASE_DIR / "logs" / name
                logger.add(target.with_suffix(".log"))
                logger.add(str(BASE_DIR / "debug.log"), level="DEBUG")
                logger.add(sys.stderr)
                logger.add(log_dir + "/" + name + ".log", level="TRACE")
            """, lines=(8, 9, 11, 12, 14)),
    ]
