"""What the last walk of the same paths found, and the ``stat`` witnesses that it still holds.

A warm run of an unchanged tree spends most of its time listing folders (Django: 2,455 of
them, about 30 ms of a 0.10 s run). A walk's answer depends only on:

- the names in each folder it listed, and whether each is a folder: a folder's ``stat``
  changes when an entry is added, removed or renamed in it;
- the .gitignore files it read, and the first line of the files it judged by their ``#!``
  line: their ``stat`` changes when they are written;
- ``.git`` and ``.gitignore`` in the folders above the walked one, up to the file system's
  root, present or not (where the repository starts, and which ignore files apply);
- the settings, which the caller keys the memo by.

So a walk records the ``stat`` of each of those, taken before it reads them, and the next
run of the same paths takes the files from the memo when every ``stat`` is the same. A walk
that met a symbolic link or a folder it could not list is not kept (a link's target can
change without any of those ``stat``\\s changing), nor is one that met a witness written within
the timestamp granularity of its start (``SETTLED_NS``, as the per-file cache does): a file
added in that same tick could leave the folder's ``stat`` as it was.
"""

from __future__ import annotations

import os
import time
from typing import Any

SETTLED_NS = 2_000_000_000  # the coarsest timestamp granularity in use (FAT: 2 s)

Signature = str | None  # "mtime_ns ctime_ns size inode" (a string: the memo loads faster), None when missing


def signature(path: str) -> Signature:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_size} {stat.st_ino}"


class WalkWitness:
    """What one discovery read, as ``stat`` signatures taken before reading it."""

    def __init__(self) -> None:
        self.started = time.time_ns()
        self.seen: dict[str, Signature] = {}
        self.trusted = True  # False once the walk met something no signature covers

    def read(self, path: str) -> None:
        if path not in self.seen:
            self.seen[path] = signature(path)

    def untrusted(self) -> None:
        self.trusted = False

    def above(self, top: str) -> None:
        """``.git`` and ``.gitignore`` in the folders above ``top``, present or not."""
        folder = os.path.dirname(os.path.abspath(top))
        while True:
            self.read(os.path.join(folder, ".git"))
            self.read(os.path.join(folder, ".gitignore"))
            parent = os.path.dirname(folder)
            if parent == folder:
                return
            folder = parent

    def settled(self) -> bool:
        limit = self.started - SETTLED_NS
        for seen in self.seen.values():
            if seen is not None:
                modified, changed, _ = seen.split(" ", 2)
                if max(int(modified), int(changed)) >= limit:
                    return False
        return True


class NoWitness(WalkWitness):
    """A walk nobody remembers."""

    def read(self, path: str) -> None:
        pass


class WalkMemo:
    """The walks of one way of running (the caller keys it by the settings), as a JSON-ready
    document: ``{"seen": {path: signature}, "walks": {top: [[path, kind], ...]}}``."""

    def __init__(self, document: Any = None) -> None:
        valid = (isinstance(document, dict) and isinstance(document.get("seen"), dict)
                 and isinstance(document.get("walks"), dict))
        self._document: dict[str, Any] = document if valid else {"seen": {}, "walks": {}}
        self._holds: bool | None = None
        self.changed = False

    def recall(self, top: str) -> list[tuple[str, str]] | None:
        """The (path, kind) pairs the last walk of ``top`` gave, when nothing it read has
        changed since; None otherwise."""
        walked = self._document["walks"].get(top)
        if not isinstance(walked, list) or not self._witnesses_hold():
            return None
        try:
            return [(path, kind) for path, kind in walked]
        except (TypeError, ValueError):
            return None

    def keep(self, walks: dict[str, list[tuple[str, str]]], witness: WalkWitness) -> None:
        """Remember ``walks`` (top -> its pairs) if ``witness`` can vouch for them later."""
        if witness.trusted and witness.settled():
            # Folders taken from this memo keep their witnesses (they still hold).
            seen = {**self._document["seen"], **witness.seen} if self._witnesses_hold() else witness.seen
            self._document = {"seen": seen, "walks": {top: [list(pair) for pair in pairs]
                                                      for top, pairs in walks.items()}}
            self._holds = True
            self.changed = True

    def document(self) -> dict[str, Any]:
        return self._document

    def _witnesses_hold(self) -> bool:
        if self._holds is None:
            self._holds = bool(self._document["walks"]) and all(
                signature(path) == seen for path, seen in self._document["seen"].items())
        return self._holds

