"""`--version` and a run served wholly from the cache never load libcst (issue 7).

Each case runs the real command line in a fresh interpreter, with a wrapper that reports
which libcst modules got loaded; the cold run is the check that the probe can see a load.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import clean_env, write

REPO = Path(__file__).resolve().parents[1]

# Runs the command line, then prints what it loaded as the last line of stderr.
_PROBE = """
import json, sys
from twelvecheck.cli import run
sys.argv = ["twelvecheck", *sys.argv[1:]]
try:
    run()
except SystemExit:
    pass
loaded = sorted(name for name in sys.modules if name.startswith("libcst") and name != "libcst")
engine = "twelvecheck.engine" in sys.modules
others = sorted(name for name in ("yaml", "concurrent.futures.process") if name in sys.modules)
sys.stderr.write("\\n" + json.dumps({"libcst": loaded, "engine": engine, "others": others}) + "\\n")
"""


def _probe(cwd: Path, *args: str) -> tuple[str, dict]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          env=clean_env(), timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout, json.loads(proc.stderr.strip().splitlines()[-1])


def test_version_does_not_load_libcst(tmp_path):
    out, loaded = _probe(tmp_path, "--version")
    assert "twelvecheck" in out
    assert loaded == {"libcst": [], "engine": False, "others": []}


def test_a_fully_cached_run_does_not_load_libcst_and_reports_the_same(project):
    shutil.copytree(REPO / "fixtures" / "sample-app", project / "app")
    write(project, "Procfile", "web: gunicorn app.web:app\nworker: python -m app.worker\n")
    cold_out, cold = _probe(project, "app", "--format", "json")
    assert cold["libcst"] and cold["engine"]  # the probe sees a load when there is one
    warm_out, warm = _probe(project, "app", "--format", "json")
    # The engine still reads the Procfile (never cached: it is cheap and depends on the files
    # around it), which needs no syntax tree.
    assert warm["libcst"] == []
    assert warm_out == cold_out
    assert json.loads(warm_out)["findings"]  # the cached run still reports the sample's findings


def test_one_changed_file_loads_libcst_again(project):
    write(project, "app.py", "import logging\nlogging.FileHandler('x.log')\n")
    write(project, "other.py", "print('hi')\n")
    _probe(project, ".")
    write(project, "app.py", "import logging\nlogging.FileHandler('y.log')\n")
    out, loaded = _probe(project, ".")
    assert loaded["libcst"] and "TWC201" in out


def test_a_fully_cached_run_without_deployment_files_loads_neither_yaml_nor_a_process_pool(project):
    """PyYAML reads Procfiles, app.json and YAML logging configs; the pool runs analyses: a
    warm run of plain Python files needs neither (about 40 ms of imports)."""
    for index in range(30):  # enough files for a process pool on the cold run
        write(project, f"pkg/m{index}.py", "import logging\nlogging.FileHandler('x.log')\n")
    cold_out, cold = _probe(project, "--jobs", "2", "--format", "json", ".")
    assert cold["others"] == ["concurrent.futures.process"]  # the probe sees a load when there is one
    warm_out, warm = _probe(project, "--jobs", "2", "--format", "json", ".")
    assert warm["others"] == [] and warm["libcst"] == []
    assert warm_out == cold_out
