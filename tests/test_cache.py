"""The result cache: a warm run answers exactly what a cold one does, and never trusts a bad entry."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, CLEAN, FILE_HANDLER, write

from twelvecheck.run import analysis
from twelvecheck.run.cache import CACHE_FORMAT_DIR, ResultCache
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.task import FileTask

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# A whole-program finding (TWC302) comes from cached facts on a warm run.
SERVICE = """\
import time

def main():
    while True:
        time.sleep(1)

if __name__ == "__main__":
    main()
"""


def pack_of(cache: Path) -> Path:
    return cache / CACHE_FORMAT_DIR / "pack.json"


def forget_runs(cache: Path) -> None:
    """Remove the run record (replay.py), which would answer an unchanged run without the pack."""
    shutil.rmtree(cache / CACHE_FORMAT_DIR / "runs")


def entries(cache: Path) -> dict[str, dict]:
    """The pack's entries by key (without the generation that last used them)."""
    return {key: value[1] for key, value in json.loads(pack_of(cache).read_bytes())["entries"].items()}


@pytest.fixture
def service(project):
    write(project, "app/handlers.py", FILE_HANDLER)
    write(project, "app/setup.py", BASIC_CONFIG)
    write(project, "app/clean.py", CLEAN)
    write(project, "app/service.py", SERVICE)
    return project


def test_the_cache_folder_is_tagged_and_ignores_itself(service, run):
    assert run().returncode == 1
    cache = service / ".twelvecheck_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(entries(cache)) == 4  # one per Python file


def test_warm_runs_are_byte_identical_to_cold_and_uncached_ones_for_any_jobs(service, run):
    uncached = run("--no-cache", "--format", "json").stdout
    assert not (service / ".twelvecheck_cache").exists()
    assert "TWC302" in uncached and "TWC201" in uncached
    for jobs in ("1", "2", "1"):
        assert run("--jobs", jobs, "--format", "json").stdout == uncached


def test_only_the_changed_file_is_analyzed_again(service, run):
    run()
    cache = service / ".twelvecheck_cache"
    before = entries(cache)
    write(service, "app/clean.py", CLEAN + "logging.FileHandler('x.log')\n")
    proc = run("--format", "json")
    after = entries(cache)
    assert set(before) <= set(after) and len(after) == len(before) + 1
    assert all(after[key] == entry for key, entry in before.items())  # nothing else changed
    codes = sorted((f["path"], f["code"]) for f in json.loads(proc.stdout)["findings"])
    assert ("app/clean.py", "TWC201") in codes


@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong-shape", "swap", "entry-shape", "empty"])
def test_a_damaged_or_foreign_pack_or_entry_is_ignored_and_rebuilt(service, run, damage):
    expected = run("--no-cache", "--format", "json").stdout
    run()
    pack = pack_of(service / ".twelvecheck_cache")
    data = pack.read_bytes()
    document = json.loads(data)
    keys = sorted(document["entries"])
    if damage == "truncate":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        pack.write_bytes(b"\x00\xff not json")
    elif damage == "wrong-shape":
        pack.write_text(json.dumps({"format": 2, "entries": 3, "files": []}))
    elif damage == "empty":
        pack.write_bytes(b"")
    else:
        for index, key in enumerate(keys):
            if damage == "swap":  # another file's valid entry under this key: its key does not match
                document["entries"][key] = json.loads(data)["entries"][keys[(index + 1) % len(keys)]]
            else:
                document["entries"][key][1] = {"key": key, "findings": 3, "facts": []}
        pack.write_text(json.dumps(document))
    forget_runs(service / ".twelvecheck_cache")
    assert run("--format", "json").stdout == expected
    forget_runs(service / ".twelvecheck_cache")
    rebuilt = entries(service / ".twelvecheck_cache")
    assert all(isinstance(entry["findings"], list) and entry["key"] == key for key, entry in rebuilt.items())
    assert run("--format", "json").stdout == expected  # rebuilt entries are good ones


