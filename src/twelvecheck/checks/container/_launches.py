"""What the container rules share: a program the image starts, said in words, and the
problem at the place it is written (the Dockerfile line, or the line of the script the
Dockerfile runs)."""

from __future__ import annotations

import posixpath

from twelvecheck.core.findings import Fix, Span
from twelvecheck.deploy.container import DockerfileDocument, ScriptProblem
from twelvecheck.deploy.options import tool_entry
from twelvecheck.deploy.pid1 import Launch


def program(launch: Launch) -> str:
    """`gunicorn`, `celery worker`, `python app.py`."""
    inv = launch.inv
    if inv.tool is not None:
        return inv.tool.key
    name = posixpath.basename(inv.program)
    return f"{name} {inv.script}" if inv.script else f"{name} -m {inv.module}" if inv.module else name


def started(document: DockerfileDocument, launch: Launch) -> str:
    """How the image starts it, for a message."""
    name = f"`{program(launch)}`"
    if launch.script is not None:
        how = ('by `"$@"` ' if not launch.through else "") + ("without exec " if launch.waited else "")
        return f"{name} is started {how}in {launch.shown}, {launch.where(document)}"
    if launch.through:
        return f"{name} is started through {launch.through}"
    return f"{name} is the container's command"


def problem(launch: Launch, fields: dict[str, str], fix: Fix | None = None) -> ScriptProblem:
    """The problem at the launch, naming the knowledge entry that made its program judged: the
    tool's row of knowledge/tools.toml (``tools:gunicorn``), or the project's wrapper it was
    read through (``user:deploy-wrap``); a Python program (`python app.py`) is no row's."""
    span = Span(launch.line, launch.column, launch.line, max(launch.end_column, launch.column + 1))
    entry = tool_entry(launch.inv)
    if entry is not None:
        fields = {**fields, "knowledge": entry}
    return ScriptProblem(span, fields, fix, None, launch.script, launch.shown)
