"""Conditional findings: a per-file finding that holds on a question about other modules.

A per-file rule sees its own module only. Where what it reports depends on another module
(``logger.addHandler(AppHandler(...))`` with ``AppHandler`` imported from the project), it
reports the finding with a ``core.findings.Requires``; the per-file result (and the cache)
keeps it as it is. Every run then answers the question again from the whole program's
facts: the fact closure first fetches the facts of the modules the question names (and of
the modules they lead to: bases, what a function returns), then the finding is kept, without
its condition, if the project says yes, and dropped otherwise. A change in the module that
defines the base class changes the answer, never the cached per-file result.

Without a project (standard input, a rule case checked in memory) a conditional finding is
dropped: nothing outside the file is known, and a finding must not rest on a guess.

Two questions are about the process id (TWC101): a parameter written into a file is asked
whether some call passes it ``os.getpid()`` (the calls come from the facts of every parsed
file, and a caller names a pid); a call handing another module's function the process id
is asked whether that function writes it, which is another finding of the same run asking
the first question.

A tool's default (twistd writes ``twistd.pid``) holds unless the project sets the value
itself where another finding of the run says so: a twistd plugin's options that set the pid
file, when the project says the class is a twistd plugin's ``usage.Options``.
"""

from __future__ import annotations

from twelvecheck.core.findings import FileResult, Finding, Requires
from twelvecheck.engine.registry import load_rules
from twelvecheck.program.project import Project


def questions(results: list[FileResult], with_silenced: bool = False) -> list[str]:
    """The names the conditional findings of ``results`` ask about (a tool's default names
    no module), and, ``with_silenced``, those of the ones a knowledge entry silenced:
    --show-silenced lists the ones that hold."""
    return sorted({finding.requires.name for result in results
                   for finding in (*result.findings, *(result.silenced if with_silenced else ()))
                   if finding.requires is not None and finding.requires.kind != Requires.UNLESS_SET_ELSEWHERE})


def answer(findings: list[Finding], project: Project | None) -> list[Finding]:
    """The findings that hold: the plain ones, and the conditional ones the project answers
    yes, without their condition."""
    rules = load_rules()
    # The parameters the run's findings write into a file, if a caller gives them the pid.
    writers = [(finding.requires.name, *finding.requires.parameter()) for finding in findings
               if finding.requires is not None and finding.requires.kind == Requires.GIVEN_PROCESS_ID]
    holds = {id(finding): _holds(finding, project, rules, writers) for finding in findings
             if finding.requires is not None and finding.requires.kind != Requires.UNLESS_SET_ELSEWHERE}
    # What the project sets itself in place of a tool's default: (rule, table) pairs.
    set_elsewhere = {(finding.code, finding.requires.known) for finding in findings
                     if holds.get(id(finding)) and finding.requires.kind == Requires.INSTANCE_OF}
    kept = []
    for finding in findings:
        requires = finding.requires
        if requires is None:
            kept.append(finding)
        elif requires.kind == Requires.UNLESS_SET_ELSEWHERE:
            if (finding.code, requires.known) not in set_elsewhere:
                kept.append(finding.replace(requires=None))
        elif holds[id(finding)]:
            kept.append(finding.replace(requires=None))
    return kept


def _holds(finding: Finding, project: Project | None, rules: dict, writers: list[tuple]) -> bool:
    requires = finding.requires
    if project is None:
        return False
    if requires.kind == Requires.WRITES_PROCESS_ID:
        where = requires.argument()
        return any(project.passes_parameter(requires.name, where, function, index, name)
                   and project.given_process_id(function, index, name) for function, index, name in writers)
    if requires.kind == Requires.GIVEN_PROCESS_ID:
        return project.given_process_id(requires.name, *requires.parameter())
    rule = rules.get(finding.code)
    known = rule.known_classes.get(requires.known) if rule is not None else None
    if known is None:
        return False
    holds = project.holds_instance_of if requires.kind == Requires.HOLDS_INSTANCE_OF else project.makes_instance_of
    return holds(requires.name, known)
