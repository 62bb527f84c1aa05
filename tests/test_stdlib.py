"""This interpreter's standard library and site-packages, checked whole: no crash, every file
CPython rejects is a TWC001, and the prefilters change nothing.

The prefilter comparison runs on the packages where the rules fire and the call graph is
richest; ``TWELVECHECK_FULL_STDLIB=1`` compares the whole library (about 4 minutes more on
two cores: a release check).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from twelvecheck.fix import apply as fixes
from twelvecheck.core.findings import Fix
from twelvecheck.files.decoding import decode_source

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SKIPPED_DIRS = {"site-packages", "__pycache__", "build", "dist", "node_modules", "venv", ".venv"}
COMPARED = ["asyncio", "concurrent", "http", "logging", "multiprocessing", "xmlrpc", "wsgiref", "email",
            "unittest", "socketserver.py", "subprocess.py", "pydoc.py", "trace.py", "timeit.py", "cProfile.py"]


def _twelvecheck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", "--format", "json", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=1200)


def _files_python_rejects(root: Path) -> set[str]:
    rejected = set()
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS
                   and not (Path(directory, d) / "pyvenv.cfg").exists()]
        for name in files:
            if name.endswith(".py"):
                path = Path(directory, name)
                try:
                    with warnings.catch_warnings():  # invalid escapes in old library files
                        warnings.simplefilter("ignore")
                        ast.parse(path.read_bytes())
                except (SyntaxError, ValueError):
                    rejected.add(path.as_posix())
    return rejected


def _assert_runs_clean(tree: Path, tmp_path: Path, minimum_files: int) -> tuple[dict, set[str]]:
    # Tests too: the standard library's unparseable files are test data (lib2to3/tests/data).
    proc = _twelvecheck("--include-tests", str(tree), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert report["summary"]["files_scanned"] > minimum_files
    parse_errors = {f["path"] for f in report["findings"] if f["code"] == "TWC001"}
    rejected = _files_python_rejects(tree)
    # Every file CPython rejects is a TWC001; any other TWC001 is valid Python libcst
    # cannot read, and says so.
    assert rejected <= parse_errors
    for finding in report["findings"]:
        if finding["code"] == "TWC001" and finding["path"] not in rejected:
            assert "libcst cannot parse" in finding["message"], finding
    _assert_fixes_keep_valid_python(report, tmp_path)
    return report, parse_errors


def _assert_fixes_keep_valid_python(report: dict, cwd: Path) -> None:
    """Every fix the run offers (unsafe ones too), applied to its Python file, leaves valid
    Python: a cheap check of what `--fix --unsafe-fixes` would write (scripts/fix_run.py
    runs the real thing)."""
    by_path: dict[str, list[Fix]] = {}
    for finding in report["findings"]:
        if finding["fix"] is not None and finding["path"].endswith(".py"):
            by_path.setdefault(finding["path"], []).append(Fix.from_json(finding["fix"]))
    for path, offered in by_path.items():
        text = decode_source((cwd / path).read_bytes())
        fixed, applied = fixes.apply(text, offered)
        assert applied and fixed != text, path
        ast.parse(fixed)
    report["fixed_files"] = len(by_path)


def test_standard_library_runs_clean_and_every_unparseable_file_is_twc001(tmp_path, record_property):
    report, parse_errors = _assert_runs_clean(STDLIB, tmp_path, 500)
    record_property("figure", f"standard library ({STDLIB}): {report['summary']['files_scanned']} files, "
                              f"{len(parse_errors)} TWC001, {report['summary']['findings']} findings, 0 crashes, "
                              f"{report['fixed_files']} files with fixes that keep them valid Python")


def test_site_packages_run_clean_and_every_unparseable_file_is_twc001(tmp_path, record_property):
    # The installed third-party code of the interpreter running the tests: in CI, twelvecheck's
    # own dependencies and test tools (libcst, click, jinja2, pytest, hypothesis, playwright, ...).
    site = Path(sysconfig.get_paths()["purelib"])
    if not site.is_dir() or not any(site.glob("*/__init__.py")):
        pytest.skip(f"no installed packages at {site}")
    report, parse_errors = _assert_runs_clean(site, tmp_path, 200)
    record_property("figure", f"site-packages ({site}): {report['summary']['files_scanned']} files, "
                              f"{len(parse_errors)} TWC001, {report['summary']['findings']} findings, 0 crashes, "
                              f"{report['fixed_files']} files with fixes that keep them valid Python")


def test_the_prefilters_change_nothing_on_the_standard_library(tmp_path):
    full = os.environ.get("TWELVECHECK_FULL_STDLIB") == "1"
    paths = [str(STDLIB)] if full else [str(STDLIB / name) for name in COMPARED if (STDLIB / name).exists()]
    assert len(paths) >= 10 or full
    filtered = _twelvecheck(*paths, cwd=tmp_path)
    unfiltered = _twelvecheck("--no-prefilter", *paths, cwd=tmp_path)
    assert "Traceback" not in filtered.stderr + unfiltered.stderr
    assert json.loads(filtered.stdout)["summary"]["findings"] > 0
    assert filtered.stdout == unfiltered.stdout
