"""TWC105 respawn-loop: the app supervises child processes and starts new ones when they exit.

Two shapes are recognised, both within one module:

- a guarded spawn that runs again and again: a child is started (``os.fork()``,
  ``subprocess.Popen``, ``Process(...).start()``, or a call of a function of this module
  that does so) under a test of the children's state (a child's ``is_alive()``,
  ``exitcode``/``returncode``/``poll()``/``waitpid``, the size of the collection the spawner
  registers children in and the reaper removes them from, or an attribute holding a child
  that is cleared when it exits; or an enclosing ``for _ in range(size - len(children))``),
  in a ``while`` loop or a function called from one, or in a function that first sweeps its
  children and drops those a test picks out (a supervision step, scheduled from elsewhere);
- a restart loop: a ``while`` loop runs the same command to completion and decides from
  its exit status whether to run it again.

Starting children once, one child per job, and stopping everything when a child dies are
not supervision: they have no such test, or no loop around it.
"""

# size: about 220 lines of logic; the rest (some 500) are the cases, one or more for each
# claim of the document (several multi-module ones).

from __future__ import annotations

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

from twelvecheck.checks.process._children import EXIT_STATUS_ATTRS, ChildProcesses, Spawn
from twelvecheck.program.values.exprs import argument, subexpressions
from twelvecheck.program.values.module_model import CallSite, ModuleModel
from twelvecheck.engine.names import dotted_name
from twelvecheck.engine.rule import Invalid, Rule, Valid

# A process class of another module (what the cases import): Popen in its constructor.
PROC_MODULE = ("import subprocess\n\n\nclass Child:\n    def __init__(self, argv):\n"
               "        self.proc = subprocess.Popen(argv)\n        self.pid = self.proc.pid\n"
               "        self.state = \"running\"\n")
WAIT_METHODS = frozenset({"wait", "communicate", "join"})
# Calls that end the process (knowledge/process.toml [exits]).
EXIT_CALLS = knowledge.names("process", "exits", "calls")


