"""``--format text``: for terminals, one line a finding (``--show-source``: with its source
line), or counts per rule (``--statistics``), then a summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from twelvecheck.core.findings import SAFE, UNSAFE, Finding, Severity
from twelvecheck.core.fixhints import APPLY, SHOW
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.run.model import RunResult

_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_finding(finding: Finding, color: bool) -> str:
    location = f"{finding.path}:{finding.line}:{finding.column}:"
    code = finding.code
    severity = f"[{finding.severity}]"
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg=_SEVERITY_COLORS[finding.severity], bold=True)
        severity = click.style(severity, fg=_SEVERITY_COLORS[finding.severity])
    return f"{location} {code} {severity} {finding.message} ({finding.name})"


def render_text(result: RunResult, *, color: bool, statistics: bool, quiet: bool, sources: Any = None) -> str:
    """``sources`` (a reports.sources.SourceCache) adds each finding's line and carets (--show-source)."""
    lines = []
    if statistics:
        lines.extend(_statistics(result, color))
    elif sources is not None:
        from twelvecheck.reports.sources import caret_lines  # --show-source only

        reached = _reached(result)
        for finding in result.findings:
            lines.append(format_finding(finding, color))
            lines.extend(caret_lines(sources, finding, color))
            if reached is not None:
                names = ", ".join(reached.get(id(finding), [])) or "no process type"
                lines.append(f"  reached by: {names}")
    else:
        lines.extend(format_finding(finding, color) for finding in result.findings)
    # --show-silenced: what a knowledge entry kept from being reported, after the findings.
    lines.extend(item.line_text() for item in result.silenced or ())
    if not quiet:
        if lines:
            lines.append("")
        local = _local_only_line(result)
        if local:
            lines.append(local)
        fixable = _fixable_line(result)
        if fixable:  # above the summary, which stays the last line
            lines.append(fixable)
        lines.append(_summary_line(result, color))
    return "\n".join(lines) + "\n" if lines else ""


def _statistics(result: RunResult, color: bool) -> list[str]:
    """A row per rule: how many findings, and how many of them a safe or an unsafe fix
    removes (the line under the table names the options that show and apply each)."""
    docs = load_rule_docs()
    counts = Counter(f.code for f in result.findings)
    fixes = {code: _fix_counts([f for f in result.findings if f.code == code]) for code in counts}
    width = max([len("fix"), *(len(text) for text in fixes.values())])
    rows = [f"{'count':>6}  {'code':<6}  {'severity':<8}  {'fix':<{width}}  name"] if counts else []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        severity = str(next(f.severity for f in result.findings if f.code == code))
        name = docs[code].name
        code_text = click.style(code, bold=True) if color else code
        rows.append(f"{count:>6}  {code_text}  {severity:<8}  {fixes[code]:<{width}}  {name}")
    return rows


def _fix_counts(findings: list[Finding]) -> str:
    """``1 safe, 2 unsafe``; ``-`` when no finding has a fix."""
    kinds = Counter(f.fix.applicability for f in findings if f.fix is not None)
    return ", ".join(f"{kinds[kind]} {kind}" for kind in (SAFE, UNSAFE) if kinds[kind]) or "-"


def _reached(result: RunResult) -> dict | None:
    """id(finding) -> the process types that reach it, as labels; None where no file declares one."""
    if result.process_model is None or not result.process_model.process_types():
        return None
    # Loaded only here: a run with process types has loaded it already, a replay never does.
    from twelvecheck.deploy.reach import label, process_types_by_finding

    reached = process_types_by_finding(result.process_model)
    return {key: [label(ptype) for ptype in ptypes] for key, ptypes in reached.items()}
def summary_line(result: RunResult, color: bool) -> str:
    """The last line of the text report ("Found 2 findings (2 warnings) in 7 files."), which a
    run that writes its report to a file still prints."""
    return _summary_line(result, color)


def _summary_line(result: RunResult, color: bool) -> str:
    files = _plural(result.files_scanned, "file") + _passed_over_note(result)
    if result.unreached:
        files += f"; left out {_plural(result.unreached, 'finding')} no process type reaches (--reachable-only)"
    baseline = _baseline_note(result)
    if not result.findings:
        text = f"No {'new ' if baseline else ''}findings in {files}.{baseline}"
        return click.style(text, fg="green") if color else text
    counts = Counter(f.severity for f in result.findings)
    parts = [_plural(counts[s], str(s)) for s in sorted(counts, reverse=True)]
    text = f"Found {_plural(len(result.findings), 'finding')} ({', '.join(parts)}) in {files}.{baseline}"
    return click.style(text, bold=True) if color else text


# What each role passed over is called in the summary, and the option that checks it.
_PASSED_OVER = (("test", "test", "--include-tests"), ("vendored", "vendored", "--include-vendored"))


def _passed_over_note(result: RunResult) -> str:
    """" (passed over 12 test and 3 vendored files: --include-tests, --include-vendored to check them)"."""
    counts = result.passed_over
    named = [(f"{counts[role]} {word}", option) for role, word, option in _PASSED_OVER if counts.get(role)]
    if not named:
        return ""
    files = "file" if sum(counts.values()) == 1 else "files"
    texts = [text for text, _ in named]
    listed = f"{', '.join(texts[:-1])} and {texts[-1]}" if len(texts) > 1 else texts[0]
    return (f" (passed over {listed} {files}: "
            f"{', '.join(option for _, option in named)} to check them)")


def _local_only_line(result: RunResult, shown: int = 2) -> str:
    """The local-only files checked, which get no production findings, and how to get them."""
    local = getattr(result, "local_only", None) or []
    if not local:
        return ""
    names = ", ".join(local[:shown]) + (", ..." if len(local) > shown else "")
    return (f"{_plural(len(local), 'local-only file')} ({names}) checked without the production and "
            'portability rules; local-files = "check" in the configuration applies them.')


def _fixable_line(result: RunResult) -> str:
    """How many findings each kind of fix removes, and the options that show and apply it."""
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in result.findings if f.fix is not None and not f.fix.safe)
    parts = [f"{safe} fixable with {APPLY[SAFE]} ({SHOW[SAFE]} shows them)"] if safe else []
    if unsafe:
        parts.append(f"{unsafe} {'more' if safe else 'fixable'} with {APPLY[UNSAFE]} "
                     f"({SHOW[UNSAFE]} shows them)")
    return "; ".join(parts) + "." if parts else ""


def _baseline_note(result: RunResult) -> str:
    baseline = getattr(result, "baseline", None)
    if not baseline:
        return ""
    known = baseline["baselined"]
    note = f" {known} baselined finding{'' if known == 1 else 's'} not shown"
    if baseline["stale"]:
        stale = baseline["stale"]
        note += f"; {stale} stale baseline entr{'y' if stale == 1 else 'ies'} (fixed or changed)"
    if baseline.get("unmatched"):
        left = baseline["unmatched"]
        note += f"; {left} baseline entr{'y' if left == 1 else 'ies'} not compared (file or rule not checked)"
    return note + "."
