"""``--format json``: the findings, errors and a summary for machines (schema_version 1,
``schemas/report-v1.schema.json``)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from twelvecheck import __version__
from twelvecheck.run.model import RunResult

JSON_SCHEMA_VERSION = 1


def summary(result: RunResult) -> dict[str, Any]:
    by_severity = Counter(str(f.severity) for f in result.findings)
    by_code = Counter(f.code for f in result.findings)
    return {
        "files_scanned": result.files_scanned,
        "findings": len(result.findings),
        "by_severity": {name: by_severity.get(name, 0) for name in ("error", "warning", "info")},
        "by_code": dict(sorted(by_code.items())),
        "errors": len(result.errors),
        "passed_over": {role: result.passed_over.get(role, 0) for role in ("test", "vendored")},
        **({"baseline": result.baseline} if getattr(result, "baseline", None) is not None else {}),
    }


def render_json(result: RunResult) -> str:
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "twelvecheck", "version": __version__},
        "summary": summary(result),
        "findings": [{**finding.to_json(), "file_role": result.roles.get(finding.path, "production")}
                     for finding in result.findings],
        "errors": [error.to_json() for error in result.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
