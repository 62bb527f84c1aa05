"""Runs at the same time, and runs killed mid-write: no half-written report, baseline or cache entry."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, FILE_HANDLER, clean_env, write


def _tree(project, files: int = 60) -> None:
    for index in range(files):
        write(project, f"pkg/module_{index:03}.py", FILE_HANDLER if index % 2 else BASIC_CONFIG)


def test_two_runs_at_once_sharing_one_cache(project, run):
    _tree(project)
    expected = run("--no-cache", "--format", "json").stdout
    command = [sys.executable, "-m", "twelvecheck", "--format", "json", "--cache-dir", "shared-cache", "."]
    for _ in range(2):  # the first pair fills the cache together, the second reads it together
        runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=clean_env()) for _ in range(2)]
        outputs = [process.communicate(timeout=300) for process in runs]
        for out, err in outputs:
            assert b"Traceback" not in err, err.decode()
            assert out.decode() == expected
    leftovers = [p for p in (project / "shared-cache").rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def _kill_at(project, command, delay: float) -> None:
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=clean_env())
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def test_a_run_killed_at_any_moment_leaves_whole_files_or_none(project, run):
    _tree(project, 40)
    first = run("--format", "json", "--no-cache").stdout
    report = project / "report.json"
    baseline = project / "baseline.json"
    # Only pkg/ is checked: a report or baseline a killed run left beside it must not
    # become one more file checked by the next run.
    command = [sys.executable, "-m", "twelvecheck", "--format", "json", "-o", "report.json",
               "--write-baseline", "baseline.json", "--cache-dir", "cache", "pkg"]
    started = time.perf_counter()
    run("--format", "json", "-o", "report.json", "--write-baseline", "baseline.json", "--cache-dir", "timing", "pkg")
    whole_run = time.perf_counter() - started
    complete_report, complete_baseline = report.read_text(), baseline.read_text()
    report.unlink()
    baseline.unlink()
    for step in range(8):
        _kill_at(project, command, whole_run * step / 8)
        if report.exists():
            assert report.read_text() == complete_report
        if baseline.exists():
            assert baseline.read_text() == complete_baseline
        assert [p.name for p in project.iterdir() if p.name.endswith(".tmp")] == []
    # Whatever the killed runs left in the cache, the next run answers exactly as a fresh one.
    proc = run("--format", "json", "--cache-dir", "cache", ".")
    assert json.loads(proc.stdout)["findings"] == json.loads(first)["findings"]


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(child) for child in task.read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the worker processes")
def test_workers_do_not_outlive_a_killed_run(project):
    # Enough files for a process pool; the parent is killed while its workers parse.
    _tree(project, 400)
    process = subprocess.Popen([sys.executable, "-m", "twelvecheck", "--no-cache", "--jobs", "2"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env())
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.02)
    assert workers, "the run ended before it started workers: give it more files"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert alive == [], f"workers {alive} outlived their run"
