"""Tests, vendored copies of libraries and examples do not run in production: a run passes
them over, says how many and how to include them, and reports each finding's file role
(files/roles.py). The real command line on a service laid out as real ones are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import report_json as findings, write

from twelvecheck.files.roles import EXAMPLE, PRODUCTION, TEST, VENDORED, FileRoles, pytest_testpaths

FILE_LOG = "import logging\n\nhandler = logging.FileHandler('service.log')\n"
PID_FILE = "import os\n\n\ndef lock(path):\n    with open(path, 'w') as handle:\n        handle.write(str(os.getpid()))\n"


@pytest.fixture
def service(project: Path) -> Path:
    write(project, "shop/__init__.py", "")
    write(project, "shop/logs.py", FILE_LOG)
    write(project, "tests/test_logs.py", "from shop import logs\n" + FILE_LOG)  # a test's own log file
    write(project, "t/unit/workers.py", PID_FILE)  # pytest's testpaths say this is a test suite
    write(project, "setup.cfg", "[metadata]\nname = shop\n\n[tool:pytest]\ntestpaths = t/unit\n")
    write(project, "vendorlibs/pyqs/setup.py", "from setuptools import setup\nsetup(name='pyqs')\n")
    write(project, "vendorlibs/pyqs/LICENSE", "MIT License\n")
    write(project, "vendorlibs/pyqs/pyqs/main.py", PID_FILE)
    write(project, "examples/quickstart.py", FILE_LOG)
    return project


def test_tests_and_vendored_copies_are_passed_over_and_the_summary_says_so(service, run):
    document = findings(run)
    assert [(f["path"], f["code"], f["file_role"]) for f in document["findings"]] == [
        ("examples/quickstart.py", "TWC201", "example"), ("shop/logs.py", "TWC201", "production")]
    assert document["summary"]["passed_over"] == {"test": 2, "vendored": 2}
    summary = run("--no-cache").stdout.splitlines()[-1]
    assert summary == ("Found 2 findings (2 warnings) in 3 files (passed over 2 test and 2 vendored "
                       "files: --include-tests, --include-vendored to check them).")


def test_each_role_can_be_included_and_its_findings_say_what_they_are(service, run):
    document = findings(run, "--include-tests", "--include-vendored")
    roles = {(f["path"], f["file_role"]) for f in document["findings"]}
    assert roles == {("shop/logs.py", PRODUCTION), ("tests/test_logs.py", TEST), ("t/unit/workers.py", TEST),
                     ("vendorlibs/pyqs/pyqs/main.py", VENDORED), ("examples/quickstart.py", EXAMPLE)}
    assert document["summary"]["passed_over"] == {"test": 0, "vendored": 0}
    sarif = json.loads(run("--no-cache", "--format", "sarif", "--include-tests").stdout)
    assert {r["properties"]["fileRole"] for r in sarif["runs"][0]["results"]} == {PRODUCTION, TEST, EXAMPLE}
    page = run("--no-cache", "--format", "html").stdout
    assert 'data-file-role="example"' in page and 'data-count="passed-over-test">2<' in page


def test_the_configuration_includes_roles_and_names_more_paths(service, run):
    write(service, "qa/load.py", FILE_LOG)
    write(service, "twelvecheck.toml", 'include-vendored = true\ntest-paths = ["qa/"]\nexample-paths = ["shop/"]\n')
    document = findings(run)
    assert {(f["path"], f["file_role"]) for f in document["findings"]} == {
        ("shop/logs.py", EXAMPLE), ("examples/quickstart.py", EXAMPLE), ("vendorlibs/pyqs/pyqs/main.py", VENDORED)}
    assert document["summary"]["passed_over"] == {"test": 3, "vendored": 0}
    write(service, "twelvecheck.toml", 'include-tests = "yes"\n')
    result = run("--no-cache")
    assert result.returncode == 2 and "include-tests" in result.stderr


def test_a_file_named_on_the_command_line_is_checked_unless_force_exclude(service, run):
    named = findings(run, "tests/test_logs.py")
    assert [(f["path"], f["file_role"]) for f in named["findings"]] == [("tests/test_logs.py", TEST)]
    forced = findings(run, "--force-exclude", "tests/test_logs.py")  # as pre-commit runs it
    assert forced["findings"] == [] and forced["summary"]["passed_over"]["test"] == 1


def test_a_library_folder_named_on_the_command_line_is_not_a_vendored_copy(service, run):
    document = findings(run, "vendorlibs/pyqs")
    assert [(f["path"], f["file_role"]) for f in document["findings"]] == [
        ("vendorlibs/pyqs/pyqs/main.py", PRODUCTION)]


@pytest.mark.parametrize("path, role", [
    ("shop/worker.py", PRODUCTION),
    ("shop/testing/fixtures.py", PRODUCTION),  # shipped test helpers are the package's code
    ("latest.py", PRODUCTION),
    ("tests/unit/test_worker.py", TEST),
    ("shop/test/helpers.py", TEST),
    ("shop/tests.py", TEST),  # a Django app's tests module
    ("worker_test.py", TEST),
    ("conftest.py", TEST),
    ("Tests/Helpers.py", TEST),
    ("shop/_vendor/six.py", VENDORED),
    ("third_party/lib/x.py", VENDORED),
    ("docs/conf.py", EXAMPLE),
    ("examples/app.py", EXAMPLE),
    ("demo/run.py", EXAMPLE),
])
def test_roles_by_convention(tmp_path, path, role):
    assert FileRoles(tmp_path, tmp_path, [tmp_path], []).role(path) == role


def test_paths_are_judged_below_the_project_root_not_above_it(tmp_path):
    root = tmp_path / "tests" / "checkout"  # a project kept in a folder named tests
    root.mkdir(parents=True)
    roles = FileRoles(root, root / "shop", [root], [])
    assert roles.role("worker.py") == PRODUCTION and roles.role("../tests/test_worker.py") == TEST


@pytest.mark.parametrize("files, expected", [
    ({"pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['t/unit', 't/integration']\n"},
     ["/t/unit/", "/t/integration/"]),
    ({"setup.cfg": "[tool:pytest]\ntestpaths =\n    t/unit\n"}, ["/t/unit/"]),
    ({"tox.ini": "[pytest]\ntestpaths = qa\n"}, ["/qa/"]),
    # pytest.ini is pytest's configuration even without testpaths: setup.cfg is not read
    ({"pytest.ini": "[pytest]\naddopts = -q\n", "setup.cfg": "[tool:pytest]\ntestpaths = t\n"}, []),
    ({"pyproject.toml": "[project]\nname = 'x'\n", "setup.cfg": "[tool:pytest]\ntestpaths = t\n"}, ["/t/"]),
    ({"pyproject.toml": "[tool.pytest.ini_options\n"}, []),  # broken: pytest's complaint, not ours
    ({"setup.cfg": "[tool:pytest\ntestpaths = t\n"}, []),
])
def test_pytest_testpaths(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert pytest_testpaths(tmp_path) == expected


def test_a_vendored_module_production_calls_is_followed_but_not_reported(project, run):
    """The whole-program rules follow a call into a vendored copy (its loop keeps the
    process alive); what is wrong inside the copy itself is not reported."""
    write(project, "relay/__init__.py", "")
    write(project, "relay/_vendor/__init__.py", "")
    write(project, "relay/_vendor/loop.py", "import time\n\n\ndef forever():\n    while True:\n        time.sleep(1)\n"
                                            "\n\nimport logging\nlogging.FileHandler('vendored.log')\n")
    write(project, "relay/main.py", "from relay._vendor import loop\n\nif __name__ == '__main__':\n    loop.forever()\n")
    document = findings(run)
    assert [(f["path"], f["code"]) for f in document["findings"]] == [("relay/main.py", "TWC302")]
    assert document["summary"]["passed_over"]["vendored"] == 2 and document["summary"]["files_scanned"] == 2
