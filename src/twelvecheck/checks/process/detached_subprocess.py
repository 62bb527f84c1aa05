"""TWC103 detached-subprocess: a child started in the background, outside supervision."""

from __future__ import annotations

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.deploy.options import detaching_wrappers
from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.checks.process._launch import SPAWN_L, SPAWN_V, is_launcher, launched_command
from twelvecheck.program.values.dicts import keyword_value
from twelvecheck.program.values.exprs import argument, target_key
from twelvecheck.engine.names import dotted_name
from twelvecheck.engine.rule import Invalid, Rule, Valid
from twelvecheck.engine.walk import ReadOnlyVisitor, visit_readonly

# Launchers that return a process object which may be waited for (knowledge/process.toml
# [launchers]).
PROCESS_STARTERS = knowledge.names("process", "launchers", "process-starters")
SPAWNERS = SPAWN_L | SPAWN_V


class DetachedSubprocess(Rule):
    code = "TWC103"
    models = (AssignedValues,)
    tokens = ("subprocess", "spawn", "popen", "Popen")
    word_tokens = ("system",)  # os.system

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = ctx.model_of(AssignedValues)
        # id(call) -> where a launch's process object is kept: None when it is dropped
        # (a bare statement, or only its .pid is kept), a name or self.attr, or "" when it
        # goes somewhere we do not follow (a subscript, a tuple).
        self.kept: dict[int, str | None] = {}
        # Scope node (function, class or module) -> [(name the process is kept in, call, how)].
        self.pending: dict[int, list[tuple[str, cst.Call, str]]] = {}

    # -- where a new-session process ends up -------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        call, through_pid = _launch_of(node.value)
        if call is not None:
            keys = [target_key(t.target) for t in node.targets]
            self.kept[id(call)] = None if through_pid else ((keys[0] or "") if len(keys) == 1 else "")

    def visit_Expr(self, node: cst.Expr) -> None:
        call, _ = _launch_of(node.value)
        if call is not None:
            self.kept[id(call)] = None  # started and dropped

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if not is_launcher(qualified):
            return
        how = self._background_command(node, qualified)  # type: ignore[arg-type]
        if how:
            self.report(node, how=how)
            return
        if qualified in PROCESS_STARTERS:
            flag = self._new_session_flag(node)
            if flag is None or id(node) not in self.kept:
                return  # not detached, or handed on (returned, passed, used in a `with`)
            key = self.kept[id(node)]
            how = f"{qualified}({flag}) is started and never waited for"
            if key is None:
                self.report(node, how=how)
            elif key:
                self._defer(key, node, how)

    def _background_command(self, node: cst.Call, qualified: str) -> str | None:
        launcher = qualified
        if qualified in SPAWNERS:
            mode = argument(node, 0, "mode")
            if mode is not None and self.ctx.qualify(mode) == "os.P_DETACH":
                return f"{launcher}(os.P_DETACH, ...) starts a detached process"
        command = launched_command(node, qualified, self.assigned)
        if command is None:
            return None
        invocations = command.invocations()
        for inv in invocations:
            for wrapper in detaching_wrappers(inv):
                return f"{launcher}() runs '{wrapper.text.rsplit('/', 1)[-1]}'"
        if any(inv.separator == "&" for inv in invocations):
            return f"{launcher}() runs a shell command in the background with '&'"
        return None

    def _new_session_flag(self, node: cst.Call) -> str | None:
        values, qualify = self.assigned.values, self.ctx.qualify
        session = keyword_value(node, "start_new_session", values, qualify)
        if session is not None and isinstance(session, cst.Name) and session.value == "True":
            return "start_new_session=True"
        preexec = keyword_value(node, "preexec_fn", values, qualify)
        if preexec is not None and qualify(preexec) in {"os.setsid", "os.setpgrp"}:
            return f"preexec_fn={dotted_name(preexec)}"
        flags = keyword_value(node, "creationflags", values, qualify)
        if flags is not None and _mentions(flags, "DETACHED_PROCESS"):
            return "creationflags=DETACHED_PROCESS"
        return None

    # -- deciding at the end of the scope ------------------------------------------------
    def _defer(self, key: str, node: cst.Call, how: str) -> None:
        if key.startswith("self.") and self.ctx.classes and self.ctx.functions:
            scope: cst.CSTNode = self.ctx.classes[-1]
        elif self.ctx.functions:
            scope = self.ctx.functions[-1]
        else:
            scope = self.ctx.module
        self.pending.setdefault(id(scope), []).append((key, node, how))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._settle(original_node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._settle(original_node)

    def leave_Module(self, original_node: cst.Module) -> None:
        self._settle(original_node)

    def _settle(self, scope: cst.CSTNode) -> None:
        for key, call, how in self.pending.pop(id(scope), []):
            uses = _UseFinder(key)
            visit_readonly(scope, uses)
            if not uses.used:
                self.report(call, how=how)

    VALID = [
        Valid("""
            import subprocess

            ATTACHED = {"start_new_session": False, "close_fds": True}

            def sync(argv):
                subprocess.Popen(argv, **ATTACHED)
            """),
        Valid("""
            import subprocess
            subprocess.run("make build && make test", shell=True, check=True)
            subprocess.run(["echo", "a & b", "&"])
            subprocess.call("grep -q '&' notes.txt", shell=True)
            subprocess.check_call("cmd > out.txt 2>&1", shell=True)
            """),
        Valid("""
            import subprocess
            def run_tool(args):
                proc = subprocess.Popen(args, start_new_session=True)
                try:
                    return proc.wait(timeout=30)
                finally:
                    proc.kill()
            def start(args):
                return subprocess.Popen(args, start_new_session=True)
            with subprocess.Popen(["job"], start_new_session=True) as p:
                pass
            """),
        Valid("""
            import subprocess
            children = {}
            def spawn(name, argv):
                children[name] = subprocess.Popen(argv, start_new_session=True)
            class Runner:
                def start(self):
                    self.proc = subprocess.Popen(["worker"], start_new_session=True)
                def stop(self):
                    self.proc.terminate()
            """),
        Valid("""
            import threading, multiprocessing
            threading.Thread(target=print, daemon=True).start()
            multiprocessing.Process(target=print, daemon=True).start()
            # os.system("nohup worker &")
            HELP = "run it with: nohup worker &"
            """),
        Valid("""
            import subprocess
            from ops.paths import MIGRATE

            def migrate():
                subprocess.run(["sudo", "-u", "deploy", MIGRATE, "--noinput"], check=True)
                subprocess.run(["nice", "-n", "10", "python", "-m", "ops.compact"], check=True)
            """, files=(("ops/__init__.py", ""), ("ops/paths.py", 'MIGRATE = "/srv/bin/migrate"\n'))),
    ]

    INVALID = [
        # the new session asked for through a mapping of options (**)
        Invalid("""
            import os
            import subprocess

            DETACHED = {"start_new_session": True, "close_fds": True}

            def sync(argv):
                subprocess.Popen(argv, **DETACHED)

            def export(argv):
                options = {"preexec_fn": os.setsid, "cwd": "/srv"}
                subprocess.Popen(argv, **options)
            """, lines=(7, 11)),
        Invalid("""
            import os
            os.system("nohup python worker.py > /dev/null 2>&1 &")
            os.system(f"{binary} --serve &")
            """, lines=(2, 3)),
        Invalid("""
            import subprocess as sp
            from subprocess import Popen
            sp.Popen(["nohup", "celery", "worker"])
            Popen("setsid ./indexer", shell=True)
            sp.call(["sh", "-c", "sleep 100 &"])
            def go(cmd):
                sp.run("exec " + cmd + " &", shell=True)
            """, lines=(3, 4, 5, 7)),
        Invalid("""
            import os, subprocess
            def launch():
                proc = subprocess.Popen(["python", "-m", "app.sync"], start_new_session=True)
                print("started", proc.pid)
            subprocess.Popen(["python", "-m", "app.mail"], preexec_fn=os.setsid)
            os.spawnlp(os.P_DETACH, "worker", "worker")
            """, lines=(3, 5, 6)),
        Invalid("""
            import subprocess
            class Launcher:
                def start(self):
                    self.child = subprocess.Popen(["beat"], start_new_session=True)
                    return self.child.pid
            """, lines=(4,)),
        # Wrappers are read with the tool table: `sudo -u app nohup ...`, `ionice -c 3 setsid ...`.
        Invalid("""
            import os, subprocess
            from ops.paths import REINDEX

            def reindex():
                os.system(f"ionice -c 3 setsid {REINDEX} --all")

            def mailer():
                subprocess.Popen(["sudo", "-u", "app", "nohup", "python", "-m", "ops.mailer"])
            """, files=(("ops/__init__.py", ""), ("ops/paths.py", 'REINDEX = "/srv/bin/reindex"\n')), lines=(5, 8)),
    ]


def _launch_of(node: cst.BaseExpression) -> tuple[cst.Call | None, bool]:
    """The call in ``Popen(...)``, ``await create_subprocess_exec(...)`` or ``Popen(...).pid``;
    the flag says the process object itself is dropped (only its pid is kept)."""
    through_pid = False
    if isinstance(node, cst.Attribute) and node.attr.value == "pid":
        node, through_pid = node.value, True
    if isinstance(node, cst.Await):
        node = node.expression
    return (node, through_pid) if isinstance(node, cst.Call) else (None, False)


def _mentions(node: cst.BaseExpression, name: str) -> bool:
    if isinstance(node, cst.BinaryOperation):
        return _mentions(node.left, name) or _mentions(node.right, name)
    dotted = dotted_name(node)
    return dotted is not None and dotted.rsplit(".", 1)[-1] == name


class _UseFinder(ReadOnlyVisitor):
    """Whether a kept process is used for anything but its ``.pid`` (waited for, stopped,
    returned, handed on) after the assignment that stores it."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.used = False

    def visit_Assign(self, node: cst.Assign) -> bool:
        # The assignment targets are where the process is stored, not uses of it.
        visit_readonly(node.value, self)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if dotted_name(node.value) == self.key:
            if node.attr.value != "pid":
                self.used = True
            return False
        return self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)

    def _check(self, node: cst.BaseExpression) -> bool:
        if dotted_name(node) == self.key:
            self.used = True
            return False
        return True
