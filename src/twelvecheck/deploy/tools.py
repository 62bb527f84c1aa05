"""What twelvecheck knows about the programs a Procfile runs: one table, one row per tool.

A row names the program (``gunicorn``) or a program and its subcommand (``celery worker``,
``manage.py runserver``) and lists, as option specs, what its options do:

- ``"-p FILE"``: the option takes a value (``-p x``, ``-px``, ``--pid=x``);
- ``"--daemonize yes"``: it counts only with that value;
- ``"-D"``: a flag; ``"ARG"``: the first positional argument.

The rows are data, in ``knowledge/tools.toml``. Adding a tool is adding a row; the Procfile
rules (``checks/procfile/``) apply the table and never name a tool themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from twelvecheck.config import knowledge


@dataclass(frozen=True)
class Tool:
    key: str
    alias: str = ""  # another row this one is spelled as (celeryd -> celery worker)
    role: str = ""  # "server", "manager", "devserver", "migration", "scheduler", "detacher", "wrapper"
    daemon: tuple[str, ...] = ()  # options that make it detach
    foreground: tuple[str, ...] = ()  # it detaches unless given one of these (in a config file too)
    pid: tuple[str, ...] = ()  # options naming a PID file
    pid_default: str = ""  # the PID file it writes when no pid option names one (`--pidfile=` turns it off)
    log: tuple[str, ...] = ()  # options naming a log file
    stdout: str | None = None  # the log value that means standard output ("-")
    scheduler: tuple[str, ...] = ()  # options that run a periodic-task scheduler in the process
    no_scheduler: tuple[str, ...] = ()  # a "scheduler" role tool that does not schedule with these
    port: tuple[str, ...] = ()  # options that set where it listens
    listens: str = ""  # where it listens when not told: "$PORT" (reads it) or an address
    config: tuple[str, ...] = ()  # options naming a config file that may set the above
    reload: tuple[str, ...] = ()  # development auto-reload options
    sigterm: str = ""  # an option it needs to exit on SIGTERM ("die-on-term")
    values: tuple[str, ...] = ()  # other options that take a value (to find positional arguments)
    skip: int = 0  # wrappers: positional arguments before the wrapped command
    through: bool = False  # wrappers: the wrapped command starts after a `--` (chamber exec SERVICE... --)
    app: bool = False  # its positional argument is the Python application ("module:attr")
    note: str = ""  # added to messages about it
    runs_command: bool = False  # its daemon options detach only a command it is given to run
    manages: bool = False  # it supervises programs whatever its role (pm2 start hands them to a pm2 daemon)
    knowledge: str = ""  # the user's knowledge entry that made the row (config/knowledge.entry_id)


TOOLS: dict[str, Tool] = {}  # filled below from knowledge/tools.toml


def _tool(key: str, row: dict[str, Any], value_sets: dict[str, list[str]]) -> Tool:
    """A row of knowledge/tools.toml: its keys are Tool's fields spelled with dashes; lists
    are tuples, and ``values-from`` names a shared list of options put before ``values``."""
    fields = {name.replace("-", "_"): tuple(value) if isinstance(value, list) else value
              for name, value in row.items() if name != "values-from"}
    if "values-from" in row:
        fields["values"] = (*value_sets[row["values-from"]], *fields.get("values", ()))
    return Tool(key, **fields)


_value_sets = knowledge.mapping("tools", "value-sets")
TOOLS.update((key, _tool(key, row, _value_sets)) for key, row in knowledge.mapping("tools", "tools").items())

# Python functions that run a tool of the table inside the calling process, on the command
# line the caller put together before the call; methods of a tool's application object that
# run the tool in this process on the argv they are given (``app.worker_main(argv=[...])``).
ENTRY_POINTS: dict[str, str] = knowledge.mapping("tools", "entry-points")
ENTRY_METHODS: dict[str, str] = knowledge.mapping("tools", "entry-methods")
# Programs that do their work and exit (put in the background they detach nothing that runs
# on), and the management commands that exit when done.
SHORT_LIVED_PROGRAMS = knowledge.names("tools", "programs", "short-lived")
SHORT_LIVED_MANAGEMENT = knowledge.names("tools", "programs", "short-lived-management")
# Init scripts started by path (`/etc/init.d/nginx start`): they start the service in the background.
INIT_SCRIPT_DIRS = tuple(knowledge.builtin("tools")["programs"]["init-script-dirs"])
INIT_SCRIPT_ACTIONS = knowledge.names("tools", "programs", "init-script-actions")
# `nohup x` and `setsid x` wrap a command and detach it.
DETACHING_WRAPPERS = knowledge.names("tools", "programs", "detaching-wrappers")
# Shell words that lead into a command (reserved words and builtins), and the shells.
SHELL_KEYWORDS = knowledge.names("tools", "programs", "shell-keywords")
SHELLS = knowledge.names("tools", "programs", "shells")
# `python -m X` for these runs the tool X.
PYTHON_MODULE_TOOLS: dict[str, str] = knowledge.mapping("tools", "python-module-tools")
# Scripts whose first argument is a Django-style management command.
MANAGEMENT_SCRIPTS = knowledge.names("tools", "programs", "management-scripts")


def tools() -> dict[str, Tool]:
    """TOOLS with the project's own wrappers (``[tool.twelvecheck.knowledge] wrappers``): a
    wrapper the configuration names is one, whatever the table says of the program."""
    return _with_user_wrappers(knowledge.user().wrappers)


@lru_cache(maxsize=8)
def _with_user_wrappers(wrappers: tuple[str, ...]) -> dict[str, Tool]:
    if not wrappers:
        return TOOLS
    return {**TOOLS, **{name: Tool(name, role="wrapper", knowledge=knowledge.entry_id("wrappers", name, True))
                        for name in wrappers}}
