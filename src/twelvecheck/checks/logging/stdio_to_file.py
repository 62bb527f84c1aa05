"""TWC204 stdio-to-file: the process's stdout/stderr sent into a file."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.exprs import argument, is_devnull, opened_path
from twelvecheck.engine.rule import Invalid, Rule, Valid

STREAMS = {"sys.stdout": "stdout", "sys.stderr": "stderr", "sys.__stdout__": "stdout", "sys.__stderr__": "stderr"}
REDIRECTS = {"contextlib.redirect_stdout": "stdout", "contextlib.redirect_stderr": "stderr"}
STREAM_FDS = {1: "stdout", 2: "stderr"}


class StdioToFile(Rule):
    code = "TWC204"
    tokens = ("stdout", "stderr", "dup2")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = AssignedValues(ctx)

    def _opens_real_file(self, node: cst.BaseExpression) -> bool:
        """Whether the expression (or what its name was assigned) is a file opened here.

        A file opened on /dev/null is a detach pattern (TWC102), not logging to a file.
        """
        if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "fileno"):
            node = node.func.value
        for value in self.assigned.values(node):
            path = opened_path(value, self.ctx)
            if path is not None and not any(is_devnull(p, self.ctx) for p in self.assigned.values(path)):
                return True
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            stream = STREAMS.get(self.ctx.qualify(target.target) or "")
            if stream and self._opens_real_file(node.value):
                self.report(node, stream=stream, how=f"sys.{stream} is replaced by a file")
        self.assigned.record_assign(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.assigned.record_assign(node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.assigned.record_with_item(node)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified in REDIRECTS:
            target = argument(node, 0, "new_target")
            if target is not None and self._opens_real_file(target):
                stream = REDIRECTS[qualified]
                self.report(node, stream=stream, how=f"{qualified.rsplit('.', 1)[1]}() points it at a file")
        elif qualified == "os.dup2":
            source, fd = argument(node, 0, "fd"), argument(node, 1, "fd2")
            stream = self._standard_fd(fd)
            if stream and source is not None and self._opens_real_file(source):
                self.report(node, stream=stream, how=f"os.dup2() puts a file on fd {1 if stream == 'stdout' else 2}")

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
    ]
