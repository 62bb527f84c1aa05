"""What the self-supervision rules (TWC104 self-restart, TWC105 respawn-loop) know of the
calls that launch a program: which run it to completion, which start it and return."""

from __future__ import annotations

from twelvecheck.checks.process._launch import POSIX_SPAWN, SPAWN_L, SPAWN_V

SPAWN_FUNCTIONS = SPAWN_L | SPAWN_V
# Calls that run a child to completion.
RUN_FUNCTIONS = frozenset({
    "subprocess.call", "subprocess.check_call", "subprocess.run", "subprocess.check_output",
    "subprocess.getoutput", "subprocess.getstatusoutput", "os.system",
})
# Calls that start a child and return while it runs (besides any ``*.Popen``).
START_FUNCTIONS = frozenset({"asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"}) | POSIX_SPAWN
