"""TWC104 self-restart: the program re-executes itself (exec of its own command line)."""

# size: about 160 lines of logic; the rest (some 300) are the cases, one or more for each
# claim of the document (several multi-module ones).

from __future__ import annotations

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

from twelvecheck.checks.process._launch import EXEC_L, EXEC_V, POSIX_SPAWN
from twelvecheck.checks.process._supervision import RUN_FUNCTIONS, SPAWN_FUNCTIONS, START_FUNCTIONS
from twelvecheck.program.values.exprs import argument, subexpressions, target_key
from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.module_model import CallSite, ModuleModel
from twelvecheck.program.values.origins import ARGUMENTS, PROGRAM
from twelvecheck.engine.rule import Invalid, Rule, Valid

RELAUNCHES = "re-launches this program's own command line"
# Library functions that run the program again in a child each time it exits asking for a
# restart: the restart loops of development reloaders.
# (knowledge/process.toml [reloaders])
RELOADERS = knowledge.names("process", "reloaders", "functions")
# A service class of another module with a factory classmethod (what the cases import).
ARBITER = ("class Arbiter:\n    restarting = False\n\n    @classmethod\n    def load_from_config(cls, path):\n"
           "        return cls()\n\n    def start(self):\n        pass\n")
EXEC_FUNCTIONS = EXEC_L | EXEC_V  # knowledge/process.toml [launchers]


