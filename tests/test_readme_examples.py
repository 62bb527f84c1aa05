"""Every command the README shows runs, and the output it shows is the real output.

A fenced block whose first line is ``$ twelvecheck ...`` is an example: the command is run
from the repository's root (the README's paths are relative to it) and its standard output
must be the rest of the block, byte for byte; only the package version is normalised. The
commands of the ``sh`` blocks (the usage list, the HTML report, baselines) are run in a copy
of the sample service laid out as they assume, and must not fail as a usage error does
(exit code 2) or with a traceback.

``TWELVECHECK_UPDATE_GOLDEN=1 pytest tests/test_readme_examples.py`` rewrites the shown
output with the real one (review the diff: the README's prose may need to follow).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FENCE_RE, README, REPO, clean_env, write
from conftest import readme_examples as _examples
from golden_files import UPDATE

import twelvecheck


def _sh_commands() -> list[str]:
    """The twelvecheck command lines of the ``sh`` blocks, without their comments."""
    found = []
    for language, body in FENCE_RE.findall(README):
        if language != "sh":
            continue
        for line in body.splitlines():
            command = " ".join(shlex.split(line, comments=True))
            if re.match(r"(cat .* \| )?(python -m )?twelvecheck\b", command) and "pip install" not in command:
                found.append(command)
    return found


def _twelvecheck(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a README command line with this interpreter's twelvecheck (a shell runs pipes)."""
    python = shlex.quote(sys.executable)
    line = re.sub(r"(^|\| )(python -m )?twelvecheck\b", rf"\g<1>{python} -m twelvecheck", command)
    proc = subprocess.run(["sh", "-c", line], cwd=cwd, capture_output=True, text=True, env=clean_env(),
                          timeout=300)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def _normalised(text: str) -> str:
    return text.replace(f'"version": "{twelvecheck.__version__}"', '"version": "VERSION"')


def test_the_readme_shows_examples_of_the_main_commands():
    commands = [command for command, _ in _examples()]
    assert "twelvecheck fixtures/sample-app" in commands
    assert any(command.startswith("twelvecheck formation") for command in commands)
    assert any("--format json" in command for command in commands)
    assert any("--statistics" in command for command in commands)


@pytest.mark.parametrize(("command", "shown"), _examples(), ids=[command for command, _ in _examples()])
def test_a_readme_example_is_the_real_output(command, shown):
    proc = _twelvecheck(command, REPO)
    assert proc.returncode in (0, 1), proc.stderr
    if UPDATE and proc.stdout != shown:
        readme = REPO / "README.md"
        text = readme.read_text(encoding="utf-8")
        block = f"$ {command}\n{shown}```"
        assert text.count(block) == 1, f"`{command}` is shown more than once"
        readme.write_text(text.replace(block, f"$ {command}\n{proc.stdout}```"), encoding="utf-8")
        return
    assert _normalised(proc.stdout) == _normalised(shown), \
        f"README.md shows other output for `{command}`; the real output is:\n{proc.stdout}"


def test_every_readme_command_runs(tmp_path):
    """The usage list and the other ``sh`` blocks, run in a copy of the sample service that has
    the files they name (src/, worker.py, app.py, a Procfile)."""
    commands = _sh_commands()
    assert len(commands) >= 15, commands
    root = tmp_path / "service"
    shutil.copytree(REPO / "fixtures" / "sample-app", root)
    (root / ".git").mkdir()
    write(root, "src/jobs.py", "import time\n")
    write(root, "worker.py", "import time\n")
    write(root, "app.py", "import logging\nlogging.basicConfig(filename='app.log')\n")
    write(root, "Procfile", "web: gunicorn shop.web:app\nworker: python -m shop.worker\n")
    for command in commands:
        proc = _twelvecheck(command, root)
        assert proc.returncode in (0, 1), f"`{command}` exited {proc.returncode}:\n{proc.stderr}"
