"""TWC203 logging-config-file-handler: dictConfig / Django LOGGING declaring file handlers.

Logging configuration files (fileConfig ini, YAML, JSON) are read by _config_files.py.
"""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.dicts import dict_entries
from twelvecheck.program.values.exprs import argument, string_value
from twelvecheck.checks.logging._config_files import config_problems
from twelvecheck.checks.logging._fixes import dictconfig_handler_to_stream
from twelvecheck.checks.logging._handlers import handler_class_string_is_file
from twelvecheck.engine.rule import Invalid, Problem, Rule, Valid
from twelvecheck.files.kinds import LOGGING_CONFIG_SUFFIXES

# Module-level names that Django (and projects copying its convention) pass to dictConfig.
SETTINGS_NAMES = frozenset({"LOGGING", "LOGGING_CONFIG", "LOG_CONFIG", "LOGGING_DICT"})


class LoggingConfigFileHandler(Rule):
    code = "TWC203"
    tokens = ("dictConfig", "LOGGING", "LOG_CONFIG")
    # Python, and the files that may be logging configurations (fileConfig INI, YAML, JSON).
    kinds = ("python", *sorted(set(LOGGING_CONFIG_SUFFIXES.values())))

    @classmethod
    def check_text(cls, text: str, kind: str) -> list[Problem]:
        return config_problems(text, kind)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.module_values: dict[str, cst.BaseExpression] = {}

    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                        if isinstance(target, cst.Name):
                            self.module_values[target.value] = small.value

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.functions or self.ctx.classes:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value in SETTINGS_NAMES:
                self._check_config(node.value, f"{target.target.value} setting")

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) == "logging.config.dictConfig":
            config = argument(node, 0, "config")
            if config is not None:
                self._check_config(config, "dictConfig()")

    def _check_config(self, config: cst.BaseExpression, where: str) -> None:
        entries = dict_entries(config, self.module_values.get)
        if entries is None:
            return
        for key, _, value in entries:
            if key != "handlers":
                continue
            handlers = dict_entries(value, self.module_values.get)
            for name, _, handler in handlers or ():
                self._check_handler(name, handler, where)

    def _check_handler(self, name: str, handler: cst.BaseExpression, where: str) -> None:
        fields = {key: (key_node, value) for key, key_node, value in dict_entries(handler, self.module_values.get) or ()}
        if "class" in fields:
            class_name = string_value(fields["class"][1])
            if class_name is not None and handler_class_string_is_file(class_name):
                self.report(fields["class"][1], handler=name, detail=f"class {class_name}", where=where,
                            fix=dictconfig_handler_to_stream(handler, fields["class"][1]))
                return
        if "filename" in fields:
            self.report(fields["filename"][0], handler=name, detail="a filename", where=where)

    VALID = [
        Valid("""
            import logging.config
            logging.config.dictConfig({
                "version": 1,
                "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
                "root": {"handlers": ["console"]},
            })
            """),
        Valid("""
            import logging.config
            def configure(user_config):
                logging.config.dictConfig(user_config)
            """),
        Valid("""
            HANDLERS = {"file": {"class": "logging.FileHandler", "filename": "x.log"}}  # no dictConfig
            def build():
                LOGGING = {"handlers": {"file": {"class": "logging.FileHandler"}}}
                return LOGGING
            """),
        Valid("""
            SETTINGS = {"handlers": {"file": {"filename": "app.log"}}}
            """),
    ]

    INVALID = [
        Invalid("""
            import logging.config
            logging.config.dictConfig({
                "version": 1,
                "handlers": {
                    "file": {"class": "logging.handlers.RotatingFileHandler", "filename": "app.log"},
                    "console": {"class": "logging.StreamHandler"},
                },
            })
            """, lines=(5,), fixed="""
            import logging.config
            logging.config.dictConfig({
                "version": 1,
                "handlers": {
                    "file": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
                    "console": {"class": "logging.StreamHandler"},
                },
            })
            """),
        Invalid("""
            from logging.config import dictConfig
            FILE = {"()": "myapp.handlers.make", "filename": "/var/log/app.log"}
            CONFIG = dict(version=1, handlers=dict(file=FILE))
            dictConfig(CONFIG)
            """, lines=(2,)),
        Invalid("""
            LOGGING = {
                "version": 1,
                "handlers": {
                    "file": {
                        "level": "DEBUG",
                        "class": "logging.FileHandler",
                        "filename": "/var/log/django/debug.log",
                    },
                },
            }
            """, lines=(6,)),
    ]