class RespawnLoop(Rule):
    code = "TWC105"
    tokens = ("fork", "subprocess", "Popen", "Process", "spawn", ".pid]")  # .pid]: a table of children by pid
    word_tokens = ("system",)  # os.system

    models = (ModuleModel,)

    @classmethod
    def loops(cls, text: str) -> bool:
        # Stricter than the prefilter (which may be off, or let the file in for another rule's
        # token): every shape needs a loop (a while loop, or the for loop of a sweep or a
        # top-up). Elsewhere the models are not even fed.
        return ("while" in text or "for " in text) and cls.mentioned_in(text)

    @classmethod
    def models_to_feed(cls, text: str) -> tuple[type, ...]:
        return cls.models if cls.loops(text) else ()

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.model = ctx.model_of(ModuleModel)
        self.children = ChildProcesses(ctx, self.model)
        self.active = self.loops(ctx.code)
        self.listeners = [self.children] if self.active else []

    # -- deciding, once the module is known ----------------------------------------------
    def leave_Module(self, node: cst.Module) -> None:
        if not self.active:
            return
        model, children = self.model, self.children
        children.resolve()
        candidates = [(spawn.site, self._what_runs(spawn)) for spawn in children.spawns]
        candidates += [(call, [arg.value for arg in call.node.args]) for call in model.local_calls
                       if any(id(callee) in children.spawning for callee in model.resolve(call.node, call.scope))]
        reported: set[int] = set()  # the functions a reported call leads to
        for counted in (False, True):
            for site, what_runs in candidates:
                if id(site.scope) in reported or id(site.node) in reported:
                    continue
                tests = self._counts(site) if counted else site.guards()
                if not any(children.about_children(test, site.scope) for test in tests):
                    continue
                repeats = id(site.scope) in children.repeated or children.in_loop(site) or self._refills(site)
                if repeats and not self._runs_fetched(site, what_runs, for_targets=False):
                    self.report_at(site.node, site.statement, spawn=self._describe(site.node),
                                   how="when a child has exited")
                    reported.add(id(site.node))
                    reported.update(self._reached(site))
        for spawn in children.spawns:
            if spawn.kind in ("run", "start", "process") and self._reruns_on_exit(spawn):
                self.report_at(spawn.site.node, spawn.site.statement, spawn=self._describe(spawn.site.node),
                               how="each time it exits")

    @staticmethod
    def _counts(site: CallSite) -> list[cst.BaseExpression]:
        """The iterables of the ``for`` loops around a spawn: ``for _ in range(target -
        len(children))`` starts as many as are missing."""
        return [statement.iter for statement in site.path[1:] if isinstance(statement, cst.For)]

    def _reached(self, site: CallSite) -> set[int]:
        """The functions a call of this module leads to (a spawn there is the same finding)."""
        found: set[int] = set()
        pending = list(self.model.resolve(site.node, site.scope))
        while pending:
            scope = pending.pop()
            if id(scope) in found:
                continue
            found.add(id(scope))
            pending += [callee for call in self.model.local_calls if call.scope is scope
                        for callee in self.model.resolve(call.node, call.scope)]
        return found

    def _refills(self, site: CallSite) -> bool:
        """The function goes through its children, drops those a test picks out (the exited
        ones), and then starts more: a supervision step, however it is scheduled."""
        registries = self.children.registries
        for node in _in_order(site.scope.node):
            if node is site.node:
                return False  # only a sweep before the spawn
            if isinstance(node, cst.For) and any(dotted_name(n) in registries for n in subexpressions(node.iter)
                                                 if isinstance(n, (cst.Name, cst.Attribute))):
                for inner in subexpressions(node.body):
                    if isinstance(inner, cst.If) and _removes(inner.body, registries):
                        return True
        return False

    def _what_runs(self, spawn: Spawn) -> list[cst.BaseExpression]:
        """What says which program the child runs: the command argument, or for
        ``X.start()`` the arguments of the calls that built X."""
        site = spawn.site
        if spawn.receiver is None:
            return [argument(site.node, 0, "args") or site.node] if spawn.kind != "fork" else []
        built = [v for v, _ in self.model.values(spawn.receiver, site.scope) if isinstance(v, cst.Call)]
        return [arg.value for call in built for arg in call.args]

    def _runs_fetched(self, site: CallSite, what_runs: list[cst.BaseExpression], for_targets: bool) -> bool:
        """Whether the child runs something the innermost enclosing ``while`` loop obtained
        (a job, a connection; with ``for_targets`` also a for loop's items): a job loop,
        not one that restarts the same child. Children and this program's own command
        line, even rebuilt in the loop, do not count."""
        loops = site.loops()
        if not loops:
            return False
        fetched: set[str] = set()
        for node in subexpressions(loops[-1].body):
            if isinstance(node, cst.Assign) and not self.children.is_child(node.value, site.scope) \
                    and not self.model.is_self_command(node.value, site.scope):
                targets = [target.target for target in node.targets]
            elif isinstance(node, cst.For) and for_targets:
                targets = [node.target]
            else:
                continue
            fetched |= {n.value for target in targets for n in subexpressions(target) if isinstance(n, cst.Name)}
        return any(isinstance(node, cst.Name) and node.value in fetched
                   for expression in what_runs for node in subexpressions(expression))

    def _reruns_on_exit(self, spawn: Spawn) -> bool:
        """A ``while`` loop that runs the same command to completion and, from its exit
        status, decides whether to run it again."""
        site = spawn.site
        loops = site.loops()
        if not loops:
            return False
        loop = loops[-1]
        if spawn.kind == "run" and any(node is site.node for node in subexpressions(loop.test)):
            return True  # while subprocess.call(command) != 0: ...
        statuses = _assigned_names(site.path[-1])
        if spawn.receiver is not None and dotted_name(spawn.receiver):
            statuses.add(dotted_name(spawn.receiver))
        body = list(subexpressions(loop.body))
        waits = spawn.kind == "run" or any(
            isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in WAIT_METHODS
            and (n.func.value is site.node or dotted_name(n.func.value) in statuses) for n in body)
        if not waits or self._runs_fetched(site, self._what_runs(spawn), for_targets=True):
            return False
        if _mentions_status(loop.test, statuses):
            return True
        return any(isinstance(n, cst.If) and _mentions_status(n.test, statuses) and self._leaves(n.body)
                   for n in body)

    def _leaves(self, body: cst.BaseSuite) -> bool:
        for node in subexpressions(body):
            if isinstance(node, (cst.Break, cst.Return, cst.Raise)):
                return True
            if isinstance(node, cst.Call) and self.ctx.qualify(node.func) in EXIT_CALLS:
                return True
        return False

    def _describe(self, call: cst.Call) -> str:
        return self.ctx.module.code_for_node(call.func) + "()"

    VALID = [
        Valid("""
            import os
            def serve(queue):
                # one child per job, waited for and never restarted
                while True:
                    job = queue.get()
                    pid = os.fork()
                    if pid == 0:
                        job.run()
                        os._exit(0)
                    os.waitpid(pid, 0)
            """),
        Valid("""
            import multiprocessing, os, signal
            def main(count):
                procs = [multiprocessing.Process(target=print, daemon=False) for _ in range(count)]
                for proc in procs:
                    proc.start()
                # a worker that dies takes the whole service down: no respawn
                while any(p.exitcode is None for p in procs):
                    for proc in procs:
                        proc.join(timeout=1)
                        if proc.exitcode not in (None, 0):
                            for other in procs:
                                os.kill(other.pid, signal.SIGTERM)
                            return proc.exitcode
            """),
        Valid("""
            from multiprocessing import Process
            import threading, time
            def main():
                background = Process(target=time.sleep, args=(5,), daemon=True)
                background.start()
                background.join()
                thread = threading.Thread(target=time.sleep, args=(1,), daemon=True)
                while True:
                    if not thread.is_alive():
                        thread = threading.Thread(target=time.sleep, args=(1,), daemon=True)
                        thread.start()
            """),
        Valid("""
            import subprocess
            def drain(queue):
                while True:
                    job = queue.get()
                    if subprocess.call(job.command) != 0:
                        raise RuntimeError(job)
            def consume(consumer):
                while True:
                    message = consumer.poll()
                    if message is None:
                        continue
                    subprocess.Popen(["handle", message.value()])
            """),
        Valid("""
            import subprocess, time
            class Pool:
                def __init__(self, size):
                    self.size, self.children, self.sidecar = size, {}, None
                def spawn(self):
                    child = subprocess.Popen(["worker"])
                    self.children[child.pid] = child
                def reap(self):
                    for pid, child in list(self.children.items()):
                        if child.poll() is not None:
                            del self.children[pid]
                def start(self):
                    # filled once; what dies is not replaced
                    while len(self.children) < self.size:
                        self.spawn()
                def ensure_sidecar(self):
                    # started once: nothing clears it when it exits
                    if self.sidecar is None:
                        self.sidecar = subprocess.Popen(["sidecar"])
                def run(self):
                    while True:
                        self.ensure_sidecar()
                        time.sleep(1)
            """),
        Valid("""
            import multiprocessing, time
            def run_jobs(queue, limit):
                running = []
                while True:
                    for proc in list(running):
                        if not proc.is_alive():
                            running.remove(proc)
                    if len(running) < limit:
                        job = queue.get()
                        proc = multiprocessing.Process(target=job.run, args=(job.id,))
                        proc.start()
                        running.append(proc)
                    time.sleep(0.1)
            """),
        Valid('''
            import os
            # while True: if not p.is_alive(): p = Process(target=work); p.start()
            DOC = "while True: os.fork() when a worker has exited"
            def supervise():
                """Never restart workers with subprocess.Popen in a while loop."""
                os.execvp("gunicorn", ["gunicorn", "app:app"])
            '''),
        # Filled once, resized on request, and three role processes started once and joined:
        # nothing is started again because one exited.
        Valid("""
            import multiprocessing
            from pool.proc import Child
            from service import roles

            class Pool:
                def __init__(self, argv, size):
                    self.argv, self.size, self.children = argv, size, {}

                def spawn_one(self):
                    child = Child(self.argv)
                    self.children[child.pid] = child

                def start(self):
                    for _ in range(self.size - len(self.children)):
                        self.spawn_one()

                def resize(self, size):
                    self.size = size
                    while len(self.children) > size:
                        self.children.popitem()[1].terminate()
                    for _ in range(size - len(self.children)):
                        self.spawn_one()

            def run_roles():
                procs = [multiprocessing.Process(target=role) for role in (roles.getter, roles.tester, roles.api)]
                for proc in procs:
                    proc.start()
                while any(proc.is_alive() for proc in procs):
                    for proc in procs:
                        proc.join(timeout=1)
            """, files=(("pool/__init__.py", ""), ("pool/proc.py", PROC_MODULE), ("service/__init__.py", ""),
                        ("service/roles.py", "def getter():\n    pass\ndef tester():\n    pass\ndef api():\n    pass\n"))),
        # A miss the document states: any value the loop's body assigns counts as what it
        # fetched, so the same command rebuilt in the loop is taken for a new job.
        Valid("""
            import shlex
            import subprocess
            import time

            from svc.settings import WORKER_COMMAND


            def keep():
                proc = subprocess.Popen(shlex.split(WORKER_COMMAND))
                while True:
                    if proc.poll() is not None:
                        argv = shlex.split(WORKER_COMMAND)
                        proc = subprocess.Popen(argv)
                    time.sleep(1)
            """, filename="keeper.py", files=(("svc/__init__.py", ""),
                                              ("svc/settings.py", 'WORKER_COMMAND = "python -m svc.worker"\n'))),
        # A miss the document states: calls are followed inside the module only, so a
        # function of another module that starts the child is not seen as a spawn.
        Valid("""
            import time

            from svc.spawning import start_worker


            def supervise(count):
                workers = [start_worker(i) for i in range(count)]
                while True:
                    for index, worker in enumerate(workers):
                        if not worker.is_alive():
                            workers[index] = start_worker(index)
                    time.sleep(1)
            """, filename="svc/supervise.py", files=(("svc/__init__.py", ""), ("svc/spawning.py", (
                "import multiprocessing\n\n\ndef start_worker(index):\n"
                "    proc = multiprocessing.Process(target=print, args=(index,))\n    proc.start()\n    return proc\n")))),
    ]

    INVALID = [
        Invalid("""
            import os, time
            class Arbiter:
                def spawn_worker(self):
                    pid = os.fork()
                    if pid == 0:
                        os._exit(0)
                    self.workers[pid] = object()
                def spawn_workers(self):
                    for _ in range(self.count - len(self.workers)):
                        self.spawn_worker()
                def reap(self):
                    pid, status = os.waitpid(-1, os.WNOHANG)
                    self.workers.pop(pid, None)
                def manage(self):
                    if len(self.workers) < self.count:
                        self.spawn_workers()
                def run(self):
                    while True:
                        self.reap()
                        self.manage()
                        time.sleep(1)
            """, lines=(16,)),
        Invalid("""
            import multiprocessing
            class Consumer:
                def _create_process(self, index):
                    return self.mp.Process(target=print, args=(index,))
                def check_health(self):
                    for index, proc in enumerate(self.workers):
                        if not proc.is_alive():
                            proc = self._create_process(index)
                            proc.start()
                            self.workers[index] = proc
                def tick(self):
                    self.check_health()
                def run(self):
                    while True:
                        self.tick()
            """, lines=(9,)),
        Invalid("""
            import os, time
            class Master:
                def spawn_helper(self):
                    if self.helper_pid:
                        return
                    self.helper_pid = os.fork()
                    if self.helper_pid == 0:
                        os._exit(0)
                def reap_helper(self):
                    pid, status = os.waitpid(self.helper_pid, os.WNOHANG)
                    if pid:
                        self.helper_pid = 0
                def run(self):
                    while True:
                        self.reap_helper()
                        self.spawn_helper()
                        time.sleep(1)
            """, lines=(6,)),
        Invalid("""
            from multiprocessing import Process as P
            class WorkerPool:
                def start_worker(self, name):
                    process = P(target=print, args=(name,))
                    process.start()
                    self.alive[name] = process
                def check(self):
                    for name, process in list(self.alive.items()):
                        if not process.is_alive():
                            self.alive.pop(name)
                    missing = self.size - len(self.alive)
                    if missing:
                        for index in range(missing):
                            self.start_worker(index)
                def run(self):
                    while not self.stopped:
                        self.check()
            """, lines=(14,)),
        Invalid("""
            import multiprocessing, os, subprocess, sys
            def restart_with_reloader():
                while True:
                    args = [sys.executable] + sys.argv
                    env = dict(os.environ, RUN_MAIN="true")
                    exit_code = subprocess.call(args, env=env)
                    if exit_code != 3:
                        return exit_code
            def main():
                while True:
                    child = multiprocessing.Process(target=print)
                    child.start()
                    child.join()
                    if child.exitcode == 0:
                        break
            """, lines=(6, 12)),
        Invalid("""
            import asyncio
            from subprocess import Popen
            class DirtyArbiter:
                def spawn_worker(self):
                    child = Popen(["dirty-worker"])
                    self.workers[child.pid] = child
                def reap(self):
                    for pid, child in list(self.workers.items()):
                        if child.poll() is not None:
                            self.workers.pop(pid)
                async def manage_workers(self):
                    while self.alive and len(self.workers) < self.count:
                        self.spawn_worker()
                        await asyncio.sleep(0.1)
                async def monitor(self):
                    while self.alive:
                        await asyncio.sleep(1)
                        self.reap()
                        await self.manage_workers()
            """, lines=(13,)),
        Invalid("""
            import multiprocessing, time
            class Worker(multiprocessing.Process):
                pass
            class QuietWorker(Worker):
                pass
            def supervise(workers):
                while True:
                    for index, worker in enumerate(workers):
                        if worker.exitcode is None:
                            continue
                        workers[index] = QuietWorker()
                        workers[index].start()
                    time.sleep(1)
            """, lines=(12,)),
        # Children made by another module's class, kept in a table by their pid; one step
        # drops the dead ones and tops the table up to its size (a scheduler elsewhere runs it).
        Invalid("""
            from pool.proc import Child

            class Watcher:
                def __init__(self, argv, size):
                    self.argv, self.size, self.children, self.restart = argv, size, {}, True

                def spawn_one(self):
                    child = Child(self.argv)
                    self.children[child.pid] = child

                def spawn_missing(self):
                    for _ in range(self.size - len(self.children)):
                        self.spawn_one()

                def tick(self):
                    for child in list(self.children.values()):
                        if child.state in ("dead", "zombie"):
                            self.children.pop(child.pid)
                    if len(self.children) < self.size and self.restart:
                        self.spawn_missing()
            """, files=(("pool/__init__.py", ""), ("pool/proc.py", PROC_MODULE)), lines=(20,)),
        # A loop that starts as many workers as are missing, each time some have exited.
        Invalid("""
            import multiprocessing
            from multiprocessing.connection import wait
            from service.worker import serve

            def _fill(pool, count, ctx):
                for _ in range(count - len(pool)):
                    proc = ctx.Process(target=serve)
                    proc.start()
                    pool.append(proc)

            def _collect(pool):
                code = 0
                for index in reversed(range(len(pool))):
                    if pool[index].exitcode is not None:
                        code = code or pool[index].exitcode
                        del pool[index]
                return code

            def main(count):
                ctx = multiprocessing.get_context("spawn")
                pool, running = [], True
                while running:
                    _fill(pool, count, ctx)
                    wait([proc.sentinel for proc in pool])
                    if _collect(pool) != 0:
                        running = False
            """, files=(("service/__init__.py", ""), ("service/worker.py", "def serve():\n    pass\n")),
            lines=(8,)),
        # A sidecar kept running: asyncio's exec and os.spawnv, tested by returncode, waitpid
        # and WIFEXITED; the command comes from a settings module.
        Invalid("""
            import asyncio
            import os
            import time

            from edge.settings import PROXY_ARGV, PROXY_PATH


            async def keep_proxy():
                proc = await asyncio.create_subprocess_exec(*PROXY_ARGV)
                while True:
                    await asyncio.sleep(1)
                    if proc.returncode is not None:
                        proc = await asyncio.create_subprocess_exec(*PROXY_ARGV)


            def keep_native():
                pid = os.spawnv(os.P_NOWAIT, PROXY_PATH, PROXY_ARGV)
                while True:
                    time.sleep(1)
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done and os.WIFEXITED(status):
                        pid = os.spawnv(os.P_NOWAIT, PROXY_PATH, PROXY_ARGV)
            """, filename="edge/sidecar.py", files=(
            ("edge/__init__.py", ""),
            ("edge/settings.py", 'PROXY_PATH = "/usr/bin/envoy"\nPROXY_ARGV = [PROXY_PATH, "-c", "/etc/envoy.yaml"]\n')),
            lines=(13, 22)),
        # The test is a call of a function of the module that looks at the child's exit.
        Invalid("""
            import subprocess
            import time


            class Keeper:
                def __init__(self, argv):
                    self.argv, self.proc = argv, None

                def _gone(self):
                    return self.proc is None or self.proc.poll() is not None

                def run(self):
                    while True:
                        if self._gone():
                            self.proc = subprocess.Popen(self.argv)
                        time.sleep(1)
            """, lines=(15,)),
        # A class of this module kept by pid; the supervision step re-arms itself on a timer.
        Invalid("""
            import subprocess
            import threading


            class Child:
                def __init__(self, argv):
                    self.proc = subprocess.Popen(argv)
                    self.pid = self.proc.pid

                def exited(self):
                    return self.proc.poll() is not None


            class Keeper:
                def __init__(self, argv, size):
                    self.argv, self.size, self.children = argv, size, {}

                def _add(self):
                    child = Child(self.argv)
                    self.children[child.pid] = child

                def step(self):
                    for child in list(self.children.values()):
                        if child.exited():
                            self.children.pop(child.pid)
                    for _ in range(self.size - len(self.children)):
                        self._add()
                    threading.Timer(1.0, self.step).start()
            """, lines=(27,)),
        # Restart loops with os.system and with Popen(...).wait(), chained or not.
        Invalid("""
            import os
            import subprocess
            import sys


            def run_until_done(command):
                while True:
                    status = os.system(command)
                    if status == 0:
                        break


            def run_until_clean(argv):
                while True:
                    proc = subprocess.Popen(argv)
                    proc.wait()
                    if proc.returncode != 75:
                        sys.exit(proc.returncode)


            def run_until_ok(argv):
                while True:
                    code = subprocess.Popen(argv).wait()
                    if code != 75:
                        return code
            """, filename="tools/runner.py", files=(("tools/__init__.py", ""),), lines=(8, 15, 23)),
        # psutil's Popen and is_running(); os.wait3 and WIFSIGNALED.
        Invalid("""
            import os
            import time

            import psutil


            def keep(argv):
                proc = psutil.Popen(argv)
                while True:
                    if not proc.is_running():
                        proc = psutil.Popen(argv)
                    time.sleep(1)


            def keep_forked(argv):
                pid = os.fork()
                if pid == 0:
                    os.execvp(argv[0], argv)
                while True:
                    done, status, usage = os.wait3(os.WNOHANG)
                    if done and os.WIFSIGNALED(status):
                        pid = os.fork()
                        if pid == 0:
                            os.execvp(argv[0], argv)
                    time.sleep(1)
            """, lines=(11, 22)),
    ]


