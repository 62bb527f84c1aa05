"""twelvecheck reads code and never runs it, stays inside the roots it is given, and writes
nothing but its report, its cache and (when asked) fixed files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FILE_HANDLER, write

# Each planted file would create a marker in MARKERS if anything imported or ran it.
PLANTED = {
    "app/__init__.py": "open({marker!r}, 'w').write('imported app')\n",
    "app/__main__.py": "open({marker!r}, 'w').write('ran __main__')\nimport logging\nlogging.FileHandler('x')\n",
    "conftest.py": "open({marker!r}, 'w').write('conftest')\n",
    "sitecustomize.py": "open({marker!r}, 'w').write('sitecustomize')\n",
    "setup.py": "open({marker!r}, 'w').write('setup.py')\nfrom setuptools import setup\n"
                "setup(entry_points={{'console_scripts': ['serve = app.server:main']}})\n",
    "app/server.py": "open({marker!r}, 'w').write('server')\nimport time\n\n"
                     "def main():\n    while True:\n        time.sleep(1)\n",
    "logging_config.py": "import logging.config\nlogging.config.fileConfig('logging.ini')\n"
                         "open({marker!r}, 'w').write('config')\n",
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".twelvecheck_cache" not in p.parts}


def test_planted_code_is_never_imported_or_run(project, run, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    for index, (name, template) in enumerate(PLANTED.items()):
        write(project, name, template.format(marker=str(markers / f"m{index}")))
    write(project, "pyproject.toml", "[project]\nname = 'app'\nversion = '1'\n"
                                     "[project.scripts]\nserve = 'app.server:main'\n")
    write(project, "Procfile", "web: python -m app\nworker: python app/server.py\n")
    before = _snapshot(project)
    env_path = os.environ.get("PYTHONPATH")
    proc = run("--format", "json", "--output-format", f"sarif={tmp_path / 'out.sarif'}")
    assert proc.returncode == 1
    codes = {f["code"] for f in json.loads(proc.stdout)["findings"]}
    assert {"TWC201", "TWC302"} <= codes  # the code was read: findings prove it
    assert list(markers.iterdir()) == [], "planted code ran"
    assert _snapshot(project) == before, "a file in the checked tree changed"
    assert os.environ.get("PYTHONPATH") == env_path


def test_only_the_report_and_the_cache_are_written(project, run, tmp_path):
    write(project, "app.py", FILE_HANDLER)
    before = _snapshot(project)
    run("-o", "report.txt", "--output-format", "json=report.json")
    after = _snapshot(project)
    assert set(after) - set(before) == {"report.txt", "report.json"}
    assert {p.name for p in project.iterdir()} == {".git", ".twelvecheck_cache", "app.py", "report.txt",
                                                  "report.json"}
    run("--no-cache", "--format", "json")
    assert _snapshot(project) == after


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this system")
def test_symlinks_out_of_the_root_are_not_followed(project, run, tmp_path):
    outside = tmp_path / "outside"
    write(outside, "secret.py", FILE_HANDLER)
    write(outside, "pkg/module.py", FILE_HANDLER)
    write(project, "inside.py", FILE_HANDLER)
    os.symlink(outside / "secret.py", project / "linked_file.py")
    os.symlink(outside / "pkg", project / "linked_dir")
    os.symlink(project / "inside.py", project / "alias.py")  # inside the root: it is the same file
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    paths = sorted({f["path"] for f in report["findings"]})
    assert paths == ["alias.py", "inside.py"]


def test_a_hostile_config_cannot_make_twelvecheck_write_elsewhere(project, run, tmp_path):
    """An output path in the checked repository's config is the repository's choice; but
    a config can never make twelvecheck *run* anything, and bad values stop the run."""
    write(project, "app.py", FILE_HANDLER)
    write(project, "pyproject.toml", "[tool.twelvecheck]\noutput = 12\n")
    proc = run()
    assert proc.returncode == 2 and "output" in proc.stderr and "pyproject.toml" in proc.stderr
