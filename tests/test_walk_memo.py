"""The walk memo (files/walk_memo.py): a discovery of the same paths takes the last walk's
files when nothing that walk read has changed, and walks again when anything it read has:
a file added or removed in any folder, a .gitignore edited in place, a .gitignore or a
repository started above the walked folder, a script's first line.

``discovered`` runs the real discovery with the memo passed through JSON, as the run record
keeps it; a test that expects the memo to answer makes a walk fail. The settle window
is shortened here (the real one is 2 s); the last tests keep the real one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import CLEAN, FILE_HANDLER, probe, write

from twelvecheck.files import discovery, walk_memo
from twelvecheck.files.walk_memo import WalkMemo


@pytest.fixture
def short_window(monkeypatch):
    monkeypatch.setattr(walk_memo, "SETTLED_NS", 50_000_000)


def settle() -> None:
    """Let the file system's clock pass the (shortened) settle window."""
    time.sleep(0.1)


def discovered(project: Path, memo: WalkMemo, paths: tuple[str, ...] = (".",)) -> tuple[list[str], WalkMemo]:
    """The files discovery finds, and the memo as the next run would read it back."""
    found = discovery.discover(list(paths), cwd=project, root=project, exclude=[], include_process_files=True,
                               memo=memo)
    return [f"{source.display}:{source.kind}" for source in found.files], WalkMemo(json.loads(json.dumps(memo.document())))


def tree(project: Path) -> None:
    write(project, "app/web.py", CLEAN)
    write(project, "app/jobs/poll.py", FILE_HANDLER)
    write(project, "bin/start", "#!/bin/sh\nexec gunicorn app.web:app\n")
    write(project, "Procfile", "web: gunicorn app.web:app\n")


def remembered(project: Path) -> tuple[list[str], WalkMemo]:
    settle()
    files, memo = discovered(project, WalkMemo())
    assert memo.document()["walks"], "the first walk was not remembered"
    settle()
    return files, memo


def test_an_unchanged_tree_is_answered_from_the_memo(project, short_window, monkeypatch):
    tree(project)
    files, memo = remembered(project)
    assert files == ["Procfile:procfile", "app/jobs/poll.py:python", "app/web.py:python", "bin/start:script"]
    with monkeypatch.context() as patched:
        patched.setattr(discovery, "_walk", lambda *args, **kwargs: pytest.fail("walked although nothing changed"))
        again, _ = discovered(project, memo)
    assert again == files


def test_a_file_added_deep_in_the_tree_is_found(project, short_window):
    tree(project)
    _, memo = remembered(project)
    write(project, "app/jobs/nightly/sweep.py", CLEAN)
    files, memo = discovered(project, memo)
    assert "app/jobs/nightly/sweep.py:python" in files
    write(project, "app/jobs/other.py", CLEAN)  # a folder the memo has listed, a file more
    files, _ = discovered(project, memo)
    assert "app/jobs/other.py:python" in files


def test_a_file_removed_is_gone(project, short_window):
    tree(project)
    _, memo = remembered(project)
    (project / "app/jobs/poll.py").unlink()
    files, _ = discovered(project, memo)
    assert "app/jobs/poll.py:python" not in files and "app/web.py:python" in files


def test_a_gitignore_edited_in_place_is_honoured(project, short_window):
    tree(project)
    write(project, "app/.gitignore", "# nothing yet\n")
    _, memo = remembered(project)
    folder_stat = os.stat(project / "app").st_mtime_ns
    with open(project / "app/.gitignore", "r+") as handle:  # in place: the folder's stat stays
        handle.write("jobs/\n")
    assert os.stat(project / "app").st_mtime_ns == folder_stat
    files, _ = discovered(project, memo)
    assert "app/jobs/poll.py:python" not in files


def test_a_gitignore_above_the_walked_folder_is_honoured(project, short_window):
    tree(project)
    _, memo = remembered(project / "app")
    write(project, ".gitignore", "jobs/\n")
    files, _ = discovered(project / "app", memo)
    assert files == ["web.py:python"]


def test_a_repository_started_above_the_walked_folder_ends_the_ignore_chain(project, short_window):
    """A .gitignore above the repository root stops applying once the repository exists."""
    tree(project)
    write(project, ".gitignore", "jobs/\n")
    (project / "app" / "inner").mkdir()
    write(project, "app/inner/m.py", CLEAN)
    write(project, "app/inner/jobs/j.py", CLEAN)
    _, memo = remembered(project / "app" / "inner")
    (project / "app" / ".git").mkdir()
    files, _ = discovered(project / "app" / "inner", memo)
    assert files == ["jobs/j.py:python", "m.py:python"]


def test_a_script_whose_first_line_changed_is_judged_again(project, short_window):
    tree(project)
    _, memo = remembered(project)
    (project / "bin/start").write_text("just some notes\n")
    files, _ = discovered(project, memo)
    assert "bin/start:script" not in files


def test_a_second_folder_named_later_is_walked_and_both_are_remembered(project, short_window, monkeypatch):
    tree(project)
    _, memo = remembered(project / "app")
    settle()
    files, memo = discovered(project, memo, ("app", "bin"))
    assert files == ["app/jobs/poll.py:python", "app/web.py:python", "bin/start:script"]
    monkeypatch.setattr(discovery, "_walk", lambda *args, **kwargs: pytest.fail("walked again"))
    assert discovered(project, memo, ("app", "bin"))[0] == files


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_walk_that_met_a_symbolic_link_is_not_remembered(project, short_window):
    tree(project)
    os.symlink(project / "app/web.py", project / "app/alias.py")
    settle()
    files, memo = discovered(project, WalkMemo())
    assert "app/alias.py:python" in files and memo.document()["walks"] == {}


@pytest.mark.parametrize("document", [None, [], {"seen": "x", "walks": {}}, {"seen": {}, "walks": {"/": 3}},
                                      {"seen": {}, "walks": {"/": [["a"]]}}])
def test_a_damaged_memo_is_walked_again(project, short_window, document):
    tree(project)
    top = str(project)
    if isinstance(document, dict) and "/" in document["walks"]:
        document["walks"] = {top: document["walks"]["/"]}
    files, _ = discovered(project, WalkMemo(document))
    assert "app/web.py:python" in files


def test_a_walk_of_folders_written_within_the_clock_s_granularity_is_not_remembered(project):
    """The real settle window: a file added in the same tick as the walk could leave its
    folder's stat as it was, so a tree this fresh is walked again next time."""
    tree(project)
    _, memo = discovered(project, WalkMemo())
    assert memo.document()["walks"] == {}


def _probe(project: Path) -> tuple[list[str], bool]:
    out, loaded = probe(project, "--format", "json", ".", watch=("pathspec",))
    return sorted({finding["path"] for finding in json.loads(out)["findings"]}), loaded["watched"] == ["pathspec"]


def test_a_replayed_run_with_its_walk_remembered_judges_no_path(project):
    """The command line: once the walk is remembered, a replay loads no pattern matcher; a
    file added since is found by the next run all the same."""
    write(project, "pkg/a.py", FILE_HANDLER)
    write(project, "pkg/sub/b.py", CLEAN)
    (project / ".twelvecheck_cache").mkdir()
    time.sleep(2.2)  # past the real settle window
    assert _probe(project) == (["pkg/a.py"], True)  # walked, and remembered
    assert _probe(project) == (["pkg/a.py"], False)
    write(project, "pkg/sub/c.py", FILE_HANDLER)
    assert _probe(project) == (["pkg/a.py", "pkg/sub/c.py"], True)
