"""TWC102 daemonize: the process detaches itself (fork + setsid, DaemonContext, twistd)."""

from __future__ import annotations

from dataclasses import dataclass, field

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.checks.process._launch import (
    CommandLineWords, entry_command, is_launcher, launched_command, tool_invocations,
)
from twelvecheck.program.values.bodies import EXIT_CALLS
from twelvecheck.program.values.module_model import ModuleModel
from twelvecheck.deploy.options import detaching, names_config
from twelvecheck.program.values.exprs import keyword_argument
from twelvecheck.engine.rule import Invalid, Rule, Valid
from twelvecheck.program.python_daemon import is_daemon_context

# Library calls that detach the process (knowledge/process.toml [daemonizers]).
DAEMONIZERS = knowledge.names("process", "daemonizers", "classes")


@dataclass
class _Routine:
    """What one function (or the module body) does towards detaching."""

    forks: bool = False
    exits: bool = False  # the parent leaves: os._exit(), sys.exit(), raise SystemExit
    setsids: list[cst.Call] = field(default_factory=list)
    contexts: int = 0  # daemonizer objects built (a try/except fallback builds a second)
    parent_branch_left: bool = False  # a fork's parent branch (`if pid > 0:`) has been walked past


class Daemonize(Rule):
    code = "TWC102"
    models = (AssignedValues,)
    # The detach routines and daemonizers by name; tools that detach, through the calls that
    # launch a command or run a tool in this process.
    tokens = ("setsid", "DaemonContext", "Daemonize", "DaemonRunner", "twistd", "subprocess", "spawn", "popen",
              "Popen", "execv", "execl", "worker_main", "wsgiapp", "celery")
    word_tokens = ("system",)  # os.system

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.routines: list[_Routine] = [_Routine()]
        self.assigned = ctx.model_of(AssignedValues)
        # Only the helpers' bodies are read (they answer during the walk): nothing to feed.
        self.functions = ctx.model_of(ModuleModel).bodies
        # A detach routine forks and calls setsid in this module (helpers are judged only
        # here): where the text has neither, no helper's body needs reading.
        self.may_detach = "fork" in ctx.code and "setsid" in ctx.code
        self.command_line = CommandLineWords(ctx)
        self.listeners = [self.command_line]

    # -- the fork + setsid routine ---------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.routines.append(_Routine())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        routine = self.routines.pop()
        self._finish(routine)
        # A fork in a nested helper (`def fork_then_exit_parent(): os.fork()`) belongs to
        # the routine that defines and calls it.
        outer = self.routines[-1]
        outer.forks = outer.forks or routine.forks
        outer.exits = outer.exits or routine.exits

    def leave_Module(self, original_node: cst.Module) -> None:
        self._finish(self.routines[-1])

    def _finish(self, routine: _Routine) -> None:
        # A child made session leader while its parent carries on (pty.fork(), a
        # fork-exec spawner) is not a daemon: daemonizing ends the parent.
        if routine.forks and routine.exits and routine.setsids:
            self.report(routine.setsids[0], what="fork() followed by setsid()")

    def leave_If(self, original_node: cst.If) -> None:
        """Past the parent's branch of a fork (``if pid > 0:``, ``if os.fork():``) with no
        ``else``: a ``setsid()`` after it is meant for the child alone, so the parent left
        in that branch (however it leaves: an exit helper of another module, a return)."""
        if original_node.orelse is None and self._is_parent_test(original_node.test):
            self.routines[-1].parent_branch_left = True

    def _is_parent_test(self, test: cst.BaseExpression) -> bool:
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            if not (isinstance(target.operator, (cst.GreaterThan, cst.NotEqual))
                    and isinstance(target.comparator, cst.Integer) and target.comparator.value == "0"):
                return False
            test = test.left
        if isinstance(test, cst.Call):
            return self.ctx.qualify(test.func) == "os.fork"
        if isinstance(test, cst.Name):
            return any(isinstance(v, cst.Call) and self.ctx.qualify(v.func) == "os.fork"
                       for v in self.assigned.values(test) if v is not test)
        return False

    # -- everything else -------------------------------------------------------------
    def visit_Raise(self, node: cst.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        if exc is not None and self.ctx.qualify(exc) == "builtins.SystemExit":
            self.routines[-1].exits = True

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        # A function of this module the call reaches, judged by its body (not its name).
        helper = self.functions.resolve_here(node) if self.may_detach and qualified not in EXIT_CALLS else None
        if qualified in EXIT_CALLS or (helper is not None and self.functions.exits(helper)):
            self.routines[-1].exits = True  # sys.exit, os._exit, a helper that ends the process
        if qualified == "os.setsid":
            self.routines[-1].setsids.append(node)
            if self.routines[-1].parent_branch_left:
                self.routines[-1].exits = True
        elif qualified == "os.fork":  # not forkpty: a pty child is a session leader by design
            self.routines[-1].forks = True
        elif helper is not None and self.functions.is_fork_helper(helper):
            # Forks and lets the parent leave: called before setsid, the parent is gone.
            self.routines[-1].forks = self.routines[-1].exits = True
        elif is_daemon_context(qualified):
            detach = keyword_argument(node, "detach_process")
            if detach is None or not (isinstance(detach.value, cst.Name) and detach.value.value == "False"):
                self._report_daemonizer(node, "daemon.DaemonContext()")
        elif qualified in DAEMONIZERS:
            self._report_daemonizer(node, f"{qualified.rsplit('.', 1)[-1]}()")
        elif is_launcher(qualified):
            self._check_tools(node, launched_command(node, qualified, self.assigned), "launching")  # type: ignore[arg-type]
        else:
            self._check_tools(node, entry_command(node, qualified, self.command_line, self.assigned), "running")

    def _report_daemonizer(self, node: cst.Call, what: str) -> None:
        """One finding per routine, like fork + setsid."""
        routine = self.routines[-1]
        routine.contexts += 1
        if routine.contexts == 1:
            self.report(node, what=what)

    def _check_tools(self, node: cst.Call, command, how: str) -> None:
        """A command (launched, or a tool run in this process) whose tool the table says
        detaches: a daemon option (``gunicorn -D``), or a tool that forks into the
        background unless given its foreground switch (``twistd`` without ``-n``)."""
        for inv in tool_invocations(command):
            for effect in detaching(inv.args, inv.tool):
                if effect.option is not None:
                    self.report(node, what=f"{how} `{inv.tool.key} {effect.option.token.text}`")
                elif not names_config(inv.args, inv.tool):  # the file it names may say foreground
                    switch = inv.tool.foreground[-1].split()[0]
                    self.report(node, what=f"{how} {inv.tool.key} without {switch}")
                return

    VALID = [
        Valid("""
            import os
            def spawn_worker(job):
                pid = os.fork()
                if pid == 0:
                    os.setpgrp()
                    run(job)
                    os._exit(0)
                return pid
            """),
        Valid("""
            import os
            def spawn_in_pty(argv):
                pid = os.fork()
                if pid == 0:
                    os.setsid()
                    os.execvp(argv[0], argv)
                return pid
            """),
        Valid("""
            import os
            def capture(tmpfile):
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 1)
                os.dup2(tmpfile.fileno(), 2)
            def new_group():
                os.setsid()
            """),
        Valid("""
            import threading, multiprocessing
            t = threading.Thread(target=print, daemon=True)
            t.daemon = True
            p = multiprocessing.Process(target=print, daemon=True)
            config = {"daemon": True}
            """),
        Valid("""
            # os.fork(); os.setsid()
            '''Call os.fork() then os.setsid() to daemonize.'''
            message = "daemon.DaemonContext()"
            """),
        Valid("""
            import daemon, subprocess
            from twisted.scripts.twistd import runApp, ServerOptions
            ctx = daemon.DaemonContext(detach_process=False)
            subprocess.Popen(["twistd", "--nodaemon", "web"])
            subprocess.run("twistd -n --pidfile= web", shell=True)
            def main():
                config = ServerOptions()
                config.parseOptions(["--nodaemon", "web"])
                runApp(config)
            """),
        # A tool given a configuration file that may say foreground (supervisord's
        # nodaemon=true): the run does not read it here, so its default is not assumed.
        Valid("""
            import subprocess
            from deploy.paths import SUPERVISOR_CONF

            def start_services():
                return subprocess.Popen(["supervisord", "-c", SUPERVISOR_CONF])
            """, files=(("deploy/__init__.py", ""), ("deploy/paths.py", 'SUPERVISOR_CONF = "/etc/sv.conf"\n'))),
        Valid("""
            import subprocess, sys
            from twisted.scripts import twistd

            def serve(tac):
                sys.argv[1:1] = ["-noy", tac]  # -n -o -y
                twistd.run()

            def helpers(app):
                app.worker_main(argv=["worker", "--loglevel", "info"])
                subprocess.run(["redis-server", "--daemonize", "no"])
                subprocess.Popen(["memcached", "-p", "11211"])
                subprocess.run(["service", "nginx", "reload"], check=True)
            """, files=(("manage.py", "import app\napp.serve('svc.tac')\n"),)),
        # A helper is judged by its body, not its name: _fork_twice() forks nothing, so
        # setsid() after it makes no daemon; options.fork() is not a function of this module.
        Valid("""
            import os

            def _fork_twice(jobs):
                return [job.copy() for job in jobs] * 2

            def new_session(jobs, options):
                _fork_twice(jobs)
                options.fork()
                os.setsid()
            """),
        # A spawner: the parent takes the `if` branch and returns; the child (the `else`)
        # becomes a session leader and runs on.
        Valid("""
            import os

            def spawn(job):
                pid = os.fork()
                if pid > 0:
                    return pid
                else:
                    os.setsid()
                    job.run()
            """),
    ]

    INVALID = [
        Invalid("""
            import os, sys
            def daemonize():
                if os.fork():
                    sys.exit(0)
                os.setsid()
                if os.fork():
                    sys.exit(0)
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
            """, lines=(5,)),
        Invalid("""
            from os import fork as f, setsid as s
            class Daemon:
                def detach(self):
                    if f() == 0:
                        s()
                        if f() > 0:
                            raise SystemExit
            """, lines=(5,)),
        Invalid("""
            import os
            def _fork():
                if os.fork():
                    os._exit(0)
            class Daemon:
                def daemonize(self):
                    _fork()
                    os.setsid()
                    self._fork_again()
            """, lines=(8,)),
        Invalid("""
            import os
            def detach_process_context():
                def fork_then_exit_parent():
                    if os.fork() > 0:
                        os._exit(0)
                fork_then_exit_parent()
                os.setsid()
                fork_then_exit_parent()
            """, lines=(7,)),
        Invalid("""
            import daemon as d
            from daemonize import Daemonize
            with d.DaemonContext(working_directory="/"):
                pass
            def start(main):
                Daemonize(app="worker", pid="/tmp/w.pid", action=main).start()
            """, lines=(3, 6)),
        Invalid("""
            def detach(out):
                import daemon
                try:
                    ctx = daemon.DaemonContext(stdout=out, initgroups=False)
                except TypeError:
                    ctx = daemon.DaemonContext(stdout=out)
                return ctx
            """, lines=(4,)),
        Invalid("""
            import subprocess, os
            from twisted.scripts.twistd import runApp, ServerOptions
            subprocess.Popen(["twistd", "--pidfile", "/run/x.pid", "web"])
            os.system("twistd -y app.tac")
            def run(options):
                argv = ["--no_save"]
                if options.debug:
                    argv.append("--nodaemon")
                config = ServerOptions()
                config.parseOptions(argv)
                runApp(config)
            """, lines=(3, 4, 11)),
        # The tool table's detaching options: launched, or a celery worker run in this process.
        Invalid("""
            import subprocess
            from feeds.tasks import app

            def start_cache(port):
                subprocess.check_call(["redis-server", "--port", str(port), "--daemonize", "yes"])

            def start_web():
                subprocess.Popen(["gunicorn", "-D", "-b", "127.0.0.1:9000", "feeds.web:app"])

            def start_worker(queue):
                app.worker_main(argv=["worker", "-Q", queue, "--detach"])
            """, files=(("feeds/__init__.py", ""), ("feeds/web.py", "app = object()\n"),
                        ("feeds/tasks.py", "from celery import Celery\n\napp = Celery('feeds')\n")),
            lines=(5, 8, 11)),
        # Helpers whose names say nothing: boot() double-forks through a method whose body
        # forks and lets the parent leave; the session leader is made in between.
        Invalid("""
            import os
            from svc import settings

            class Launcher:
                def _step(self):
                    if os.fork() > 0:
                        self._leave()

                def _leave(self):
                    os._exit(0)

                def boot(self):
                    self._step()
                    os.setsid()
                    self._step()
                    os.chdir(settings.ROOT)
            """, files=(("svc/__init__.py", ""), ("svc/settings.py", 'ROOT = "/"\n')), lines=(14,)),
        # The parent's branch of a fork leaves through a helper of another module; the
        # setsid() after that branch is the child's alone.
        Invalid("""
            import os
            from svc.util import finish

            def start(cfg):
                pid = os.fork()
                if pid > 0:
                    os.waitpid(pid, 0)
                    finish(0)
                os.setsid()
                cfg.run()
            """, files=(("svc/__init__.py", ""), ("svc/util.py", "import sys\n\ndef finish(code):\n    sys.exit(code)\n")),
            lines=(9,)),
        # twistd run in this process on a command line without -n.
        Invalid("""
            import sys
            from twisted.scripts.twistd import run

            def main(argv):
                sys.argv = ["twistd", "--python", "feeds/app.tac", *argv]
                run()
            """, files=(("feeds/__init__.py", ""),), lines=(6,)),
    ]

