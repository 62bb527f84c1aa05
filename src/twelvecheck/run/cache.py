"""Per-file results kept between runs, so an unchanged file is never parsed twice.

The cache is one pack file per format (``v2/pack.json``), read once at the start of a run
and written once at its end, and only when something in it changed: a run with nothing new
opens one file instead of one per source file. It holds

- ``entries``: each file's findings and whole-program facts, named by a key: the SHA-256 of
  twelvecheck's own code and rule documents (so a new version or a local edit of a rule
  never reuses an old answer), of everything in the task that shapes the result (reported
  path, module name, enabled codes, severities, entry functions) and of the file's content
  digest. The project pass reruns from them, so a one-file change costs one parse.
- ``lists``: the files the fact closure (``closure.py``) asked for on the last run of the
  same paths, so the next run collects their facts at once instead of in waves.
- ``files``: for each source path, the ``stat`` of the file when its content was last read
  (size, mtime, ctime, inode, device) with the content's digest, so an unchanged file is not
  even read. A record is only made for a file that had not been modified for a while when it
  was read (``_SETTLED_NS``), and only if its ``stat`` did not change during the read: a file
  written again within the file system's timestamp granularity could otherwise keep its
  size and times with other bytes. Setting the mtime back does not help either: the ctime
  moves with every change and cannot be set.

Each entry and record carries the generation (the number of the write) that last used it;
one unused for ``_KEEP_GENERATIONS`` writes is dropped, so the pack does not grow forever.

The pack is JSON, never pickle: a cache folder can come from anywhere (a restored CI cache,
a hostile pull request) and loading it must not run code. A corrupt, truncated or foreign
pack reads as empty, and an entry that is not what its key says reads as a miss; both are
rebuilt. Writes go to a temporary file that is renamed into place, so a run killed mid-write
never leaves half a pack behind; two runs sharing the folder each merge their news into the
pack as it is on disk just before they write, and at worst one's news is lost (time, not
results).
"""

from __future__ import annotations

import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from twelvecheck import __version__
from twelvecheck.core.digest import sha256
from twelvecheck.core.findings import FileResult, Finding, Fix, RelatedLocation, Requires, Severity, Span
from twelvecheck.core.ruledocs import FRONT_MATTER, RuleDocError, builtin_rule_docs
from twelvecheck.files.writing import write_atomically

