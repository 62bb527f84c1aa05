"""How an entry point's process lives and dies, judged over the call graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from twelvecheck.program.frameworks import handles_sigterm
from twelvecheck.program.project import FILE_START, EntryPoint, Project
from twelvecheck.engine.rule import ProjectFinding

if TYPE_CHECKING:
    from twelvecheck.core.findings import Fix


@dataclass
class Lifetime:
    loop: tuple[str, list[int], str] | None  # (path, span, description) of what keeps it alive
    handles_sigterm: bool
    framework: str | None  # a framework that handles SIGTERM for it
    interactive: bool
    catches_interrupt: bool  # catches KeyboardInterrupt
    sigint_handler: bool  # installs a SIGINT handler of its own
    # The knowledge entry that says a framework handles SIGTERM (config/knowledge.entry_id).
    knowledge: str | None = None

    @property
    def stops_on_interrupt(self) -> bool:
        return self.catches_interrupt or self.sigint_handler

    @property
    def long_running_service(self) -> bool:
        return self.loop is not None and not self.interactive


def judge(project: Project, entry: EntryPoint) -> Lifetime:
    """How the entry point's process lives. It is interactive when what keeps it alive talks
    to a person: a console, a GUI or terminal main loop, a loop that asks a person for good
    (itself or through a function its body calls), or a loop that asks until answered that
    is no farther from the entry point (in calls) than the nearest service loop. A prompt
    farther away (a setup wizard's question in a branch of the command line) does not make
    a service interactive."""
    verdict = Lifetime(None, False, None, False, False, False)
    loop_depth = prompt_depth = None
    for name, unit, depth in project.reachable_levels([entry.unit]):
        asks = bool(unit["loops"]) and _asks_through(project, unit.get("loop_calls", ()))
        verdict.interactive |= asks
        for loop in () if asks else [*unit["loops"], *_waiting_through(project, unit)]:
            if verdict.loop is None:
                verdict.loop = (project.unit_paths[name], loop[0], loop[1])
                loop_depth = depth
        if unit.get("prompt_loop") and prompt_depth is None:
            prompt_depth = depth
        installed = _installed_elsewhere(project, unit)
        verdict.handles_sigterm |= bool(unit["sigterm"]) or "SIGTERM" in installed
        verdict.interactive |= unit["interactive"]
        verdict.catches_interrupt |= unit["catches_interrupt"]
        verdict.sigint_handler |= bool(unit["sigint"]) or "SIGINT" in installed
        for callee in unit["calls"]:
            for external in project.external_calls(callee):
                handled = handles_sigterm(external)
                if handled is not None:
                    verdict.framework, verdict.knowledge = handled
    if prompt_depth is not None and loop_depth is not None and prompt_depth <= loop_depth:
        verdict.interactive = True
    return verdict


def _waiting_through(project: Project, unit: dict) -> list[list]:
    """The unit's ``while <flag>:`` loops that wait through a function their body calls
    (one call away: a copied asyncore ``while map: poll(timeout, map)``), as loops."""
    return [[span, description] for span, description, callees in unit.get("waiting_loops", ())
            if any(project.units[target].get("waits") for callee in callees for target in project.resolve(callee))]


def _installed_elsewhere(project: Project, unit: dict) -> set[str]:
    """Signals a unit installs handlers for that are named elsewhere: a constant of another
    module it loops over (``for sig in settings.STOP_SIGNALS``), or a signal it passes to a
    function that installs a handler for that parameter (``install(signal.SIGTERM, stop)``)."""
    found = {name for constant in unit.get("signal_refs", ()) for name in project.signal_constants.get(constant, ())}
    for callee, where, names in unit.get("signal_args", ()):
        for target in project.resolve(callee):
            for index, name in project.units[target].get("signal_params", ()):
                if project.passes_parameter(callee, where, target, index, name):
                    found.update(names)
    return found


def _asks_through(project: Project, loop_calls: Iterable[str]) -> bool:
    """A service loop whose body calls a function that asks a person (``cmd = read_command()``)."""
    for callee in loop_calls:
        for target in project.resolve(callee):
            unit = project.units[target]
            if unit.get("prompts") or unit.get("prompt_loop") or unit["interactive"]:
                return True
    return False


def where(loop: tuple[str, list[int], str], entry: EntryPoint) -> str:
    path, span, description = loop
    location = f"line {span[0]}" if path == entry.path else f"{path}:{span[0]}"
    return f"{description} at {location}"


def unhandled_services(code: str, project: Project, also: Callable[[Lifetime], bool],
                       fix: Callable[[EntryPoint, Lifetime], "Fix | None"] | None = None) -> list[ProjectFinding]:
    """A finding at every long-running entry point that no SIGTERM handler (its own or a
    framework's) covers and for which ``also`` holds; ``fix`` may offer its fix."""
    findings = []
    for entry in project.entry_points():
        life = judge(project, entry)
        if life.long_running_service and not life.handles_sigterm and also(life):
            path, span, related = located(entry, life.loop)
            # "this while True loop" where the finding is at it in the entry's own file (it
            # stays there); a loop in another file is named with its place.
            at_loop = (path, span) == (entry.path, tuple(life.loop[1]))
            loop = f"this {life.loop[2]}" if at_loop else where(life.loop, entry)
            if life.framework:  # a framework's handler covers it: the entry that says so is kept
                if life.knowledge:
                    project.silenced.append(ProjectFinding(code, path, span, {
                        "entry": entry.what, "loop": loop, "knowledge": life.knowledge,
                        "reason": "SIGTERM handled by"}, related=related))
                continue
            findings.append(ProjectFinding(code, path, span, {"entry": entry.what, "loop": loop},
                                           fix=fix(entry, life) if fix is not None else None, related=related))
    return findings


def located(entry: EntryPoint, loop: tuple[str, list[int], str]):
    """Where a finding about ``entry`` kept alive by ``loop`` is reported, and its related
    places. An entry point with a place of its own (the __main__ test, a function, a
    command's handle) is where the message's subject is, and its loop is related. A module
    run whole (``python worker.py``, a package's __main__.py) has no line of its own: the
    finding goes to its loop in that file, with the module's start (where a suppression
    comment also works) and the lines that run it related, or, when the loop is in another module, to the module's last top-level call
    (``main()``, ``serve()``: program/facts.py ``runs_at``), never to an import on line 1
    unless the module has no such call. The loop is in the entry's file or a checked one,
    which may not be reported; so is the entry."""
    loop_path, loop_span, description = loop
    loop_at = (loop_path, tuple(loop_span), f"{description}: what keeps the process alive")
    declared = tuple((path, (line, 1, line, 2), f"declares {entry.what}") for path, line in entry.declared)
    if entry.unit.endswith(".<module>") and loop_path == entry.path:
        entry_at = (entry.path, FILE_START, f"the entry point: {entry.what} runs this module")
        return loop_path, tuple(loop_span), (entry_at, *declared)
    return entry.path, entry.span, (loop_at, *declared)
