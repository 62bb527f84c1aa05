"""fixtures/procfiles/: deployments on which exactly one Procfile or formation rule fires,
with every rule enabled, and near misses per family that stay clean; each through the real
command line. (Each rule's own cases, which every rule has, run with that rule alone.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from twelvecheck.core.ruledocs import load_rule_docs

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "fixtures" / "procfiles"
CASES = sorted(p.name for p in FOLDER.iterdir() if p.is_dir())
DEPLOYMENT_CODES = sorted(code for code, doc in load_rule_docs().items() if doc.family in ("procfile", "formation"))


def findings(folder: str) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--format", "json", "--fail-on", "info",
                           f"fixtures/procfiles/{folder}"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert proc.returncode == (1 if report["findings"] else 0), proc.stderr
    return report["findings"]


FIXTURE_CODES = [name for name in CASES if name.startswith("TWC")]


def test_fixture_folders_are_named_after_procfile_and_formation_rules():
    assert FIXTURE_CODES, "no fixture folder"
    assert set(FIXTURE_CODES) <= set(DEPLOYMENT_CODES), set(FIXTURE_CODES) - set(DEPLOYMENT_CODES)
    assert {"near-miss-syntax", "near-miss-commands", "near-miss-formation"} <= set(CASES)


@pytest.mark.parametrize("code", FIXTURE_CODES)
def test_exactly_that_rule_fires(code):
    found = findings(code)
    assert found, f"{code} did not fire on fixtures/procfiles/{code}"
    assert {f["code"] for f in found} == {code}, found


@pytest.mark.parametrize("folder", [name for name in CASES if name.startswith("near-miss-")])
def test_near_misses_are_clean(folder):
    assert findings(folder) == []
