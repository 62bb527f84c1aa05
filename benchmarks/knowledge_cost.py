#!/usr/bin/env python3
"""What the knowledge data and the plugin scan cost a warm run (issue 21: under 20 ms).

    python benchmarks/knowledge_cost.py [--runs 21] [--twelvecheck PATH]

Three measures, each the median of --runs whole processes, interleaved so that the machine's
load falls on every variant alike:

- warm runs of fixtures/platform-service copied twice to a scratch folder: once as it is
  (a `[tool.twelvecheck.knowledge]` table with four entries), once with that table left
  out; neither copy has local rules, so no plugin or local rule is loaded ("zero plugins");
- in a fresh interpreter that has imported the command line, importing the knowledge
  reader with tomllib (what that adds), then reading and
  parsing every built-in knowledge file (`twelvecheck.config.knowledge.builtin`): what a
  run that loads the rules pays (a cold run, and a warm run that takes the per-file cache's
  way: a project with a Procfile); a warm run answered from its run record loads neither;
- in a fresh interpreter, the scan for installed plugins (`core.plugins.plugins_installed`).

Nothing here is a test: the figures go into benchmarks/README.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "platform-service"

LOAD_KNOWLEDGE = """
import time
import twelvecheck.cli.main  # what every run imports first
start = time.perf_counter()
from twelvecheck.config import knowledge
from twelvecheck.core import toml
toml.loads("")
imported = time.perf_counter()
for name in knowledge.builtin_files():
    knowledge.builtin(name)
print(imported - start, time.perf_counter() - imported)
"""
SCAN_PLUGINS = """
import time
start = time.perf_counter()
from twelvecheck.core.plugins import plugins_installed
plugins_installed()
print(time.perf_counter() - start)
"""


def project_copies(scratch: Path) -> dict[str, Path]:
    """The fixture with its knowledge table and without it, both without local rules."""
    copies = {}
    text = (FIXTURE / "pyproject.toml").read_text(encoding="utf-8")
    no_rules = re.sub(r"(?m)^local-rules = .*\n", "", text)
    without = no_rules.split("[tool.twelvecheck.knowledge]")[0]
    for name, config in (("with knowledge entries", no_rules), ("without", without)):
        target = scratch / name.replace(" ", "-")
        shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("tools", ".twelvecheck_cache"))
        (target / "pyproject.toml").write_text(config, encoding="utf-8")
        copies[name] = target
    return copies


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def in_process(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [float(part) for part in out.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--twelvecheck", default=str(Path(sys.executable).with_name("twelvecheck")),
                        help="the console script to time (default: beside this Python)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        copies = project_copies(Path(scratch))
        command = [args.twelvecheck, "check", "--exit-zero", "."]
        for folder in copies.values():  # a first run to write the record, a second to settle
            timed(command, folder)
            timed(command, folder)
        samples: dict[str, list[float]] = {name: [] for name in copies}
        for name in ("import the reader and tomllib", "parse every knowledge file", "scan for plugins"):
            samples[name] = []
        for _ in range(args.runs):
            for name, folder in copies.items():
                samples[name].append(timed(command, folder))
            imported, parsed = in_process(LOAD_KNOWLEDGE)
            samples["import the reader and tomllib"].append(imported)
            samples["parse every knowledge file"].append(parsed)
            samples["scan for plugins"].extend(in_process(SCAN_PLUGINS))
    print(f"{args.runs} interleaved runs, medians (ms):")
    for name, values in samples.items():
        print(f"  {name:30} {statistics.median(values) * 1000:7.1f}")
    added = statistics.median(samples["with knowledge entries"]) - statistics.median(samples["without"])
    print(f"  {'warm run, entries added':30} {added * 1000:+7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
