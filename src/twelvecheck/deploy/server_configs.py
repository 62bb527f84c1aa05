"""Server configuration files read as data: gunicorn config modules, uwsgi ``.ini``/``.yaml``
files and supervisord configurations. Nothing is imported or executed: a gunicorn module is
read with CPython's ``ast``, the others as text (PyYAML's composer for YAML, for positions).

Each reader gives the settings that matter to the command rules as ``Setting`` items, each
with its line and what it makes the server do (``daemon``: it forks into the background,
``pid``: it writes a PID file, ``log``: it logs to a file), and, for supervisord, each
program's ``command=`` with its position so that the command rules judge it like a Procfile
line. The knowledge is in the tables below; where it was verified is said above each one.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from twelvecheck.program.values.exprs import STDIO_DEVICES

DAEMON, PID, LOG = "daemon", "pid", "log"


@dataclass(frozen=True)
class Setting:
    behaviour: str  # DAEMON, PID or LOG
    key: str  # the setting as written ("pidfile", "[supervisord]")
    what: str  # the message's {what}
    line: int
    column: int = 1
    end_column: int = 2
    default: bool = False  # not written: the server's default (supervisord.pid)


@dataclass(frozen=True)
class ProgramCommand:
    """A supervisord ``[program:x]`` section's ``command=``: its text and where it starts."""

    name: str
    command: str
    line: int
    column: int  # 1-based column of the command's first character
    section_line: int


@dataclass
class ServerConfig:
    server: str  # "gunicorn", "uwsgi", "supervisord"
    settings: list[Setting] = field(default_factory=list)
    programs: list[ProgramCommand] = field(default_factory=list)

    def of(self, behaviour: str) -> list[Setting]:
        return [setting for setting in self.settings if setting.behaviour == behaviour]

    def facts(self) -> dict:
        """What other rules may use later (a process manager in a container): plain data."""
        return {"server_config": {"server": self.server, "programs": [
            {"name": p.name, "command": p.command, "line": p.line, "section_line": p.section_line}
            for p in self.programs]}}


# -- which files are server configurations -----------------------------------------------
# gunicorn reads ./gunicorn.conf.py when not given -c (docs.gunicorn.org, "Configuration
# File", since 19.7); other names are found by these patterns and must set known settings.
GUNICORN_DEFAULT_CONFIG = "gunicorn.conf.py"
_GUNICORN_NAME_RE = re.compile(r"^(gunicorn[^/]*|[^/]*gunicorn[^/]*conf[^/]*)\.py$", re.I)
# Module-level names gunicorn reads from a config module (docs.gunicorn.org/en/stable/settings.html, 23.0).
GUNICORN_SETTINGS = frozenset("""
config wsgi_app bind backlog workers worker_class threads worker_connections max_requests
max_requests_jitter timeout graceful_timeout keepalive limit_request_line limit_request_fields
limit_request_field_size reload reload_engine reload_extra_files spew check_config print_config
preload_app sendfile reuse_port chdir daemon raw_env pidfile worker_tmp_dir user group umask
initgroups tmp_upload_dir secure_scheme_headers forwarded_allow_ips accesslog
disable_redirect_access_to_syslog access_log_format errorlog loglevel capture_output logger_class
logconfig logconfig_dict logconfig_json syslog_addr syslog syslog_prefix syslog_facility
enable_stdio_inheritance statsd_host dogstatsd_tags statsd_prefix proc_name default_proc_name
pythonpath paste on_starting on_reload when_ready pre_fork post_fork post_worker_init worker_int
worker_abort pre_exec pre_request post_request child_exit worker_exit nworkers_changed on_exit
ssl_context proxy_protocol proxy_allow_ips keyfile certfile ssl_version cert_reqs ca_certs
suppress_ragged_eofs do_handshake_on_connect ciphers raw_paste_global_conf strip_header_spaces
""".split())
# A module named like a config must set at least this many of them to be taken for one
# (``gunicorn_utils.py`` with one ``timeout = 30`` is not); a module a command names with
# ``-c``, or the implicit gunicorn.conf.py, needs one.
GUNICORN_MIN_SETTINGS = 2


def looks_like_gunicorn_config(path: PurePath | str) -> bool:
    return bool(_GUNICORN_NAME_RE.match(PurePath(path).name))


