"""What a process type runs, read from its command: the Python code it starts (its
targets), the tools it runs, and whether it is a scheduler.

A target is a script (``python app/worker.py``), a module (``python -m app.worker``), an
app a server imports (``gunicorn app.wsgi:application``), a celery app (``celery -A app``)
or a console script (``worker``, declared in packaging metadata); its path is the file's
display path where it exists.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any

from twelvecheck.deploy.options import find_options, first_argument
from twelvecheck.deploy.shell_commands import Invocation

SCHEDULER_NAME = re.compile(r"clock|scheduler|(?<!heart)beat|cron", re.I)


def targets(invocations: list[Invocation], display_path: str, directory: Path | None) -> list[dict[str, Any]]:
    """The Python code a process type runs, as display paths where the file exists."""
    targets: list[dict[str, Any]] = []
    shown_dir = posixpath.dirname(display_path)

    def shown(path: Path) -> str | None:
        if directory is None or not path.is_file():
            return None
        relative = os.path.relpath(path, directory).replace(os.sep, "/")
        return posixpath.normpath(posixpath.join(shown_dir, relative))

    def module_file(base: Path, module: str, package_files: tuple[str, ...]) -> str | None:
        parts = module.split(".")
        for root in (base, base / "src"):
            for suffix in (f"{parts[-1]}.py", *(f"{parts[-1]}/{name}" for name in package_files)):
                found = shown(root.joinpath(*parts[:-1], suffix))
                if found:
                    return found
        return None

    for inv in invocations:
        base = inv.base or directory
        if base is None:
            continue
        if inv.script:
            path = shown(base / inv.script)
            if path:
                targets.append({"kind": "script", "path": path, "name": inv.script})
        elif inv.module:
            path = module_file(base, inv.module, ("__main__.py", "__init__.py"))
            targets.append({"kind": "module", "path": path, "name": inv.module})
        elif inv.tool is not None and inv.tool.app and (app := first_argument(inv)) is not None:
            module, _, attr = app.text.partition(":")
            if re.match(r"^[A-Za-z_][\w.]*$", module):
                targets.append({"kind": "app", "path": module_file(base, module, ("__init__.py",)),
                                "name": module, "attr": attr.split("(")[0] or None})
        elif inv.tool is not None and inv.tool.key.startswith("celery"):
            for option in find_options(inv.args, ("-A APP", "--app APP")):
                module = (option.value or "").partition(":")[0]
                if re.match(r"^[A-Za-z_][\w.]*$", module):
                    path = module_file(base, module, ("__init__.py",)) or module_file(base, f"{module}.celery", ())
                    targets.append({"kind": "celery", "path": path, "name": module})
        elif inv.tool is None and inv.words and "/" not in inv.program and re.match(r"^[\w.-]+$", inv.program):
            targets.append({"kind": "console", "path": None, "name": inv.program})
    return targets


def scheduler_of(name: str, invocations: list[Invocation]) -> str | None:
    """Why a process type looks like a scheduler (by its name or command), or None."""
    for inv in invocations:
        tool = inv.tool
        if tool is None:
            continue
        if tool.role == "scheduler" and not find_options(inv.args, tool.no_scheduler):
            return f"it runs {tool.key}"
        if find_options(inv.args, tool.scheduler):
            return f"it runs {tool.key} with an embedded scheduler"
    if SCHEDULER_NAME.search(name):
        return "its name says so"
    return None


def tool_names(invocations: list[Invocation]) -> list[str]:
    return sorted({inv.tool.key for inv in invocations if inv.tool is not None and inv.tool.role != "wrapper"})
