#!/usr/bin/env python3
"""Time twelvecheck against the libcst parse floor and its peers, in one run, on one machine.

    python benchmarks/bench.py                       # stdlib and Django, 3 runs each
    python benchmarks/bench.py --corpus stdlib --runs 5
    python benchmarks/bench.py --corpus path/to/tree --no-peers

Every figure is a whole process (start-up included): the median of --runs runs of wall
time, CPU time (user + system, children included) and peak RSS (the largest process:
with --jobs N that is one worker or the parent). Ratios are to the single-process libcst
`parse_module` of every file, the floor a libcst-based linter has to beat. The corpora are
copied to a scratch folder first, so the cache and the "touch one file" step never write
into the real tree. Peers (fixit, bandit, ruff) are pinned and installed into
benchmarks/.venv on first use; pass --no-peers to skip them.

Nothing here is a test: the figures go into benchmarks/README.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = {"fixit": "fixit==2.1.0", "bandit": "bandit==1.8.6", "ruff": "ruff==0.14.4"}
DJANGO = "Django==5.2.8"


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Row:
    step: str
    samples: list[Sample]
    note: str = ""

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)


# -- the in-process steps, run as `bench.py --step NAME DIR` in a fresh interpreter ------
def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def _step(name: str, root: Path) -> None:
    files = _python_files(root)
    if name == "read":
        for path in files:
            path.read_bytes()
    elif name == "ast":
        import ast
        import warnings

        warnings.simplefilter("ignore")
        for path in files:
            try:
                ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                pass
    elif name == "libcst":
        import libcst

        for path in files:
            try:
                libcst.parse_module(path.read_bytes())
            except Exception:  # noqa: BLE001 - the floor counts the attempt, failures included
                pass
    else:
        raise SystemExit(f"unknown step {name}")


# -- measuring -----------------------------------------------------------------------------
def measure(command: list[str], cwd: Path, before=None) -> Sample:
    if before is not None:
        before()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux: the child's rusage includes the children it waited for (a pool's workers).
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def repeat(step: str, command: list[str], cwd: Path, runs: int, before=None, note: str = "") -> Row:
    samples = [measure(command, cwd, before) for _ in range(runs)]
    row = Row(step, samples, note)
    print(f"  {step:<42} {row.median('wall'):8.2f} s wall {row.median('cpu'):8.2f} s cpu "
          f"{row.median('rss_mb'):7.0f} MB", file=sys.stderr, flush=True)
    return row


# -- corpora -------------------------------------------------------------------------------
def prepare_corpus(name: str, scratch: Path) -> Path:
    target = scratch / name.replace("/", "_")
    if name == "stdlib":
        source = Path(sysconfig.get_paths()["stdlib"])
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"),
                        symlinks=True)
    elif name == "django":
        download = scratch / "download"
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "-d", str(download), DJANGO], check=True)
        archive = next(download.glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(scratch / "django-sdist", filter="data")
        package = next((scratch / "django-sdist").glob("*/django"))
        shutil.copytree(package, target)
    else:
        shutil.copytree(Path(name), target, symlinks=True)
    (target / ".git").mkdir(exist_ok=True)  # the tree's root, as in a repository
    return target


def peer_binaries(install: bool) -> dict[str, Path]:
    venv = HERE / ".venv"
    binaries = {name: venv / "bin" / name for name in PEERS}
    if all(path.exists() for path in binaries.values()):
        return binaries
    if not install:
        return {}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *PEERS.values()], check=True)
    return binaries


# -- one corpus ----------------------------------------------------------------------------
def bench_corpus(name: str, scratch: Path, runs: int, peers: dict[str, Path], doubled: bool,
                 peer_runs: int | None = None) -> list[Row]:
    tree = prepare_corpus(name, scratch)
    files = _python_files(tree)
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"{name}: {len(files)} files, {lines} lines", file=sys.stderr)
    me = [sys.executable, str(Path(__file__).resolve()), "--step"]
    twelvecheck = [sys.executable, "-m", "twelvecheck", "check", "--exit-zero", "--quiet", "--no-color"]
    cache = scratch / f"cache-{tree.name}"

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    touched = files[len(files) // 2]
    original = touched.read_bytes()
    counter = iter(range(10**6))

    def touch_one() -> None:
        touched.write_bytes(original + f"\n# touched {next(counter)}\n".encode())

    rows = [
        repeat("read every file", [*me, "read", str(tree)], tree, runs),
        repeat("ast.parse every file", [*me, "ast", str(tree)], tree, runs),
        repeat("libcst parse_module, 1 process (floor)", [*me, "libcst", str(tree)], tree, runs),
        repeat("twelvecheck cold (default jobs)", [*twelvecheck, "--cache-dir", str(cache), "."], tree, runs,
               before=clear_cache),
        repeat("twelvecheck cold --no-cache --jobs 1", [*twelvecheck, "--no-cache", "--jobs", "1", "."], tree, runs),
        repeat("twelvecheck cold --no-cache --no-prefilter", [*twelvecheck, "--no-cache", "--no-prefilter", "."],
               tree, runs),
    ]
    subprocess.run([*twelvecheck, "--cache-dir", str(cache), "."], cwd=tree, capture_output=True)
    rows.append(repeat("twelvecheck warm (nothing changed)", [*twelvecheck, "--cache-dir", str(cache), "."],
                       tree, runs))
    rows.append(repeat("twelvecheck after touching one file", [*twelvecheck, "--cache-dir", str(cache), "."],
                       tree, runs, before=touch_one))
    touched.write_bytes(original)
    rows.append(_identical_outputs(twelvecheck, tree, cache))
    if doubled:
        twice = scratch / f"{tree.name}-doubled"
        shutil.copytree(tree, twice / "a", symlinks=True)
        shutil.copytree(tree, twice / "b", symlinks=True)
        (twice / ".git").mkdir()
        twice_cache = scratch / f"cache-{tree.name}-doubled"
        rows.append(repeat("twelvecheck cold, corpus doubled", [*twelvecheck, "--cache-dir", str(twice_cache), "."],
                           twice, runs, before=lambda: shutil.rmtree(twice_cache, ignore_errors=True)))
    peer_runs = peer_runs or runs
    if "fixit" in peers:
        rows.append(repeat("fixit lint (default rules)", [str(peers["fixit"]), "lint", "."], tree, peer_runs))
    if "bandit" in peers:
        rows.append(repeat("bandit -r", [str(peers["bandit"]), "-q", "-r", "."], tree, peer_runs))
    if "ruff" in peers:
        rows.append(repeat("ruff check --no-cache", [str(peers["ruff"]), "check", "--no-cache", "--isolated",
                                                      "--exit-zero", "."], tree, peer_runs))
    return rows


def _identical_outputs(twelvecheck: list[str], tree: Path, cache: Path) -> Row:
    """Output bytes for --jobs 1 and default, cache on and off, prefilter on and off: all equal."""
    outputs = set()
    for extra in (["--no-cache", "--jobs", "1"], ["--no-cache"], ["--cache-dir", str(cache)],
                  ["--cache-dir", str(cache), "--jobs", "1"], ["--no-cache", "--no-prefilter"]):
        proc = subprocess.run([*twelvecheck, "--format", "json", *extra, "."], cwd=tree, capture_output=True)
        outputs.add(proc.stdout)
    verdict = "identical" if len(outputs) == 1 else f"DIFFERENT ({len(outputs)} variants)"
    print(f"  output for jobs 1/N, cache on/off, prefilter on/off: {verdict}", file=sys.stderr)
    return Row("output, jobs 1/N x cache on/off x prefilter on/off", [], verdict)


def table(name: str, rows: list[Row]) -> str:
    floor = next(r for r in rows if "floor" in r.step).median("wall")
    cold = next(r for r in rows if r.step.startswith("twelvecheck cold (")).median("wall")
    out = [f"### {name}", "", "| step | wall (s) | CPU (s) | peak RSS (MB) | × floor | × cold |",
           "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        if not row.samples:
            out.append(f"| {row.step} | {row.note} | | | | |")
            continue
        wall = row.median("wall")
        out.append(f"| {row.step} | {wall:.2f} | {row.median('cpu'):.2f} | {row.median('rss_mb'):.0f} | "
                   f"{wall / floor:.2f} | {wall / cold:.3f} |")
    return "\n".join(out)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        _step(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", help="stdlib, django or a folder (default: stdlib and django)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-runs", type=int, help="runs of fixit, bandit and ruff (default: --runs); "
                        "fixit takes about 15 minutes on the whole standard library")
    parser.add_argument("--no-peers", action="store_true", help="skip fixit, bandit and ruff")
    parser.add_argument("--no-doubled", action="store_true", help="skip the doubled-corpus scaling run")
    args = parser.parse_args()
    peers = {} if args.no_peers else peer_binaries(install=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="twelvecheck-bench-") as scratch:
        for name in args.corpus or ["stdlib", "django"]:
            rows = bench_corpus(name, Path(scratch), args.runs, peers, not args.no_doubled, args.peer_runs)
            print(table(name, rows) + "\n", flush=True)


if __name__ == "__main__":
    main()
