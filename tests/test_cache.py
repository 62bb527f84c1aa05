"""The result cache: a warm run answers exactly what a cold one does, and never trusts a bad entry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, CLEAN, FILE_HANDLER, write

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


def entries(cache: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(cache.rglob("*.json"))}


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
    assert all(after[path] == data for path, data in before.items())  # nothing else rewritten
    codes = sorted((f["path"], f["code"]) for f in json.loads(proc.stdout)["findings"])
    assert ("app/clean.py", "TWC201") in codes


@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong-shape", "swap"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(service, run, damage):
    expected = run("--no-cache", "--format", "json").stdout
    run()
    files = list(entries(service / ".twelvecheck_cache"))
    for index, path in enumerate(files):
        if damage == "truncate":
            path.write_bytes(path.read_bytes()[:40])
        elif damage == "garbage":
            path.write_bytes(b"\x00\xff not json")
        elif damage == "wrong-shape":
            path.write_text(json.dumps({"findings": 3, "facts": []}))
        else:  # another file's valid entry under this name: its key does not match
            path.write_bytes(files[(index + 1) % len(files)].read_bytes() if index == 0 else path.read_bytes())
    assert run("--format", "json").stdout == expected
    assert run("--format", "json").stdout == expected  # rebuilt entries are good ones
    assert all(json.loads(data)["findings"] is not None for data in entries(service / ".twelvecheck_cache").values())


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
