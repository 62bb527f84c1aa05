#!/usr/bin/env python3
"""The files twelvecheck spends longest on, one at a time, with every rule and fact collector on.

    python benchmarks/slowest.py                     # this interpreter's stdlib and site-packages
    python benchmarks/slowest.py path/to/tree --top 20

Each file is analyzed in this process the way a worker analyzes it (read, vet with
``ast.parse``, parse with libcst, one walk, positions where something is reported), without
the prefilter, so the time is the worst a file can cost. Not a test: the figures go into the
release notes (issue 9 asks for the slowest file and its time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import sysconfig
import time
from pathlib import Path

from twelvecheck.discovery import discover
from twelvecheck.engine import analyze_file, load_parser
from twelvecheck.ruledocs import load_rule_docs
from twelvecheck.tasks import FileTask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="trees to analyze (default: stdlib and site-packages)")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    paths = args.paths or [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]]
    codes = frozenset(load_rule_docs())
    load_parser()
    timings: list[tuple[float, str, int, int]] = []
    crashes = 0
    for root in paths:
        root_path = Path(root).resolve()
        found = discover(["."], cwd=root_path, root=root_path, exclude=[])
        for source in found.files:
            if source.kind != "python":
                continue
            path = root_path / source.path
            task = FileTask(str(path), f"{root_path.name}/{source.display}", codes, prefilter=False)
            started = time.perf_counter()
            result = analyze_file(task)
            elapsed = time.perf_counter() - started
            crashes += sum("internal error" in error.message for error in result.errors)
            lines = path.read_bytes().count(b"\n")
            timings.append((elapsed, task.display_path, lines, len(result.findings)))
    timings.sort(reverse=True)
    total = sum(t for t, *_ in timings)
    print(f"{len(timings)} files in {total:.1f} s (median {statistics.median(t for t, *_ in timings) * 1000:.1f} ms), "
          f"{crashes} internal errors; Python {sys.version.split()[0]}")
    print("| file | lines | time (s) | findings |\n|---|---:|---:|---:|")
    for elapsed, name, lines, findings in timings[:args.top]:
        print(f"| {name} | {lines} | {elapsed:.2f} | {findings} |")


if __name__ == "__main__":
    main()
