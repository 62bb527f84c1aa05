"""TWC203 logging-config-file-handler: dictConfig / Django LOGGING declaring file handlers.

Logging configuration files (fileConfig ini, YAML, JSON) are read by _config_files.py.
"""

# size: about 250 lines of logic; the rest are the cases (settings modules that extend a base).

from __future__ import annotations

from textwrap import dedent

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.dicts import dict_entries, item_paths, literal_keys, merged_sources
from twelvecheck.program.values.exprs import argument, is_stdio_device, string_value
from twelvecheck.checks.logging._config_files import config_problems, is_logging_config
from twelvecheck.checks.logging._fixes import dictconfig_handler_to_stream
from twelvecheck.checks.logging._handlers import handler_class_string_entry
from twelvecheck.engine.rule import Invalid, Problem, Rule, Valid
from twelvecheck.files.kinds import LOGGING_CONFIG_SUFFIXES

# Module-level names that Django (and projects copying its convention) pass to dictConfig.
SETTINGS_NAMES = frozenset({"LOGGING", "LOGGING_CONFIG", "LOG_CONFIG", "LOGGING_DICT"})
BASE_SETTINGS = ("shop/settings/base.py", dedent("""\
    import os

    BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    LOGGING = {
        "version": 1,
        "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": "INFO"},
    }
    """))
# Methods that add entries to a dict in place.
MUTATORS = frozenset({"update", "setdefault"})
_MAX_ROOTS = 8


