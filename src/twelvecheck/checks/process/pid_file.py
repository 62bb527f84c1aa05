"""TWC101 pid-file: the process writes its id to a file."""

# size: the rule's cases (several multi-module ones) make up most of the module.

from __future__ import annotations

from dataclasses import dataclass

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.checks.process._launch import (
    PLACEHOLDER, CommandLineWords, callee_name, entry_command, is_launcher, launched_command,
    tool_invocations,
)
from twelvecheck.deploy.options import names_config, pid_files
from twelvecheck.program.values.exprs import (
    argument, is_none, keyword_argument, string_value, subexpressions, target_key,
)
from twelvecheck.checks.process._pidnames import (
    PID_TOKENS, Parameter, data_is_pid, expression_is_system_path, expression_names_pid_file,
)
from twelvecheck.core.findings import Requires
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.engine.names import dotted_name
from twelvecheck.engine.rule import Invalid, Rule, Valid
from twelvecheck.program.frameworks import STDLIB_MODULES
from twelvecheck.program.python_daemon import CONTEXT_PID_LOCK_ATTRIBUTE, is_daemon_context

# Third-party PID lock files (constructing one creates or prepares the file), python-daemon's
# DaemonRunner(app), which locks a PID file at ``app.pidfile_path`` unless it is None, and the
# daemonizers whose pid file argument makes them write one (and python-daemon's contexts, by
# their PID lock's keyword): knowledge/process.toml [pid-files].
PID_LOCK_CLASSES = knowledge.names("process", "pid-files", "lock-classes")
APP_PIDFILE_RUNNERS: dict[str, str] = dict(knowledge.builtin("process")["pid-files"]["app-pidfile-runners"])
DAEMONIZERS_PIDFILE_ARG = {name: tuple(keywords) for name, keywords
                           in knowledge.builtin("process")["pid-files"]["daemonizers-pidfile-arg"].items()}
# Tools whose plugins set the tool's pid file through `self.parent` (twistd's usage.Options):
# the tool, the plugin options' bases and the key ([pid-files] plugin-options).
PLUGIN_OPTIONS: dict[str, dict] = dict(knowledge.builtin("process")["pid-files"]["plugin-options"])
# Calls into these are no project helper (``logging.info(fmt, pidfile, pid)``).
WRITE_OPENERS = knowledge.names("process", "file-writers", "openers")
# Calls whose result is a writable file (or descriptor) when it is written to
# (knowledge/process.toml [file-writers], as WRITE_OPENERS).
FILE_SOURCES = knowledge.names("process", "file-writers", "sources")
WRITE_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_EXCL"})
WRITE_METHODS = frozenset({"write", "writelines"})
PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes"})
# Methods that take the lock of a PID lock object (PEP 3143's lock protocol, lockfile's).
LOCK_METHODS = frozenset({"acquire", "lock", "__enter__"})


def _pid_files_entry(qualified: str) -> str:
    """How reports name the built-in ``[pid-files]`` entry (knowledge/process.toml) of a class."""
    return knowledge.entry_id("pid-files", qualified, False)


def _plugin_options(tool: str) -> str:
    """The key of a tool's plugin-options classes in ``PidFile.known_classes``."""
    return f"{tool}-plugin-options"


@dataclass
class _PidWrite:
    requires: Requires | None  # None: the process id itself; else the callers must give it


def _subscript_key(target: cst.BaseExpression, receiver: str) -> str | None:
    """The string key of ``receiver["key"]`` as an assignment target, else None."""
    if not (isinstance(target, cst.Subscript) and target_key(target.value) == receiver and len(target.slice) == 1):
        return None
    index = target.slice[0].slice
    return string_value(index.value) if isinstance(index, cst.Index) else None


_TWISTD_LAUNCH = ("feeds/launch.py", (
    "import sys\n"
    "from twisted.scripts.twistd import ServerOptions, runApp\n\n"
    "def main(argv=None):\n"
    "    args = list(sys.argv[1:] if argv is None else argv)\n"
    "    program = args.pop(0)\n"
    "    config = ServerOptions()\n"
    "    config.parseOptions([\"--nodaemon\", program, *args])\n"
    "    runApp(config)\n"))
_TWISTD_PLUGIN_BASE = ("feeds/base.py", (
    "from twisted.python import usage\n\n"
    "class CommonOptions(usage.Options):\n"
    "    optParameters = [[\"config\", \"c\", \"feeds.conf\", \"configuration file\"]]\n"))
_TWISTD_PLUGIN = ("twisted/plugins/feeds_plugin.py", (
    "from zope.interface import implementer\n"
    "from twisted.application.service import IServiceMaker, MultiService\n"
    "from twisted.plugin import IPlugin\n"
    "from feeds.options import IngestOptions\n\n"
    "@implementer(IServiceMaker, IPlugin)\n"
    "class IngestMaker:\n"
    "    tapname = \"feeds-ingest\"\n"
    "    description = \"ingest feeds\"\n"
    "    options = IngestOptions\n\n"
    "    def makeService(self, options):\n"
    "        return MultiService()\n\n"
    "serviceMaker = IngestMaker()\n"))


def _given(parameter: Parameter) -> Requires:
    return Requires.given_process_id(parameter.function, parameter.index, parameter.name)


