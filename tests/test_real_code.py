"""Real code, real CLI: this interpreter's standard library and the shared labelled corpus.

Both are slow-ish (about a minute each on two cores); they run in CI because they are the
evidence that twelvecheck survives real trees and is precise on labelled code.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVALUATE = SHARED / "corpus" / "evaluate.py"
SKIPPED_DIRS = {"site-packages", "__pycache__", "build", "dist", "node_modules", "venv", ".venv"}


def _stdlib_files_python_rejects(root: Path) -> set[str]:
    rejected = set()
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS
                   and not (Path(directory, d) / "pyvenv.cfg").exists()]
        for name in files:
            if name.endswith(".py"):
                path = Path(directory, name)
                try:
                    ast.parse(path.read_bytes())
                except (SyntaxError, ValueError):
                    rejected.add(path.as_posix())
    return rejected


def test_standard_library_runs_clean_and_every_unparseable_file_is_twc001(tmp_path):
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    proc = subprocess.run(
        [sys.executable, "-m", "twelvecheck", "--format", "json", str(stdlib)],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert report["summary"]["files_scanned"] > 500
    parse_errors = {f["path"] for f in report["findings"] if f["code"] == "TWC001"}
    rejected = _stdlib_files_python_rejects(stdlib)
    # Every file CPython rejects is a TWC001; any other TWC001 is valid Python libcst
    # cannot read, and says so.
    assert rejected <= parse_errors
    for finding in report["findings"]:
        if finding["code"] == "TWC001" and finding["path"] not in rejected:
            assert "libcst cannot parse" in finding["message"], finding
    print(f"\nstandard library: {report['summary']['files_scanned']} files, "
          f"{len(parse_errors)} TWC001, {report['summary']['findings']} findings")


@pytest.fixture(scope="module")
def corpus_scores(tmp_path_factory):
    if not EVALUATE.is_file():
        pytest.skip(f"the shared corpus is not here ({EVALUATE} is missing)")
    out = tmp_path_factory.mktemp("corpus") / "scores.json"
    command = f"{sys.executable} -m twelvecheck"
    proc = subprocess.run([sys.executable, str(EVALUATE), "--cmd", command, "--json", str(out), "--verbose"],
                          capture_output=True, text=True, timeout=1200)
    if proc.returncode == 2 and "analyzer failed" not in proc.stderr:
        pytest.skip(f"the corpus could not be fetched: {proc.stderr.strip()[-300:]}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    print("\n" + proc.stdout)
    return json.loads(out.read_text()), proc.stdout


def test_corpus_file_logging_recall_and_precision(corpus_scores):
    scores, _ = corpus_scores
    logging_scores = scores["families"]["file-logging"]
    assert logging_scores["recall"] >= 0.70, logging_scores
    assert logging_scores["precision"] >= 0.80, logging_scores


def test_corpus_clean_projects_have_no_findings(corpus_scores, tmp_path):
    corpus = Path.home() / ".cache" / "twelvecheck-corpus"
    rows = [line.split("\t") for line in (SHARED / "corpus" / "manifest.tsv").read_text().splitlines()]
    header, rows = rows[0], rows[1:]
    clean = [dict(zip(header, row)) for row in rows if dict(zip(header, row))["kind"] == "clean"]
    assert {row["package"] for row in clean} == {"flask", "httpx", "click"}
    for row in clean:
        roots = [corpus / f"{row['package']}-{row['version']}" / root for root in row["scored_roots"].split(",")]
        proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--format", "json", *map(str, roots)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=600)
        report = json.loads(proc.stdout)
        assert report["summary"]["files_scanned"] > 10, row["package"]
        assert report["findings"] == [], row["package"]
        assert proc.returncode == 0