def is_supervisord_name(path: PurePath | str) -> bool:
    name = PurePath(path).name.lower()
    return name.startswith("supervisord") and name.endswith(".conf")


# -- gunicorn -------------------------------------------------------------------------------
_FILE_HANDLER_RE = re.compile(r"(^|\.)(\w*FileHandler|RotatingFileHandler|TimedRotatingFileHandler)$")
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv"})


class _Unknown:
    """A value the reader cannot know (an environment variable without a default)."""


UNKNOWN = _Unknown()
PATH = "<a path built at run time>"


def read_gunicorn(text: str, named: bool = False) -> ServerConfig | None:
    """The settings of a gunicorn config module; None when it does not parse or does not look
    like one (see GUNICORN_MIN_SETTINGS; ``named``: a command names it, or it is the implicit
    gunicorn.conf.py)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the Python side reports the syntax error (TWC001)
    assigned: dict[str, tuple[object, ast.AST, ast.AST]] = {}  # name -> (value, target, statement)
    for statement in tree.body:
        for target, value in _assignments(statement):
            assigned[target.id] = (_value(value, assigned), target, statement)
    known = {name for name in assigned if name in GUNICORN_SETTINGS}
    if len(known) < (1 if named else GUNICORN_MIN_SETTINGS):
        return None
    config = ServerConfig("gunicorn")

    def add(behaviour: str, name: str, what: str) -> None:
        _, target, _ = assigned[name]
        config.settings.append(Setting(behaviour, name, what, target.lineno, target.col_offset + 1,
                                       target.end_col_offset + 1))

    if assigned.get("daemon", (None,))[0] is True:
        add(DAEMON, "daemon", "gunicorn's `daemon = True` detaches")
    pidfile = assigned.get("pidfile", (None,))[0]
    if _is_file(pidfile):
        add(PID, "pidfile", f"gunicorn's `pidfile` writes the PID file {_shown(pidfile)}")
    file_errorlog = False
    for name in ("accesslog", "errorlog"):
        value = assigned.get(name, (None,))[0]
        if _is_file(value) and value != "-":
            add(LOG, name, f"gunicorn's `{name}` logs to the file {_shown(value)}")
            file_errorlog = file_errorlog or name == "errorlog"
    if file_errorlog and assigned.get("capture_output", (None,))[0] is True:
        add(LOG, "capture_output", "gunicorn's `capture_output = True` sends the application's stdout and stderr "
                                   "to the errorlog file")
    if "logconfig_dict" in assigned and _has_file_handler(assigned["logconfig_dict"][2]):
        add(LOG, "logconfig_dict", "gunicorn's `logconfig_dict` has a file handler")
    return config


def _assignments(statement: ast.stmt):
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                yield target, statement.value
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
        yield statement.target, statement.value


def _value(node: ast.AST, assigned: dict) -> object:
    """A literal, the value of a module name assigned before, the default of an environment
    lookup ("a file unless configured otherwise"), PATH for a path built at run time."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return assigned[node.id][0] if node.id in assigned else UNKNOWN
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        if name in _ENV_GETTERS:
            if len(node.args) >= 2:
                return _value(node.args[1], assigned)
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            return _value(default, assigned) if default is not None else UNKNOWN
        if name in ("os.path.join", "os.path.abspath", "str", "Path", "pathlib.Path"):
            return PATH if node.args else UNKNOWN
        return UNKNOWN
    if isinstance(node, ast.JoinedStr):
        return PATH
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div, ast.Mod)):
        left = _value(node.left, assigned)
        return PATH if isinstance(left, str) or left is PATH else UNKNOWN
    return UNKNOWN


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _is_file(value: object) -> bool:
    """A value naming a file: not None/"" and not a standard stream (gunicorn's "-")."""
    if value is PATH:
        return True
    return isinstance(value, str) and value not in ("", "-", "/dev/null") and value not in STDIO_DEVICES


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) and value is not PATH else "(a path built at run time)"


def _has_file_handler(statement: ast.AST) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "class" and isinstance(value, ast.Constant) \
                        and isinstance(value.value, str) and _FILE_HANDLER_RE.search(value.value):
                    return True
    return False


# -- ini files ---------------------------------------------------------------------------------
@dataclass
class IniSection:
    name: str
    line: int
    values: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key -> (value, line, column)


