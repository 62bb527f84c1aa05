"""The HTML report's header names the paths checked and the git commit they were at, read
from the repository's files without running git; no repository, or a damaged one, gives no
commit and no error."""

from __future__ import annotations

import re

import pytest
from conftest import FILE_HANDLER, write

from twelvecheck.reports.provenance import Commit, git_commit

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "89abcdef0123456789abcdef0123456789abcdef"


def _header(run, *args, cwd=None) -> str:
    html = run("--format", "html", *args, cwd=cwd).stdout
    match = re.search(r'<p class="tagline" data-checked>(.*?)</p>', html, re.S)
    assert match, html[:500]
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_header_shows_the_checked_paths_and_the_commit_of_a_branch(project, run):
    write(project, "app.py", FILE_HANDLER)
    write(project, "lib/b.py", FILE_HANDLER)
    write(project, ".git/HEAD", "ref: refs/heads/main\n")
    write(project, ".git/refs/heads/main", SHA + "\n")
    assert _header(run, "app.py", "lib") == f"Checked app.py, lib at commit {SHA[:12]} (main)"
    assert _header(run) == f"Checked . at commit {SHA[:12]} (main)"


def test_packed_refs_a_detached_head_and_a_worktree_are_read(project, tmp_path):
    write(project, ".git/HEAD", "ref: refs/heads/release/1.0\n")
    write(project, ".git/packed-refs", f"# pack-refs with: peeled\n{OTHER} refs/heads/dev\n{SHA} refs/heads/release/1.0\n")
    assert git_commit(project) == Commit(SHA, "release/1.0")
    write(project, ".git/HEAD", SHA + "\n")
    assert git_commit(project) == Commit(SHA, None)
    worktree = tmp_path / "wt"
    write(project, ".git/worktrees/wt/HEAD", "ref: refs/heads/dev\n")
    write(project, ".git/worktrees/wt/commondir", "../..\n")
    write(worktree, ".git", f"gitdir: {project / '.git/worktrees/wt'}\n")
    assert git_commit(worktree) == Commit(OTHER, "dev")


@pytest.mark.parametrize("head", [None, "", "garbage\n", "ref: refs/heads/gone\n", "ref: ../../etc/passwd\n",
                                  b"\xff\xfe\n"])
def test_no_repository_or_a_damaged_one_gives_no_commit_and_no_error(project, run, head):
    write(project, "app.py", FILE_HANDLER)
    if head is not None:
        write(project, ".git/HEAD", head)
    assert git_commit(project) is None
    proc = run("--format", "html")
    assert proc.returncode == 1
    assert _header(run) == "Checked ."
