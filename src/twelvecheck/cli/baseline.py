"""Baselines: adopt twelvecheck on a codebase without fixing every old finding first.

``--write-baseline FILE`` records the run's findings; ``--baseline FILE`` then reports only
findings that are not in it. Entries match by fingerprint (rule, path, whitespace-normalized
source text, occurrence index), so code that moves keeps its entry, and matching consumes
entries as a multiset: a second identical finding in the same file has its own fingerprint
(occurrence index 1) and is reported even though the first is baselined; an entry listed
twice covers two findings, never more.

Entries name files relative to the baseline file's folder (schema_version 2), and their
fingerprints hash that path: a baseline written at a repository's root matches the same
findings when the check runs from the root's parent or from a subfolder. A baseline of
schema_version 1 named files from the working directory it was written in; its entries
match either way (that path, or the path from the baseline's folder).

An entry no finding matched is *stale* (the finding was fixed, or its line changed) when its
file was checked and its rule ran in this run; entries of files or rules outside the run
(pre-commit passes a few files) are neither matched nor stale. A baseline that matched
nothing although it could have (some entries stale, or findings while none of its entries
names a file that exists) is said on standard error (``Outcome.warning``).

The file is JSON with sorted keys, entries sorted by path, code and fingerprint, one field a
line, so that a regenerated baseline diffs well in review.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twelvecheck.cli.exits import BaselineError
from twelvecheck.core.findings import Finding, fingerprints_at

BASELINE_SCHEMA_VERSION = 2
# 1: paths (and the fingerprints over them) relative to the working directory of the run
# that wrote the file; still read, and matched both ways.
_READABLE_VERSIONS = (1, 2)
_ENTRY_KEYS = {"code": str, "path": str, "fingerprint": str, "message": str}


@dataclass(frozen=True)
class Entry:
    code: str
    path: str
    fingerprint: str
    message: str = ""
    legacy: bool = False  # schema_version 1: the path is from the writer's working directory

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "fingerprint": self.fingerprint, "message": self.message, "path": self.path}


@dataclass(frozen=True)
class Place:
    """Where a baseline file is: its entries name files relative to its folder. Findings
    name files relative to the run's working directory (or absolutely)."""

    folder: Path  # absolute
    cwd: Path

    @classmethod
    def of(cls, file: str | Path, cwd: Path) -> "Place":
        absolute = Path(file) if Path(file).is_absolute() else cwd / file
        return cls(Path(os.path.normpath(absolute)).parent, cwd)

    def path_of(self, shown: str) -> str:
        """A finding's path (as reported) as the baseline names it."""
        absolute = Path(shown) if os.path.isabs(shown) else self.cwd / shown
        try:
            return Path(os.path.relpath(os.path.normpath(absolute), self.folder)).as_posix()
        except ValueError:  # another drive on Windows
            return absolute.as_posix()

    def exists(self, entry: "Entry") -> bool:
        """Whether the file an entry names exists (a legacy entry's from either folder)."""
        folders = (self.folder, self.cwd) if entry.legacy else (self.folder,)
        return any((folder / entry.path).is_file() for folder in folders)


@dataclass
class Outcome:
    new: list[Finding]
    baselined: int
    stale: int
    entries: int
    # Entries neither matched nor stale: their file or rule was outside this run.
    unmatched: int = 0
    warning: str | None = field(default=None)

    def summary(self, file: str) -> dict[str, Any]:
        return {"file": file, "entries": self.entries, "baselined": self.baselined, "stale": self.stale,
                "unmatched": self.unmatched}


def entries_for(findings: list[Finding], place: Place | None = None) -> list[Entry]:
    """The entries that record ``findings``, naming files from the baseline's folder."""
    if place is None:
        entries = [Entry(f.code, f.path, f.fingerprint, f.message) for f in findings]
    else:
        entries = [Entry(f.code, place.path_of(f.path), fingerprint, f.message)
                   for f, fingerprint in fingerprints_at(findings, lambda f: place.path_of(f.path))]
    return sorted(entries, key=lambda e: (e.path, e.code, e.fingerprint, e.message))


def dumps(findings: list[Finding], place: Place | None = None) -> str:
    document = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "entries": [entry.to_json() for entry in entries_for(findings, place)],
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
    if version not in _READABLE_VERSIONS or isinstance(version, bool):
        raise BaselineError(f"unsupported schema_version {version!r} (this twelvecheck reads "
                            f"{' and '.join(map(str, _READABLE_VERSIONS))})", path)
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
        entries.append(Entry(item["code"], item["path"], item["fingerprint"], item.get("message", ""),
                             legacy=version == 1))
    return entries


def apply(findings: list[Finding], entries: list[Entry], checked: dict[str, Any] | None,
          enabled: set[str], place: Place | None = None) -> Outcome:
    """Findings not covered by ``entries``; counts of the baselined findings and stale entries.

    With a ``place``, findings are matched by their fingerprint over the path from the
    baseline's folder (and a legacy entry by the reported one too); without, as reported."""
    remaining = Counter(entry.fingerprint for entry in entries)
    keys = _keys(findings, entries, place)
    new = []
    for finding in findings:
        for key in keys[id(finding)]:
            if remaining[key] > 0:
                remaining[key] -= 1
                break
        else:
            new.append(finding)
    unmatched = Counter({fp: count for fp, count in remaining.items() if count > 0})
    if checked is not None and place is not None:
        checked = {**checked, **{place.path_of(path): codes for path, codes in checked.items()}}
    stale = left = 0
    for entry in entries:
        if unmatched[entry.fingerprint] <= 0:
            continue
        unmatched[entry.fingerprint] -= 1
        left += 1
        if checked is None:
            in_scope = entry.code in enabled
        else:
            in_scope = entry.code in checked.get(entry.path, ())
        if in_scope:
            stale += 1
    outcome = Outcome(new=new, baselined=len(findings) - len(new), stale=stale, entries=len(entries),
                      unmatched=left - stale)
    outcome.warning = _warning(outcome, entries, place)
    return outcome


def _keys(findings: list[Finding], entries: list[Entry], place: Place | None) -> dict[int, list[str]]:
    """The fingerprints each finding may be recorded under, the preferred one first."""
    if place is None:
        return {id(f): [f.fingerprint] for f in findings}
    keys = {id(f): [fingerprint] for f, fingerprint in fingerprints_at(findings, lambda f: place.path_of(f.path))}
    if any(entry.legacy for entry in entries):
        for finding in findings:
            keys[id(finding)].append(finding.fingerprint)
    return keys


def _warning(outcome: Outcome, entries: list[Entry], place: Place | None) -> str | None:
    """Why a baseline that matched nothing is worth a word: it could have matched."""
    if not entries or outcome.baselined:
        return None
    if outcome.stale:
        return (f"matched none of its {outcome.entries} entries ({outcome.stale} stale: the findings "
                "they record are gone or changed); regenerate it with --write-baseline")
    if outcome.new and place is not None and not any(place.exists(entry) for entry in entries):
        return (f"matched none of its {outcome.entries} entries, and none of them names a file that "
                f"exists relative to its folder ({place.folder}): is it another project's baseline?")
    return None
