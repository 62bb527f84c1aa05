"""The walk decides per folder what ``Ignorer.ignored`` decides per path: same files, same order.

``Ignorer.ignored`` is the reference (it still judges the paths named on the command line);
the walk works on strings and carries the exclude base and the .gitignore chain down the tree.
Each case walks a tree with the walk and with a reference walk asking ``ignored`` about every
entry, and compares the two.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import write
from twelvecheck.files.discovery import DEFAULT_EXCLUDES, _kind_of, _walk
from twelvecheck.files.ignoring import Ignorer


def _reference_walk(top: Path, ignorer: Ignorer, include_configs: bool, include_process_files: bool):
    """The walk as it was: ``ignored`` asked about each entry with its full path."""
    real_top = Path(os.path.realpath(top))
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            is_dir = entry.is_dir(follow_symlinks=False)
            is_link = entry.is_symlink()
            if is_dir:
                if ignorer.ignored(path, True, top) or (path / "pyvenv.cfg").exists():
                    continue
                subdirs.append(path)
                continue
            kind = _kind_of(path, include_configs, include_process_files)
            if entry.name in ("pyproject.toml", "setup.cfg", "setup.py") and not is_link \
                    and not ignorer.ignored(path, False, top):
                yield path, "packaging"
            if kind is None or ignorer.ignored(path, False, top):
                continue
            if is_link:
                target = Path(os.path.realpath(path))
                if target.exists() and (not str(target).startswith(str(real_top) + os.sep) or target.is_dir()):
                    continue
            yield path, kind
        stack.extend(reversed(subdirs))


def _tree(root: Path) -> None:
    (root / ".git").mkdir(parents=True)
    write(root, ".gitignore", "*.gen.py\n/top_only.py\ngenerated/\n!pkg/keep.gen.py\n")
    for relative in ["a.py", "top_only.py", "x.gen.py", "setup.py", "pyproject.toml", "logging.ini", "Procfile",
                     "app.json", "web.Procfile", "notes.txt", "..py", "pkg/__init__.py", "pkg/keep.gen.py",
                     "pkg/drop.gen.py", "pkg/top_only.py", "pkg/local.py", "pkg/deep/er/m.py", "pkg/deep/er/m_test.py", "pkg/deep/plain.py",
                     "pkg/build/b.py", "build/b.py", "generated/g.py", "lib/x.egg-info/e.py", "node_modules/n.py",
                     "env/pyvenv.cfg", "env/lib/v.py", "vendored/.git/HEAD", "vendored/v.gen.py", "vendored/w.py",
                     "sub/conf/settings.yaml", "sub/Procfile.dev", "sub/keep_test.py", "sub/other_test.py"]:
        write(root, relative, "x = 1\n")
    write(root, "pkg/.gitignore", "local.py\n!drop.gen.py\ndeep/**/m.py\n")
    write(root, "vendored/.gitignore", "w.py\n")
    write(root, "sub/.gitignore", "!*\n")
    if hasattr(os, "symlink"):
        os.symlink(root / "a.py", root / "pkg" / "alias.py")
        os.symlink(root / "pkg", root / "linked_dir")


PATTERNS = [
    list(DEFAULT_EXCLUDES),
    [*DEFAULT_EXCLUDES, "*_test.py", "!keep_test.py"],
    [*DEFAULT_EXCLUDES, "/pkg/deep", "sub/conf/"],
    ["*.py", "!pkg/**"],
    [],
    # Patterns of one part (asked about the entry's name alone) among ones with a slash.
    [*DEFAULT_EXCLUDES, "deep", "er/", "*.gen.py", "pkg/build", "conf/", "local.py ", "m?.py", "[bp]uild"],
    ["keep_test.py/", "env"],
]


@pytest.mark.parametrize("patterns", PATTERNS, ids=range(len(PATTERNS)))
@pytest.mark.parametrize("respect_gitignore", [True, False])
@pytest.mark.parametrize("where", ["root", "subfolder", "root-below-walk", "excluded-subfolder"])
def test_the_walk_agrees_with_ignored_about_every_path(tmp_path, patterns, respect_gitignore, where):
    repo = tmp_path / "repo"
    _tree(repo)
    top, root = {
        "root": (repo, repo),
        "subfolder": (repo / "pkg", repo),
        "root-below-walk": (repo, repo / "pkg"),  # --config pkg/pyproject.toml, checking the repo
        "excluded-subfolder": (repo / "pkg" / "deep", repo),  # named explicitly although /pkg/deep matches
    }[where]
    for include in [(True, True), (False, False)]:
        expected = list(_reference_walk(top, Ignorer(root, patterns, respect_gitignore), *include))
        got = [(Path(path), kind) for path, kind in _walk(top, Ignorer(root, patterns, respect_gitignore), *include)]
        assert got == expected
        assert expected  # the tree is not excluded wholesale: the comparison says something


def test_a_nested_repository_stops_the_gitignore_files_above_it(tmp_path):
    repo = tmp_path / "repo"
    _tree(repo)
    found = {Path(path).relative_to(repo).as_posix() for path, _ in _walk(repo, Ignorer(repo, [], True), False)}
    assert "vendored/v.gen.py" in found  # the outer *.gen.py stops at vendored/.git
    assert "vendored/w.py" not in found and "x.gen.py" not in found and "pkg/keep.gen.py" in found


@pytest.mark.parametrize("patterns", PATTERNS, ids=range(len(PATTERNS)))
def test_the_joined_exclude_regex_answers_as_pathspec(patterns):
    ignorer = Ignorer(Path("/"), patterns, True)
    samples = ["a.py", "build/", "build", "pkg/build/", "x.egg-info/", "lib/x.egg-info/", "pkg/deep/", "pkg/deep/er/m.py",
               "sub/conf/", "sub/keep_test.py", "sub/other_test.py", ".git/", "src/.venv/", "venv", "pkg/a.py"]
    assert [ignorer.match(s) for s in samples] == [ignorer.spec.match_file(s) for s in samples]
