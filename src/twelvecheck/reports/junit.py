"""``--format junit``: JUnit XML for CI systems that show test reports (GitLab, Jenkins, ...).

One ``<testsuite>`` per checked file, one ``<testcase>`` per rule that ran on that file;
a rule with findings there gets one ``<failure>`` listing them all. Problems that are not
findings (a missing path) become ``<error>``s of a ``twelvecheck`` suite. Built with
``xml.etree`` so every attribute and text is escaped; no timestamps, so the output of a
given tree is always the same.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from twelvecheck.core.findings import Finding
from twelvecheck.reports.context import ReportContext
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.run.model import RunResult

# XML 1.0 cannot carry these at all, not even escaped (lone surrogates: undecodable names).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _checked_files(result: RunResult) -> dict[str, list[str]]:
    checked = {path: sorted(codes) for path, codes in getattr(result, "checked", {}).items()}
    enabled = sorted(result.enabled)
    for finding in result.findings:  # a file the run did not list still gets its testcases
        codes = checked.setdefault(finding.path, list(enabled))
        if finding.code not in codes:
            codes.append(finding.code)
            codes.sort()
    return checked


def _failure_text(findings: list[Finding], context: ReportContext) -> str:
    return "\n".join(
        f"{context.display_path(f.path)}:{f.span.line}:{f.span.column}: {f.code} [{f.severity}] {f.message}"
        for f in findings
    )


def build_junit(result: RunResult, context: ReportContext) -> ET.Element:
    docs = load_rule_docs()
    by_file_code: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_file_code[(finding.path, finding.code)].append(finding)

    root = ET.Element("testsuites", name="twelvecheck")
    total_tests = total_failures = 0
    for path, codes in sorted(_checked_files(result).items()):
        shown = _clean(context.display_path(path))
        suite = ET.SubElement(root, "testsuite", name=shown)
        failures = 0
        for code in codes:
            name = docs[code].name if code in docs else code
            case = ET.SubElement(suite, "testcase", classname=shown, name=f"{code} {name}", file=shown)
            found = by_file_code.get((path, code))
            if found:
                failures += 1
                first = found[0]
                count = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
                failure = ET.SubElement(case, "failure", type=code,
                                        message=_clean(f"line {first.span.line}: {first.message}{count}"))
                failure.text = _clean(_failure_text(found, context))
        suite.set("tests", str(len(codes)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += len(codes)
        total_failures += failures
    if result.errors:
        suite = ET.SubElement(root, "testsuite", name="twelvecheck", tests=str(len(result.errors)),
                              failures="0", errors=str(len(result.errors)), skipped="0")
        for number, error in enumerate(result.errors, 1):
            case = ET.SubElement(suite, "testcase", classname="twelvecheck", name=f"error {number}")
            element = ET.SubElement(case, "error", type="twelvecheck", message=_clean(str(error)))
            element.text = _clean(str(error))
        total_tests += len(result.errors)
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(len(result.errors)))
    return root


def render_junit(result: RunResult, context: ReportContext) -> str:
    root = build_junit(result, context)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