def _in_order(node: cst.CSTNode):
    """The node and everything below it in source order (not into nested defs)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if not isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)) or current is node:
            pending.extend(reversed(child_nodes(current)))


def _removes(body: cst.BaseSuite, registries: set[str]) -> bool:
    """``registry.pop(...)``, ``.remove(...)``, ``del registry[...]`` in a block."""
    for node in subexpressions(body):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                node.func.attr.value in ("pop", "remove", "discard") and dotted_name(node.func.value) in registries:
            return True
        if isinstance(node, cst.Del) and any(isinstance(n, cst.Subscript) and dotted_name(n.value) in registries
                                             for n in subexpressions(node.target)):
            return True
    return False


def _assigned_names(statement: cst.CSTNode) -> set[str]:
    names = set()
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
                [small.target] if isinstance(small, cst.AnnAssign) else []
            names |= {dotted_name(t) for t in targets if dotted_name(t)}
    return names


def _mentions_status(test: cst.BaseExpression, statuses: set[str]) -> bool:
    for node in subexpressions(test):
        if isinstance(node, cst.Attribute) and node.attr.value in EXIT_STATUS_ATTRS:
            return True
        if isinstance(node, (cst.Name, cst.Attribute)) and dotted_name(node) in statuses:
            return True
    return False
