"""What the self-supervision rules (TWC104 self-restart, TWC105 respawn-loop) know of the
calls that launch a program: which run it to completion, which start it and return."""

from __future__ import annotations

from twelvecheck.config import knowledge
from twelvecheck.checks.process._launch import POSIX_SPAWN, SPAWN_L, SPAWN_V

SPAWN_FUNCTIONS = SPAWN_L | SPAWN_V
# Calls that run a child to completion (knowledge/process.toml [launchers]).
RUN_FUNCTIONS = knowledge.names("process", "launchers", "run-to-completion")
# Calls that start a child and return while it runs (besides any ``*.Popen``).
START_FUNCTIONS = knowledge.names("process", "launchers", "start-and-return") | POSIX_SPAWN