class LoggingConfigFileHandler(Rule):
    code = "TWC203"
    silenced_inside = "logs-to-stdout"  # the project says such a function logs to stdout
    tokens = ("dictConfig", "LOGGING", "LOG_CONFIG")
    # Python, and the files that may be logging configurations (fileConfig INI, YAML, JSON).
    kinds = ("python", *sorted(set(LOGGING_CONFIG_SUFFIXES.values())))

    @classmethod
    def check_text(cls, text: str, kind: str) -> list[Problem]:
        return config_problems(text, kind)

    @classmethod
    def reads_text(cls, text: str, kind: str) -> bool:
        return is_logging_config(text, kind)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Per scope (0: the module, else id of the function): what each name was assigned
        # last, and the entries stored into it afterwards (``X["handlers"]["f"] = {...}``,
        # ``X.update(...)``, ``X["handlers"].setdefault("f", {...})``) as (keys, value, statement).
        self.values: dict[int, dict[str, cst.BaseExpression]] = {0: {}}
        self.puts: dict[int, dict[str, list[tuple[tuple[str, ...], cst.BaseExpression, cst.CSTNode]]]] = {0: {}}
        # Configs to judge once the module is walked: (expression, scope, statement, where).
        self.configs: list[tuple[cst.BaseExpression, int, cst.CSTNode | None, str]] = []
        self.settings_assigned: set[str] = set()
        self.reported: set[int] = set()
        # Functions of the module (by name, their scope) and what each returns, with where:
        # ``dictConfig(build_config())`` judges what build_config returns.
        self.builders: dict[str, int] = {}
        self.returns: dict[int, list[tuple[cst.BaseExpression, cst.CSTNode | None]]] = {}
        # Loop names bound to the keys of a dict or the strings of a list the loop walks
        # (``for name, config in HANDLERS.items():``), per scope: a key of ``X["handlers"][name]``.
        self.loop_keys: dict[int, dict[str, list[str]]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if len(self.ctx.functions) == 1 and not self.ctx.classes:
            self.builders[node.name.value] = id(node)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.ctx.functions:
            self.returns.setdefault(self._scope(), []).append((node.value, self._statement()))

    def _scope(self) -> int:
        return id(self.ctx.functions[-1]) if self.ctx.functions else 0

    def _statement(self) -> cst.CSTNode | None:
        return self.ctx.statements[-1] if self.ctx.statements else None

    def visit_For(self, node: cst.For) -> None:
        target = node.target.elements[0].value if isinstance(node.target, cst.Tuple) and node.target.elements \
            else node.target
        if not isinstance(target, cst.Name):
            return
        walked = node.iter
        if isinstance(walked, cst.Call) and isinstance(walked.func, cst.Attribute) and not walked.args \
                and walked.func.attr.value in ("items", "keys"):
            walked = walked.func.value
        keys = literal_keys(walked, self._resolver(self._scope()), self.ctx.qualify)
        if keys:
            self.loop_keys.setdefault(self._scope(), {})[target.value] = keys

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.classes and not self.ctx.functions:
            return
        scope = self._scope()
        for target in node.targets:
            name = target.target
            if isinstance(name, cst.Name):
                self.values.setdefault(scope, {})[name.value] = node.value
                if scope == 0 and name.value in SETTINGS_NAMES:
                    self.settings_assigned.add(name.value)
                    self.configs.append((name, 0, self._statement(), f"{name.value} setting"))
            else:
                for root, keys in item_paths(name, self.loop_keys.get(scope)):
                    if keys:
                        self._put(scope, root, keys, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.ctx.qualify(func) == "logging.config.dictConfig":
            config = argument(node, 0, "config")
            if config is not None:
                self.configs.append((config, self._scope(), self._statement(), "dictConfig()"))
        elif isinstance(func, cst.Attribute) and func.attr.value in MUTATORS and not (self.ctx.classes and not self.ctx.functions):
            for root, keys in item_paths(func.value, self.loop_keys.get(self._scope())):
                self._put_entries(node, func.attr.value, root, keys)

    def _put_entries(self, node: cst.Call, method: str, root: str, keys: tuple[str, ...]) -> None:
        """``X[...].setdefault("k", v)`` or ``X[...].update(...)``: the entries it stores."""
        if method == "setdefault":
            key = string_value(argument(node, 0))
            value = argument(node, 1)
            if key is not None and value is not None:
                self._put(self._scope(), root, (*keys, key), value)
            return
        for arg in node.args:
            entries = [(arg.keyword.value, arg.value)] if arg.keyword is not None else \
                [(key, value) for key, _, value in dict_entries(arg.value, self._resolver(self._scope())) or ()]
            for key, value in entries:
                self._put(self._scope(), root, (*keys, key), value)

    def _put(self, scope: int, root: str, keys: tuple[str, ...], value: cst.BaseExpression) -> None:
        self.puts.setdefault(scope, {}).setdefault(root, []).append((keys, value, self._statement()))

    def _resolver(self, scope: int):
        local, module = self.values.get(scope, {}), self.values[0]
        return lambda name: local.get(name, module.get(name))

    def leave_Module(self, node: cst.Module) -> None:
        for config, scope, statement, where in self.configs:
            self._check_config(config, scope, statement, where)
        # A settings module that extends a LOGGING it imported (``from .base import *``).
        for name in sorted(set(self.puts[0]) & SETTINGS_NAMES - self.settings_assigned):
            self._check_config(cst.Name(name), 0, None, f"{name} setting")

    def _check_config(self, config: cst.BaseExpression, scope: int, statement: cst.CSTNode | None,
                      where: str, depth: int = 0) -> None:
        if depth > _MAX_ROOTS:
            return
        if isinstance(config, cst.IfExp):  # dictConfig(DEV if debug else PROD): either may be used
            for branch in (config.body, config.orelse):
                self._check_config(branch, scope, statement, where, depth + 1)
            return
        resolve = self._resolver(scope)
        made = resolve(config.value) if isinstance(config, cst.Name) else config
        if isinstance(made, cst.Call) and isinstance(made.func, cst.Name) and made.func.value in self.builders:
            builder = self.builders[made.func.value]
            for value, returned_at in self.returns.get(builder, ()):
                self._check_config(value, builder, returned_at, where, depth + 1)
        puts = [put for put in self._puts_into(config, scope) if put[0][:1] == ("handlers",)]
        # A handler whose fields are also stored one by one is judged with all of them, below.
        by_field = {keys[1] for keys, _, _ in puts if len(keys) == 3}
        for key, _, value in dict_entries(config, resolve, qualify=self.ctx.qualify) or ():
            if key == "handlers":
                for name, _, handler in dict_entries(value, resolve, qualify=self.ctx.qualify) or ():
                    if name not in by_field:
                        self._check_handler(name, handler, resolve, statement, where)
                for keys, handler, put_at in self._puts_into(value, scope):  # handlers["file"] = {...}
                    if len(keys) == 1 and keys[0] not in by_field:
                        self._check_handler(keys[0], handler, resolve, put_at, where)
        for keys, value, put_at in puts:
            if len(keys) == 1:
                for name, _, handler in dict_entries(value, resolve, qualify=self.ctx.qualify) or ():
                    if name not in by_field:
                        self._check_handler(name, handler, resolve, put_at, where)
            elif len(keys) == 2 and keys[1] not in by_field:
                self._check_handler(keys[1], value, resolve, put_at, where)
        self._check_field_puts(config, puts, resolve, where)

    def _check_field_puts(self, config: cst.BaseExpression, puts: list, resolve, where: str) -> None:
        """Handlers whose fields are stored one by one (``LOGGING["handlers"][name]["class"] =
        ...``), judged with every field they get, the last stored winning. Each file handler
        class stored is reported, as branches may store different ones (the other classes
        stored leave the handler to them)."""
        stored: dict[str, dict[str, tuple]] = {}  # handler -> field -> (node, value)
        classes: dict[str, list[tuple[cst.BaseExpression, cst.CSTNode | None]]] = {}
        for keys, value, put_at in puts:
            if len(keys) == 3:
                stored.setdefault(keys[1], {})[keys[2]] = (value, value)
                if keys[2] == "class":
                    classes.setdefault(keys[1], []).append((value, put_at))
        for name, fields in stored.items():
            merged = {**self._handler_fields(config, puts, name, resolve), **fields}
            for class_value, put_at in classes.get(name, ()):
                class_name = string_value(class_value)
                if class_name is not None and handler_class_string_entry(class_name) is not None:
                    self._check_fields(name, {**merged, "class": (class_value, class_value)}, None, put_at, where)
            if name not in classes:
                self._check_fields(name, merged, None, None, where)

    def _handler_fields(self, config: cst.BaseExpression, puts: list, name: str, resolve) -> dict:
        """The fields the handler ``name`` gets whole: in the config's literal, or stored as a dict."""
        fields: dict = {}
        for key, _, value in dict_entries(config, resolve, qualify=self.ctx.qualify) or ():
            if key == "handlers":
                for handler, _, entries in dict_entries(value, resolve, qualify=self.ctx.qualify) or ():
                    if handler == name:
                        fields.update({k: (n, v) for k, n, v in dict_entries(entries, resolve) or ()})
        for keys, value, _ in puts:
            if keys == ("handlers", name):
                fields.update({k: (n, v) for k, n, v in dict_entries(value, resolve) or ()})
        return fields

    def _puts_into(self, config: cst.BaseExpression, scope: int):
        """What was stored into the config's dict, or into a dict it copies or merges."""
        roots: list[str] = []
        pending = [config]
        while pending and len(roots) < _MAX_ROOTS:
            expr = pending.pop()
            for source in merged_sources(expr, self.ctx.qualify):
                if isinstance(source, cst.Name) and source.value not in roots:
                    roots.append(source.value)
                    held = self._resolver(scope)(source.value)
                    if held is not None:
                        pending.append(held)
        for root in roots:
            for owner in {scope, 0}:
                yield from self.puts.get(owner, {}).get(root, ())

    def _check_handler(self, name: str, handler: cst.BaseExpression, resolve, statement: cst.CSTNode | None,
                       where: str) -> None:
        fields = {key: (key_node, value) for key, key_node, value in
                  dict_entries(handler, resolve, qualify=self.ctx.qualify) or ()}
        self._check_fields(name, fields, handler, statement, where)

    def _check_fields(self, name: str, fields: dict, handler: cst.BaseExpression | None,
                      statement: cst.CSTNode | None, where: str) -> None:
        if "filename" in fields and is_stdio_device(fields["filename"][1], self.ctx):
            return  # "filename": "/dev/stdout" is the process's own stream
        if "class" in fields:
            class_name = string_value(fields["class"][1])
            entry = handler_class_string_entry(class_name) if class_name is not None else None
            if entry is not None:
                fix = dictconfig_handler_to_stream(handler, fields["class"][1]) if handler is not None else None
                self._report(fields["class"][1], statement, fix, handler=name, detail=f"class {class_name}",
                             where=where, knowledge=entry)
                return
        if "filename" in fields:
            self._report(fields["filename"][0], statement, None, handler=name, detail="a filename", where=where)

    def _report(self, node: cst.CSTNode, statement: cst.CSTNode | None, fix, **fields) -> None:
        if id(node) not in self.reported:
            self.reported.add(id(node))
            self.report_at(node, statement, fix=fix, **fields)

    VALID = [
        # Handlers built field by field, in a loop over a table, on the process's streams.
        Valid("""
            from shop.settings.base import *  # noqa: F403

            STREAMS = {"app": "ext://sys.stdout", "errors": "ext://sys.stderr"}
            for name, stream in STREAMS.items():
                LOGGING["handlers"][name] = {"formatter": "plain"}
                LOGGING["handlers"][name]["class"] = "logging.StreamHandler"
                LOGGING["handlers"][name]["stream"] = stream
            LOGGING["handlers"]["audit"] = {"class": "logging.FileHandler"}
            LOGGING["handlers"]["audit"]["filename"] = "/dev/stdout"
            """, filename="shop/settings/prod.py", files=(("shop/__init__.py", ""), ("shop/settings/__init__.py", ""),
                                                         BASE_SETTINGS)),
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
        # A merge that replaces the base's handlers; a copy updated from the caller's config;
        # a file handler on the process's own stdout.
        Valid("""
            import copy
            import logging.config
            import os

            DEFAULTS = {
                "version": 1,
                "handlers": {"file": {"class": "logging.FileHandler", "filename": "svc.log"}},
            }
            CONTAINER = {**DEFAULTS, "handlers": {"out": {"class": "logging.StreamHandler"}}}
            STDOUT = {
                "version": 1,
                "handlers": {
                    "out": {"class": "logging.FileHandler", "filename": "/dev/stdout"},
                    "discard": {"class": "logging.FileHandler", "filename": os.devnull},
                },
            }

            def configure(overrides):
                config = copy.deepcopy(CONTAINER)
                config.update(overrides)
                config["handlers"].update(overrides.get("handlers", {}))
                logging.config.dictConfig(config)
                logging.config.dictConfig(STDOUT)
            """, filename="svc/logs.py", files=(("svc/__init__.py", ""),)),
        Valid("""
            from .base import *

            LOGGING["handlers"]["console"] = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
            LOGGING["root"]["level"] = "DEBUG"
            """, filename="shop/settings/dev.py", files=(("shop/__init__.py", ""), ("shop/settings/__init__.py", ""),
                                                          BASE_SETTINGS)),
    ]

    INVALID = [
        # A handler per entry of a table, its fields stored one by one: the file class stored
        # on one branch is reported (the environment's default picks it), for the table's
        # first handler; and a handler whose fields are stored under literal keys.
        Invalid("""
            import os
            from shop.settings.base import *  # noqa: F403

            LOG_ROOT = os.environ.get("LOG_ROOT", "/var/log/shop")
            HANDLER_FILES = {"dispatcher": "dispatcher.log", "callbacks": "callbacks.log"}
            mode = os.getenv("SHOP_LOGGING_MODE", "file")

            for name, filename in HANDLER_FILES.items():
                LOGGING["handlers"][name] = {"formatter": "plain"}
                if mode == "file":
                    LOGGING["handlers"][name]["class"] = "logging.handlers.WatchedFileHandler"
                    LOGGING["handlers"][name]["filename"] = os.path.join(LOG_ROOT, filename)
                else:
                    LOGGING["handlers"][name]["class"] = "logging.StreamHandler"

            LOGGING["handlers"]["audit"] = {"formatter": "plain"}
            LOGGING["handlers"]["audit"]["filename"] = "audit.log"
            """, filename="shop/settings/prod.py", files=(("shop/__init__.py", ""), ("shop/settings/__init__.py", ""),
                                                         BASE_SETTINGS), lines=(11, 17)),
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
        # A Django settings module that extends the base module's LOGGING in place.
        Invalid("""
            from .base import *

            LOGGING["handlers"]["file"] = {
                "level": "DEBUG",
                "class": "logging.handlers.RotatingFileHandler",
                "filename": os.path.join(BASE_DIR, "logs", "app.log"),
                "maxBytes": 5 * 1024 * 1024,
            }
            LOGGING["handlers"].update({
                "errors": {"class": "logging.FileHandler", "filename": "errors.log", "level": "ERROR"},
            })
            LOGGING.setdefault("handlers", {}).setdefault("audit", {"()": "shop.audit.handler", "filename": "audit.log"})
            LOGGING["root"]["handlers"] = ["console", "file", "errors"]
            """, filename="shop/settings/dev.py", lines=(5, 10, 12),
            files=(("shop/__init__.py", ""), ("shop/settings/__init__.py", ""), BASE_SETTINGS)),
        # Copies and merges of a base config, changed before dictConfig gets them.
        Invalid("""
            import copy
            import logging.config
            import os

            BASE = {
                "version": 1,
                "handlers": {"console": {"class": "logging.StreamHandler"}},
                "root": {"handlers": ["console"], "level": "INFO"},
            }
            DEBUG_CONFIG = copy.deepcopy(BASE)
            DEBUG_CONFIG["handlers"]["debug_file"] = {"class": "logging.FileHandler", "filename": "debug.log"}
            PROD_CONFIG = {
                **BASE,
                "handlers": {"rotating": {"class": "logging.handlers.RotatingFileHandler", "filename": "prod.log"}},
            }

            def configure(debug, log_dir):
                logging.config.dictConfig(DEBUG_CONFIG if debug else PROD_CONFIG)
                config = dict(BASE)
                config["handlers"] = dict(config["handlers"])
                config["handlers"]["timed"] = {
                    "class": "logging.handlers.TimedRotatingFileHandler",
                    "filename": f"{log_dir}/svc.log",
                    "when": "midnight",
                }
                logging.config.dictConfig(config)

            STAGING = dict(BASE, handlers={"stage": {"class": "logging.FileHandler", "filename": "stage.log"}})
            LOCAL = BASE.copy()
            LOCAL["handlers"] = {"local": {"class": "logging.handlers.WatchedFileHandler", "filename": "local.log"}}
            if __name__ == "__main__":
                logging.config.dictConfig(STAGING if os.environ.get("STAGING") else LOCAL)
            """, filename="svc/logs.py", lines=(11, 14, 22, 28, 30), files=(("svc/__init__.py", ""),)),
        # A function of the module builds the config that dictConfig gets.
        Invalid("""
            import logging.config
            import os

            def logging_config(log_dir):
                handlers = {"console": {"class": "logging.StreamHandler"}}
                if log_dir:
                    handlers["file"] = {
                        "class": "logging.handlers.RotatingFileHandler",
                        "filename": os.path.join(log_dir, "app.log"),
                    }
                return {"version": 1, "handlers": handlers, "root": {"handlers": list(handlers)}}

            def main():
                config = logging_config(os.environ.get("LOG_DIR", "logs"))
                logging.config.dictConfig(config)
            """, filename="svc/cli.py", lines=(8,), files=(("svc/__init__.py", ""),)),
    ]
