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
        **({"unreached": result.unreached} if result.unreached is not None else {}),
    }


def _has_process_types(result: RunResult) -> bool:
    return result.process_model is not None and bool(result.process_model.process_types())


def _finding(finding, result: RunResult, reached: dict | None) -> dict[str, Any]:
    """A finding as JSON, with what its file is for and, where files declare process types,
    the process types that reach it (deploy/reach.py)."""
    document = {**finding.to_json(), "file_role": result.roles.get(finding.path, "production")}
    if reached is not None:
        document["process_types"] = [{"name": ptype.name, "declared_in": ptype.path}
                                     for ptype in reached.get(id(finding), [])]
    return document


def render_json(result: RunResult) -> str:
    reached = None
    if _has_process_types(result):
        # Loaded only here: a run with process types has loaded it already, a replay never does.
        from twelvecheck.deploy.reach import process_types_by_finding

        reached = process_types_by_finding(result.process_model)
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "twelvecheck", "version": __version__},
        "summary": summary(result),
        "findings": [_finding(finding, result, reached) for finding in result.findings],
        "errors": [error.to_json() for error in result.errors],
    }
    if result.silenced is not None:  # --show-silenced
        document["silenced"] = [item.to_dict() for item in result.silenced]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
