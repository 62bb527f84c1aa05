#!/usr/bin/env python3
"""``twelvecheck --fix --unsafe-fixes`` over copies of real trees, checked file by file.

    python scripts/fix_run.py                                   # stdlib, corpus sdists, corpus Procfiles
    python scripts/fix_run.py path/to/tree --procfiles ../shared/corpus/procfiles

Each tree is copied to a scratch folder (the originals are never written). The script runs
``twelvecheck --format json`` on the copy to learn which files have a fix, then ``--fix
--unsafe-fixes``, then compares every file of the copy with the original: a changed file
must be one with a fix, and a changed ``.py`` must still compile (``ast.parse`` of its bytes,
so its coding cookie is honoured). A third run reports what is left. Prints one Markdown row
per tree; exit 1 when any check failed. Not a test: the counts go into the README's Fixes section.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

CORPUS_CACHE = Path.home() / ".cache" / "twelvecheck-corpus"
SHARED_PROCFILES = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "procfiles"


def twelvecheck(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """A run in ``cwd`` over ``.``: the report's paths are relative to the tree."""
    return subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", "--exit-zero", *args, "."],
                          capture_output=True, text=True, cwd=cwd)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def check_tree(name: str, source: Path, scratch: Path, procfiles: bool = False) -> tuple[str, bool]:
    copy = scratch / name
    if procfiles:  # owner__repo__Procfile -> owner__repo/Procfile, so discovery sees a Procfile
        for path in sorted(source.iterdir()):
            (copy / path.name).mkdir(parents=True)
            shutil.copyfile(path, copy / path.name / "Procfile")
    else:
        shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    before = snapshot(copy)
    report = json.loads(twelvecheck(copy, "--format", "json").stdout)
    fixable = {f["path"] for f in report["findings"] if f["fix"]}
    with_fix = sum(1 for f in report["findings"] if f["fix"])
    fixed = twelvecheck(copy, "--fix", "--unsafe-fixes", "-q")
    after = snapshot(copy)
    changed = sorted(path for path in after if after[path] != before.get(path))
    outside = [path for path in changed if path not in fixable]
    broken = []
    for path in changed:
        if path.endswith(".py"):
            try:
                ast.parse(after[path])
            except (SyntaxError, ValueError) as exc:
                broken.append(f"{path}: {exc}")
    left = json.loads(twelvecheck(copy, "--format", "json").stdout)
    left_with_fix = sum(1 for f in left["findings"] if f["fix"])
    errors = [line for line in fixed.stderr.splitlines() if "error" in line]
    for problem in [*outside, *broken, *errors]:
        print(f"  {name}: {problem}", file=sys.stderr)
    ok = not outside and not broken and not errors and left_with_fix == 0
    row = (f"| {name} | {report['summary']['files_scanned']} | {len(report['findings'])} | {with_fix} | "
           f"{len(fixable)} | {len(changed)} | {len(outside)} | {len(broken)} | {len(left['findings'])} | "
           f"{left_with_fix} | {len(errors)} |")
    return row, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path, help="trees to copy and fix (default: see above)")
    parser.add_argument("--procfiles", type=Path, default=None, help="a folder of Procfiles named owner__repo__Procfile")
    args = parser.parse_args()
    trees = args.trees
    procfiles = args.procfiles
    if not trees and procfiles is None:
        trees = [Path(sysconfig.get_paths()["stdlib"])]
        trees += sorted(p for p in CORPUS_CACHE.glob("*-*") if p.is_dir() and p.name != "_downloads")
        procfiles = SHARED_PROCFILES if SHARED_PROCFILES.is_dir() else None
    print("| tree | files | findings | with a fix | files with a fix | files changed | changed without a fix "
          "| changed files that do not parse | findings left | fixes left | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    all_ok = True
    with tempfile.TemporaryDirectory() as scratch:
        for tree in trees:
            row, ok = check_tree(tree.name, tree, Path(scratch))
            print(row, flush=True)
            all_ok &= ok
        if procfiles is not None:
            row, ok = check_tree("procfiles", procfiles, Path(scratch), procfiles=True)
            print(row, flush=True)
            all_ok &= ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
