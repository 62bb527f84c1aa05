"""Baselines: adopt twelvecheck on a codebase without fixing every old finding first.

``--write-baseline FILE`` records the run's findings; ``--baseline FILE`` then reports only
findings that are not in it. Entries match by fingerprint (rule, path, whitespace-normalized
source text, occurrence index), so code that moves keeps its entry, and matching consumes
entries as a multiset: a second identical finding in the same file has its own fingerprint
(occurrence index 1) and is reported even though the first is baselined; an entry listed
twice covers two findings, never more.

An entry no finding matched is *stale* (the finding was fixed, or its line changed) when its
file was checked and its rule ran in this run; entries of files or rules outside the run
(pre-commit passes a few files) are neither matched nor stale.

The file is JSON with sorted keys, entries sorted by path, code and fingerprint, one field a
line, so that a regenerated baseline diffs well in review.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twelvecheck.core.findings import Finding

BASELINE_SCHEMA_VERSION = 1
_ENTRY_KEYS = {"code": str, "path": str, "fingerprint": str, "message": str}


class BaselineError(Exception):
    def __init__(self, message: str, path: str | Path) -> None:
        super().__init__(f"baseline {path}: {message}")


@dataclass(frozen=True)
class Entry:
    code: str
    path: str
    fingerprint: str
    message: str = ""

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "fingerprint": self.fingerprint, "message": self.message, "path": self.path}


@dataclass
class Outcome:
    new: list[Finding]
    baselined: int
    stale: int
    entries: int

    def summary(self, file: str) -> dict[str, Any]:
        return {"file": file, "entries": self.entries, "baselined": self.baselined, "stale": self.stale}


def entries_for(findings: list[Finding]) -> list[Entry]:
    entries = [Entry(f.code, f.path, f.fingerprint, f.message) for f in findings]
    return sorted(entries, key=lambda e: (e.path, e.code, e.fingerprint, e.message))


def dumps(findings: list[Finding]) -> str:
    document = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "entries": [entry.to_json() for entry in entries_for(findings)],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: str | Path) -> list[Entry]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"file not found (create it with --write-baseline {path})", path) from None
    except IsADirectoryError:
        raise BaselineError("is a directory, not a baseline file", path) from None
    except OSError as exc:
        raise BaselineError(f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", path) from None
    except (ValueError, RecursionError) as exc:  # a number past Python's digit limit; nesting
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise BaselineError(f"invalid JSON: {reason}", path) from None
    return parse(document, path)


def parse(document: Any, path: str | Path) -> list[Entry]:
    if not isinstance(document, dict):
        raise BaselineError("expected a JSON object with schema_version and entries", path)
    version = document.get("schema_version")
    if version != BASELINE_SCHEMA_VERSION:
        raise BaselineError(f"unsupported schema_version {version!r} (this twelvecheck reads "
                            f"{BASELINE_SCHEMA_VERSION})", path)
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise BaselineError("'entries' must be a list", path)
    entries = []
    for number, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BaselineError(f"entries[{number}] must be an object", path)
        for key, kind in _ENTRY_KEYS.items():
            if key == "message" and key not in item:
                continue
            if not isinstance(item.get(key), kind) or (key != "message" and not item[key]):
                raise BaselineError(f"entries[{number}].{key} must be a non-empty string", path)
        entries.append(Entry(item["code"], item["path"], item["fingerprint"], item.get("message", "")))
    return entries


def apply(findings: list[Finding], entries: list[Entry], checked: dict[str, Any] | None,
          enabled: set[str]) -> Outcome:
    """Findings not covered by ``entries``; counts of the baselined findings and stale entries."""
    remaining = Counter(entry.fingerprint for entry in entries)
    new = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
        else:
            new.append(finding)
    unmatched = Counter({fp: count for fp, count in remaining.items() if count > 0})
    stale = 0
    for entry in entries:
        if unmatched[entry.fingerprint] <= 0:
            continue
        unmatched[entry.fingerprint] -= 1
        if checked is None:
            in_scope = entry.code in enabled
        else:
            in_scope = entry.code in checked.get(entry.path, ())
        if in_scope:
            stale += 1
    return Outcome(new=new, baselined=len(findings) - len(new), stale=stale, entries=len(entries))
