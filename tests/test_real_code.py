"""Real code, real CLI: the shared labelled corpus (the standard library is test_stdlib.py).

Slow-ish (about a minute on two cores); it runs in CI because it is the evidence that
twelvecheck is precise on labelled code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EVALUATE = SHARED / "corpus" / "evaluate.py"


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


def _manifest() -> list[dict[str, str]]:
    rows = [line.split("\t") for line in (SHARED / "corpus" / "manifest.tsv").read_text().splitlines()]
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_corpus_clean_projects_have_no_findings(corpus_scores, tmp_path):
    """Every project the manifest calls clean (in the development half) gives no finding on
    its scored roots, with the manifest's exclusions applied as the scorer applies them."""
    corpus = Path.home() / ".cache" / "twelvecheck-corpus"
    clean = [row for row in _manifest() if row["kind"] == "clean" and row["set"] == "dev"]
    assert clean, "the manifest lists no clean project in the development half"
    for row in clean:
        tree = corpus / f"{row['package']}-{row['version']}"
        roots = [tree / root for root in row["scored_roots"].split(",")]
        excluded = [f"/{part}" for part in row["excluded_within"].split(",") if part not in ("", "-")]
        proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--format", "json",
                               *(["--extend-exclude", ",".join(excluded)] if excluded else []), *map(str, roots)],
                              cwd=tree, capture_output=True, text=True, timeout=600)
        report = json.loads(proc.stdout)
        assert report["summary"]["files_scanned"] > 10, row["package"]
        assert report["findings"] == [], row["package"]
        assert proc.returncode == 0


def test_corpus_findings_are_the_same_without_the_prefilters(corpus_scores, tmp_path):
    """Every dev-set sdist's scored code: the prefilters change what is parsed, not what is found."""
    corpus = Path.home() / ".cache" / "twelvecheck-corpus"
    checked = 0
    for row in _manifest():
        tree = corpus / f"{row['package']}-{row['version']}"
        if row["set"] != "dev" or not tree.is_dir():
            continue
        roots = [root for root in row["scored_roots"].split(",") if (tree / root).exists()]
        outputs = [subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", *extra, "--format", "json",
                                   *roots], cwd=tree, capture_output=True, text=True, timeout=600).stdout
                   for extra in ([], ["--no-prefilter"])]
        assert outputs[0] == outputs[1], row["package"]
        checked += 1
    assert checked >= 10