def test_a_warm_run_writes_nothing(service, run):
    time.sleep(2.2)  # files this fresh are not remembered by their stat (cache._SETTLED_NS)
    run()
    cache = service / ".twelvecheck_cache"
    pack = pack_of(cache)
    [records] = (cache / CACHE_FORMAT_DIR / "runs").iterdir()
    assert len(json.loads(pack.read_bytes())["files"]) == 4

    def written(path: Path) -> tuple[int, int]:
        return path.stat().st_mtime_ns, path.stat().st_ino

    front_matter = cache / CACHE_FORMAT_DIR / "front-matter.json"  # the rule documents', parsed
    before = written(pack), written(records), written(front_matter)
    run()  # answered from the run record
    assert (written(pack), written(records), written(front_matter)) == before
    forget_runs(cache)
    run()  # the closure's list of files is remembered by the first run answered from the pack
    forget_runs(cache)
    before = written(pack)
    run()  # answered from the pack: the pack is not written, the run record is
    assert written(pack) == before and records.exists()
    assert sorted(p.name for p in pack.parent.iterdir()) == ["front-matter.json", "pack.json", "runs"]


def test_cache_dir_option_and_config_keys(service, run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    assert run("--cache-dir", str(elsewhere)).returncode == 1
    assert len(entries(elsewhere)) == 4 and not (service / ".twelvecheck_cache").exists()
    write(service, "pyproject.toml", '[tool.twelvecheck]\ncache-dir = "build/tc-cache"\n')
    run()
    assert len(entries(service / "build" / "tc-cache")) == 4
    write(service, "pyproject.toml", "[tool.twelvecheck]\ncache = false\n")
    shutil.rmtree(service / "build")
    run()
    assert not (service / "build").exists() and not (service / ".twelvecheck_cache").exists()
    write(service, "pyproject.toml", '[tool.twelvecheck]\ncache = "yes"\n')
    proc = run()
    assert proc.returncode == 2 and "cache" in proc.stderr and "true or false" in proc.stderr


def test_an_unusable_cache_folder_costs_time_not_results(service, run):
    expected = run("--no-cache", "--format", "json")
    write(service, "blocked", "a file where the cache folder should be")
    proc = run("--cache-dir", "blocked/cache", "--format", "json")
    assert proc.stdout == expected.stdout and proc.returncode == expected.returncode == 1
    assert "warning: cache disabled" in proc.stderr and "blocked" in proc.stderr


def test_a_rule_change_is_not_answered_from_an_old_entry(service, run):
    """The key includes the enabled codes and severities, so narrowing the selection or
    changing a severity gives fresh answers, not the cached ones."""
    run()
    only_logging = json.loads(run("--select", "TWC202", "--format", "json").stdout)
    assert {f["code"] for f in only_logging["findings"]} == {"TWC202"}
    write(service, "pyproject.toml", '[tool.twelvecheck.severity]\nTWC201 = "error"\n')
    document = json.loads(run("--format", "json").stdout)
    assert {f["severity"] for f in document["findings"] if f["code"] == "TWC201"} == {"error"}


@pytest.mark.parametrize("sample", ["sample-app", "shutdown-app", "daemon-worker"])
def test_a_sample_project_warm_equals_cold(run, tmp_path, sample):
    copy = tmp_path / sample
    shutil.copytree(FIXTURES / sample, copy)
    (copy / ".git").mkdir()
    cold = run("--no-cache", "--format", "json", cwd=copy)
    assert cold.returncode == 1
    assert run("--format", "json", cwd=copy).stdout == cold.stdout
    assert run("--format", "json", cwd=copy).stdout == cold.stdout


def test_a_file_changed_between_its_key_and_its_analysis_is_not_cached_under_the_old_key(project, monkeypatch):
    """The runner keys a result by the file's digest, then the engine reads the file again:
    what was analyzed must be what was keyed, or the next run would be answered wrongly."""
    source = write(project, "app.py", CLEAN)
    task = FileTask(path=str(source), display_path="app.py", report=frozenset(load_rules()))
    real_analyze = analysis._analyze

    def written_meanwhile(tasks, indexes, jobs):
        source.write_text(FILE_HANDLER)
        return real_analyze(tasks, indexes, jobs)

    raced_cache, _ = ResultCache.open(project / "cache")
    monkeypatch.setattr(analysis, "_analyze", written_meanwhile)
    [raced] = analysis._analyze_all([task], 1, raced_cache)
    assert raced.findings  # the new text was analyzed...
    assert raced_cache._new_entries == {}  # ...and not kept under the old text's key
    monkeypatch.setattr(analysis, "_analyze", real_analyze)
    settled_cache, _ = ResultCache.open(project / "cache")
    [settled] = analysis._analyze_all([task], 1, settled_cache)
    assert settled.findings and len(settled_cache._new_entries) == 1  # an unchanged file's result is kept
