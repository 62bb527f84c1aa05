"""Every fixable rule's before/after fixtures (fixtures/fixes/<CODE>/), through the real CLI.

For each rule: ``--fix`` turns ``before/`` into ``after/`` and ``--fix --unsafe-fixes`` into
``after-unsafe/``, byte for byte; a second run changes nothing (idempotence) and says so;
afterwards no finding of the rule has a fix left, and the files with near misses keep them.
``TWELVECHECK_UPDATE_GOLDEN=1`` rewrites the expected folders (review the diff!).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from golden_files import UPDATE
from twelvecheck.core.ruledocs import load_rule_docs

REPO = Path(__file__).resolve().parents[1]
FIXES = REPO / "fixtures" / "fixes"
CODES = sorted(p.name for p in FIXES.iterdir() if p.is_dir())
MODES = {"after": (), "after-unsafe": ("--unsafe-fixes",)}


def twelvecheck(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twelvecheck", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".twelvecheck_cache" not in p.parts}


def expected_tree(code: str, mode: str) -> dict[str, bytes]:
    """before/, with the files after/ changes (and, for unsafe fixes, after-unsafe/ on top):
    the expected folders hold only the files a fix changes."""
    layers = {"after": ["before", "after"], "after-unsafe": ["before", "after", "after-unsafe"]}[mode]
    expected: dict[str, bytes] = {}
    for name in layers:
        if (FIXES / code / name).is_dir():
            expected.update(tree(FIXES / code / name))
    return expected


def test_fix_fixtures_are_for_fixable_rules_and_complete():
    """A folder per rule is optional (a fixable rule's cases give its fixed file); one that
    exists has before/, after/ exactly when a safe fix exists, and after-unsafe/ for unsafe ones."""
    fixable = sorted(code for code, doc in load_rule_docs().items() if doc.fix)
    assert CODES and set(CODES) <= set(fixable), set(CODES) - set(fixable)
    for code in CODES:
        doc = load_rule_docs()[code]
        assert (FIXES / code / "before").is_dir()
        has_safe_change = (FIXES / code / "after").is_dir()
        assert has_safe_change == ("safe" in doc.fix), f"{code}: after/ exists exactly when a safe fix does"
        if "unsafe" in doc.fix:
            assert (FIXES / code / "after-unsafe").is_dir(), f"{code}: unsafe fixes need after-unsafe/"


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("code", CODES)
def test_fix_turns_before_into_after(code, mode, tmp_path):
    work = tmp_path / "project"
    shutil.copytree(FIXES / code / "before", work)
    flags = ("--select", code, "--no-cache", *MODES[mode])
    first = twelvecheck(work, "--fix", *flags, ".")
    assert first.returncode in (0, 1), first.stderr
    assert "error" not in first.stderr, first.stderr
    if UPDATE:
        target = FIXES / code / mode
        shutil.rmtree(target, ignore_errors=True)
        below = expected_tree(code, "after") if mode == "after-unsafe" else tree(FIXES / code / "before")
        for name, data in tree(work).items():
            if below.get(name) != data:
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                (target / name).write_bytes(data)
        return
    assert tree(work) == expected_tree(code, mode)

    second = twelvecheck(work, "--fix", *flags, ".")
    assert tree(work) == expected_tree(code, mode), "a second --fix changed the files"
    assert "fixed 0 findings" in second.stderr or "nothing to fix" in second.stderr, second.stderr
    diff = twelvecheck(work, "--diff", *flags, ".")
    assert diff.returncode == 0 and diff.stdout == "", diff.stdout

    report = json.loads(twelvecheck(work, "--format", "json", "--select", code, "--no-cache", ".").stdout)
    left = [f for f in report["findings"] if f["fix"] is not None and
            (f["fix"]["applicability"] == "safe" or mode == "after-unsafe")]
    assert left == [], f"{code}: findings with an applicable fix are left: {left}"


def test_diff_matches_fix_and_changes_nothing(tmp_path):
    """The patch --diff prints, applied with git, gives what --fix writes."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for code in CODES:
        work = tmp_path / code
        shutil.copytree(FIXES / code / "before", work)
        before = tree(work)
        diff = twelvecheck(work, "--diff", "--unsafe-fixes", "--select", code, "--no-cache", ".")
        assert diff.returncode == 1, diff.stderr
        assert tree(work) == before, "--diff wrote a file"
        subprocess.run(["git", "apply", "--unsafe-paths", "-p1", "-"], input=diff.stdout, text=True, cwd=work,
                       check=True, capture_output=True)
        assert tree(work) == expected_tree(code, "after-unsafe"), code


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_fixed_program_stops_cleanly_on_sigterm(tmp_path):
    """TWC303's fix does what it says: the fixed worker takes its Ctrl+C path on SIGTERM."""
    def stop(folder: str) -> tuple[int, str]:
        script = FIXES / "TWC303" / folder / "serve.py"
        proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        return proc.returncode, out

    assert stop("before") == (-signal.SIGTERM, "")
    assert stop("after-unsafe") == (0, "shutting down cleanly\n")


def test_fixed_files_keep_their_mode_and_symlinks(tmp_path):
    work = tmp_path / "project"
    shutil.copytree(FIXES / "TWC202" / "before", work)
    real = work / "app.py"
    os.chmod(real, 0o640)
    link_dir = tmp_path / "project" / "links"
    link_dir.mkdir()
    (link_dir / "linked.py").symlink_to(real)
    result = twelvecheck(work, "--fix", "--select", "TWC202", "--no-cache", ".")
    assert result.returncode in (0, 1), result.stderr
    assert (real.stat().st_mode & 0o777) == 0o640
    assert (link_dir / "linked.py").is_symlink()
    assert real.read_bytes() == (FIXES / "TWC202" / "after" / "app.py").read_bytes()
