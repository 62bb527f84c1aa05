"""A run's whole answer, kept for the next run of the same paths with the same settings.

The per-file cache (cache.py) spares the parses of unchanged files, but a run still joins
their results: it decodes every file's facts, follows the fact closure, runs the
whole-program rules and builds the process model. With nothing changed since the last run
that is all done again to give the same findings, and it costs more than the files' own
analysis did (Django: 0.15 s of a 0.33 s warm run).

So the cache folder also holds ``v2/runs/``: for each way of running (the settings and
paths, hashed into the file's name), the last run's findings and a key over everything it
read:

- twelvecheck's code and rule documents (``cache.code_fingerprint``);
- the settings and the enabled codes;
- every checked file: its paths, kind, reported codes, module name and content digest;
- the packaging files (console scripts) and the Procfiles and app.json files above the
  checked paths, found as the run finds them, with their digests.

A run computes that key right after the walk and, when it matches, answers from the record
without opening the pack. Content digests come from the files' ``stat`` as in the pack
(``cache.read_content``, with the same guard against a file written within the timestamp
granularity), and are taken before the run reads the files: a file changed during the run
changes the next run's key, never the answer it gets.

Only a plain answer is kept: none when the run had errors (an unreadable file may read next
time), read a Procfile, app.json or Dockerfile (their commands name files no key covers), built a
process model with apps (the formation table and the HTML report show it), or read standard
input. Such runs are simply not replayed. One file per record, so a run reads only its
own; the ``_KEEP`` most recently written are kept.

The record also keeps the last walk of its paths (``files/walk_memo.py``): the run that
finds its key needs the list of files first, and on a large unchanged tree the walk was most
of what a replay cost.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from twelvecheck.core.digest import sha256
from twelvecheck.run.cache import Content, code_fingerprint, finding_from_json, finding_to_json, read_content
from twelvecheck.core.findings import Finding
from twelvecheck.files.ignoring import repository_folders
from twelvecheck.files.walk_memo import WalkMemo
from twelvecheck.run.model import Silenced
from twelvecheck.files.writing import write_atomically

_FORMAT = 3  # 2: each file's checked codes name one of the answer's code lists; 3: its "silenced"
_FOLDER = "runs"
# Records kept: one per way a project is run (paths, settings), the most recently written.
# pre-commit names the staged files, so each commit's run is a way of its own.
_KEEP = 16


class RunRecords:
    """The record of one way of running, the digests of its inputs, and the key they make."""

    def __init__(self, directory: Path, name: str) -> None:
        self.folder = directory / _FOLDER
        self.path = self.folder / f"{name}.json"
        self._record = _read(self.path)
        known = self._record.get("files")
        self._known: dict[str, list] = known if isinstance(known, dict) else {}
        self.walks = WalkMemo(self._record.get("walks"))  # the discovery's memo (files/walk_memo.py)
        self.contents: dict[str, Content | None] = {}
        self.files: dict[str, list] = {}  # path -> [*stat signature, digest, has_main]

    def digest(self, paths: Iterable[str]) -> None:
        """Take the content digests of ``paths`` (once each) for the key."""
        for path in paths:
            if path in self.contents:
                continue
            recorded = self._known.get(path)
            content, record = read_content(path, recorded if isinstance(recorded, list) else None)
            self.contents[path] = content
            if record is not None:
                self.files[path] = record

    def key(self, shape: Any) -> str:
        """The key of a run of this ``shape`` over the files digested so far."""
        hashed = sha256(code_fingerprint().encode())
        hashed.update(json.dumps(shape, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
        for path in sorted(self.contents):
            content = self.contents[path]
            hashed.update(f"\0{path}\0{content.digest if content is not None else '-'}".encode(
                "utf-8", "surrogatepass"))
        return hashed.hexdigest()

    def recall(self, key: str) -> dict[str, Any] | None:
        """The answer recorded under ``key``: {"findings", "checked", "facts_from",
        "entry_functions", "silenced"}, findings and silenced ones decoded (silenced None
        unless the run listed them); None when there is none or it is malformed."""
        if self._record.get("key") != key:
            return None
        answer = self._record.get("answer")
        try:
            findings = [finding_from_json(item) for item in answer["findings"]]
            code_lists, facts_from = answer["code_lists"], answer["facts_from"]
            entry_functions = answer["entry_functions"]
            if not (isinstance(code_lists, list) and all(_strings(codes) for codes in code_lists)):
                return None
            checked = {path: code_lists[index] for path, index in answer["checked"].items()}
            silenced = None if answer["silenced"] is None else [Silenced.from_dict(item) for item in answer["silenced"]]
        except (LookupError, TypeError, ValueError, AttributeError):
            return None
        if not (_strings(facts_from) and _strings(entry_functions)):
            return None
        return {"findings": findings, "checked": checked, "facts_from": facts_from,
                "entry_functions": entry_functions, "silenced": silenced}

    def store(self, key: str, findings: list[Finding], checked: dict[str, list[str]],
              facts_from: list[str], entry_functions: list[str], silenced: list[Silenced] | None = None) -> None:
        """Record this run's answer under ``key`` (``silenced``: what --show-silenced listed).
        The files of a run mostly check the same codes: each list of them is kept once, and
        each file names its list by index (Django's record was 150 kB of codes, a replay's
        JSON and checks of them 2 ms)."""
        lists: dict[tuple[str, ...], int] = {}
        indices = {path: lists.setdefault(tuple(codes), len(lists)) for path, codes in checked.items()}
        self._write(key, {"findings": [finding_to_json(finding) for finding in findings], "checked": indices,
                          "code_lists": [list(codes) for codes in lists], "facts_from": facts_from,
                          "entry_functions": entry_functions,
                          "silenced": None if silenced is None else [item.to_dict() for item in silenced]})

    def refresh(self) -> None:
        """After a replay: write the record again if files were read for their digest whose
        ``stat`` has settled since (rewritten with the same bytes, say), or folders were
        walked again, so the next run need not read them again."""
        if self.walks.changed or any(self._known.get(path) != record for path, record in self.files.items()):
            self._write(self._record["key"], self._record["answer"])

    def _write(self, key: str, answer: dict[str, Any]) -> None:
        document = {"format": _FORMAT, "code": code_fingerprint(), "key": key, "files": self.files,
                    "walks": self.walks.document(), "answer": answer}
        try:
            self.folder.mkdir(exist_ok=True)
            write_atomically(str(self.path), json.dumps(document, separators=(",", ":")))
            _prune(self.folder)
        except (OSError, TypeError, ValueError):
            pass  # a record that cannot be written only costs time


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _prune(folder: Path) -> None:
    """Keep the ``_KEEP`` records written last."""
    records = []
    for entry in os.scandir(folder):
        try:
            records.append((entry.stat().st_mtime_ns, entry.path))
        except OSError:
            continue
    for _, path in sorted(records, reverse=True)[_KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass  # another run pruned it first


def _read(path: Path) -> dict[str, Any]:
    """The record in ``path``; an empty one when it is missing, corrupt, or another version's."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    if (document.get("format"), document.get("code")) != (_FORMAT, code_fingerprint()):
        return {}
    return document


def files_above(roots: list[Path], names: tuple[str, ...]) -> list[str]:
    """The files named ``names`` in the checked folders and their parents, up to the
    repository root: where a run looks for console scripts (``packaging.find_packaging_files``)
    and for the Procfile and app.json it belongs to (``run/deploy_files.find_deployment_files``).
    A superset of what those read does no harm to a key."""
    found: list[str] = []
    seen: set[Path] = set()  # folders looked in (with their parents): staged files share them
    for root in roots:
        try:
            directory = (root if root.is_dir() else root.parent).resolve()
        except OSError:
            continue
        for candidate in repository_folders(directory):
            if candidate in seen:
                break
            seen.add(candidate)
            found += [path for name in names if os.path.isfile(path := os.path.join(candidate, name))]
    return found
