"""A new user's first hour, scripted: the README's quick start in a fresh virtualenv, then a
service of their own checked from its root, a subfolder and its parent, a baseline written
in one place and used from the others, and the pre-commit hook as .pre-commit-hooks.yaml
declares it.

Offline and quick: the fresh venv sees this test venv's packages (a ``.pth`` line naming its
site-packages: twelvecheck's dependencies, hatchling to build, pre-commit), and
``pip install .`` builds and installs the checkout there without an index or build
isolation. What runs is the installed wheel's console script, not the checkout's source.
Marked ``e2e``: ``pytest -m 'not e2e'`` leaves it out.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import README, REPO, clean_env, git, quick_start_commands, readme_examples, write

pytestmark = pytest.mark.e2e

FINDING = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>TWC\d{3}) ", re.M)
OFFLINE = "--no-deps --no-build-isolation --no-index --quiet"


@dataclass
class Venv:
    path: Path

    def sh(self, command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
        """``command`` in a shell that has sourced the venv's activate script, as the README's."""
        line = f". {shlex.quote(str(self.path / 'bin' / 'activate'))} && {command}"
        proc = subprocess.run(["sh", "-c", line], cwd=cwd, capture_output=True, text=True,
                              env=clean_env(**env), timeout=120)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory) -> Venv:
    """The quick start's install, in a fresh venv outside the checkout."""
    install_and_run = quick_start_commands()[0]
    create, activate, install, _ = install_and_run.split(" && ")
    assert (create, activate, install) == ("python3 -m venv .venv", ". .venv/bin/activate", "pip install ."), \
        "the quick start's install changed: follow it here"
    venv = Venv(tmp_path_factory.mktemp("newcomer") / ".venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv.path)], check=True, capture_output=True, timeout=120)
    purelib = subprocess.run([venv.path / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "test-venv-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    proc = venv.sh(install.replace("pip install", f"pip install {OFFLINE}"), cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    installed = venv.sh("python -c 'import twelvecheck; print(twelvecheck.__file__)'", cwd=venv.path.parent).stdout
    assert Path(installed.strip()).is_relative_to(venv.path), installed  # the wheel, not the checkout
    return venv


# A small billing service: a web app, a queue consumer that never handles SIGTERM and a
# logging setup that writes to a file, shared through a helper module.
SERVICE = {
    "Procfile": "web: gunicorn billing.api:app --workers 2\nworker: python -m billing.consumer\n",
    "requirements.txt": "gunicorn\nflask\nredis\n",
    "billing/__init__.py": "",
    "billing/api.py": (
        "from flask import Flask, jsonify\n\nfrom billing.common import setup, store\n\nsetup()\n"
        "app = Flask(__name__)\n\n\n@app.get('/invoices/<int:number>')\ndef invoice(number):\n"
        "    return jsonify(store().get(number))\n"),
    "billing/common.py": (
        "import logging\nimport logging.handlers\nimport os\n\nimport redis\n\n_conn = None\n\n\n"
        "def setup():\n"
        "    handler = logging.handlers.RotatingFileHandler(os.environ.get('BILLING_LOG', 'billing.log'), maxBytes=1 << 20)\n"
        "    handler.setFormatter(logging.Formatter('%(asctime)s %(name)s %(message)s'))\n"
        "    logging.getLogger('billing').addHandler(handler)\n\n\n"
        "def store():\n    global _conn\n    if _conn is None:\n"
        "        _conn = redis.Redis.from_url(os.environ['REDIS_URL'])\n    return _conn\n"),
    "billing/consumer.py": (
        "import json\nimport logging\n\nfrom billing.common import setup, store\nfrom billing.tasks import handle\n\n"
        "log = logging.getLogger('billing.consumer')\n\n\n"
        "def drain(queue):\n    while True:\n        item = store().blpop(queue, timeout=5)\n"
        "        if item is None:\n            continue\n        handle(json.loads(item[1]))\n\n\n"
        "if __name__ == '__main__':\n    setup()\n    drain('billing:jobs')\n"),
    "billing/tasks.py": (
        "import logging\n\nlog = logging.getLogger('billing.tasks')\n\n\n"
        "def handle(job):\n    log.info('charging %s', job.get('customer'))\n"
        "    return {'ok': True, 'job': job.get('id')}\n"),
}
# (file, line, code): the file handler, and the consumer's loop run by the Procfile's worker.
EXPECTED = {("billing/common.py", 11, "TWC201"), ("billing/consumer.py", 18, "TWC302")}


@pytest.fixture
def service(tmp_path: Path) -> Path:
    root = tmp_path / "svc"  # the name the README's baseline commands use
    for name, text in SERVICE.items():
        write(root, name, text)
    if shutil.which("git"):
        git("init", "-q", cwd=root)
        git("add", ".", cwd=root)
    else:
        (root / ".git").mkdir()
    return root


def _findings(output: str, cwd: Path, root: Path) -> set[tuple[str, int, str]]:
    """(path from the service's root, line, code) of each finding line; every path shown is
    relative to where the command ran."""
    found = set()
    for match in FINDING.finditer(output):
        assert not os.path.isabs(match["path"]), match.group(0)
        path = Path(os.path.relpath((cwd / match["path"]).resolve(), root.resolve())).as_posix()
        found.add((path, int(match["line"]), match["code"]))
    return found


def test_a_newcomer_follows_the_readme(newcomer, service):
    # The quick start: its command on the bundled sample prints what the README shows.
    command = quick_start_commands()[0].split(" && ")[-1]
    shown = dict(readme_examples())[command]
    proc = newcomer.sh(command, cwd=REPO)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == shown

    # Their own service, from its root (no arguments: the current directory), a subfolder and
    # its parent: the same findings, named from where each run is.
    for cwd, command in ((service, "twelvecheck"), (service / "billing", "twelvecheck"),
                         (service.parent, "twelvecheck svc")):
        proc = newcomer.sh(command, cwd=cwd)
        assert proc.returncode == 1, proc.stderr
        assert _findings(proc.stdout, cwd, service) == EXPECTED, (cwd, proc.stdout)
        procfile = os.path.relpath(service / "Procfile", cwd)
        assert f"process type 'worker' ({procfile})" in proc.stdout
        assert "Found 2 findings (2 warnings) in 6 files." in proc.stdout
    assert [path.parent for path in service.parent.rglob(".twelvecheck_cache")] == [service]  # one cache

    # A baseline written at the root, used from the parent and from a subfolder (the README's
    # commands); a finding added afterwards is the only one reported.
    write_baseline = "twelvecheck --write-baseline .twelvecheck-baseline.json ."
    from_parent = "twelvecheck --baseline svc/.twelvecheck-baseline.json svc"
    from_subfolder = "twelvecheck --baseline ../.twelvecheck-baseline.json ."
    for readme_command in (write_baseline, from_parent, from_subfolder):
        assert readme_command in " ".join(README.split())  # its prose wraps lines
    assert newcomer.sh(write_baseline, cwd=service).returncode == 0
    for cwd, command in ((service.parent, from_parent), (service / "billing", from_subfolder)):
        proc = newcomer.sh(command, cwd=cwd)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "No new findings in 6 files. 2 baselined findings not shown." in proc.stdout
        assert proc.stderr == ""  # no warning that the baseline matched nothing
    write(service, "billing/report.py", "import logging\n\nlogging.basicConfig(filename='report.log')\n")
    proc = newcomer.sh(from_parent, cwd=service.parent)
    assert proc.returncode == 1
    assert _findings(proc.stdout, service.parent, service) == {("billing/report.py", 3, "TWC202")}

    # The pre-commit hook's entry on the files its `files` pattern passes, by name.
    hook = _hook("twelvecheck")
    names = sorted(path.relative_to(service).as_posix() for path in service.rglob("*")
                   if path.is_file() and ".git" not in path.parts and ".twelvecheck_cache" not in path.parts)
    passed = [name for name in names if re.search(hook["files"], name)]
    assert "Procfile" in passed and "requirements.txt" not in passed
    proc = newcomer.sh(f"{hook['entry']} {shlex.join(passed)}", cwd=service)
    assert proc.returncode == 1, proc.stderr
    assert _findings(proc.stdout, service, service) == EXPECTED | {("billing/report.py", 3, "TWC202")}


def _hook(hook_id: str) -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(hook for hook in hooks if hook["id"] == hook_id)


def test_pre_commit_runs_the_hook_as_declared(newcomer, service, tmp_path):
    """`pre-commit run` with the hook as .pre-commit-hooks.yaml declares it, as a local
    system hook, so it runs the newcomer's twelvecheck instead of building an environment
    from the package index (tests/test_precommit.py does that, with `try-repo`)."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    if newcomer.sh("python -c 'import pre_commit'", cwd=tmp_path).returncode:
        pytest.skip("pre-commit is not installed")
    hook = {**_hook("twelvecheck"), "language": "system"}
    hook.pop("minimum_pre_commit_version", None)
    write(service, ".pre-commit-config.yaml", yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    git("add", ".", cwd=service)
    proc = newcomer.sh("python -m pre_commit run --all-files --color never", cwd=service,
                       PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _findings(proc.stdout, service, service) == EXPECTED
    clean = newcomer.sh("python -m pre_commit run --color never --files billing/tasks.py requirements.txt",
                        cwd=service, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    assert clean.returncode == 0, clean.stdout + clean.stderr