@dataclass
class _OpenHandle:
    """``with open(...) as f:`` while its block is being visited."""

    call: cst.Call
    reported: bool  # the open itself names a pid file
    pid_written: bool = False
    requires: Requires | None = None  # written a parameter: the callers must give the pid


class PidFile(Rule):
    code = "TWC101"
    models = (AssignedValues,)
    # A parameter written into a file is a PID file when a caller gives it the process id:
    # a question for the whole program (Requires.given_process_id).
    collectors = (ProgramFacts,)
    reads_handed_modules = True
    # A class whose methods set `self.parent["pidfile"]` is a twistd plugin's options when it
    # derives from usage.Options, through the project's classes (Requires.instance_of).
    known_classes = {_plugin_options(tool): frozenset(row["bases"]) for tool, row in PLUGIN_OPTIONS.items()}
    tokens = (*PID_TOKENS, "twistd", "supervisord")  # tools that write a PID file by default

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = ctx.model_of(AssignedValues)
        self.handled: set[int] = set()
        self.open_statements: dict[int, cst.CSTNode] = {}  # the statement of each open, for report_at
        # The handles of the `with open(...) as f:` blocks being visited, innermost last.
        # A pid written inside the block is reported once, on the open.
        self.with_handles: list[dict[str, _OpenHandle]] = []
        self.command_line = CommandLineWords(ctx)
        self.listeners = [self.command_line]

    # -- bookkeeping --------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._check_opened(node.value)
        self._check_plugin_option(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._check_opened(node.value)

    def visit_With(self, node: cst.With) -> None:
        handles: dict[str, _OpenHandle] = {}
        for item in node.items:
            name = target_key(item.asname.name) if item.asname else None  # type: ignore[arg-type]
            reported = self._check_opened(item.item)
            if name and isinstance(item.item, cst.Call) and self._written_path(item.item) is not None:
                handles[name] = _OpenHandle(item.item, reported)
            self._check_entered(item.item)
        self.with_handles.append(handles)

    def leave_With(self, original_node: cst.With) -> None:
        for handle in self.with_handles.pop().values():
            if handle.pid_written and not handle.reported:
                self.report(handle.call, what="a file that receives the process id is opened for writing",
                            requires=handle.requires)

    def _with_handle(self, receiver: cst.BaseExpression) -> _OpenHandle | None:
        key = target_key(receiver)
        for handles in reversed(self.with_handles):
            if key in handles:
                return handles[key]
        return None

    # -- opening a pid file for writing --------------------------------------------
    def _check_opened(self, value: cst.BaseExpression) -> bool:
        """``open(<pid path>, "w")``: a file opened for writing at a path whose text says
        PID file (``"app.pid"``, through local names). The names of the variables involved
        decide nothing; a file that receives the pid is reported when it is written."""
        if not isinstance(value, cst.Call):
            return False
        if self.ctx.statements:
            self.open_statements[id(value)] = self.ctx.statements[-1]
        path = self._written_path(value)
        if path is None:
            return False
        if expression_names_pid_file(path, self.ctx, self.assigned):
            self.handled.add(id(value))
            self.report(value, what="a PID file is opened for writing")
            return True
        return False

    def _written_path(self, call: cst.Call) -> cst.BaseExpression | None:
        """The path of a call that opens a file for writing, else None."""
        qualified = self.ctx.qualify(call.func)
        if qualified in WRITE_OPENERS:
            mode = argument(call, 1, "mode")
            return argument(call, 0, "file") if self._writes(mode) else None
        if qualified == "os.open":
            flags = argument(call, 1, "flags")
            return argument(call, 0, "path") if flags is not None and self._write_flags(flags) else None
        if (qualified is None and isinstance(call.func, cst.Attribute) and call.func.attr.value == "open"
                and self._writes(argument(call, 0, "mode"))):
            receiver = call.func.value  # Path(...).open("w"), pid_path.open("w")
            if isinstance(receiver, cst.Call) and receiver.args:
                return receiver.args[0].value
            return receiver
        return None

    def _writes(self, mode: cst.BaseExpression | None) -> bool:
        text = string_value(mode) if mode is not None else None
        return text is not None and any(ch in text for ch in "wax+")

    def _write_flags(self, flags: cst.BaseExpression, depth: int = 0) -> bool:
        if depth > 4:
            return False
        if isinstance(flags, cst.BinaryOperation):
            return self._write_flags(flags.left, depth + 1) or self._write_flags(flags.right, depth + 1)
        if isinstance(flags, cst.Attribute) and flags.attr.value in WRITE_FLAGS:
            return True
        if isinstance(flags, (cst.Name, cst.Attribute)):
            if isinstance(flags, cst.Name) and flags.value in WRITE_FLAGS:
                return True
            return any(self._write_flags(v, depth + 1) for v in self.assigned.values(flags) if v is not flags)
        return False

    # -- writing a pid -------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.handled:
            return
        qualified = self.ctx.qualify(node.func)
        name = callee_name(node)
        if self._check_tools(node, qualified):
            return
        if qualified in PID_LOCK_CLASSES:
            self.report(node, what=f"{qualified.rsplit('.', 1)[-1]}(...) creates a PID lock file",
                        knowledge=_pid_files_entry(qualified))
        elif qualified in DAEMONIZERS_PIDFILE_ARG or is_daemon_context(qualified):
            self._check_daemonizer(node, qualified)  # type: ignore[arg-type]
        elif qualified in APP_PIDFILE_RUNNERS:
            app = argument(node, 0, "app")
            if app is not None and self._sets_attribute(app, APP_PIDFILE_RUNNERS[qualified]):
                self.report(node, what=f"{qualified.rsplit('.', 1)[-1]}(app) locks the PID file at "
                                       f"app.{APP_PIDFILE_RUNNERS[qualified]}", knowledge=_pid_files_entry(qualified))
        elif qualified == "os.write":
            fd, data = argument(node, 0, "fd"), argument(node, 1, "data")
            written = self._pid_write(fd, data) if fd is not None and data is not None else None
            if written is not None:
                self.report(node, what="os.write() puts the process id into a file", requires=written.requires)
        elif name in WRITE_METHODS and isinstance(node.func, cst.Attribute) and node.args:
            receiver = node.func.value
            handle = self._with_handle(receiver)
            if handle is not None and handle.reported:
                return  # written inside `with open(<pid file>) as f:`: already reported
            written = self._pid_write(receiver, node.args[0].value)
            if written is not None:
                self._written(node, handle, written, f"{dotted_name(node.func) or '.' + name}() puts the process id "
                                                     f"into a file")
        elif name in PATH_WRITE_METHODS and isinstance(node.func, cst.Attribute) and node.args:
            receiver, data = node.func.value, node.args[0].value
            if not expression_is_system_path(receiver, self.ctx, self.assigned):
                pid = data_is_pid(data, self.ctx, self.assigned, strict=True)
                if expression_names_pid_file(receiver, self.ctx, self.assigned) or pid is True:
                    self.report(node, what=f"Path.{name}() writes a PID file")
                elif isinstance(pid, Parameter):
                    self.report(node, what=f"Path.{name}() writes a PID file", requires=_given(pid))
        elif self._hands_over_process_id(node):
            pass  # reported, if the function it calls writes what it is given
        elif name in LOCK_METHODS and isinstance(node.func, cst.Attribute):
            if self._is_context_pid_lock(node.func.value):
                self.report(node, what=f"the daemon context's .{name}() of its PID lock (pidfile) writes the PID file")
        elif qualified == "builtins.print":
            self._check_print(node)
        else:
            opened = self._written_path(node)
            if opened is not None and expression_names_pid_file(opened, self.ctx, self.assigned):
                self.report(node, what="a PID file is opened for writing")

    def _check_tools(self, node: cst.Call, qualified: str | None) -> bool:
        """A launched command, or a tool run in this process, that writes a PID file by the
        tool table: a pid option given a value, or the tool's default (twistd's
        ``twistd.pid``, written even with ``--nodaemon`` unless ``--pidfile=`` is empty)."""
        if is_launcher(qualified):
            command, how = launched_command(node, qualified, self.assigned), "launching"  # type: ignore[arg-type]
        else:
            command, how = entry_command(node, qualified, self.command_line, self.assigned), "running"
        for inv in tool_invocations(command):
            for effect in pid_files(inv.args, inv.tool):
                if effect.option is not None:
                    value = "" if effect.value in (None, PLACEHOLDER) else f" {effect.value}"
                    self.report(node, what=f"{how} `{inv.tool.key} {effect.option.token.text}` writes the PID "
                                           f"file{value}")
                elif not names_config(inv.args, inv.tool):  # the file it names may set another
                    flag = inv.tool.pid[-1].split()[0]
                    # A plugin's options may name the file instead: reported there (see above).
                    default = (Requires.unless_set_elsewhere(inv.tool.key, _plugin_options(inv.tool.key))
                               if inv.tool.key in PLUGIN_OPTIONS else None)
                    self.report(node, what=f"{how} {inv.tool.key} writes a PID file ({effect.value} unless another "
                                           f"is named; only an empty `{flag}=` writes none)", requires=default)
                return True
        return False

    def _check_plugin_option(self, node: cst.Assign) -> None:
        """A tool's plugin naming the tool's pid file: ``self.parent["pidfile"] = path`` in a
        method of a class of the module's top level. It holds when the project says the class
        is the tool's plugin options (a twistd ``usage.Options``); the tool's default at the
        place that runs it is then not reported (``Requires.unless_set_elsewhere``)."""
        method = self.ctx.functions[-1] if len(self.ctx.functions) == 1 else None
        if (len(self.ctx.classes) != 1 or method is None or not method.params.params
                or is_none(node.value) or string_value(node.value) == ""):
            return  # None or an empty path names no file
        receiver = f"{method.params.params[0].name.value}.parent"
        for target in node.targets:
            key = _subscript_key(target.target, receiver)
            for tool, row in PLUGIN_OPTIONS.items():
                if key == row["pid-key"]:
                    cls = f"{self.ctx.module_name}.{self.ctx.classes[0].name.value}"
                    self.report(node, what=f"a {tool} plugin's options set {tool}'s PID file "
                                           f"(`{receiver}[\"{key}\"]`), which {tool} writes",
                                requires=Requires.instance_of(cls, _plugin_options(tool)),
                                knowledge=_pid_files_entry(tool))

    def _sets_attribute(self, app: cst.BaseExpression, attribute: str) -> bool:
        """``app`` is an instance of a class of this module whose methods set
        ``self.<attribute>`` to something other than None."""
        classes = {callee_name(value) for value in self.assigned.values(app) if isinstance(value, cst.Call)}
        for statement in self.ctx.module.body:
            if not isinstance(statement, cst.ClassDef) or statement.name.value not in classes:
                continue
            methods = [m for m in statement.body.body if isinstance(m, cst.FunctionDef)]
            for method in methods:
                for node in subexpressions(method.body):
                    if isinstance(node, cst.Assign) and not is_none(node.value) and any(
                            target_key(t.target) == f"self.{attribute}" for t in node.targets):
                        return True
        return False

    def _check_daemonizer(self, node: cst.Call, qualified: str) -> None:
        for keyword in DAEMONIZERS_PIDFILE_ARG.get(qualified, ("pidfile",)):
            arg = keyword_argument(node, keyword)
            if arg is not None and not is_none(arg.value):
                if isinstance(arg.value, cst.Call):
                    self.handled.add(id(arg.value))  # the lock built for it is the same finding
                self.report(node, what=f"{qualified.rsplit('.', 1)[-1]}({keyword}=...) writes a PID file",
                            knowledge=_pid_files_entry(qualified) if qualified in DAEMONIZERS_PIDFILE_ARG else None)
                return

    def _check_entered(self, item: cst.BaseExpression) -> None:
        """``with self.pidfile:`` in python-daemon's own DaemonContext (see _is_context_pid_lock)."""
        if self._is_context_pid_lock(item):
            self.report(item, what="the daemon context enters its PID lock (pidfile), which writes the PID file")

    def _pid_write(self, receiver: cst.BaseExpression, data: cst.BaseExpression) -> "_PidWrite | None":
        """Data that is the process id (around it only format fields and whitespace), or a
        parameter its callers may give it, written to a file or descriptor opened in this
        function. An ``open``/``os.open`` for writing that is not a ``with`` item is reported
        too, once."""
        opener = self._opened_file(receiver)
        pid = data_is_pid(data, self.ctx, self.assigned, strict=True) if opener is not None else False
        if opener is None or pid is False:
            return None
        written = _PidWrite(_given(pid) if isinstance(pid, Parameter) else None)
        if (id(opener) not in self.handled and self._written_path(opener) is not None
                and all(opener is not call for call in self._open_handles())):
            self.handled.add(id(opener))
            self.report_at(opener, self.open_statements.get(id(opener)),
                           what="a file that receives the process id is opened for writing", requires=written.requires)
        return written

    def _written(self, node: cst.Call, handle: "_OpenHandle | None", written: "_PidWrite", what: str) -> None:
        """A write of the process id: inside ``with open(...) as f:`` the finding is the
        ``open``'s, when the block is left; a write of the pid itself outweighs a parameter's."""
        if handle is None:
            self.report(node, what=what, requires=written.requires)
            return
        handle.requires = written.requires if not handle.pid_written else (handle.requires and written.requires)
        handle.pid_written = True

    def _open_handles(self) -> list[cst.Call]:
        return [handle.call for handles in self.with_handles for handle in handles.values()]

    def _opened_file(self, node: cst.BaseExpression) -> cst.Call | None:
        """The call that opened this file or descriptor for writing in this function (none
        when it is under /proc, /sys or a cgroup)."""
        found = None
        for value in self.assigned.values(node):
            if not isinstance(value, cst.Call):
                continue
            qualified = self.ctx.qualify(value.func)
            if qualified in FILE_SOURCES or (qualified is None and callee_name(value) == "open"):
                path = argument(value, 0)
                if path is not None and expression_is_system_path(path, self.ctx, self.assigned):
                    return None
                if qualified in WRITE_OPENERS or qualified == "os.open" or qualified is None:
                    if self._written_path(value) is None:
                        continue  # opened for reading
                found = found or value
        return found

    def _is_context_pid_lock(self, receiver: cst.BaseExpression) -> bool:
        """``self.pidfile`` in a method of python-daemon's DaemonContext, a copy of the library
        the project carries: PEP 3143 makes that attribute the PID lock the context enters
        (program/python_daemon.py). Elsewhere a lock object is judged by what its class does:
        a project's class that writes the process id is reported at that write."""
        if target_key(receiver) != f"self.{CONTEXT_PID_LOCK_ATTRIBUTE}" or not self.ctx.classes:
            return False
        return is_daemon_context(f"{self.ctx.module_name}.{self.ctx.classes[-1].name.value}")

    def _hands_over_process_id(self, node: cst.Call) -> bool:
        """A function of another module of the project given the process id
        (``Pidfile(path).create(os.getpid())``, ``write_pidfile(path, self.pid)`` after
        ``self.pid = os.getpid()``): reported if that function writes the parameter into a
        file, which its own module's finding tells (a question for the whole run)."""
        callee = self._callee(node)
        if callee is None or callee.split(".", 1)[0] in STDLIB_MODULES or callee.startswith(self.ctx.module_name + "."):
            return False
        given = [(index, arg) for index, arg in enumerate(node.args) if arg.keyword is None and not arg.star]
        given += [(arg.keyword.value, arg) for arg in node.args if arg.keyword is not None]
        found = False
        for where, arg in given:
            if data_is_pid(arg.value, self.ctx, self.assigned, strict=True) is True:
                self.report(node, what=f"{callee.rsplit('.', 1)[-1]}() is given the process id and writes it into "
                                       f"a file", requires=Requires.writes_process_id(callee, where))
                found = True
        return found

    def _callee(self, node: cst.Call) -> str | None:
        """The qualified name a call reaches: ``obj.method`` on an object made here by a class
        of another module (``Pidfile(path)``), else the call's own name."""
        func = node.func
        if isinstance(func, cst.Attribute):
            for value in self.assigned.values(func.value):
                if isinstance(value, cst.Call):
                    made = self.ctx.qualify(value.func)
                    if made:
                        return f"{made}.{func.attr.value}"
        return self.ctx.qualify(func)

    def _check_print(self, node: cst.Call) -> None:
        """``print(os.getpid(), file=fh)``: the pid printed into a file."""
        target = keyword_argument(node, "file")
        if target is None or not node.args or keyword_argument(node, "sep") is not None:
            return
        receiver = target.value
        handle = self._with_handle(receiver)
        if handle is not None and handle.reported:
            return
        data = node.args[0].value if len(node.args) == 1 else cst.Tuple([cst.Element(a.value) for a in node.args])
        written = self._pid_write(receiver, data)
        if written is not None:
            self._written(node, handle, written, "print(..., file=...) puts the process id into a file")

    VALID = [
        Valid("""
            import os
            def read_running_pid(pidfile):
                with open(pidfile) as f:
                    return int(f.read())
            def stop(pid_file):
                with open(pid_file, "r") as handle:
                    os.kill(int(handle.read()), 15)
            """),
        Valid("""
            import logging, os, tempfile
            logging.basicConfig(format="%(asctime)s [" + str(os.getpid()) + "] %(message)s")
            scratch = os.path.join(tempfile.gettempdir(), f"upload-{os.getpid()}.tmp")
            with open(scratch, "w") as out:
                out.write("partial upload")
            """),
        Valid("""
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument("--pidfile", help="write the pid to this file")
            DEFAULTS = {"pid_file": "/var/run/%s.pid" % "worker"}
            def pid_path(name):
                return "%s.pid" % name
            """),
        Valid("""
            import os, sys, threading
            print("worker pid", os.getpid())
            sys.stdout.write("started %d\\n" % os.getpid())
            pid_lock = threading.Lock()
            def bump():
                pid_lock.acquire()
            class Pool:
                def __init__(self):
                    self._pid_lock = threading.Lock()
                def add(self, pid):
                    self._pid_lock.acquire()
                    self.store_pid(pid)
            """),
        Valid("""
            import os
            def tag(log):
                with open("/var/log/app.log", "a") as log:
                    log.write(f"worker pid={os.getpid()} started\\n")
            def join_cgroup(group):
                with open(f"/sys/fs/cgroup/{group}/cgroup.procs", "w") as f:
                    f.write(str(os.getpid()))
            """),
        Valid("""
            # open("app.pid", "w").write(str(os.getpid()))
            '''Never call write_pidfile() here.'''
            message = "PIDLockFile(path)"
            """),
        # A process moving itself into a cgroup, or tuning itself under /proc, writes its pid
        # into a kernel file, not a PID file: with every write spelling.
        Valid("""
            import os
            from pathlib import Path

            def join(group):
                Path(f"/sys/fs/cgroup/{group}/cgroup.procs").write_text(str(os.getpid()))
                Path("/sys/fs/cgroup/jobs/cgroup.procs").write_bytes(b"%d" % os.getpid())
                procs = Path("/sys/fs/cgroup") / group / "cgroup.procs"
                procs.write_text(f"{os.getpid()}\\n")
                fd = os.open(f"/sys/fs/cgroup/{group}/tasks", os.O_WRONLY)
                os.write(fd, str(os.getpid()).encode())
                with open("/sys/fs/cgroup/jobs/cgroup.procs", "w") as fh:
                    print(os.getpid(), file=fh)
                fh = open(f"/proc/{os.getpid()}/oom_score_adj", "w")
                fh.write(str(os.getpid()))
            """),
        # Names decide nothing: a file opened into `pid_file`, or at a `pidfile_path`, that
        # receives no process id is not reported (its path's text does not say PID file).
        Valid("""
            import json, os

            def save_state(run_dir, name, state):
                pidfile_path = os.path.join(run_dir, name)
                pid_file = open(pidfile_path, mode="a")
                pid_file.write(json.dumps(state))
            """),
        # A helper's name decides nothing: write_pidfile() of another module, called here,
        # writes the settings; _write_pid_file() here does nothing.
        Valid("""
            from svc.files import write_pidfile

            def configure(cfg):
                write_pidfile(cfg.path, cfg.text)
            """, files=(("svc/__init__.py", ""),
                        ("svc/files.py", "def write_pidfile(path, text):\n    open(path, 'w').write(text)\n"))),
        # A parameter written into a file is no PID file when its callers give it something
        # else, or nothing in the program calls it, whatever the parameter is called.
        Valid("""
            import os, tempfile
            class Marker:
                def put(self, value):
                    fd, name = tempfile.mkstemp(dir="/run")
                    os.write(fd, ("%s\\n" % value).encode("utf-8"))
            """, filename="svc/marker.py", files=(
                ("svc/__init__.py", ""),
                ("svc/supervisor.py", "import os\nfrom svc.marker import Marker\n\n\ndef start(settings):\n"
                                      "    Marker().put(settings.port)\n    print(os.getpid())\n"),
            )),
        # Handing the process id to a function of another module that does not write it into
        # a file (it logs it) is no PID file, wherever it is called from.
        Valid("""
            import os
            from svc.audit import announce

            def boot(settings):
                announce(settings.name, os.getpid())
            """, filename="svc/boot.py", files=(
                ("svc/__init__.py", ""),
                ("svc/audit.py", "import logging\n\n\ndef announce(name, ident):\n"
                                 "    logging.getLogger(name).info('%s', ident)\n"),
            )),
        Valid("""
            def record(target, pid):
                with open(target, "w") as out:
                    out.write(f"{pid}\\n")
            """),
        Valid("""
            import os
            class Daemon:
                def _write_pid_file(self):
                    pass
                def start(self):
                    self._write_pid_file()
            def write_pidfile(path):
                pass
            write_pidfile("x")
            """),
        # `--pidfile=` (empty) turns twistd's default off; uwsgi's -p is its process count.
        Valid("""
            import subprocess, sys
            from twisted.scripts import twistd

            def serve(tac):
                sys.argv[1:] = ["--nodaemon", "--pidfile=", "--python", tac]
                twistd.run()

            def web():
                subprocess.run(["gunicorn", "--workers", "3", "--bind", "0.0.0.0:8000", "app:app"], check=True)
                subprocess.run(["uwsgi", "--http", ":8000", "-p", "4", "--module", "app"], check=True)
            """, files=(("cli.py", "import app\n\nif __name__ == '__main__':\n    app.serve('svc.tac')\n"),)),
        Valid("""
            import daemon.runner

            class Agent:
                def __init__(self, out):
                    self.stdin_path, self.stdout_path, self.stderr_path = "/dev/null", out, out
                    self.pidfile_path = None  # no PID file
                    self.pidfile_timeout = 5

                def run(self):
                    pass

            def main(out):
                daemon.runner.DaemonRunner(Agent(out)).do_action()
            """),
        # A lock object of the project is judged by what its class does, never by its name:
        # a class that writes the process id itself is reported at that write, in its own
        # module, and the places that make, enter or lock one are not reported again.
        Valid("""
            from svc.locking import Guard

            def serve(path):
                with Guard(path):
                    run()

            def claim(path):
                guard = Guard(path)
                guard.acquire()
                return guard
            """, filename="svc/main.py", files=(
                ("svc/__init__.py", ""),
                ("svc/locking.py", "import os\n\nclass Guard:\n    def __init__(self, path):\n"
                                   "        self.path = path\n\n    def acquire(self):\n"
                                   "        with open(self.path, 'w') as out:\n"
                                   "            out.write(str(os.getpid()))\n\n"
                                   "    def __enter__(self):\n        self.acquire()\n        return self\n"),
            ), elsewhere=(("svc/locking.py", (8,)),)),
        # ... and an object named like a PID file whose class this run cannot see is no
        # finding: a name says nothing of what the class does.
        Valid("""
            from myproject.pidfile import Pidfile
            class Arbiter:
                def start(self):
                    self.pidfile = Pidfile(self.cfg.pidfile)
                    self.pidfile.create(self.cfg.workers)
            def create_pidlock(pidfile):
                pidlock = Pidfile(pidfile)
                pidlock.acquire()
                with Pidfile(pidfile):
                    pass
                return pidlock
            """),
        # The same attribute in a class that is not python-daemon's context is another
        # object, judged by its own class.
        Valid("""
            class DaemonContext:
                def __init__(self, pidfile=None):
                    self.pidfile = pidfile

                def open(self):
                    self.pidfile.__enter__()
            """, filename="svc/context.py", files=(("svc/__init__.py", ""),)),
        # `self.parent["pidfile"]` in a class that is no twistd plugin's options is some
        # other tree of settings: twistd's default is still reported where it runs.
        Valid("""
            class Node:
                def __init__(self, parent):
                    self.parent = parent

                def inherit(self, path):
                    self.parent["pidfile"] = path
            """, filename="feeds/tree.py", files=(("feeds/__init__.py", ""), _TWISTD_LAUNCH),
            elsewhere=(("feeds/launch.py", (9,)),)),
        # A tool given a configuration file: whether it writes its default PID file is the
        # file's to say (supervisord's pidfile=), and the run does not read it here.
        Valid("""
            import os
            from deploy.paths import SUPERVISOR_CONF

            def container_main():
                os.execvp("supervisord", ["supervisord", "--nodaemon", "-c", SUPERVISOR_CONF])
            """, files=(("deploy/__init__.py", ""), ("deploy/paths.py", 'SUPERVISOR_CONF = "/etc/sv.conf"\n'))),
        # A plugin's options that empty the pid file name none.
        Valid("""
            from feeds.base import CommonOptions

            class QuietOptions(CommonOptions):
                def postOptions(self):
                    self.parent["pidfile"] = ""
            """, filename="feeds/options.py", files=(("feeds/__init__.py", ""), _TWISTD_PLUGIN_BASE)),
    ]

    INVALID = [
        Invalid("""
            import os
            with open("/var/run/worker.pid", "w") as f:
                f.write(str(os.getpid()))
            """, lines=(2,)),
        Invalid("""
            import os
            def main(pid):
                if pid:
                    with open(os.path.expanduser(pid), "w") as fp:
                        fp.write(str(os.getpid()))
            """, lines=(4,)),
        Invalid("""
            import os
            def start(self):
                lockfile = open(self.pid, "w")
                lockfile.write("%s" % os.getpid())
            """, lines=(3, 4)),
        Invalid("""
            import os as system
            def write_pid(path):
                flags = system.O_CREAT | system.O_WRONLY | system.O_TRUNC
                fd = system.open(path, flags, 0o644)
                system.write(fd, b"%d\\n" % system.getpid())
            """, lines=(4, 5)),
        # A parameter written into a file is the process id when a caller of another module
        # gives it one, whatever the parameter, the attribute or the class is called (and the
        # writing module need not mention a pid: the run reads it for the caller's sake).
        Invalid("""
            import os, tempfile
            class Marker:
                def __init__(self, where):
                    self.where = where
                def put(self, value):
                    value = int(value)
                    self.value = value
                    fd, name = tempfile.mkstemp(dir="/run")
                    os.write(fd, ("%s\\n" % self.value).encode("utf-8"))
                    os.rename(name, self.where)
            """, filename="svc/marker.py", files=(
                ("svc/__init__.py", ""),
                ("svc/supervisor.py", "import os\nfrom svc.marker import Marker\n\n\nclass Supervisor:\n"
                                      "    def start(self, settings):\n        self.me = os.getpid()\n"
                                      "        self.lock = Marker(settings.lock_path)\n"
                                      "        self.lock.put(self.me)\n"),
            ), lines=(9,), elsewhere=(("svc/supervisor.py", (9,)),)),
        # The process id set on self in another method, whatever order the methods are in.
        Invalid("""
            import os
            from svc.marker import Marker

            class Supervisor:
                def reload(self, settings):
                    self.lock = Marker(settings.lock_path)
                    self.lock.put(self.me)

                def start(self):
                    self.me = os.getpid()
            """, filename="svc/supervisor.py", files=(
                ("svc/__init__.py", ""),
                ("svc/marker.py", "import os\n\n\nclass Marker:\n    def __init__(self, where):\n"
                                  "        self.where = where\n\n    def put(self, value):\n"
                                  "        with open(self.where, 'w') as out:\n"
                                  "            out.write('%d\\n' % value)\n"),
            ), lines=(7,), elsewhere=(("svc/marker.py", (9,)),)),
        Invalid("""
            def record(target, ident):
                with open(target, "w") as out:
                    out.write(f"{ident}\\n")
            """, filename="svc/files.py", files=(
                ("svc/__init__.py", ""),
                ("svc/main.py", "import os\nfrom svc import files\n\nfiles.record('/run/svc.lock', ident=os.getpid())\n"),
            ), lines=(2,), elsewhere=(("svc/main.py", (4,)),)),
        Invalid("""
            import os
            from pathlib import Path
            Path("/run/app/app.pid").write_text(str(os.getpid()))
            def record(run_dir):
                target = Path(run_dir) / "api.pid"
                target.write_text("%d" % os.getpid())
            """, lines=(3, 6)),
        Invalid("""
            from lockfile.pidlockfile import PIDLockFile
            import daemon, daemon.pidfile
            from pid import PidFile as Pf
            lock = PIDLockFile("/var/run/a.pid")
            context = daemon.DaemonContext(pidfile=daemon.pidfile.TimeoutPIDLockFile("/run/b.pid"))
            with Pf("worker"):
                pass
            """, lines=(4, 5, 6)),
        # python-daemon's DaemonContext (PEP 3143) enters the PID lock it is given as
        # ``pidfile`` when it opens: a copy of the library inside the project says so in its
        # own ``open()`` (the lock itself comes from the caller).
        Invalid("""
            class DaemonContext:
                def __init__(self, pidfile=None):
                    self.pidfile = pidfile

                def open(self):
                    if self.pidfile is not None:
                        self.pidfile.__enter__()

                def __enter__(self):
                    with self.pidfile:
                        pass
            """, filename="pydaemon/daemon/daemon.py", files=(("pydaemon/__init__.py", ""), ("pydaemon/daemon/__init__.py", "")),
            lines=(7, 10)),
        # A helper whose name says nothing, judged by its body: it opens a path and writes
        # the process id into it (reported at its open). A function of another module of the
        # project given a PID file's path and the process id is reported at the call.
        Invalid("""
            import os
            from svc import settings
            from svc.files import store

            def prepare(path):
                with open(path, "w") as out:
                    out.write(str(os.getpid()))

            class Service:
                def boot(self):
                    prepare(settings.RUN_DIR + "/svc")
                    self.me = os.getpid()
                    store(settings.RUN_DIR + "/svc.pid", self.me)
            """, files=(("svc/__init__.py", ""), ("svc/settings.py", 'RUN_DIR = "/run/svc"\n'),
                        ("svc/files.py", "def store(path, value):\n    open(path, 'w').write(str(value))\n")),
            lines=(6, 13), elsewhere=(("svc/files.py", (2,)),)),
        # An f-string's escapes are no text around the id.
        Invalid("""
            import os
            def record(target):
                with open(target, "w") as out:
                    out.write(f"{os.getpid()}\\n")
            """, lines=(3,)),
        # print(..., file=fh) into a file opened here.
        Invalid("""
            import os

            def note(path):
                fh = open(path, "w")
                print(os.getpid(), file=fh)
                fh.close()
            """, lines=(4, 5)),
        Invalid("""
            import os
            def setup(filename):
                pid = os.getpid()
                with open(filename, "w") as pid_file:
                    pid_file.write(str(pid))
            """, lines=(4,)),
        # A tool run in this process on the command line the code put together: twistd
        # writes twistd.pid by default, in the foreground too.
        Invalid("""
            import sys
            from twisted.scripts import twistd
            from tracker import settings

            def main():
                if "--version" in sys.argv:
                    print("tracker", settings.VERSION)
                    return
                sys.argv[1:1] = ["--nodaemon", "--python", settings.TAC]
                twistd.run()
            """, files=(("tracker/__init__.py", ""),
                        ("tracker/settings.py", 'VERSION = "1.4"\nTAC = "tracker/app.tac"\n')), lines=(10,)),
        # Launched commands read with the tool table: celery's --pidfile, gunicorn's --pid.
        Invalid("""
            import subprocess
            from jobs.config import PID_DIR

            def start_worker(queue):
                argv = ["celery", "-A", "jobs", "worker", "-Q", queue, "--pidfile", PID_DIR + "/worker.pid"]
                return subprocess.Popen(argv)

            def start_web(port):
                return subprocess.Popen(f"exec gunicorn -b :{port} --pid /run/web.pid jobs.wsgi", shell=True)

            def run_beat(app):
                app.worker_main(argv=["beat", "--pidfile", PID_DIR + "/beat.pid"])
            """, files=(("jobs/__init__.py", ""), ("jobs/config.py", 'PID_DIR = "/run/jobs"\n')), lines=(6, 9, 12)),
        Invalid("""
            import os, sys
            from gunicorn.app.wsgiapp import run as run_gunicorn
            from twisted.scripts import twistd
            from twisted.scripts.twistd import ServerOptions, runApp
            from deploy.paths import SUPERVISOR_LOGS

            def container_main():
                os.execvp("supervisord", ["supervisord", "--nodaemon", "-l", SUPERVISOR_LOGS + "/sv.log"])

            def web():
                sys.argv = ["gunicorn", "--pid", "/run/web.pid", "deploy.wsgi"]
                run_gunicorn()

            def feeds(tac):
                sys.argv[1:] = ["-n", "-y", tac]
                twistd.app.run(twistd.runApp, ServerOptions)

            def plugin(name):
                config = ServerOptions()
                config.parseOptions(["--nodaemon", name])
                runApp(config)
            """, files=(("deploy/__init__.py", ""), ("deploy/paths.py", 'SUPERVISOR_LOGS = "/var/log/sv"\n')),
            lines=(8, 12, 16, 21)),
        # python-daemon: make_pidlockfile() returns a PID lock file; DaemonRunner(app) locks
        # one at app.pidfile_path.
        Invalid("""
            import daemon, daemon.runner
            from daemon.runner import make_pidlockfile
            from agent import settings

            class Agent:
                def __init__(self):
                    self.stdin_path, self.stdout_path, self.stderr_path = "/dev/null", settings.OUT, settings.OUT
                    self.pidfile_path = settings.RUN_DIR + "/agent.pid"
                    self.pidfile_timeout = 5
                    self.lock = make_pidlockfile(self.pidfile_path, self.pidfile_timeout)

                def run(self):
                    settings.loop()

            if __name__ == "__main__":
                agent = Agent()
                daemon.runner.DaemonRunner(agent).do_action()
            """, files=(("agent/__init__.py", ""),
                        ("agent/settings.py", 'OUT = "/tmp/agent.out"\nRUN_DIR = "/tmp"\n\ndef loop():\n    pass\n')),
            lines=(10, 17)),
        # A twistd plugin's options (a usage.Options, here through a base of another module)
        # name the pid file twistd writes: reported there, and twistd's default is then not
        # reported where the project runs it with a plugin's name.
        Invalid("""
            import os
            from feeds import settings
            from feeds.base import CommonOptions

            class IngestOptions(CommonOptions):
                optParameters = [["instance", "i", "a", "instance name"]]

                def postOptions(opts):
                    location = os.path.join(settings.RUN_DIR, "ingest-%s.pid" % opts["instance"])
                    opts.parent["pidfile"] = location
            """, filename="feeds/options.py", files=(
                ("feeds/__init__.py", ""), ("feeds/settings.py", 'RUN_DIR = "/var/run/feeds"\n'),
                _TWISTD_PLUGIN_BASE, _TWISTD_LAUNCH, _TWISTD_PLUGIN,
            ), lines=(10,)),
    ]
