"""The pre-commit hook, for real: `pre-commit try-repo` installs this repository's hook
into an isolated environment and runs it on a sample git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import git as _git

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("pre-commit try-repo needs this project as a git checkout")
    repo = tmp_path / "service"
    repo.mkdir()
    _git("init", "-q", cwd=repo)
    (repo / "app.py").write_text('import logging as lg\nhandler = lg.FileHandler("app.log")\n')
    (repo / "clean.py").write_text("import logging\nlogging.basicConfig()\n")
    (repo / "README.md").write_text("# service\n")
    (repo / "run-worker").write_text('#!/usr/bin/env python3\nimport logging\nlogging.basicConfig(filename="w.log")\n')
    (repo / "Procfile").write_text("web: gunicorn app:app\n")
    (repo / "worker").mkdir()
    (repo / "worker" / "Procfile").write_text("worker: celery -A app worker --detach\nclock: celery -A app beat\n")
    (repo / "worker" / "app.json").write_text('{"formation": {"worker": {"quantity": 2}, "clock": {"quantity": 3}}}\n')
    (repo / "deploy").mkdir()
    (repo / "deploy" / "docker-compose.yml").write_text(
        "services:\n  beat:\n    build: ..\n    command: celery -A app beat\n    scale: 2\n")
    (repo / "fly.toml").write_text('app = "service"\n[processes]\n  web = "gunicorn app:app"\n')
    (repo / "worker" / "Dockerfile.worker").write_text("FROM python:3.12-slim\nCMD celery -A app worker\n")
    (repo / "deploy" / "start.sh").write_text("#!/bin/sh\ncelery -A app worker &\nexec gunicorn app:app\n")
    _git("add", ".", cwd=repo)
    return repo


def _try_repo(repo: Path, home: Path, *files: str, hook: str = "twelvecheck") -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    args = ["--all-files"] if not files else ["--files", *files]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--verbose", *args],
        cwd=repo, capture_output=True, text=True, env=env, timeout=900,
    )


def test_pre_commit_try_repo_runs_the_hook(sample_repo, tmp_path):
    pytest.importorskip("pre_commit")
    home = tmp_path / "pre-commit-home"
    proc = _try_repo(sample_repo, home)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "app.py:2:11: TWC201" in output
    assert "run-worker:3:1: TWC202" in output  # an extensionless script, found by its #! line
    assert "deploy/start.sh:2:1: TWC511" in output  # a shell script: the worker put in the background
    assert "TWC001" not in output  # README.md and Procfile are not parsed as Python
    clean = _try_repo(sample_repo, home, "clean.py", "README.md", "Procfile")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # A commit that only touches the deployment side is checked too.
    deploy = _try_repo(sample_repo, home, "worker/Procfile", "worker/app.json", "worker/Dockerfile.worker")
    deploy_output = deploy.stdout + deploy.stderr
    assert deploy.returncode == 1, deploy_output
    assert "worker/Procfile:1:" in deploy_output and "TWC511" in deploy_output  # celery --detach
    assert "worker/app.json:1:" in deploy_output and "TWC603" in deploy_output  # the clock scaled to 3
    # So is one that touches only a deployment descriptor (a Compose file; fly.toml is read).
    compose = _try_repo(sample_repo, home, "deploy/docker-compose.yml", "fly.toml")
    compose_output = compose.stdout + compose.stderr
    assert compose.returncode == 1, compose_output
    assert "deploy/docker-compose.yml:5:" in compose_output and "TWC603" in compose_output  # beat scaled to 2
    assert "worker/Dockerfile.worker:2:" in deploy_output and "TWC701" in deploy_output  # shell form


def test_pre_commit_fix_hook_applies_the_safe_fixes(sample_repo, tmp_path):
    pytest.importorskip("pre_commit")
    proc = _try_repo(sample_repo, tmp_path / "pre-commit-home", hook="twelvecheck-fix")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output  # files changed, and the unsafe TWC201 is left
    assert (sample_repo / "run-worker").read_text() == "#!/usr/bin/env python3\nimport logging\nlogging.basicConfig()\n"
    assert (sample_repo / "worker" / "Procfile").read_text().startswith("worker: celery -A app worker\n")
    assert (sample_repo / "worker" / "Dockerfile.worker").read_text().endswith('CMD ["celery", "-A", "app", "worker"]\n')
    assert (sample_repo / "app.py").read_text() == 'import logging as lg\nhandler = lg.FileHandler("app.log")\n'
    assert "app.py:2:11: TWC201" in output
