"""What a report was made from: the paths checked and the git commit they were at.

The commit is read from the repository's files (``.git/HEAD``, the ref it names, loose or
in ``packed-refs``; a worktree's ``.git`` file and its ``commondir``), never by running git:
a machine without git, a damaged repository or a folder that is none gives no commit, never
an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class Commit:
    sha: str
    branch: str | None  # None: a detached HEAD

    @property
    def short(self) -> str:
        return self.sha[:12]


def git_commit(root: Path | None) -> Commit | None:
    """The commit checked out in the repository at ``root`` (the folder holding ``.git``)."""
    if root is None:
        return None
    try:
        git_dir = _git_dir(root / ".git")
        if git_dir is None:
            return None
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if _SHA.match(head):
            return Commit(head, None)
        if not head.startswith("ref: "):
            return None
        ref = head[len("ref: "):].strip()
        sha = _resolve(ref, [git_dir, _common_dir(git_dir)])
        branch = ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else ref
        return Commit(sha, branch) if sha else None
    except (OSError, ValueError):  # unreadable, not UTF-8, a loop: no commit to show
        return None


def _git_dir(dot_git: Path) -> Path | None:
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # a worktree or a submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:"):].strip())
            return target if target.is_absolute() else dot_git.parent / target
    return None


def _common_dir(git_dir: Path) -> Path:
    """Where a worktree's branches live (its ``commondir``), else the git folder itself."""
    common = git_dir / "commondir"
    if common.is_file():
        target = Path(common.read_text(encoding="utf-8").strip())
        return target if target.is_absolute() else git_dir / target
    return git_dir


def _resolve(ref: str, git_dirs: list[Path]) -> str | None:
    if ".." in ref.split("/"):
        return None  # a ref names a file inside the git folder, nothing above it
    for git_dir in git_dirs:
        loose = git_dir / ref
        if loose.is_file():
            sha = loose.read_text(encoding="utf-8").strip()
            return sha if _SHA.match(sha) else None
    for git_dir in git_dirs:
        packed = git_dir / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                sha, _, name = line.partition(" ")
                if name.strip() == ref and _SHA.match(sha):
                    return sha
    return None
