"""What the signal rules know about libraries: who installs a SIGTERM handler when it
owns the main loop, and which calls block for good.

The tables are data (``knowledge/frameworks.toml``: every entry was verified in the
library's source, the file says where); a project adds its own in
``[tool.twelvecheck.knowledge]`` (``config/knowledge.py``).
"""

from __future__ import annotations

import sys

from twelvecheck.config import knowledge

# Calling any of these hands the main loop to a framework that handles SIGTERM itself
# (knowledge/frameworks.toml [handles-sigterm]: name -> the framework a message names).
FRAMEWORKS_HANDLING_SIGTERM: dict[str, str] = knowledge.mapping("frameworks", "handles-sigterm")

# Calls that block the calling thread for good (resolved at the call site; [blocking-calls]).
BLOCKING_CALLS: dict[str, str] = knowledge.mapping("frameworks", "blocking-calls")


def handles_sigterm(qualified: str) -> tuple[str, str] | None:
    """(the framework a message names, the knowledge entry) when calling ``qualified`` hands
    the main loop to code that handles SIGTERM: a built-in entry, or the user's."""
    if qualified in FRAMEWORKS_HANDLING_SIGTERM:
        return FRAMEWORKS_HANDLING_SIGTERM[qualified], knowledge.entry_id("handles-sigterm", qualified, False)
    if qualified in knowledge.user().handles_sigterm:
        return qualified, knowledge.entry_id("handles-sigterm", qualified, True)
    return None


# Classes a framework finds by where they are and runs as a process's main code. Django's
# `manage.py <name>` imports `<app>/management/commands/<name>.py` and runs its class
# `Command`'s `handle()`; the class is one when it derives, through the project's classes,
# from one of `bases`. (What a finding calls it: "management command '<name>'".)
# knowledge/commands.toml [command-conventions], one table per framework.
COMMAND_CONVENTIONS: tuple[dict, ...] = tuple(
    {**convention, "bases": frozenset(convention["bases"])}
    for convention in knowledge.mapping("commands", "command-conventions").values()
)
# Methods whose position the facts keep: one of them may be reported as an entry point.
COMMAND_METHODS = frozenset(convention["method"] for convention in COMMAND_CONVENTIONS)

# The standard library's top-level modules: a name under one of them is no project's own.
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"builtins"}