_SECTION_RE = re.compile(r"^\s*\[([^\]\n]+)\]")
_KEY_RE = re.compile(r"^([A-Za-z0-9_.\-]+)\s*[=:]\s?")


def read_ini(text: str) -> list[IniSection]:
    """Sections and their keys as supervisord and uwsgi read them: `;`/`#` comment lines, an
    inline ` ;` comment, the last of repeated keys. Keys before any section header are
    passed over (configparser would refuse the file; these servers would too)."""
    sections: list[IniSection] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in ";#":
            continue
        match = _SECTION_RE.match(line)
        if match:
            sections.append(IniSection(match.group(1).strip(), number))
            continue
        if not sections or line[:1] in " \t":
            continue  # no section yet, or a continuation line
        match = _KEY_RE.match(line)
        if match:
            value = re.split(r"\s;", line[match.end():], maxsplit=1)[0].strip()
            sections[-1].values[match.group(1).lower()] = (value, number, match.end() + 1)
    return sections


# -- uwsgi ------------------------------------------------------------------------------------
# uwsgi options (uwsgi-docs.readthedocs.io, "Configuration Options"): what each one makes it do.
UWSGI_OPTIONS = {
    "daemonize": DAEMON, "daemonize2": DAEMON,
    "pidfile": PID, "pidfile2": PID, "safe-pidfile": PID, "safe-pidfile2": PID,
    "logto": LOG, "logto2": LOG,
}
# `req-logger = file:/var/log/req.log`, `logger = file:...` (uwsgi docs, "Pluggable loggers").
UWSGI_LOGGERS = ("logger", "req-logger")
_UWSGI_WHAT = {DAEMON: "uwsgi's `{key}` detaches", PID: "uwsgi's `{key}` writes the PID file {value}",
               LOG: "uwsgi's `{key}` logs to the file {value}"}


def read_uwsgi(text: str, suffix: str) -> ServerConfig | None:
    """A uwsgi configuration: the ``[uwsgi]`` section of an ini file, the ``uwsgi:`` mapping
    of a YAML file; None when there is none."""
    items = _uwsgi_yaml(text) if suffix in (".yaml", ".yml") else _uwsgi_ini(text)
    if items is None:
        return None
    config = ServerConfig("uwsgi")
    for key, value, line, column in items:
        key = key.lower().replace("_", "-")
        behaviour = UWSGI_OPTIONS.get(key)
        if key in UWSGI_LOGGERS and value.split(":", 1)[0] == "file" and ":" in value:
            behaviour, value = LOG, value.split(":", 1)[1]
        if behaviour is None or not value or value.lower() in ("false", "0", "no", "off"):
            continue
        if behaviour == LOG and value in STDIO_DEVICES:
            continue
        config.settings.append(Setting(behaviour, key, _UWSGI_WHAT[behaviour].format(key=key, value=repr(value)),
                                       line, column, column + len(key)))
    return config


def _uwsgi_ini(text: str):
    sections = [section for section in read_ini(text) if section.name == "uwsgi"]
    if not sections:
        return None
    return [(key, value, line, 1) for section in sections for key, (value, line, _) in section.values.items()]


def _uwsgi_yaml(text: str):
    import yaml  # deferred: a run that meets no uwsgi YAML file never loads it

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None  # a YAML file that does not read is someone else's (or TWC203's) to report
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "uwsgi" and isinstance(value, yaml.MappingNode):
            return [(k.value, str(v.value), k.start_mark.line + 1, k.start_mark.column + 1)
                    for k, v in value.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)]
    return None


# -- supervisord --------------------------------------------------------------------------------
# supervisord.org, "Configuration File": [supervisord] nodaemon defaults to false (it forks),
# pidfile to $CWD/supervisord.pid, logfile to $CWD/supervisord.log (with nodaemon=true its
# log also goes to stdout: supervisor/options.py, make_logger); a program's
# stdout_logfile/stderr_logfile default to AUTO (files in childlogdir), NONE writes none.
_TRUE = ("true", "1", "yes", "on")
_NO_FILE = ("none", "")