CACHE_DIR_NAME = ".twelvecheck_cache"
_FORMAT = 3  # bump when the pack layout changes (3: an entry's "silenced")
CACHE_FORMAT_DIR = f"v{_FORMAT}"  # the cache folder's subfolder for this layout
_PACK = "pack.json"
_FRONT_MATTER = "front-matter.json"  # the rule documents' front matter, parsed (load_rule_docs_remembered)
_KEEP_GENERATIONS = 32
# A file modified less than this long before it was read may still change without its size
# and times changing (FAT keeps 2 s, most others far less): its content is not remembered
# by stat, only by digest.
_SETTLED_NS = 2_000_000_000
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by twelvecheck.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of twelvecheck's version, the Python version running it, and each of its Python
    sources and rule documents by path, size and modification time (as Python's own bytecode
    cache tells a changed source; reading them all cost a warm run a tenth of its time)."""
    # The interpreter too: its parser decides what is a syntax error (TWC001).
    digest = sha256(f"{__version__}\0{_FORMAT}\0{sys.version}".encode())
    package = Path(__file__).resolve().parents[1]  # twelvecheck/, above run/
    folders = [str(package)]
    rules = package.parent.parent / "rules"  # a source checkout keeps them beside src/
    if rules.is_dir():
        folders.append(str(rules))
    signatures = []
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith((".py", ".md", ".toml")):  # knowledge/*.toml is code too
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                signatures.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
    digest.update("\n".join(sorted(signatures)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


class Content:
    """What the run needs to know about a source file's bytes: their digest, and whether
    they mention ``__main__`` (the fact closure's entry-point test)."""

    __slots__ = ("digest", "has_main")

    def __init__(self, digest: str, has_main: bool) -> None:
        self.digest = digest
        self.has_main = has_main

    @classmethod
    def of(cls, data: bytes) -> "Content":
        import hashlib  # OpenSSL, quicker on file contents; a replay reads next to none (core/digest.py)

        return cls(hashlib.sha256(data).hexdigest(), b"__main__" in data)  # the engine's FileResult.digest too


def read_content(path: str, record: list | None) -> tuple[Content | None, list | None]:
    """The content of the file at ``path`` (None when it cannot be read) and its record
    (``[*stat signature, digest, has_main]``, None when it must not be trusted later):
    ``record`` itself when the file's ``stat`` still matches it, else what reading it gave."""
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    signature = _signature(stat)
    if record is not None and len(record) >= 7 and record[:5] == signature and isinstance(record[5], str):
        return Content(record[5], bool(record[6])), record[:7]
    started = time.time_ns()
    try:
        with open(path, "rb") as handle:
            before = _signature(os.fstat(handle.fileno()))
            data = handle.read()
            after = _signature(os.fstat(handle.fileno()))
    except OSError:
        return None, None
    content = Content.of(data)
    if before == after and max(after[1], after[2]) < started - _SETTLED_NS:
        return content, [*after, content.digest, content.has_main]
    return content, None


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pack = directory / CACHE_FORMAT_DIR / _PACK
        self.hits = 0
        self.misses = 0
        self._pack_signature = _stat_of(self.pack)  # before the read: a later write shows
        pack = self._pack_read = _read_pack(self.pack)
        self.generation: int = pack["generation"]
        self._entries: dict[str, list] = pack["entries"]  # key -> [generation, entry]
        self._files: dict[str, list] = pack["files"]  # path -> [*signature, digest, has_main, generation]
        self._lists: dict[str, list] = pack["lists"]  # name -> [generation, [display path, ...]]
        self._new_lists: dict[str, list[str]] = {}
        self._lists_used: set[str] = set()
        self._new_entries: dict[str, dict[str, Any]] = {}
        self._new_files: dict[str, list] = {}
        self._used: set[str] = set()
        self._seen: set[str] = set()
        self._contents: dict[str, Content | None] = {}  # this run's answers (the closure asks again)
        # The fingerprint of the local rules and plugins in use (engine/extensions.py), in
        # every key: editing a local rule analyses the files again.
        self.rules_fingerprint = ""

    @classmethod
    def open(cls, directory: Path) -> tuple["ResultCache | None", str | None]:
        """The cache in ``directory``, created with its tag files; None and why when it cannot be."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_if_missing(directory / "CACHEDIR.TAG", _CACHEDIR_TAG)
            _write_if_missing(directory / ".gitignore", "# Created by twelvecheck.\n*\n")
            (directory / CACHE_FORMAT_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            return None, f"cache disabled: cannot use {directory}: {exc.strerror or exc}"
        return cls(directory), None

    # -- source files --------------------------------------------------------------------
    def content(self, path: str) -> Content | None:
        """The digest of the file at ``path`` (None when it cannot be read): from its
        recorded ``stat`` when that is unchanged, else by reading it (and recording it)."""
        if path not in self._contents:
            self._contents[path] = self._content(path)
        return self._contents[path]

    def seed(self, contents: dict[str, Content | None], records: dict[str, list]) -> None:
        """Take the digests read already this run (the run record's, replay.py) and their
        ``stat`` records, as ``content`` would have made them."""
        self._contents.update(contents)
        for path, record in records.items():
            self._keep_record(path, record)

    def _keep_record(self, path: str, record: list) -> None:
        if record == self._files.get(path, [])[:7]:
            self._seen.add(path)
        else:
            self._new_files[path] = record

    def _content(self, path: str) -> Content | None:
        content, record = read_content(path, self._files.get(path))
        if record is not None:
            self._keep_record(path, record)
        return content

    # -- results -------------------------------------------------------------------------
    def key(self, digest: str, shape: tuple[Any, ...]) -> str:
        """The key of a result: the code, the task's shape and the content's ``digest``."""
        hashed = sha256(code_fingerprint().encode())
        if self.rules_fingerprint:
            hashed.update(self.rules_fingerprint.encode())
        hashed.update(json.dumps(shape, sort_keys=True, default=sorted).encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
        hashed.update(digest.encode())
        return hashed.hexdigest()

    def get(self, key: str, display_path: str) -> FileResult | None:
        try:
            document = self._new_entries.get(key) or self._entries[key][1]
            result = _result_from_json(document, key, display_path)
        except (LookupError, ValueError, TypeError, AttributeError):
            result = None  # missing, corrupt or foreign: a miss, rebuilt below
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used.add(key)
        return result

    def put(self, key: str, result: FileResult) -> None:
        if result.errors:
            return  # an unreadable file or a crashed rule may do better next time
        try:
            document = _result_to_json(result, key)
            json.dumps(document)  # what cannot be written is not kept
        except (TypeError, ValueError):
            return
        self._new_entries[key] = document

    # -- the fact closure's list ----------------------------------------------------------
    def recall(self, name: str) -> list[str]:
        """The list last remembered under ``name`` (the files a run's fact closure asked for)."""
        value = self._lists.get(name)
        return value[1] if value is not None else []

    def remember(self, name: str, paths: list[str]) -> None:
        if self.recall(name) != paths:
            self._new_lists[name] = paths
        elif name in self._lists:
            self._lists_used.add(name)

    def flush(self) -> None:
        """Write the pack when this run added to it: merged into the pack as it is on disk
        now (another run may have written it meanwhile), atomically."""
        if not self._new_entries and not self._new_files and not self._new_lists:
            return
        # The pack as it is on disk now: the one read at the start unless another run has
        # written it since (reading and decoding it again cost more than the write).
        unchanged = self._pack_signature is not None and _stat_of(self.pack) == self._pack_signature
        disk = self._pack_read if unchanged else _read_pack(self.pack)
        generation = max(disk["generation"], self.generation) + 1
        entries = {key: value for key, value in disk["entries"].items()
                   if _generation(value[0]) > generation - _KEEP_GENERATIONS}
        for key in self._used:
            if key in self._entries:
                entries[key] = [generation, self._entries[key][1]]
        entries.update((key, [generation, document]) for key, document in self._new_entries.items())
        files = {path: value for path, value in disk["files"].items()
                 if _generation(value[-1]) > generation - _KEEP_GENERATIONS}
        for path in self._seen:
            if path in self._files:
                files[path] = [*self._files[path][:7], generation]
        files.update((path, [*value, generation]) for path, value in self._new_files.items())
        lists = {name: value for name, value in disk["lists"].items()
                 if _generation(value[0]) > generation - _KEEP_GENERATIONS}
        for name in self._lists_used:
            lists[name] = [generation, self._lists[name][1]]
        lists.update((name, [generation, paths]) for name, paths in self._new_lists.items())
        pack = {"format": _FORMAT, "code": code_fingerprint(), "generation": generation,
                "entries": entries, "files": files, "lists": lists}
        try:
            import tempfile  # only to write: a warm run writes nothing

            handle, temporary = tempfile.mkstemp(dir=self.pack.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    # dumps, not dump: json.dump streams through the pure-Python encoder,
                    # several times slower than the C one dumps uses.
                    stream.write(json.dumps(pack, separators=(",", ":")))
                os.replace(temporary, self.pack)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written only costs time
        self._new_entries.clear()
        self._new_files.clear()
        self._new_lists.clear()


def _stat_of(path: Path) -> list[int] | None:
    try:
        return _signature(os.stat(path))
    except OSError:
        return None


def _generation(value: Any) -> int:
    return value if isinstance(value, int) else -(2**62)


def _read_pack(path: Path) -> dict[str, Any]:
    """The pack at ``path``; an empty one when it is missing, unreadable, corrupt, foreign or
    written by another version of twelvecheck (whose entries no key of ours can name)."""
    empty: dict[str, Any] = {"generation": 0, "entries": {}, "files": {}, "lists": {}}
    try:
        pack = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return empty
    if not isinstance(pack, dict) or pack.get("format") != _FORMAT or pack.get("code") != code_fingerprint():
        return empty
    entries, files, generation = pack.get("entries"), pack.get("files"), pack.get("generation")
    if not isinstance(entries, dict) or not isinstance(files, dict) or not isinstance(generation, int):
        return empty
    # Drop what is not shaped like an entry or a record rather than trusting it later.
    entries = {key: value for key, value in entries.items()
               if isinstance(value, list) and len(value) == 2 and isinstance(value[1], dict)}
    files = {path: value for path, value in files.items()
             if isinstance(value, list) and len(value) == 8 and all(isinstance(v, int) for v in value[:5])
             and isinstance(value[5], str)}
    lists = pack.get("lists")
    lists = {name: value for name, value in lists.items()
             if isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)
             and all(isinstance(path, str) for path in value[1])} if isinstance(lists, dict) else {}
    return {"generation": generation, "entries": entries, "files": files, "lists": lists}


def _write_if_missing(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")


def _result_to_json(result: FileResult, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "path": result.path,
        "parsed": result.parsed,
        "facts": result.facts,
        "findings": [finding_to_json(finding) for finding in result.findings],
        "silenced": [finding_to_json(finding) for finding in result.silenced],
    }


def _result_from_json(document: dict[str, Any], key: str, display_path: str) -> FileResult | None:
    # The key is inside the entry too: a file copied under another name is not trusted.
    if document.get("key") != key or document.get("path") != display_path:
        return None
    findings = [finding_from_json(item) for item in document["findings"]]
    silenced = [finding_from_json(item) for item in document["silenced"]]
    facts = document["facts"]
    if not isinstance(facts, dict):
        return None
    return FileResult(display_path, findings, [], facts, bool(document["parsed"]), silenced=silenced)



def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding as the cache keeps it: as reported, plus the text its fingerprint hashes."""
    item = {**finding.to_json(), "anchor_text": finding.anchor_text}
    if finding.requires is not None:  # a per-file result's condition (run/analysis.py answers it)
        item["requires"] = finding.requires.to_json()
    return item


def finding_from_json(item: dict[str, Any]) -> Finding:
    """``finding_to_json`` undone; raises LookupError, TypeError or ValueError on a foreign item."""
    if not isinstance(item["path"], str):
        raise TypeError("a finding's path is not a string")
    return Finding(
        code=item["code"], name=item["name"], family=item["family"],
        severity=Severity.parse(item["severity"]), message=item["message"], path=item["path"],
        span=Span(int(item["line"]), int(item["column"]), int(item["end_line"]), int(item["end_column"])),
        help_uri=item["help_uri"], anchor_text=item["anchor_text"], fingerprint=item.get("fingerprint") or "",
        fix=Fix.from_json(item.get("fix")), requires=Requires.from_json(item.get("requires")),
        related=tuple(RelatedLocation.from_json(location) for location in item.get("related_locations", ())),
        knowledge=item.get("knowledge"),
    )


_MEMO_READ: set[Path | None] = set()  # the memos load_rule_docs_remembered has read in this process


def load_rule_docs_remembered(directory: Path | None) -> None:
    """Load the rule documents with the front matter the last run parsed, kept in the cache
    folder (``front-matter.json``, core/ruledocs.FrontMatterMemo), and keep what this run
    used. A missing, corrupt or tampered memo only costs the parse. The command line asks
    before it checks selectors and the runner again: the memo is read once per folder."""
    path = directory / CACHE_FORMAT_DIR / _FRONT_MATTER if directory is not None else None
    if path in _MEMO_READ and builtin_rule_docs.cache_info().currsize:
        return
    _MEMO_READ.add(path)
    kept: object = None
    if path is not None:
        try:
            kept = json.loads(path.read_bytes())
        except (OSError, ValueError):
            pass
        FRONT_MATTER.adopt(kept)
    try:
        builtin_rule_docs()
    except RuleDocError:
        if not FRONT_MATTER.known:
            raise
        FRONT_MATTER.forget()  # the memo may be at fault: parse every document again
        builtin_rule_docs.cache_clear()
        builtin_rule_docs()
    if path is not None and FRONT_MATTER.used != kept:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(str(path), json.dumps(FRONT_MATTER.used))
        except (OSError, TypeError, ValueError):
            pass