class SelfRestart(Rule):
    code = "TWC104"
    # Every way to name the program's own command line goes through sys.executable/sys.argv;
    # a reloader is named. A restart in place needs no token of its own: it is looked for in
    # the modules read for these (a service module with none of them only gives facts).
    tokens = ("executable", "argv", "reloader", "autoreload")

    models = (AssignedValues, ModuleModel)

    @classmethod
    def launches(cls, text: str) -> bool:
        # Stricter than the prefilter (which may be off, or let the file in for another rule's
        # token): a call that launches a program too. Elsewhere the module model is not even fed.
        return cls.mentioned_in(text) and any(call in text for call in ("exec", "spawn", "subprocess", "Popen"))

    @classmethod
    def models_to_feed(cls, text: str) -> tuple[type, ...]:
        return cls.models if cls.launches(text) else (AssignedValues,)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.model = ctx.model_of(ModuleModel)
        self.active = self.launches(ctx.code)
        self.mentioned = self.mentioned_in(ctx.code)
        # (site, qualified name, program expression or None, argument expressions)
        self.launches: list[tuple[CallSite, str, cst.BaseExpression | None, list[cst.BaseExpression]]] = []
        self.assigned = ctx.model_of(AssignedValues)

    # -- restarting in place: `while restart: app = App.load(cfg); app.start(); restart = app.restarting`
    def visit_While(self, node: cst.While) -> None:
        if not self.mentioned:
            return  # the same findings with the prefilter and without
        flag = node.test.expression if isinstance(node.test, cst.UnaryOperation) else node.test
        if not isinstance(flag, cst.Name):
            return
        assigns = [n for n in subexpressions(node.body) if isinstance(n, cst.Assign) and len(n.targets) == 1]
        in_loop = {target_key(a.targets[0].target) for a in assigns} - {None}
        built = {}  # objects made anew on each pass, from what the loop does not change
        for assign in assigns:
            name = target_key(assign.targets[0].target)
            calls = [n for n in subexpressions(assign.value) if isinstance(n, cst.Call)]
            used = {target_key(n) for call in calls for arg in call.args for n in subexpressions(arg.value)
                    if isinstance(n, (cst.Name, cst.Attribute))}
            if name and calls and not (used & (in_loop - {name})):
                built[name] = assign
        for assign in assigns:
            value = assign.value
            if target_key(assign.targets[0].target) == flag.value and isinstance(value, cst.Attribute) \
                    and target_key(value.value) in built:
                run = self._run_of(node.body, target_key(value.value), value.attr.value)
                if run is not None:
                    self.report(run, call=f"{self.ctx.module.code_for_node(run.func)}()",
                                how=f"runs in a new instance each time it ends asking to (`{flag.value} = "
                                    f"{self.ctx.module.code_for_node(value)}`): a restart in place")
                return

    @staticmethod
    def _run_of(body: cst.BaseSuite, owner: str, attribute: str) -> cst.Call | None:
        """The first call of a method of ``owner`` in the loop (what runs the service)."""
        calls = [n for n in subexpressions(body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
                 and target_key(n.func.value) == owner and n.func.attr.value != attribute]
        return min(calls, key=lambda call: _position(body, call)) if calls else None

    def visit_Call(self, node: cst.Call) -> None:
        reloader = next((name for name in map(self.ctx.qualify, (
            value for value in self.assigned.values(node.func) if isinstance(value, (cst.Name, cst.Attribute))))
                         if name in RELOADERS), None)
        if reloader is not None:
            self.report(node, call=f"{reloader}()", how="runs this program again in a child each time it exits "
                                                        "asking for a restart (a reloader's restart loop)",
                        knowledge=knowledge.entry_id("reloaders", reloader, False))
        if not self.active:
            return
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        values = [arg.value for arg in node.args]
        if qualified in EXEC_FUNCTIONS or qualified in POSIX_SPAWN:
            # exec*(path, args...) / posix_spawn(path, argv, env): path is the program run.
            program = argument(node, 0, "path") or argument(node, 0, "file")
            self.launches.append((self.model.call_site(node), qualified, program, values[1:]))
        elif qualified in SPAWN_FUNCTIONS:
            self.launches.append((self.model.call_site(node), qualified, argument(node, 1), values[2:]))
        elif qualified == "asyncio.create_subprocess_exec":
            self.launches.append((self.model.call_site(node), qualified, argument(node, 0), values[1:]))
        elif (qualified in RUN_FUNCTIONS or qualified in START_FUNCTIONS or qualified.endswith(".Popen")) \
                and qualified != "os.system":
            command = argument(node, 0, "args")
            if command is not None:
                # One command list: it names both the program and the arguments.
                self.launches.append((self.model.call_site(node), qualified, None, [command]))

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
                self.report_at(site.node, site.statement, call=f"{qualified}()", how=RELAUNCHES)

    VALID = [
        Valid("""
            import os, sys
            def run_wrapped():
                # exec another program named on our command line: not a restart
                command = sys.argv[1:]
                os.execvp(command[0], command)
            def run_named():
                os.execvp(sys.argv[1], sys.argv[1:])
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
        # A loop that builds each object from what the last one said (a page, a cursor) is
        # no restart, in a module the rule reads (it names sys.argv).
        Valid("""
            import sys

            from feeds.client import Client


            def fetch_all(token, url):
                items, more = [], True
                while more:
                    page = Client(token).get(url)
                    items.extend(page.json())
                    url = page.next_url
                    more = page.has_more
                return items


            if __name__ == "__main__":
                print(fetch_all(sys.argv[1], sys.argv[2]))
            """, filename="feeds/fetch.py", files=(("feeds/__init__.py", ""), ("feeds/client.py", "class Client:\n    pass\n"))),
        # Misses the document states: a restart in place in a module that names neither
        # sys.executable/sys.argv nor a reloader is not looked for; a command built in another
        # module (a settings constant) or in a class-body attribute is not followed.
        Valid("""
            from circle.arbiter import Arbiter


            def main(options):
                restart, arbiter = True, None
                while restart:
                    arbiter = arbiter or Arbiter.load_from_config(options.config)
                    arbiter.start()
                    restart = arbiter.restarting
            """, filename="circle/main.py", files=(("circle/__init__.py", ""), ("circle/arbiter.py", ARBITER))),
        Valid("""
            import os
            import subprocess
            import sys

            from worker import settings


            class Reloader:
                RELAUNCH = [sys.executable, *sys.argv]

                def reexec(self, signum, frame):
                    os.execv(sys.executable, settings.RESTART_ARGV)

                def relaunch(self):
                    subprocess.check_call(self.RELAUNCH)
            """, filename="worker/reload.py", files=(
            ("worker/__init__.py", ""),
            ("worker/settings.py", "import sys\n\nRESTART_ARGV = [sys.executable] + sys.argv\n"))),
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
        # A development reloader's restart loop, reached through a variable.
        Invalid("""
            from django.core.management.base import BaseCommand
            from django.utils import autoreload
            from jobs.runner import work_forever

            class Command(BaseCommand):
                def handle(self, *args, **options):
                    if options["dev"]:
                        run = autoreload.run_with_reloader
                        run(work_forever)
                    else:
                        work_forever()
            """, files=(("jobs/__init__.py", ""), ("jobs/runner.py", "def work_forever():\n    pass\n")),
            lines=(9,)),
        # A restart in place: the service object is built again from the same settings and
        # run again whenever its run ends asking for a restart.
        Invalid("""
            import sys
            from relay.server import Relay
            from relay.settings import load

            def main(path):
                relay, again = None, True
                while again:
                    try:
                        relay = relay or Relay(load(path))
                        relay.serve()
                        again = False
                        if relay.exit_code is None:
                            again = relay.reload_requested
                    finally:
                        relay = None

            if __name__ == "__main__":
                main(sys.argv[1])
            """, files=(("relay/__init__.py", ""),
                        ("relay/server.py", "class Relay:\n    def __init__(self, cfg):\n        self.cfg = cfg\n"),
                        ("relay/settings.py", "def load(path):\n    return {}\n")), lines=(10,)),
        # Every exec and spawn function, with the command in module constants or grown in place.
        Invalid("""
            import os
            import sys

            ORIGINAL_ARGV = list(sys.argv)
            INTERPRETER = sys.executable


            def _replace(env):
                os.execve(INTERPRETER, [INTERPRETER, *ORIGINAL_ARGV], env)


            def _replace_listed():
                os.execle(sys.executable, sys.executable, *sys.argv, dict(os.environ))


            def _replace_from_path():
                os.execlp(sys.argv[0], *sys.argv)


            def _replace_with_env(env):
                os.execlpe(sys.executable, sys.executable, *sys.argv, env)


            def _relaunch():
                argv = [sys.executable]
                argv.extend(sys.argv)
                os.posix_spawn(sys.executable, argv, os.environ)
                os.posix_spawnp(argv[0], argv, os.environ)


            def _relaunch_nowait():
                argv = [sys.executable]
                argv += sys.argv
                os.spawnv(os.P_NOWAIT, sys.executable, argv)
            """, lines=(9, 13, 17, 21, 27, 28, 34)),
        # The subprocess forms, the command returned by a method or written in place.
        Invalid("""
            import asyncio
            import subprocess
            import sys


            class Supervisor:
                def _own_command(self):
                    return [sys.executable] + sys.argv

                def upgrade(self):
                    subprocess.run(self._own_command(), check=True)

                def probe(self):
                    return subprocess.check_output(self._own_command())

                async def upgrade_async(self):
                    await asyncio.create_subprocess_exec(sys.executable, *sys.argv)
                    sys.exit(0)
            """, lines=(11, 14, 17)),
        # Each reloader's restart loop, called directly.
        Invalid("""
            import hupper
            from django.utils import autoreload
            from werkzeug import serving

            from devserver.app import create_app
            from devserver.loop import consume


            def run_consumer(options):
                autoreload.main(consume, kwargs=options)


            def run_web(port):
                app = create_app()
                serving.run_with_reloader(lambda: app.run(port=port))


            def run_watched():
                reloader = hupper.start_reloader("devserver.cli.run_web")
                reloader.watch_files(["settings.toml"])
            """, filename="devserver/cli.py", files=(
            ("devserver/__init__.py", ""), ("devserver/app.py", "def create_app():\n    return object()\n"),
            ("devserver/loop.py", "def consume(**options):\n    pass\n")), lines=(10, 15, 19)),
        # The restart in place the document describes: the arbiter made by a factory of
        # another module, kept until a restart clears it (main's argv lets the rule read it).
        Invalid("""
            from circle.arbiter import Arbiter


            def main(argv=None):
                options = parse(argv)
                restart, arbiter = True, None
                while restart:
                    arbiter = arbiter or Arbiter.load_from_config(options.config)
                    arbiter.start()
                    restart = arbiter.restarting
                    arbiter = None


            def parse(argv):
                return argv
            """, filename="circle/main.py", files=(("circle/__init__.py", ""), ("circle/arbiter.py", ARBITER)),
            lines=(9,)),
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


def _position(body: cst.CSTNode, call: cst.CSTNode) -> int:
    """Where a node comes in a block, in source order."""
    pending, index = [body], 0
    while pending:
        current = pending.pop()
        if current is call:
            return index
        index += 1
        pending.extend(reversed(child_nodes(current)))
    return index
