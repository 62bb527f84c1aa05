"""Applying fixes: edits and conflicts, and what --fix/--diff must never do to a file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twelvecheck.fix import apply as fixes
from twelvecheck.core.findings import Edit, Finding, Fix, Severity, Span
from twelvecheck.fix.fixer import plan_fixes
from twelvecheck.engine.task import FileTask

REPO = Path(__file__).resolve().parents[1]


def twelvecheck(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, input=stdin, timeout=300)


def edit(line: int, column: int, end_column: int, content: str, end_line: int | None = None) -> Edit:
    return Edit(Span(line, column, end_line or line, end_column), content)


def fix(*edits: Edit, safe: bool = True) -> Fix:
    return Fix("safe" if safe else "unsafe", "test", tuple(edits))


# -- fixes.apply -----------------------------------------------------------------------
def test_apply_keeps_everything_outside_the_edits():
    text = "a = 1\r\nb = 2\rc = 3\n"
    new, applied = fixes.apply(text, [fix(edit(2, 5, 6, "20")), fix(edit(3, 1, 2, "see"))])
    assert new == "a = 1\r\nb = 20\rsee = 3\n"
    assert len(applied) == 2


def test_overlapping_fix_waits_for_the_next_pass():
    text = "gunicorn --daemon &\n"
    first, second = fix(edit(1, 10, 19, "")), fix(edit(1, 17, 20, ""))
    new, applied = fixes.apply(text, [second, first])
    assert applied == [first] and new == "gunicorn &\n"


def test_identical_edits_apply_once_and_different_insertions_at_one_point_conflict():
    text = "import os\nx = 1\n"
    import_sys = edit(2, 1, 1, "import sys\n")
    a, b = fix(import_sys, edit(2, 5, 6, "2")), fix(import_sys)
    new, applied = fixes.apply(text, [a, b])
    assert new == "import os\nimport sys\nx = 2\n" and len(applied) == 2
    other = fix(edit(2, 1, 1, "import signal\n"))
    _, applied = fixes.apply(text, [a, other])
    assert applied == [a]


def test_an_edit_outside_the_text_is_skipped_not_applied_elsewhere():
    new, applied = fixes.apply("x = 1\n", [fix(edit(5, 1, 2, "y")), fix(edit(1, 1, 40, "y"))])
    assert new == "x = 1\n" and applied == []


def test_fix_json_round_trip():
    original = fix(edit(1, 2, 3, "a"), edit(4, 1, 1, "b\n"), safe=False)
    assert Fix.from_json(json.loads(json.dumps(original.to_json()))) == original
    with pytest.raises(ValueError):
        Fix.from_json({"applicability": "maybe", "message": "m", "edits": []})


# -- the fixer ---------------------------------------------------------------------------
def _finding(path: str, span: Span, fix_: Fix, code: str = "TWC202") -> Finding:
    return Finding(code, "x", "logging", Severity.WARNING, "m", path, span, "", fix=fix_)


def test_a_fix_that_breaks_the_file_is_refused(tmp_path):
    source = tmp_path / "app.py"
    source.write_text("import logging\nlogging.basicConfig(filename='a')\n")
    task = FileTask(str(source), "app.py", frozenset({"TWC202"}))
    broken = _finding("app.py", Span(2, 1, 2, 34), fix(edit(2, 20, 21, "((")))
    outcome = plan_fixes([broken], {"app.py": task}, unsafe=False)
    assert outcome.changed_files == []
    assert "would not be valid Python: " in outcome.errors[0].message and outcome.errors[0].path == "app.py"


def test_unsafe_fixes_need_the_flag(tmp_path):
    source = tmp_path / "app.py"
    source.write_text("x = 1\n")
    task = FileTask(str(source), "app.py", frozenset({"TWC201"}))
    finding = _finding("app.py", Span(1, 1, 1, 6), fix(edit(1, 5, 6, "2"), safe=False), "TWC201")
    assert plan_fixes([finding], {"app.py": task}, unsafe=False).changed_files == []
    assert plan_fixes([finding], {"app.py": task}, unsafe=False).unsafe_left == 1
    assert plan_fixes([finding], {"app.py": task}, unsafe=True).changed_files[0].fixed == "x = 2\n"


# -- through the command line ----------------------------------------------------------------
BASIC = "import logging\nlogging.basicConfig(filename='app.log', level=logging.INFO)\n"
FIXED = "import logging\nlogging.basicConfig(level=logging.INFO)\n"


def test_fix_reports_what_is_left_and_exits_by_it(tmp_path):
    (tmp_path / "app.py").write_text(BASIC + "import logging.handlers\nh = logging.FileHandler('a.log')\n")
    result = twelvecheck(tmp_path, "--fix", "--select", "TWC201,TWC202", ".")
    assert result.returncode == 1
    assert "TWC201" in result.stdout and "TWC202" not in result.stdout
    assert "fixed 1 finding in 1 file; 1 more with --fix --unsafe-fixes" in result.stderr
    result = twelvecheck(tmp_path, "--fix", "--unsafe-fixes", "--select", "TWC201,TWC202", ".")
    assert result.returncode == 0, result.stdout
    assert "import sys" in (tmp_path / "app.py").read_text()


def test_files_that_do_not_parse_are_never_touched(tmp_path):
    broken = "import logging\nlogging.basicConfig(filename='app.log')\ndef broken(:\n"
    (tmp_path / "broken.py").write_text(broken)
    (tmp_path / "ok.py").write_text(BASIC)
    result = twelvecheck(tmp_path, "--fix", ".")
    assert (tmp_path / "broken.py").read_text() == broken
    assert (tmp_path / "ok.py").read_text() == FIXED
    assert "TWC001" in result.stdout


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path):
    suppressed = "import logging\nlogging.basicConfig(filename='app.log')  # noqa: TWC202\n"
    (tmp_path / "quiet.py").write_text(suppressed)
    (tmp_path / "old.py").write_text(BASIC)
    assert twelvecheck(tmp_path, "--write-baseline", "baseline.json", ".").returncode == 0
    (tmp_path / "new.py").write_text(BASIC)
    result = twelvecheck(tmp_path, "--fix", "--baseline", "baseline.json", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "quiet.py").read_text() == suppressed
    assert (tmp_path / "old.py").read_text() == BASIC
    assert (tmp_path / "new.py").read_text() == FIXED


def test_line_endings_and_coding_cookie_are_kept(tmp_path):
    crlf = BASIC.replace("\n", "\r\n").encode()
    latin = "# -*- coding: latin-1 -*-\nimport logging\n# café\nlogging.basicConfig(filename='é.log')\n"
    (tmp_path / "crlf.py").write_bytes(crlf)
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    (tmp_path / "Procfile").write_bytes(b"web: gunicorn --daemon app:app\r\nworker: nohup rq worker\r\n")
    result = twelvecheck(tmp_path, "--fix", ".")
    assert result.returncode in (0, 1), result.stderr
    assert (tmp_path / "crlf.py").read_bytes() == FIXED.replace("\n", "\r\n").encode()
    assert (tmp_path / "latin.py").read_bytes() == latin.replace("filename='é.log'", "").encode("latin-1")
    assert (tmp_path / "Procfile").read_bytes() == b"web: gunicorn app:app\r\nworker: rq worker\r\n"


def test_diff_prints_a_patch_and_writes_nothing(tmp_path):
    (tmp_path / "app.py").write_text(BASIC)
    result = twelvecheck(tmp_path, "--diff", ".")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "-logging.basicConfig(filename='app.log', level=logging.INFO)" in result.stdout
    assert (tmp_path / "app.py").read_text() == BASIC
    (tmp_path / "app.py").write_text(FIXED)
    clean = twelvecheck(tmp_path, "--diff", ".")
    assert (clean.returncode, clean.stdout) == (0, "")


@pytest.mark.parametrize("args, message", [
    (["--unsafe-fixes", "."], "--unsafe-fixes needs --fix or --diff"),
    (["--fix", "-"], "cannot read standard input"),
    (["--diff", "--write-baseline", "b.json", "."], "--write-baseline"),
])
def test_fix_usage_errors(tmp_path, args, message):
    result = twelvecheck(tmp_path, *args, stdin="")
    assert result.returncode == 2 and message in result.stderr


@pytest.mark.parametrize("source", [
    # `sys` is something else here: the loguru fix would point at the wrong object.
    "from loguru import logger\nfrom app import sys\nlogger.add('a.log')\n",
    # A subclass may add behaviour the fix would drop.
    "import logging\nclass H(logging.FileHandler):\n    pass\nh = H('a.log')\n",
    # **kwargs may hold more file options.
    "import logging\nopts = {}\nlogging.basicConfig(filename='a.log', **opts)\n",
    # A one-line __main__ block: no place for a statement before the call.
    "import time\ndef run():\n    try:\n        while True:\n            time.sleep(1)\n    except KeyboardInterrupt:\n"
    "        pass\nif __name__ == '__main__': run()\n",
])
def test_near_misses_offer_no_fix(tmp_path, source):
    (tmp_path / "app.py").write_text(source)
    report = json.loads(twelvecheck(tmp_path, "--format", "json", ".").stdout)
    assert report["findings"], "the near miss must still be a finding"
    assert all(finding["fix"] is None for finding in report["findings"]), report["findings"]
    before = (tmp_path / "app.py").read_text()
    twelvecheck(tmp_path, "--fix", "--unsafe-fixes", ".")
    assert (tmp_path / "app.py").read_text() == before


def test_json_report_with_fixes_matches_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    shutil.copytree(REPO / "fixtures" / "fixes" / "TWC511" / "before", tmp_path / "p")
    shutil.copy(REPO / "fixtures" / "fixes" / "TWC201" / "before" / "app.py", tmp_path / "p" / "app.py")
    report = json.loads(twelvecheck(tmp_path / "p", "--format", "json", ".").stdout)
    schema = json.loads((REPO / "src" / "twelvecheck" / "schemas" / "report-v1.schema.json").read_text())
    jsonschema.validate(report, schema)
    kinds = {f["fix"]["applicability"] for f in report["findings"] if f["fix"]}
    assert kinds == {"safe", "unsafe"}


def test_overlapping_fixes_are_applied_over_several_passes(tmp_path):
    """Removing `--daemon` and the `&` after it touch the same blanks: one pass each."""
    (tmp_path / "Procfile").write_text("web: gunicorn app:app --daemon &\n")
    result = twelvecheck(tmp_path, "--fix", ".")
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn app:app\n"
    assert "fixed 2 findings in 1 file" in result.stderr


def test_fix_without_a_cache_leaves_no_cache_behind(tmp_path):
    """--no-cache --fix analyzes twice through a temporary cache, removed afterwards."""
    (tmp_path / "app.py").write_text(BASIC)
    result = twelvecheck(tmp_path, "--fix", ".")  # the helper passes --no-cache
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]
