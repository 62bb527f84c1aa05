"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` holds every rule that ran (and any rule a result names),
sorted by code, with its document from ``rules/`` as ``help``; each result points at its
rule by ``ruleId`` and ``ruleIndex``. Locations are repository-relative URIs against
``%SRCROOT%`` (declared in ``originalUriBaseIds``). ``partialFingerprints`` carries
twelvecheck's own fingerprint, which hashes the rule, path, normalized source text and
occurrence index: it does not change when lines are added above a finding.
"""

from __future__ import annotations

import json
import re
from typing import Any

from twelvecheck import __version__
from twelvecheck.core.findings import SAFE, UNSAFE, Finding, Fix, RelatedLocation, Severity
from twelvecheck.core.fixhints import how_to_fix
from twelvecheck.reports.context import ReportContext
from twelvecheck.core.ruledocs import FAMILIES, RuleDoc, load_rule_docs
from twelvecheck.run.model import RunResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/twelvecheck/twelvecheck"
FINGERPRINT_KEY = "twelvecheckFingerprint/v1"
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _plain(markdown: str) -> str:
    """Markdown made into plain sentences: no backticks, links as their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)  # list markers
    text = text.replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    what = doc.sections.get("What it does", "")
    full = _plain(_FENCE.sub("", what)) or doc.summary
    descriptor = {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": full},
        "help": {"text": doc.body, "markdown": doc.body},
        "helpUri": doc.help_uri,
        "defaultConfiguration": {"enabled": doc.default_enabled, "level": LEVELS[doc.severity]},
        "properties": {
            "tags": ["twelve-factor", doc.family],
            "family": doc.family,
            # A local rule's or a plugin's family is its own word, with no description of ours.
            "familyDescription": FAMILIES.get(doc.family, f"rules from {doc.origin}"),
            "fixable": doc.fixable,
            "fix": list(doc.fix),
        },
    }
    if not doc.builtin:
        descriptor["properties"]["origin"] = doc.origin
    return descriptor


def _result(finding: Finding, index: int, context: ReportContext, role: str) -> dict[str, Any]:
    uri, base = context.uri(finding.path)
    artifact: dict[str, Any] = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    span = finding.span
    region = {"startLine": span.line, "startColumn": span.column,
              "endLine": max(span.end_line, span.line),
              "endColumn": span.end_column if span.end_line > span.line else max(span.end_column, span.column)}
    sarif_result = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"name": finding.name, "family": finding.family, "fileRole": role},
    }
    if finding.related:
        sarif_result["relatedLocations"] = [_related(index, place, context)
                                            for index, place in enumerate(finding.related)]
    if finding.fix is not None:
        sarif_result["fixes"] = [_fix(finding.fix, artifact)]
    return sarif_result


def _related(index: int, place: RelatedLocation, context: ReportContext) -> dict[str, Any]:
    """A related place (a whole-program finding's entry point or loop) as SARIF's location."""
    uri, base = context.uri(place.path)
    artifact: dict[str, Any] = {"uri": uri, **({"uriBaseId": base} if base else {})}
    span = place.span
    region = {"startLine": span.line, "startColumn": span.column, "endLine": max(span.end_line, span.line),
              "endColumn": span.end_column if span.end_line > span.line else max(span.end_column, span.column)}
    return {"id": index, "physicalLocation": {"artifactLocation": artifact, "region": region},
            "message": {"text": place.message}}


def _fix(fix: Fix, artifact: dict[str, Any]) -> dict[str, Any]:
    """SARIF's fix object; it has no notion of safety, so the description says it."""
    note = f" (safe: {how_to_fix(SAFE)})" if fix.safe else \
        f" (unsafe: may change behaviour; {how_to_fix(UNSAFE)})"
    replacements = [{
        "deletedRegion": {"startLine": edit.span.line, "startColumn": edit.span.column,
                          "endLine": edit.span.end_line, "endColumn": edit.span.end_column},
        "insertedContent": {"text": edit.content},
    } for edit in fix.edits]
    return {"description": {"text": fix.message + note},
            "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}]}


def build_sarif(result: RunResult, context: ReportContext) -> dict[str, Any]:
    docs = load_rule_docs()
    codes = sorted(set(result.enabled) | {f.code for f in result.findings})
    index = {code: position for position, code in enumerate(codes)}
    notifications = []
    for error in result.errors:
        notification: dict[str, Any] = {"level": "error", "message": {"text": error.message}}
        if error.path:
            uri, base = context.uri(error.path)
            location: dict[str, Any] = {"artifactLocation": {"uri": uri, **({"uriBaseId": base} if base else {})}}
            if error.line:
                location["region"] = {"startLine": error.line, **({"startColumn": error.column} if error.column else {})}
            notification["locations"] = [{"physicalLocation": location}]
        notifications.append(notification)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "twelvecheck",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(docs[code]) if code in docs else {"id": code} for code in codes],
        }},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": context.root.as_uri().rstrip("/") + "/"}},
        "invocations": [{
            "executionSuccessful": not result.errors,
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], context, result.roles.get(f.path, "production"))
                    for f in result.findings],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: RunResult, context: ReportContext) -> str:
    return json.dumps(build_sarif(result, context), indent=2, ensure_ascii=False) + "\n"
