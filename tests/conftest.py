"""Shared fixtures for the tests that drive the real command line.

``project`` is a fresh directory that looks like a repository (it has a ``.git``
folder, so .gitignore lookups stop there); the test fails early if a configuration file
above the temporary directory would leak into it. ``run`` starts
``python -m twelvecheck`` in a subprocess in that directory and fails the test on any
traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run as run_checks

FILE_HANDLER = 'import logging\nlogging.FileHandler("app.log")\n'  # TWC201 on 2:1
BASIC_CONFIG = 'import logging\nlogging.basicConfig(filename="x")\n'  # TWC202 on 2:1
CLEAN = "import logging\nlogging.getLogger(__name__).info('hi')\n"

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE_RE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)

_SCRUBBED_ENV = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TWELVECHECK_DEBUG")


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED_ENV}
    env.update(extra)
    return env


def quick_start_commands() -> list[str]:
    """The ``sh`` commands of the README's quick start: install and run, install and test."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def readme_examples() -> list[tuple[str, str]]:
    """(command, shown output) of every README block whose first line is ``$ twelvecheck ...``."""
    found = []
    for _, body in FENCE_RE.findall(README):
        first, _, shown = body.partition("\n")
        if first.startswith("$ twelvecheck "):
            found.append((first[2:], shown))
    return found


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                          cwd=cwd, check=True, capture_output=True, text=True)


def write(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def cases_of_several_modules(selects) -> list:
    """Every case with ``files`` of the rules ``selects(rule)`` accepts, as pytest params
    (``code``, ``case``) named ``<code>-<index>``."""
    from twelvecheck.engine.registry import load_rules

    return [pytest.param(code, case, id=f"{code}-{index}")
            for code, rule in sorted(load_rules().items()) if selects(rule)
            for index, case in enumerate([*rule.VALID, *rule.INVALID]) if case.files]


def findings_with_and_without_prefilter(tmp_path: Path, code: str, case) -> list[list]:
    """Run a rule case's files (a repository under ``tmp_path``) with the prefilter and
    without it: the findings of each run, in that order."""
    root = tmp_path / "app"
    (root / ".git").mkdir(parents=True)
    files = dict(case.files)
    files[case.filename or "app.py"] = case.source
    for name, text in files.items():
        write(root, name, text)
    return [run_checks(Settings(paths=[str(root)], select=[code], cwd=root, root=root, prefilter=prefilter)).findings
            for prefilter in (True, False)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    from twelvecheck.config.loading import find_config

    leak = find_config(tmp_path)
    assert leak is None, f"{leak} is above the test directory and would configure every test run"
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def run(project: Path):
    def _run(*args: str, cwd: Path | None = None, input: bytes | str | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        if isinstance(input, str):
            input = input.encode("utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "twelvecheck", *args],
            cwd=cwd or project,
            input=input if input is not None else b"",
            capture_output=True,
            env=env if env is not None else clean_env(),
            timeout=120,
        )
        proc.stdout = proc.stdout.decode("utf-8")
        proc.stderr = proc.stderr.decode("utf-8")
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stdout, proc.stdout
        return proc

    return _run


def pytest_terminal_summary(terminalreporter) -> None:
    """Figures the corpus tests record (``record_property("figure", ...)``), shown after the
    run: they travel with the reports, so they survive xdist's captured workers."""
    figures = [value for reports in terminalreporter.stats.values() for report in reports
               for name, value in getattr(report, "user_properties", ()) if name == "figure"]
    if figures:
        terminalreporter.section("figures")
        for figure in sorted(set(figures)):
            terminalreporter.write_line(figure)


# Runs the command line, then prints what it loaded as the last line of stderr.
_PROBE = """
import json, os, sys
from twelvecheck.cli.main import run
sys.argv = ["twelvecheck", *sys.argv[1:]]
try:
    run()
except SystemExit:
    pass
loaded = sorted(name for name in sys.modules if name.startswith("libcst") and name != "libcst")
engine = "twelvecheck.engine.analyze" in sys.modules
others = sorted(name for name in ("yaml", "concurrent.futures.process") if name in sys.modules)
ours = sorted(name for name in ("twelvecheck.checks", "twelvecheck.deploy.process_model", "twelvecheck.run.analysis")
              if name in sys.modules)
watched = sorted(name for name in os.environ.get("TWELVECHECK_PROBE_WATCH", "").split(",") if name in sys.modules)
sys.stderr.write("\\n" + json.dumps({"libcst": loaded, "engine": engine, "others": others,
                                    "twelvecheck": ours, "watched": watched}) + "\\n")
"""


def probe(cwd: Path, *args: str, watch: tuple[str, ...] = ()) -> tuple[str, dict]:
    """Run the command line in ``cwd``: its stdout, and which of the modules that tell how it
    ran it loaded (libcst, the engine, PyYAML, a process pool, the whole-program pass, and
    the ``watch`` modules, under "watched")."""
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          env=clean_env(TWELVECHECK_PROBE_WATCH=",".join(watch)), timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    loaded = json.loads(proc.stderr.strip().splitlines()[-1])
    if not watch:
        del loaded["watched"]
    return proc.stdout, loaded


def report_json(run, *args: str) -> dict:
    """The JSON report of an uncached run of the real command line (findings or not)."""
    result = run("--no-cache", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
