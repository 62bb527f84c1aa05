#!/usr/bin/env python3
"""Run every test module alone, each in a fresh interpreter, two at a time.

    python scripts/test_modules_alone.py                 # every module under tests/
    python scripts/test_modules_alone.py --jobs 4 tests/test_cli.py tests/test_cache.py

The test command shuffles the order of modules and tests on every run (pytest-randomly), but
every module there is collected, and so imported, by the same process. This runs each
module with nothing else loaded before it: what a developer gets with `pytest tests/x.py`.
One line per module (its exit status and seconds), then the failures' output; exit 1 when
any module fails. Not part of the test command: it takes as long as the whole suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_alone(module: Path) -> tuple[Path, int, float, str]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", str(module)],
                          cwd=REPO, capture_output=True, text=True)
    return module, proc.returncode, time.monotonic() - start, proc.stdout[-3000:] + proc.stderr[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    modules = args.modules or sorted((REPO / "tests").rglob("test_*.py"))
    failed = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for module, status, seconds, output in pool.map(run_alone, modules):
            print(f"{status:>3}  {seconds:7.1f} s  {module.relative_to(REPO) if module.is_absolute() else module}",
                  flush=True)
            if status != 0:
                failed.append((module, output))
    for module, output in failed:
        print(f"\n== {module}\n{output}")
    print(f"\n{len(modules) - len(failed)} of {len(modules)} modules pass alone")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
