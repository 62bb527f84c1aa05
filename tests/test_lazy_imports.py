"""`--version` and a run served wholly from the cache never load libcst (the speed of a warm run rests on it).

Each case runs the real command line in a fresh interpreter, with a wrapper that reports
which libcst modules got loaded; the cold run is the check that the probe can see a load.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import clean_env, probe as _probe, write

from twelvecheck.run.cache import CACHE_FORMAT_DIR

REPO = Path(__file__).resolve().parents[1]

def test_version_does_not_load_libcst(tmp_path):
    out, loaded = _probe(tmp_path, "--version")
    assert "twelvecheck" in out
    assert loaded == {"libcst": [], "engine": False, "others": [], "twelvecheck": []}


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


def test_a_replayed_run_loads_no_rule_and_no_whole_program_pass(project):
    """Nothing changed since the last run like it: the run record answers (replay.py)."""
    shutil.copytree(REPO / "fixtures" / "sample-app", project / "app")
    cold_out, cold = _probe(project, "app", "--format", "json")
    assert cold["twelvecheck"] == ["twelvecheck.checks", "twelvecheck.deploy.process_model", "twelvecheck.run.analysis"]
    warm_out, warm = _probe(project, "app", "--format", "json")
    assert warm == {"libcst": [], "engine": False, "others": [], "twelvecheck": []}
    assert warm_out == cold_out and json.loads(warm_out)["findings"]


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


def test_a_replayed_run_of_a_project_without_toml_reads_no_toml(project):
    """The rule documents' front matter comes parsed from the cache folder; TOML is read only
    for a project's own pyproject.toml. The memo is keyed by the text it parsed, so a
    corrupt one costs the parse and changes nothing."""
    shutil.copytree(REPO / "fixtures" / "sample-app", project / "app")
    cold_out, cold = _probe(project, "app", "--format", "json", watch=("tomllib", "tomli", "configparser"))
    assert set(cold["watched"]) & {"tomllib", "tomli"}  # the probe sees the documents parsed
    warm_out, warm = _probe(project, "app", "--format", "json", watch=("tomllib", "tomli", "configparser"))
    assert warm["watched"] == [] and warm_out == cold_out
    _probe(project, "app", "--select", "TWC2")  # selectors on the command line name the documents
    _, selected = _probe(project, "app", "--select", "TWC2", watch=("tomllib", "tomli"))
    assert selected["watched"] == []
    memo = project / ".twelvecheck_cache" / CACHE_FORMAT_DIR / "front-matter.json"
    parsed = json.loads(memo.read_text())
    assert len(parsed) == len(list((REPO / "rules").glob("TWC*.md")))
    for broken in ("{not json", json.dumps({text: {"code": "TWC999"} for text in parsed})):
        memo.write_text(broken)
        (project / "app" / "extra.py").write_text(f"x = {len(broken)}\n")  # not answered from the record
        out, _ = _probe(project, "app", "--format", "json")
        assert json.loads(out)["findings"] == json.loads(cold_out)["findings"]
        assert json.loads(memo.read_text()) == parsed  # parsed again, and kept


def test_the_garbage_collector_is_off_until_files_are_analysed(project):
    """twelvecheck/__main__.py turns it off before the command line loads; a replayed run
    never turns it on, an analysing one does (run/runner.py)."""
    write(project, "app.py", "import logging\nlogging.FileHandler('x.log')\n")
    script = ("import gc, os, sys\n"
              "import twelvecheck.__main__ as entry\n"
              "from twelvecheck.cli import main as cli\n"
              "cli._end = lambda code: (sys.stderr.write(f'gc={gc.isenabled()}\\n'), os._exit(0))\n"
              "sys.argv = ['twelvecheck', '.']\n"
              "entry.main()\n")
    said = [subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                           env=clean_env(), timeout=120).stderr.strip().splitlines()[-1] for _ in range(2)]
    assert said == ["gc=True", "gc=False"]  # analysed, then answered from the run record


def test_a_replayed_text_run_makes_no_dataclass_and_loads_neither_openssl_nor_other_reports(project):
    """A dataclass compiles its methods at import and ``hashlib`` loads OpenSSL: 10 ms of a
    70 ms warm run on Django. The types a replay makes are written out (core/values.py), its
    key is hashed with CPython's own SHA-256 (core/digest.py), and report formats other than
    the one asked for are not loaded."""
    shutil.copytree(REPO / "fixtures" / "sample-app", project / "app")
    watch = ("dataclasses", "hashlib", "twelvecheck.reports.json", "twelvecheck.reports.sarif",
             "twelvecheck.reports.ci")
    cold_out, cold = _probe(project, "app", watch=watch)
    assert {"dataclasses", "hashlib"} <= set(cold["watched"])  # the analysis does load them
    time.sleep(2.2)  # files this fresh are read again for their digest (cache._SETTLED_NS)...
    _probe(project, "app")  # ...until a replay records their settled stat
    warm_out, warm = _probe(project, "app", watch=watch)
    assert warm["watched"] == [] and warm_out == cold_out and "TWC" in warm_out
    sarif_out, sarif = _probe(project, "app", "--format", "sarif", watch=watch)
    assert sarif["watched"] == ["twelvecheck.reports.sarif"] and json.loads(sarif_out)["runs"][0]["results"]