def read_supervisord(text: str, path: str = "supervisord.conf") -> ServerConfig | None:
    """A supervisord configuration: a file with a ``[supervisord]`` section, or one named
    ``supervisord*.conf`` or ``conf.d/*.conf`` with a ``[program:x]`` section; None otherwise.
    (A ``[program:x]`` file elsewhere, such as ``etc/supervisor/app.conf``, is meant for a
    host's own supervisord, which is the execution environment there.)"""
    sections = read_ini(text)
    if not any(s.name == "supervisord" for s in sections) and not (
            (is_supervisord_name(path) or "/conf.d/" in f"/{path}") and any(s.name.startswith("program:")
                                                                          for s in sections)):
        return None
    config = ServerConfig("supervisord")
    for section in sections:
        if section.name == "supervisord":
            _supervisord_section(section, config)
        elif section.name.startswith("program:"):
            _program_section(section, config)
    return config


def _supervisord_section(section: IniSection, config: ServerConfig) -> None:
    def at(key: str) -> tuple[int, int, int]:
        if key in section.values:
            _, line, _ = section.values[key]
            return line, 1, 1 + len(key)
        return section.line, 1, 1 + len("[supervisord]")

    nodaemon = section.values.get("nodaemon", ("false",))[0].lower()
    if nodaemon not in _TRUE:
        said = "sets nodaemon=false" if "nodaemon" in section.values else "does not set nodaemon=true"
        config.settings.append(Setting(DAEMON, "nodaemon", f"supervisord forks into the background (its "
                                                           f"[supervisord] section {said})", *at("nodaemon")))
    pidfile = section.values.get("pidfile", ("supervisord.pid",))[0]
    if pidfile.lower() not in _NO_FILE and pidfile != "/dev/null":
        default = "" if "pidfile" in section.values else " by default"
        config.settings.append(Setting(PID, "pidfile", f"supervisord writes the PID file {pidfile}{default}",
                                       *at("pidfile"), default=bool(default)))
    logfile = section.values.get("logfile", ("supervisord.log",))[0]
    # In the foreground supervisord also logs to stdout: its default file is no lost log then.
    if "logfile" not in section.values and nodaemon in _TRUE:
        return
    if logfile.lower() not in _NO_FILE and logfile not in STDIO_DEVICES and logfile != "/dev/null":
        default = "" if "logfile" in section.values else " by default"
        config.settings.append(Setting(LOG, "logfile", f"supervisord logs to the file {logfile}{default}",
                                       *at("logfile"), default=bool(default)))


def _program_section(section: IniSection, config: ServerConfig) -> None:
    name = section.name.split(":", 1)[1]
    if "command" in section.values:
        command, line, column = section.values["command"]
        config.programs.append(ProgramCommand(name, command, line, column, section.line))
    for key in ("stdout_logfile", "stderr_logfile"):
        if key not in section.values:
            continue
        value, line, _ = section.values[key]
        if value.lower() in ("none", "auto", "") or value in STDIO_DEVICES or value.startswith("/dev/fd/") \
                or value == "/dev/null":
            continue
        config.settings.append(Setting(LOG, key, f"supervisord's [program:{name}] `{key}` captures its output "
                                                 f"into the file {value}", line, 1, 1 + len(key)))


# -- any file -------------------------------------------------------------------------------------
_TEXT_SUFFIXES = (".ini", ".conf", ".cfg", ".yaml", ".yml")


def may_be_server_config(path: str) -> bool:
    """By the name alone (cheap): a file ``read_server_config`` may take for a configuration."""
    lower = path.lower()
    return lower.endswith(_TEXT_SUFFIXES) or (lower.endswith(".py") and looks_like_gunicorn_config(path))



def read_server_config(path: str, text: str, named: bool = False) -> ServerConfig | None:
    """The server configuration a file is, by its name and what it says; None for any other
    file. ``named``: a command names it as its tool's configuration."""
    suffix = posixpath.splitext(path)[1].lower()
    if suffix == ".py":
        if named or looks_like_gunicorn_config(path):
            return read_gunicorn(text, named or PurePath(path).name == GUNICORN_DEFAULT_CONFIG)
        return None
    if suffix in (".yaml", ".yml"):
        return read_uwsgi(text, suffix) if "uwsgi" in text else None
    if suffix in (".ini", ".conf", ".cfg"):
        if "[uwsgi]" in text:
            return read_uwsgi(text, suffix)
        if "[supervisord]" in text or "[program:" in text:
            return read_supervisord(text, path)
    return None
