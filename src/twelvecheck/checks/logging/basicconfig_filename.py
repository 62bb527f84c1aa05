"""TWC202 basicconfig-filename: ``logging.basicConfig(filename=...)``."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.dicts import keyword_value
from twelvecheck.program.values.exprs import is_none, is_stdio_device, is_unset_by_default
from twelvecheck.checks.logging._fixes import basicconfig_to_stderr
from twelvecheck.engine.rule import Invalid, Rule, Valid


class BasicConfigFilename(Rule):
    code = "TWC202"
    silenced_inside = "logs-to-stdout"  # the project says such a function logs to stdout
    models = (AssignedValues,)
    tokens = ("basicConfig",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) != "logging.basicConfig":
            return
        filename = keyword_value(node, "filename", self.assigned.values, self.ctx.qualify)
        if filename is not None and not self.names_no_file(filename):
            self.report(node, fix=basicconfig_to_stderr(node))

    def names_no_file(self, filename: cst.BaseExpression) -> bool:
        """None, a variable of the environment with no default (stderr unless the deployment
        asks for a file), or the process's own stdout/stderr (``/dev/stdout``); a name stands
        for everything it was assigned."""
        values = self.assigned.values
        return all(is_none(value) or is_unset_by_default(value, self.ctx, values)
                   or is_stdio_device(value, self.ctx, values) for value in values(filename))

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = ctx.model_of(AssignedValues)



    VALID = [
        Valid("""
            import logging

            OPTIONS = {"level": "INFO", "format": "%(message)s"}
            QUIET = {"filename": None, "level": "WARNING"}

            def configure(verbose):
                logging.basicConfig(**(OPTIONS if verbose else QUIET))
                logging.basicConfig(**OPTIONS)
                logging.basicConfig(**QUIET)
            """),
        Valid("""
            import logging, sys
            logging.basicConfig(level=logging.INFO, stream=sys.stdout)
            """),
        Valid("""
            import logging
            logging.basicConfig(filename=None, level="INFO")
            """),
        Valid("""
            import logging
            config = dict(filename="app.log")  # not basicConfig
            logger = logging.getLogger(__name__)
            logger.basicConfig = None
            """),
        Valid("""
            class Fake:
                def basicConfig(self, **kwargs):
                    pass
            Fake().basicConfig(filename="app.log")
            """),
        # A file only when the deployment asks for one (no default, or None), or the
        # process's own stream by path.
        Valid("""
            import logging
            import os

            LOG_FILE = os.getenv("LOG_FILE", None)

            def configure(level):
                logging.basicConfig(level=level, filename=os.environ.get("WORKER_LOG_FILE"))

            def configure_web():
                logging.basicConfig(filename=LOG_FILE, format="%(message)s")

            def configure_container():
                logging.basicConfig(filename=os.environ.get("LOG_TARGET", "/dev/stdout"))
            """, filename="svc/logs.py",
            files=(("svc/__init__.py", ""), ("svc/__main__.py", "from svc import logs\nlogs.configure('INFO')\n"))),
    ]

    INVALID = [
        # Options passed as a mapping (**): the dict literal the name holds is read.
        Invalid("""
            import logging

            FILE_OPTIONS = {"filename": "svc.log", "level": "INFO"}

            def configure():
                logging.basicConfig(**FILE_OPTIONS)

            def configure_worker(level):
                options = dict(filename="worker.log", level=level)
                logging.basicConfig(format="%(message)s", **options)
            """, lines=(6, 10)),
        Invalid("""
            import logging
            logging.basicConfig(filename="app.log", level=logging.DEBUG)
            """, lines=(2,), fixed="""
            import logging
            logging.basicConfig(level=logging.DEBUG)
            """),
        Invalid("""
            from logging import basicConfig as setup
            def main():
                setup(
                    level="INFO",
                    filename=LOG_PATH,
                    filemode="a",
                )
            """, lines=(3,)),
        Invalid("""
            import logging as log
            if __name__ == "__main__":
                log.basicConfig(format="%(message)s", filename=f"{__name__}.log")
            """, lines=(3,)),
        # A file unless the deployment says otherwise; a setting of another module.
        Invalid("""
            import logging
            import os
            from decouple import config
            from svc import settings

            LOG_FILE = os.environ.get("LOG_FILE", "/var/log/svc/app.log")

            def configure(kind):
                if kind == "worker":
                    logging.basicConfig(filename=LOG_FILE, level=logging.INFO)
                elif kind == "beat":
                    logging.basicConfig(filename=config("BEAT_LOG", default="beat.log"))
                else:
                    logging.basicConfig(filename=settings.LOG_PATH)
            """, filename="svc/logs.py", lines=(10, 12, 14),
            files=(("svc/__init__.py", ""), ("svc/settings.py", "LOG_PATH = 'logs/web.log'\n"))),
    ]
