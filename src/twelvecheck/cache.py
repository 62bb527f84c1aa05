"""Per-file results kept between runs, so an unchanged file is never parsed twice.

An entry is one JSON file named by a key: the SHA-256 of the file's bytes, of
twelvecheck's own code and rule documents (so a new version or a local edit of a rule
never reuses an old answer) and of everything in the task that shapes the result
(reported path, module name, enabled codes, severities, entry functions). It holds the
findings and the whole-program facts, so the project pass reruns from the cache and a
one-file change costs one parse.

Entries are JSON, never pickle: a cache folder can come from anywhere (a restored CI
cache, a hostile pull request) and loading it must not run code. A corrupt, truncated
or foreign entry reads as a miss and is rewritten. Writes go to a temporary file that
is renamed into place, so two runs sharing the folder, or a run killed mid-write, never
leave half an entry behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from twelvecheck import __version__
from twelvecheck.findings import FileResult, Finding, Severity, Span
from twelvecheck.fixes import Fix

CACHE_DIR_NAME = ".twelvecheck_cache"
_FORMAT = 1  # bump when the entry layout changes
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by twelvecheck.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of twelvecheck's version, Python sources and rule documents."""
    digest = hashlib.sha256(f"{__version__}\0{_FORMAT}".encode())
    package = Path(__file__).resolve().parent
    candidates = [*package.rglob("*.py"), *package.rglob("*.md")]
    rules = package.parent.parent / "rules"  # a source checkout keeps them beside src/
    if rules.is_dir():
        candidates += rules.glob("*.md")
    for path in sorted(candidates):
        try:
            digest.update(str(path.relative_to(path.anchor)).encode("utf-8", "surrogatepass"))
            digest.update(path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.entries = directory / f"v{_FORMAT}"
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, directory: Path) -> tuple["ResultCache | None", str | None]:
        """The cache in ``directory``, created with its tag files; None and why when it cannot be."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_if_missing(directory / "CACHEDIR.TAG", _CACHEDIR_TAG)
            _write_if_missing(directory / ".gitignore", "# Created by twelvecheck.\n*\n")
            (directory / f"v{_FORMAT}").mkdir(exist_ok=True)
        except OSError as exc:
            return None, f"cache disabled: cannot use {directory}: {exc.strerror or exc}"
        return cls(directory), None

    def key(self, data: bytes, shape: tuple[Any, ...]) -> str:
        digest = hashlib.sha256(code_fingerprint().encode())
        digest.update(json.dumps(shape, sort_keys=True, default=sorted).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key[2:]}.json"

    def get(self, key: str, display_path: str) -> FileResult | None:
        try:
            document = json.loads(self._path(key).read_bytes())
            result = _result_from_json(document, key, display_path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            result = None  # missing, truncated, corrupt or foreign: a miss, rebuilt below
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def put(self, key: str, result: FileResult) -> None:
        if result.errors:
            return  # an unreadable file or a crashed rule may do better next time
        path = self._path(key)
        try:
            path.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(_result_to_json(result, key), stream, separators=(",", ":"))
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written only costs time


def _write_if_missing(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")


def _result_to_json(result: FileResult, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "path": result.path,
        "parsed": result.parsed,
        "facts": result.facts,
        "findings": [{**finding.to_json(), "anchor_text": finding.anchor_text} for finding in result.findings],
    }


def _result_from_json(document: dict[str, Any], key: str, display_path: str) -> FileResult | None:
    # The key is inside the entry too: a file copied under another name is not trusted.
    if document.get("key") != key or document.get("path") != display_path:
        return None
    findings = [
        Finding(
            code=item["code"], name=item["name"], family=item["family"],
            severity=Severity.parse(item["severity"]), message=item["message"], path=item["path"],
            span=Span(int(item["line"]), int(item["column"]), int(item["end_line"]), int(item["end_column"])),
            help_uri=item["help_uri"], anchor_text=item["anchor_text"], fix=Fix.from_json(item.get("fix")),
        )
        for item in document["findings"]
    ]
    facts = document["facts"]
    if not isinstance(facts, dict) or not all(isinstance(f.path, str) for f in findings):
        return None
    return FileResult(display_path, findings, [], facts, bool(document["parsed"]))

