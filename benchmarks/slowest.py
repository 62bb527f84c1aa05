#!/usr/bin/env python3
"""The files twelvecheck spends longest on, one at a time, with every rule and fact collector on.

    python benchmarks/slowest.py                     # this interpreter's stdlib and site-packages
    python benchmarks/slowest.py path/to/tree --top 20
    python benchmarks/slowest.py --sample 500 --jobs 2   # a deterministic sample, two workers

Each file is analyzed the way a worker analyzes it (read, vet with ``ast.parse``, parse with
libcst, one walk, positions where something is reported), without the prefilter, so the time
is the worst a file can cost. With ``--jobs N`` the files are spread over N worker processes
and each file is still timed on its own, inside the worker (the figure is per file, not the
pool's throughput; two workers on two cores slow each other down a little). Progress goes to
stderr as it runs (a line every ``--every`` files with the slowest so far); the Markdown
table goes to stdout at the end. Not a test: the figures go into benchmarks/README.md
("Slowest files": the worst single file and its time).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import sysconfig
import time
from pathlib import Path

from twelvecheck.files.discovery import discover
from twelvecheck.run.worker import analyze_file, load_parser
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.task import FileTask

_CODES: frozenset[str] = frozenset()


def _files(paths: list[str], exclude: list[str]) -> list[tuple[str, str]]:
    """(file system path, shown name) of every Python file below ``paths``, sorted."""
    found = []
    for root in paths:
        root_path = Path(root).resolve()
        discovered = discover(["."], cwd=root_path, root=root_path, exclude=exclude)
        found += [(str(root_path / source.path), f"{root_path.name}/{source.display}")
                  for source in discovered.files if source.kind == "python"]
    return sorted(found, key=lambda item: item[1])


def _init() -> None:
    global _CODES
    _CODES = frozenset(load_rule_docs())
    load_parser()


def _time_one(item: tuple[str, str]) -> tuple[float, str, int, int, list[str]]:
    """One file, timed here (in the worker): seconds, name, lines, findings, internal errors."""
    path, name = item
    task = FileTask(path, name, _CODES, prefilter=False)
    started = time.perf_counter()
    result = analyze_file(task)
    elapsed = time.perf_counter() - started
    try:
        lines = Path(path).read_bytes().count(b"\n")
    except OSError:
        lines = 0
    crashes = [error.message for error in result.errors if "internal error" in error.message]
    return elapsed, name, lines, len(result.findings), crashes


def _results(files: list[tuple[str, str]], jobs: int):
    if jobs <= 1:
        _init()
        yield from map(_time_one, files)
        return
    import multiprocessing

    with multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(jobs, _init) as pool:
        yield from pool.imap_unordered(_time_one, files, chunksize=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="trees to analyze (default: stdlib and site-packages)")
    parser.add_argument("--top", type=int, default=10, help="rows in the table (default 10)")
    parser.add_argument("--limit", type=int, help="only the first N files (by name)")
    parser.add_argument("--sample", type=int, help="N files picked at random with a fixed seed (the same on every run)")
    parser.add_argument("--seed", type=int, default=9, help="the seed of --sample (default 9)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--every", type=int, default=250, help="a progress line every N files (default 250)")
    args = parser.parse_args()
    paths = args.paths or [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]]
    # The standard library's folder holds the interpreter's own site-packages: not the stdlib
    # (the venv's site-packages, purelib, is the second default path).
    files = _files(paths, [] if args.paths else ["/site-packages/"])
    if args.sample is not None and args.sample < len(files):
        files = sorted(random.Random(args.seed).sample(files, args.sample), key=lambda item: item[1])
    if args.limit is not None:
        files = files[:args.limit]
    print(f"{len(files)} files, {args.jobs} job(s)", file=sys.stderr, flush=True)

    timings: list[tuple[float, str, int, int]] = []
    crashes: list[tuple[str, str]] = []
    started = time.perf_counter()
    for done, (elapsed, name, lines, findings, errors) in enumerate(_results(files, args.jobs), 1):
        timings.append((elapsed, name, lines, findings))
        crashes += [(name, error) for error in errors]
        for error in errors:
            print(f"internal error: {name}: {error}", file=sys.stderr, flush=True)
        if done % args.every == 0 or done == len(files):
            slowest = sorted(timings, reverse=True)[:3]
            print(f"[{done}/{len(files)} in {time.perf_counter() - started:.0f} s] slowest so far: "
                  + ", ".join(f"{name} {seconds:.2f} s" for seconds, name, *_ in slowest), file=sys.stderr, flush=True)

    timings.sort(reverse=True)
    total = sum(t for t, *_ in timings)
    median = statistics.median(t for t, *_ in timings) * 1000 if timings else 0.0
    from importlib.metadata import version

    print(f"{len(timings)} files in {total:.1f} s of analysis (median {median:.1f} ms, wall "
          f"{time.perf_counter() - started:.0f} s with {args.jobs} job(s)), {len(crashes)} internal errors; "
          f"Python {sys.version.split()[0]}, libcst {version('libcst')}")
    print("\n| file | lines | time (s) | findings |\n|---|---:|---:|---:|")
    for elapsed, name, lines, findings in timings[:args.top]:
        print(f"| {name} | {lines} | {elapsed:.2f} | {findings} |")


if __name__ == "__main__":
    main()
