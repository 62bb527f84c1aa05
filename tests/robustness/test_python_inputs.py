"""Odd and hostile Python files: each gets a clear finding or message, and the rest of the run is intact.

Every case sits in one tree beside a good file with a known finding, so each test also
proves the run went on for every other file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import FILE_HANDLER, write

HANDLER = "logging.FileHandler"

CASES: dict[str, tuple[bytes, str | None]] = {
    # name: (bytes, the TWC001 message it must get, or None: analyzed normally)
    "syntax_error.py": (b"def broken(:\n    pass\n", "not valid Python"),
    "python2.py": (b'print "hello"\n', "not valid Python"),
    "null_byte.py": (b"x = 1\x00\n", "NUL byte"),
    "invalid_utf8.py": (b'x = "\xff\xfe"\n', "cannot decode as utf-8"),
    "tabs_and_spaces.py": (b"if True:\n\tx = 1\n        y = 2\n", "inconsistent use of tabs and spaces"),
    "binary.py": (bytes(range(256)) * 8, "binary file"),
    "empty.py": (b"", None),
    "latin1_cookie.py": (b"# -*- coding: latin-1 -*-\nimport logging\nlogging.FileHandler('caf\xe9.log')\n", None),
    "cp1252_cookie.py": (b"# coding: cp1252\nimport logging\nlogging.FileHandler('\x80.log')\n", None),
    "unknown_cookie.py": (b"# coding: klingon\nx = 1\n", "klingon"),
    "bom.py": (b"\xef\xbb\xbfimport logging\nlogging.FileHandler('a.log')\n", None),
    # libcst's native parser dies with SIGSEGV on these; CPython rejects them cleanly first.
    "hostile_parens.py": (b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "too many nested parentheses"),
    "hostile_unary.py": (b"x = " + b"-" * 10000 + b"1\n", "too deeply nested"),
    "crlf.py": (b"import logging\r\n\r\nlogging.FileHandler('a.log')\r\n", None),
    "bare_cr.py": (b"import logging\r\rlogging.FileHandler('a.log')\r", None),
}
# Where the handler is, for the cases analyzed normally: (line, column).
HANDLER_AT = {"latin1_cookie.py": (3, 1), "cp1252_cookie.py": (3, 1), "bom.py": (2, 1), "crlf.py": (3, 1),
              "bare_cr.py": (3, 1)}


@pytest.fixture(scope="module")
def odd_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("odd") / "project"
    (root / ".git").mkdir(parents=True)
    for name, (data, _) in CASES.items():
        write(root, f"odd/{name}", data)
    write(root, "good.py", FILE_HANDLER)
    write(root, "generated.py", "".join(f"value_{i} = {i}\n" for i in range(50_000)) + FILE_HANDLER)
    write(root, "deep.py", "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n")
    write(root, "deep_calls.py", "import logging\nx = " + "f(" * 1000 + "1" + ")" * 1000 + "\n" + HANDLER + "('a')\n")
    (root / "folder.py").mkdir()  # a directory named like a module
    write(root, "folder.py/inside.py", FILE_HANDLER)
    return root


@pytest.fixture(scope="module")
def odd_report(odd_tree):
    import subprocess

    from conftest import clean_env

    proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", "--format", "json", "."],
                          cwd=odd_tree, capture_output=True, env=clean_env(), timeout=600)
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()
    return proc, json.loads(proc.stdout)


def _findings(report, path):
    return [f for f in report["findings"] if f["path"] == path]


def test_the_run_exits_1_and_the_good_file_is_reported(odd_report):
    proc, report = odd_report
    assert proc.returncode == 1
    assert [(f["line"], f["code"]) for f in _findings(report, "good.py")] == [(2, "TWC201")]
    assert report["errors"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_odd_file(odd_report, name):
    _, report = odd_report
    found = _findings(report, f"odd/{name}")
    message = CASES[name][1]
    if message is None:
        expected = [("TWC201", *HANDLER_AT[name])] if name in HANDLER_AT else []
        assert [(f["code"], f["line"], f["column"]) for f in found] == expected
    else:
        assert [f["code"] for f in found] == ["TWC001"], found
        assert message in found[0]["message"]


def test_a_50000_line_file_is_analyzed_to_its_last_line(odd_report):
    _, report = odd_report
    assert [(f["line"], f["code"]) for f in _findings(report, "generated.py")] == [(50_002, "TWC201")]


def test_deep_nesting_is_a_finding_or_analyzed_never_a_crash(odd_report):
    _, report = odd_report
    deep = _findings(report, "deep.py")  # 1,000 brackets: CPython's limit is 200
    assert [f["code"] for f in deep] == ["TWC001"] and "too many nested parentheses" in deep[0]["message"]
    calls = _findings(report, "deep_calls.py")
    assert [f["code"] for f in calls] in (["TWC001"], ["TWC201"])


def test_a_directory_named_dot_py_is_walked_not_read(odd_report):
    _, report = odd_report
    assert [(f["line"], f["code"]) for f in _findings(report, "folder.py/inside.py")] == [(2, "TWC201")]
    assert _findings(report, "folder.py") == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this system")
def test_broken_symlinks_and_symlink_loops(project, run):
    write(project, "good.py", FILE_HANDLER)
    os.symlink(project / "missing.py", project / "broken.py")
    os.symlink(project / "loop_b.py", project / "loop_a.py")
    os.symlink(project / "loop_a.py", project / "loop_b.py")
    proc = run("--format", "json", "--no-cache")
    report = json.loads(proc.stdout)
    by_path = {f["path"]: f for f in report["findings"]}
    assert by_path["good.py"]["code"] == "TWC201"
    assert "No such file" in by_path["broken.py"]["message"]
    assert "symbolic links" in by_path["loop_a.py"]["message"]
    assert proc.returncode == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions do not stop root (or this is not POSIX)")
def test_an_unreadable_file(project, run):
    write(project, "good.py", FILE_HANDLER)
    secret = write(project, "secret.py", FILE_HANDLER)
    secret.chmod(0)
    try:
        report = json.loads(run("--format", "json", "--no-cache").stdout)
    finally:
        secret.chmod(0o644)
    by_path = {f["path"]: f for f in report["findings"]}
    assert by_path["good.py"]["code"] == "TWC201"
    assert by_path["secret.py"]["code"] == "TWC001" and "Permission denied" in by_path["secret.py"]["message"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions do not stop root (or this is not POSIX)")
def test_an_unreadable_directory(project, run):
    write(project, "good.py", FILE_HANDLER)
    write(project, "locked/inside.py", FILE_HANDLER)
    (project / "locked").chmod(0)
    try:
        proc = run("--format", "json", "--no-cache")
    finally:
        (project / "locked").chmod(0o755)
    report = json.loads(proc.stdout)
    assert [f["path"] for f in report["findings"]] == ["good.py"]
    assert "locked: cannot list directory: Permission denied" in proc.stderr
    assert proc.returncode == 2


def test_a_directory_that_cannot_be_listed_is_named_and_the_walk_goes_on(project, monkeypatch):
    # The same as above for any user (root reads every directory): the listing fails.
    from twelvecheck.files import discovery

    write(project, "good.py", FILE_HANDLER)
    write(project, "locked/inside.py", FILE_HANDLER)
    write(project, "locked/deeper/also.py", FILE_HANDLER)
    write(project, "later/after.py", FILE_HANDLER)
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    found = discovery.discover(["."], cwd=project, root=project, exclude=[])
    assert [f.display for f in found.files] == ["good.py", "later/after.py"]
    assert [(e.path, e.message) for e in found.errors] == [
        ("locked", "cannot list directory: Permission denied; the files in it are not checked")]


NAMES = ["with space.py", "naïve_ünïcode.py", "semi;colon $(touch pwned) `x`.py", "quote'd\"name.py",
         "dash -rf.py", "--looks-like-an-option.py"]


@pytest.mark.parametrize("name", NAMES)
def test_odd_file_names_are_reported_verbatim_and_nothing_runs(project, run, name):
    write(project, name, FILE_HANDLER)
    report = json.loads(run("--format", "json", "--no-cache", "--", name).stdout)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [(name, "TWC201")]
    text = run("--no-cache", "--", name).stdout
    assert text.startswith(f"{name}:2:1: TWC201")
    assert not (project / "pwned").exists()


def test_a_nonexistent_path_is_named_and_the_others_still_run(project, run):
    write(project, "good.py", FILE_HANDLER)
    proc = run("--no-cache", "good.py", "no/such/file.py")
    assert proc.returncode == 2
    assert "no/such/file.py" in proc.stderr
    assert "good.py:2:1: TWC201" in proc.stdout
