"""TWC104 self-restart: the program re-executes itself (exec of its own command line)."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.checks.process._launch import POSIX_SPAWN
from twelvecheck.checks.process._supervision import RUN_FUNCTIONS, SPAWN_FUNCTIONS, START_FUNCTIONS
from twelvecheck.program.values.exprs import argument, subexpressions
from twelvecheck.program.values.module_model import ARGUMENTS, PROGRAM, CallSite, ModuleModel
from twelvecheck.engine.rule import Invalid, Rule, Valid

EXEC_FUNCTIONS = frozenset(f"os.{name}" for name in (
    "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe"))


class SelfRestart(Rule):
    code = "TWC104"
    # Every way to name the program's own command line goes through sys.executable/sys.argv.
    tokens = ("executable", "argv")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.model = ModuleModel(ctx)
        # Stricter than the prefilter (which may be off, or let the file in for another rule's
        # token): a call that launches a program too. Elsewhere the model is not even fed.
        self.active = self.mentioned_in(ctx.text) and any(
            call in ctx.text for call in ("exec", "spawn", "subprocess", "Popen"))
        self.listeners = [self.model] if self.active else []
        # (site, qualified name, program expression or None, argument expressions)
        self.launches: list[tuple[CallSite, str, cst.BaseExpression | None, list[cst.BaseExpression]]] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        values = [arg.value for arg in node.args]
        if qualified in EXEC_FUNCTIONS or qualified in POSIX_SPAWN:
            # exec*(path, args...) / posix_spawn(path, argv, env): path is the program run.
            program = argument(node, 0, "path") or argument(node, 0, "file")
            self.launches.append((self.model.site(node), qualified, program, values[1:]))
        elif qualified in SPAWN_FUNCTIONS:
            self.launches.append((self.model.site(node), qualified, argument(node, 1), values[2:]))
        elif qualified == "asyncio.create_subprocess_exec":
            self.launches.append((self.model.site(node), qualified, argument(node, 0), values[1:]))
        elif (qualified in RUN_FUNCTIONS or qualified in START_FUNCTIONS or qualified.endswith(".Popen")) \
                and qualified != "os.system":
            command = argument(node, 0, "args")
            if command is not None:
                # One command list: it names both the program and the arguments.
                self.launches.append((self.model.site(node), qualified, None, [command]))

    def leave_Module(self, node: cst.Module) -> None:
        if not self.active:
            return
        own_package = self.ctx.module_name.split(".")[0]
        for site, qualified, program, rest in self.launches:
            origin = self.model.command_origin
            if program is not None:
                runs_itself = PROGRAM in origin(program, site.scope) and any(
                    ARGUMENTS in origin(arg, site.scope) for arg in rest)
            else:
                runs_itself = any(self.model.is_self_command(arg, site.scope) for arg in rest)
            if runs_itself and not any(_runs_other_module(arg, own_package) for arg in rest):
                self.report_at(site.node, site.statement, call=f"{qualified}()")

    VALID = [
        Valid("""
            import os, sys
            def run_wrapped():
                # exec another program named on our command line: not a restart
                command = sys.argv[1:]
                os.execvp(command[0], command)
            """),
        Valid("""
            import os, sys
            os.execv("/usr/bin/env", ["env", "python3", "-V"])
            os.execvp("celery", ["celery", "worker"] + sys.argv[1:])
            """),
        Valid("""
            import subprocess, sys
            subprocess.run([sys.executable, "-m", "pip", "install", "-r", "requirements.txt"], check=True)
            subprocess.check_call([sys.executable, "-c", "import app"] + sys.argv[1:])
            subprocess.run([sys.executable, "manage.py", "migrate"])
            """),
        Valid("""
            import os
            class ExecWorker:
                def __init__(self, name, *args):
                    self.name, self.args = name, args
                def __call__(self):
                    run = os.execv if self.name.startswith("/") else os.execvp
                    run(self.name, (self.name,) + self.args)
            """),
        Valid("""
            import sys
            # os.execv(sys.executable, [sys.executable] + sys.argv)
            HELP = "restart with os.execl(sys.executable, sys.executable, *sys.argv)"
            def describe():
                '''Never call os.execv(sys.executable, sys.argv) here.'''
                print(sys.executable, sys.argv)
            """),
        Valid("""
            import multiprocessing, sys, threading
            print(sys.argv)
            threading.Thread(target=print, daemon=True).start()
            p = multiprocessing.Process(target=print, args=(sys.argv,), daemon=True)
            p.start()
            p.join()
            """),
    ]

    INVALID = [
        Invalid("""
            import os, sys
            def restart():
                python = sys.executable
                os.execl(python, python, *sys.argv)
            """, lines=(4,)),
        Invalid("""
            import os as operating_system
            from sys import executable as python, argv
            operating_system.execv(python, [python] + argv)
            """, lines=(3,)),
        Invalid("""
            import os, sys
            def reload():
                if sys.argv[0].endswith("__main__.py"):
                    return os.execvp(sys.executable, ["python", "-m", "app", *sys.argv[1:]])
                return os.execvp(sys.argv[0], sys.argv)
            """, lines=(4, 5)),
        Invalid("""
            import os, subprocess, sys
            class Daemon:
                def reload(self):
                    env = dict(os.environ, RELOADED="1")
                    subprocess.call(
                        [sys.executable] + sys.argv,
                        env=env,
                    )
                    sys.exit(0)
            """, lines=(5,)),
        Invalid("""
            import os, sys
            class Arbiter:
                def __init__(self):
                    args = sys.argv[:]
                    args.insert(0, sys.executable)
                    self.start_ctx = {"args": args, 0: sys.executable, "cwd": os.getcwd()}

                def reexec(self):
                    if os.fork() != 0:
                        return
                    os.chdir(self.start_ctx["cwd"])
                    os.execvpe(self.start_ctx[0], self.start_ctx["args"], dict(os.environ))
            """, lines=(12,)),
        Invalid("""
            import subprocess
            import sys

            def restart_command():
                return [sys.executable] + sys.argv

            def restart():
                def nested():
                    from subprocess import Popen as P
                    P(restart_command(), close_fds=False)
                nested()
            """, lines=(10,)),
    ]


def _runs_other_module(node: cst.BaseExpression, own_package: str) -> bool:
    """A ``[..., "-m", "pkg", ...]`` or ``"-c"`` command that runs something else."""
    for sub in subexpressions(node):
        if not isinstance(sub, (cst.List, cst.Tuple)):
            continue
        strings = [e.value.evaluated_value if isinstance(e.value, cst.SimpleString) else None
                   for e in sub.elements]
        for flag, following in zip(strings, strings[1:] + [None]):
            if flag == "-c":
                return True
            if flag == "-m" and following is not None and following.split(".")[0] != own_package:
                return True
    return False
