"""The cache's pack: files remembered by stat only when that is safe, merges between runs, and
the fact closure's list, which may make a run faster but never change what it reports."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import FILE_HANDLER, write

from twelvecheck.run import cache as cache_module
from twelvecheck.run.cache import CACHE_FORMAT_DIR, Content, ResultCache
from twelvecheck.core.findings import FileResult


def _open(directory: Path) -> ResultCache:
    cache, problem = ResultCache.open(directory)
    assert cache is not None and problem is None
    return cache


def _digest(data: bytes) -> str:
    return Content.of(data).digest


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled 50 ms after their last change (2 s in real runs)."""
    monkeypatch.setattr(cache_module, "_SETTLED_NS", 50_000_000)
    return lambda: time.sleep(0.2)


def test_a_settled_file_is_answered_from_its_stat_without_reading_it(tmp_path, settled, monkeypatch):
    source = write(tmp_path, "a.py", "print('a')\n")
    settled()
    first = _open(tmp_path / "cache")
    assert first.content(str(source)).digest == _digest(b"print('a')\n")
    first.put("k", FileResult("a.py", [], [], {}, False))
    first.flush()

    def no_reading(*args, **kwargs):
        raise AssertionError("read although its stat is unchanged")

    monkeypatch.setattr(cache_module, "open", no_reading, raising=False)
    assert _open(tmp_path / "cache").content(str(source)).digest == _digest(b"print('a')\n")


def test_a_change_that_keeps_size_and_mtime_is_not_answered_from_the_stale_stat(tmp_path, settled):
    source = write(tmp_path, "a.py", "print('a')\n")
    settled()
    first = _open(tmp_path / "cache")
    assert first.content(str(source)).has_main is False
    first.put("k", FileResult("a.py", [], [], {}, False))
    first.flush()
    old = source.stat()
    source.write_text("print('b')\n")  # same size
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))  # the mtime forced back
    changed = source.stat()
    assert (changed.st_size, changed.st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    assert _open(tmp_path / "cache").content(str(source)).digest == _digest(b"print('b')\n")


def test_a_freshly_written_file_is_not_remembered_by_its_stat(tmp_path):
    """Written just now, it could change again within the file system's timestamp granularity
    without its stat changing: only its digest is kept, and the next run reads it again."""
    source = write(tmp_path, "a.py", "if __name__ == '__main__':\n    pass\n")
    cache = _open(tmp_path / "cache")
    content = cache.content(str(source))
    assert content.has_main
    cache.put("k", FileResult("a.py", [], [], {}, False))
    cache.flush()
    pack = json.loads((tmp_path / "cache" / CACHE_FORMAT_DIR / "pack.json").read_bytes())
    assert pack["files"] == {} and list(pack["entries"]) == ["k"]


def test_two_runs_flushing_one_pack_keep_each_others_entries(tmp_path):
    first, second = _open(tmp_path / "cache"), _open(tmp_path / "cache")
    first.put("one", FileResult("a.py", [], [], {"module": "a"}, False))
    second.put("two", FileResult("b.py", [], [], {"module": "b"}, False))
    first.flush()
    second.flush()  # merged into what the first wrote, not over it
    third = _open(tmp_path / "cache")
    assert third.get("one", "a.py").facts == {"module": "a"}
    assert third.get("two", "b.py").facts == {"module": "b"}
    assert third.get("two", "a.py") is None  # an entry is only good for the path it was made for
    assert [p.name for p in (tmp_path / "cache" / CACHE_FORMAT_DIR).iterdir()] == ["pack.json"]


def test_a_pack_written_by_another_run_since_it_was_read_is_read_again_before_merging(tmp_path, monkeypatch):
    seed = _open(tmp_path / "cache")
    seed.put("zero", FileResult("z.py", [], [], {}, False))
    seed.flush()
    first, second = _open(tmp_path / "cache"), _open(tmp_path / "cache")  # both read the same pack
    reads = []
    real_read = cache_module._read_pack
    monkeypatch.setattr(cache_module, "_read_pack", lambda path: reads.append(path) or real_read(path))
    first.put("one", FileResult("a.py", [], [], {}, False))
    first.flush()
    assert reads == []  # unchanged since it read it: its copy in memory is the pack
    second.put("two", FileResult("b.py", [], [], {}, False))
    second.flush()
    assert len(reads) == 1  # the first run wrote it meanwhile
    merged = _open(tmp_path / "cache")
    assert all(merged.get(key, path) is not None for key, path in (("zero", "z.py"), ("one", "a.py"), ("two", "b.py")))


def test_entries_unused_for_many_writes_are_dropped(tmp_path):
    cache = _open(tmp_path / "cache")
    cache.put("old", FileResult("a.py", [], [], {}, False))
    cache.flush()
    for generation in range(cache_module._KEEP_GENERATIONS + 1):
        later = _open(tmp_path / "cache")
        assert later.get("kept", "b.py") is not None or generation == 0
        later.put(f"new-{generation}", FileResult("c.py", [], [], {}, False))
        later.put("kept", FileResult("b.py", [], [], {}, False))
        later.flush()
    final = _open(tmp_path / "cache")
    assert final.get("old", "a.py") is None and final.get("kept", "b.py") is not None


def test_a_pack_written_by_other_code_is_not_trusted(tmp_path, monkeypatch):
    cache = _open(tmp_path / "cache")
    cache.put("k", FileResult("a.py", [], [], {}, False))
    cache.flush()
    assert _open(tmp_path / "cache").get("k", "a.py") is not None
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version")
    assert _open(tmp_path / "cache").get("k", "a.py") is None


SERVICE = """\
import time
from app import helpers

def main():
    helpers.loop()

if __name__ == "__main__":
    main()
"""
HELPERS = """\
import time

def loop():
    while True:
        time.sleep(1)
"""


def test_the_closures_list_changes_nothing_reported_even_when_wrong(project, run):
    """The list of files whose facts the last run asked for only saves waves: a list naming
    every file, or files that are gone, gives the same report as no cache at all."""
    write(project, "app/__init__.py", "")
    write(project, "app/service.py", SERVICE)
    write(project, "app/helpers.py", HELPERS)
    write(project, "app/unrelated.py", "import os\n\ndef f():\n    os.fork()\n")
    write(project, "app/logs.py", FILE_HANDLER)
    expected = run("--no-cache", "--format", "json").stdout
    assert "TWC302" in expected  # found through a call into another file: the closure at work
    assert run("--format", "json").stdout == expected
    pack_path = project / ".twelvecheck_cache" / CACHE_FORMAT_DIR / "pack.json"
    pack = json.loads(pack_path.read_bytes())
    (name, (_, listed)), = pack["lists"].items()
    assert "app/helpers.py" in listed and "app/unrelated.py" not in listed
    assert run("--format", "json").stdout == expected
    for wrong in (["app/__init__.py", "app/service.py", "app/helpers.py", "app/unrelated.py", "app/logs.py",
                   "gone.py"], [], ["gone.py"]):
        pack = json.loads(pack_path.read_bytes())
        pack["lists"][name][1] = wrong
        pack_path.write_text(json.dumps(pack))
        assert run("--format", "json").stdout == expected
