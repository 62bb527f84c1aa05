"""TWC202 basicconfig-filename: ``logging.basicConfig(filename=...)``."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import is_none, keyword_argument
from twelvecheck.checks.logging._fixes import basicconfig_to_stderr
from twelvecheck.engine.rule import Invalid, Rule, Valid


class BasicConfigFilename(Rule):
    code = "TWC202"
    tokens = ("basicConfig",)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) != "logging.basicConfig":
            return
        filename = keyword_argument(node, "filename")
        if filename is not None and not is_none(filename.value):
            self.report(node, fix=basicconfig_to_stderr(node))

    VALID = [
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
    ]

    INVALID = [
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
    ]
