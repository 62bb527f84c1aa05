"""CI-native formats: GitHub Actions workflow commands and GitLab Code Quality JSON.

``--format github`` prints one ``::error``/``::warning``/``::notice`` command per finding;
GitHub turns them into annotations on the changed lines. Data is escaped as the Actions
toolkit does (``%``, CR, LF), property values also ``:`` and ``,``. ``col``/``endColumn``
are left out when a finding spans lines (GitHub ignores them then).

``--format gitlab`` writes the Code Quality report (a JSON array of CodeClimate issues)
that ``artifacts:reports:codequality`` shows in merge requests.
"""

from __future__ import annotations

import json

from twelvecheck.core.findings import Finding, Severity
from twelvecheck.reports.context import ReportContext
from twelvecheck.run.model import RunResult

GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
GITLAB_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(command: str, message: str, properties: dict[str, object]) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def _github_finding(finding: Finding, context: ReportContext) -> str:
    span = finding.span
    properties: dict[str, object] = {"file": context.display_path(finding.path), "line": span.line}
    if span.end_line > span.line:
        properties["endLine"] = span.end_line
    else:
        properties["endLine"] = span.line
        properties["col"] = span.column
        properties["endColumn"] = max(span.end_column, span.column)
    properties["title"] = f"{finding.code} {finding.name}"
    return github_command(GITHUB_COMMANDS[finding.severity], finding.message, properties)


def render_github(result: RunResult, context: ReportContext) -> str:
    lines = [_github_finding(finding, context) for finding in result.findings]
    for error in result.errors:
        properties: dict[str, object] = {}
        if error.path:
            properties["file"] = context.display_path(error.path)
            if error.line:
                properties["line"] = error.line
        properties["title"] = "twelvecheck error"
        lines.append(github_command("error", error.message, properties))
    return "".join(line + "\n" for line in lines)


def build_gitlab(result: RunResult, context: ReportContext) -> list[dict[str, object]]:
    return [
        {
            "type": "issue",
            "description": f"{finding.code} {finding.message}",
            "check_name": f"{finding.code} {finding.name}",
            "fingerprint": finding.fingerprint,
            "severity": GITLAB_SEVERITIES[finding.severity],
            "categories": ["Bug Risk"],
            "location": {
                "path": context.display_path(finding.path),
                "lines": {"begin": finding.span.line, "end": max(finding.span.end_line, finding.span.line)},
            },
        }
        for finding in result.findings
    ]


def render_gitlab(result: RunResult, context: ReportContext) -> str:
    return json.dumps(build_gitlab(result, context), indent=2, ensure_ascii=False) + "\n"
