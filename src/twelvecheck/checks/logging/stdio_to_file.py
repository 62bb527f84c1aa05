"""TWC204 stdio-to-file: the process's stdout/stderr sent into a file."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.exprs import (
    argument, is_path_expression, is_stdio_device, keyword_argument, opened_path, subexpressions,
)
from twelvecheck.engine.rule import Invalid, Rule, Valid
# python-daemon's DaemonContext points the process's stdout/stderr at the files it is given
# (as keyword arguments, or as attributes set before the daemon starts); its DaemonRunner
# at its app's stdout_path/stderr_path.
from twelvecheck.program.python_daemon import APP_STREAM_PATHS, is_daemon_context, is_daemon_runner

STREAMS = {"sys.stdout": "stdout", "sys.stderr": "stderr", "sys.__stdout__": "stdout", "sys.__stderr__": "stderr"}
REDIRECTS = {"contextlib.redirect_stdout": "stdout", "contextlib.redirect_stderr": "stderr"}
STREAM_FDS = {1: "stdout", 2: "stderr"}


def _stream_paths(cls: cst.ClassDef) -> list[tuple[str, cst.BaseExpression]]:
    """What a class of the module sets as ``stdout_path``/``stderr_path`` (in its body, or on
    ``self`` in its methods): (stream, path expression) pairs."""
    found = []
    for statement in cls.body.body:
        nodes = subexpressions(statement) if isinstance(statement, cst.FunctionDef) else [statement]
        for node in nodes:
            if not isinstance(node, cst.SimpleStatementLine):
                continue
            for small in node.body:
                if not isinstance(small, cst.Assign):
                    continue
                for target in small.targets:
                    name = target.target
                    key = name.attr.value if isinstance(name, cst.Attribute) and \
                        isinstance(name.value, cst.Name) and name.value.value == "self" else \
                        name.value if isinstance(name, cst.Name) and statement is node else None
                    if key in APP_STREAM_PATHS:
                        found.append((APP_STREAM_PATHS[key], small.value))
    return found
DAEMON_STREAMS = ("stdout", "stderr")


class StdioToFile(Rule):
    code = "TWC204"
    silenced_inside = "logs-to-stdout"  # the project says such a function logs to stdout
    models = (AssignedValues,)
    tokens = ("stdout", "stderr", "dup2", "DaemonRunner")
    # A file opened here (open, io/codecs/os.open, fdopen, Path.open), or a DaemonRunner app's
    # stdout_path/stderr_path, which the runner opens.
    also_tokens = ("open", "_path")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = ctx.model_of(AssignedValues)
        self.app_classes: dict[str, list[tuple[str, cst.BaseExpression]]] = {}

    def visit_Module(self, node: cst.Module) -> None:
        if "_path" not in self.ctx.code:  # no class here sets stdout_path/stderr_path
            return
        for statement in node.body:
            if isinstance(statement, cst.ClassDef):
                paths = _stream_paths(statement)
                if paths:
                    self.app_classes[statement.name.value] = paths

    def _opens_real_file(self, node: cst.BaseExpression) -> bool:
        """Whether the expression (or what its name was assigned) is a file opened here.

        A file opened on /dev/null is a detach pattern (TWC102), not logging to a file; one
        opened on /dev/stdout or /dev/stderr is the stream itself.
        """
        if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "fileno"):
            node = node.func.value
        for value in self.assigned.values(node):
            path = opened_path(value, self.ctx, self.assigned.values)
            if path is not None and not is_stdio_device(path, self.ctx, self.assigned.values):
                return True
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            stream = STREAMS.get(self.ctx.qualify(target.target) or "")
            if stream and self._opens_real_file(node.value):
                self.report(node, stream=stream, how=f"sys.{stream} is replaced by a file")
            elif self._daemon_stream(target.target) and self._opens_real_file(node.value):
                stream = target.target.attr.value  # type: ignore[attr-defined]
                self.report(node, stream=stream, how=f"the daemon context's {stream} is a file")

    def _daemon_stream(self, target: cst.BaseExpression) -> bool:
        """``context.stdout`` / ``self.daemon_context.stderr`` where the object is a DaemonContext."""
        if not (isinstance(target, cst.Attribute) and target.attr.value in DAEMON_STREAMS):
            return False
        return any(isinstance(value, cst.Call) and is_daemon_context(self.ctx.qualify(value.func))
                   for value in self.assigned.values(target.value))



    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified in REDIRECTS:
            target = argument(node, 0, "new_target")
            if target is not None and self._opens_real_file(target):
                stream = REDIRECTS[qualified]
                self.report(node, stream=stream, how=f"{qualified.rsplit('.', 1)[1]}() points it at a file")
        elif is_daemon_context(qualified):
            for name in DAEMON_STREAMS:
                arg = keyword_argument(node, name)
                if arg is not None and self._opens_real_file(arg.value):
                    self.report(arg, stream=name, how=f"DaemonContext({name}=<file>)")
        elif is_daemon_runner(qualified) and self.app_classes:
            self._check_runner(node)
        elif qualified == "os.dup2":
            source, fd = argument(node, 0, "fd"), argument(node, 1, "fd2")
            stream = self._standard_fd(fd)
            if stream and source is not None and self._opens_real_file(source):
                self.report(node, stream=stream, how=f"os.dup2() puts a file on fd {1 if stream == 'stdout' else 2}")

    def _check_runner(self, node: cst.Call) -> None:
        """``DaemonRunner(app)`` where app is made by a class of this module whose
        ``stdout_path``/``stderr_path`` is a file."""
        app = argument(node, 0, "app")
        streams: list[str] = []
        for value in self.assigned.values(app) if app is not None else ():
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                for stream, path in self.app_classes.get(value.func.value, ()):
                    if stream not in streams and is_path_expression(path, self.ctx) \
                            and not is_stdio_device(path, self.ctx):
                        streams.append(stream)
        streams.sort(key=list(APP_STREAM_PATHS.values()).index)
        if streams:
            self.report(node, stream="/".join(streams), how="DaemonRunner(app) opens the app's "
                        + " and ".join(f"{stream}_path" for stream in streams))

    def _standard_fd(self, node: cst.BaseExpression | None) -> str | None:
        if isinstance(node, cst.Integer):
            return STREAM_FDS.get(node.evaluated_value)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "fileno":
            return STREAMS.get(self.ctx.qualify(node.func.value) or "")
        return None

    VALID = [
        Valid("""
            import os, sys
            def detach():
                devnull = os.open(os.devnull, os.O_RDWR)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                sys.stdout = open("/dev/null", "w")
            """),
        Valid("""
            import os
            REDIRECT_TO = getattr(os, "devnull", "/dev/null")
            def daemonize():
                devnull = "/dev/null"
                if hasattr(os, "devnull"):
                    devnull = os.devnull
                fd = os.open(devnull, os.O_RDWR)
                os.dup2(fd, 1)
                null = os.open(REDIRECT_TO, os.O_RDWR)
                os.dup2(null, 2)
            """),
        Valid("""
            import sys, codecs
            sys.stdout = codecs.getwriter("utf-8")(sys.stdout.buffer)
            sys.stderr = pipe
            """),
        Valid("""
            import os
            def capture(tmpfile, targetfd):
                os.dup2(tmpfile.fileno(), targetfd)
            """),
        Valid("""
            import io
            from contextlib import redirect_stdout
            buffer = io.StringIO()
            with redirect_stdout(buffer):
                print("captured")
            """),
        Valid("""
            import sys
            # sys.stdout = open("out.log", "w")
            message = "sys.stdout = open('out.log', 'w')"
            with open("data.txt") as f:
                contents = f.read()
            """),
        # A daemon context left on the inherited streams, on /dev/null, or on the streams by path.
        Valid("""
            import os
            import sys
            import daemon

            def serve(loop):
                quiet = open(os.environ.get("DAEMON_OUTPUT", os.devnull), "a")
                with daemon.DaemonContext(stdout=sys.stdout, stderr=sys.stderr, detach_process=False):
                    loop()
                context = daemon.DaemonContext(stdout=quiet, stderr=open("/dev/stderr", "w"))
                context.stdout = open(os.devnull, "w")
                return context
            """, filename="svc/service.py", files=(("svc/__init__.py", ""),)),
        Valid("""
            import sys
            import os
            sys.stdout = open("/dev/stdout", "w", buffering=1)
            sys.stderr = open("/proc/self/fd/2", "w")

            class Options:
                def __init__(self):
                    self.stdout = open("options.txt", "a")  # not a daemon context

            sys.stdout = os.fdopen(sys.stdout.fileno(), "w", 1)  # the same stream, line-buffered
            """),
        # python-daemon's own example: the runner's app keeps the terminal.
        Valid("""
            from daemon import runner

            class App:
                stdin_path = "/dev/null"
                stdout_path = "/dev/tty"

                def __init__(self):
                    self.stderr_path = "/dev/tty"
                    self.pidfile_path = None

                def run(self):
                    pass

            runner.DaemonRunner(App()).do_action()
            """),
    ]

    INVALID = [
        Invalid("""
            import sys
            sys.stdout = open("out.log", "a")
            """, lines=(2,)),
        Invalid("""
            import sys as system
            def main(path):
                log = open(path, "a", buffering=1)
                system.stderr = log
            """, lines=(4,)),
        Invalid("""
            from contextlib import redirect_stdout
            with open("report.txt", "w") as out, redirect_stdout(out):
                print("hello")
            """, lines=(2,)),
        Invalid("""
            import os, sys
            class Daemon:
                def redirect(self):
                    self.logfile = open(self.errorlog, "a+")
                    os.dup2(self.logfile.fileno(), sys.stdout.fileno())
                    os.dup2(self.logfile.fileno(), sys.stderr.fileno())
            """, lines=(5, 6)),
        Invalid("""
            import os
            def redirect(stdout_file, stderr_file):
                flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
                if stdout_file is not None:
                    stdout_fd = os.open(stdout_file, flags, 0o644)
                    os.dup2(stdout_fd, 1)
                if stderr_file is not None:
                    stderr_fd = stdout_fd if stderr_file == stdout_file else os.open(stderr_file, flags)
                    os.dup2(stderr_fd, 2)
            """, lines=(6, 9)),
        # python-daemon: the files given to DaemonContext become the process's stdout/stderr.
        Invalid("""
            import os
            import daemon

            class Service:
                def __init__(self, name, log_dir):
                    self.stdout_path = "%s/%s.out" % (log_dir, name)
                    self.stderr_path = os.path.join(log_dir, name + ".err")

                def create(self):
                    self.context = daemon.DaemonContext(
                        working_directory="/",
                        stdout=open(self.stdout_path, "at+", buffering=1),
                        stderr=open(self.stderr_path, "at+", buffering=1),
                    )
            """, filename="svc/service.py", lines=(12, 13),
            files=(("svc/__init__.py", ""),
                   ("svc/__main__.py", "from svc.service import Service\nService('svc', '/var/log').create()\n"))),
        # ... or set as its attributes before it starts (a runner, here over a copy of the library kept in the project).
        Invalid("""
            from .daemon import DaemonContext

            class Runner:
                def __init__(self, app):
                    self.app = app
                    self.daemon_context = DaemonContext()
                    self.daemon_context.stdin = open(app.stdin_path, "rt")
                    self.daemon_context.stdout = open(app.stdout_path, "at+", buffering=1)
                    errors = open(app.stderr_path, "at+", buffering=1)
                    self.daemon_context.stderr = errors
            """, filename="pydaemon/runner.py", lines=(8, 10),
            files=(("pydaemon/__init__.py", ""), ("pydaemon/daemon.py", "class DaemonContext:\n    pass\n"))),
        # ... or the paths of the app a DaemonRunner is given.
        Invalid("""
            import os
            from daemon import runner

            class Worker:
                def __init__(self, name):
                    log_dir = os.path.join(os.getcwd(), "log")
                    self.stdin_path = "/dev/null"
                    self.stdout_path = "%s/%s.out" % (log_dir, name)
                    self.stderr_path = os.path.join(log_dir, name + ".err")
                    self.pidfile_path = None

                def run(self):
                    pass

            if __name__ == "__main__":
                worker = Worker("sampler")
                daemon_runner = runner.DaemonRunner(worker)
                daemon_runner.do_action()
            """, lines=(17,)),
        # Other spellings of a file opened here: a descriptor wrapped by os.fdopen, a path's open().
        Invalid("""
            import os
            import sys
            from pathlib import Path

            def redirect(log_dir):
                fd = os.open(os.path.join(log_dir, "out.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
                sys.stdout = os.fdopen(fd, "w", 1)
                log_path = Path(log_dir) / "err.log"
                sys.stderr = log_path.open("a")
            """, lines=(7, 9)),
    ]
