"""``--format markdown``: a short GitHub-flavoured Markdown summary for a CI job page
(GitHub's ``$GITHUB_STEP_SUMMARY``, a merge-request comment).

The summary line of the text report, a table of counts per rule, then the findings (at most
``MAX_FINDINGS`` rows: a job summary is capped at 1 MiB, and the annotations and the SARIF
report carry every finding) and the run errors. Files are named relative to the repository
root, as the other CI formats name them. Text taken from the checked repository (paths,
messages) is HTML-escaped and its Markdown characters backslash-escaped, so it can neither break the table nor
inject markup.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.reports.context import ReportContext
from twelvecheck.reports.text import summary_line
from twelvecheck.run.model import RunResult

MAX_FINDINGS = 200
# Characters Markdown would read as emphasis, code, links or a table's cell border
# (``the __main__ block`` would become bold "main").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~|])")


def _cell(text: str) -> str:
    """Text for one table cell: escaped, on one line, its pipes not splitting the cell."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escape(" ".join(text.split()), quote=False))


def _code(text: str) -> str:
    return f"<code>{_cell(text)}</code>"


def render_markdown(result: RunResult, context: ReportContext) -> str:
    lines = ["### twelvecheck", "", _cell(summary_line(result, color=False)), ""]
    if result.findings:
        lines.extend(_rule_table(result))
        lines.extend(_finding_table(result, context))
    if result.errors:
        lines.extend(["**Errors** (the run could not check everything; exit code 2):", ""])
        for error in result.errors:
            where = context.display_path(error.path) + (f":{error.line}" if error.line else "") if error.path else ""
            lines.append(f"- {_code(where) + ': ' if where else ''}{_cell(error.message)}")
        lines.append("")
    return "\n".join(lines)


def _rule_table(result: RunResult) -> list[str]:
    docs = load_rule_docs()
    counts = Counter(finding.code for finding in result.findings)
    severities = {finding.code: str(finding.severity) for finding in result.findings}
    rows = ["| count | code | severity | rule |", "|---:|---|---|---|"]
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = docs[code].name if code in docs else ""
        rows.append(f"| {count} | {code} | {severities[code]} | {_cell(name)} |")
    return [*rows, ""]


def _finding_table(result: RunResult, context: ReportContext) -> list[str]:
    shown = result.findings[:MAX_FINDINGS]
    rows = [f"<details><summary>{len(result.findings)} finding{'' if len(result.findings) == 1 else 's'}</summary>",
            "", "| location | code | message |", "|---|---|---|"]
    for finding in shown:
        location = f"{context.display_path(finding.path)}:{finding.line}:{finding.column}"
        rows.append(f"| {_code(location)} | {finding.code} | {_cell(finding.message)} |")
    rows.append("")
    if len(result.findings) > len(shown):
        rows.extend([f"{len(result.findings) - len(shown)} more not listed here: the annotations "
                     "and the SARIF report have every finding.", ""])
    return [*rows, "</details>", ""]
