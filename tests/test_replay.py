"""The run record (replay.py): an unchanged run is answered from it, and anything a run reads
that changes (a file's bytes, the set of files, console scripts, a Procfile above, the
settings, twelvecheck itself) is answered afresh, never from the record.

Whether a run was replayed shows in what it loaded: a replayed run never imports the
whole-program pass (``twelvecheck.run.analysis``); ``probe`` runs the real command line.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import CLEAN, FILE_HANDLER, probe, write

from twelvecheck.run import analysis
from twelvecheck.core.findings import ToolError
from twelvecheck.run.cache import CACHE_FORMAT_DIR
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run as run_in_process

REPO = Path(__file__).resolve().parents[1]
WORKER = """\
import time


def main():
    while True:
        time.sleep(1)
"""


def replayed(loaded: dict) -> bool:
    return "twelvecheck.run.analysis" not in loaded["twelvecheck"]


def findings(out: str) -> list[tuple[str, str]]:
    return sorted((f["path"], f["code"]) for f in json.loads(out)["findings"])


def records_of(project: Path) -> list[Path]:
    """The run records in the project's cache, one file per way of running."""
    folder = project / ".twelvecheck_cache" / CACHE_FORMAT_DIR / "runs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def cached_settings(project: Path) -> Settings:
    """Settings for an in-process run of the project, with its cache."""
    return Settings(paths=["."], cwd=project, root=project, cache_dir=project / ".twelvecheck_cache", jobs=1)


@pytest.fixture
def app(project: Path) -> Path:
    shutil.copytree(REPO / "fixtures" / "sample-app", project / "app")
    return project


@pytest.mark.parametrize("format_", ["text", "json", "sarif", "junit", "gitlab"])
def test_a_replayed_run_reports_what_an_uncached_run_does(app, run, format_):
    uncached = run("--no-cache", "--format", format_, "app")
    out, loaded = probe(app, "--format", format_, "app")
    assert not replayed(loaded) and out == uncached.stdout
    out, loaded = probe(app, "--format", format_, "app")
    assert replayed(loaded) and out == uncached.stdout
    again = run("--format", format_, "app")  # the exit code is the uncached run's too
    assert again.returncode == uncached.returncode == 1 and again.stdout == uncached.stdout


def test_the_same_bytes_written_again_are_still_replayed(project):
    write(project, "a.py", FILE_HANDLER)
    first, _ = probe(project, "--format", "json", ".")
    write(project, "a.py", FILE_HANDLER)  # a new mtime and ctime, the same content
    out, loaded = probe(project, "--format", "json", ".")
    assert replayed(loaded) and out == first


def test_a_changed_file_is_answered_afresh_and_then_replayed(project):
    write(project, "a.py", CLEAN)
    write(project, "b.py", FILE_HANDLER)
    out, _ = probe(project, "--format", "json", ".")
    assert findings(out) == [("b.py", "TWC201")]
    write(project, "a.py", FILE_HANDLER)
    out, loaded = probe(project, "--format", "json", ".")
    assert not replayed(loaded) and findings(out) == [("a.py", "TWC201"), ("b.py", "TWC201")]
    out, loaded = probe(project, "--format", "json", ".")
    assert replayed(loaded) and findings(out) == [("a.py", "TWC201"), ("b.py", "TWC201")]


def test_a_file_added_or_removed_is_answered_afresh(project):
    write(project, "a.py", FILE_HANDLER)
    probe(project, "--format", "json", ".")
    write(project, "pkg/b.py", FILE_HANDLER)
    out, loaded = probe(project, "--format", "json", ".")
    assert not replayed(loaded) and findings(out) == [("a.py", "TWC201"), ("pkg/b.py", "TWC201")]
    (project / "a.py").unlink()
    out, loaded = probe(project, "--format", "json", ".")
    assert not replayed(loaded) and findings(out) == [("pkg/b.py", "TWC201")]


def _answered_afresh_after(project: Path, relative: str, text: str, recorded: bool) -> None:
    """``app`` checked with no findings; then writing ``relative`` (not a checked file)
    makes app/worker.py a long-running entry point: the next run must see it, and the one
    after is replayed if that run was ``recorded``."""
    out, _ = probe(project, "--format", "json", "app")
    assert findings(out) == []
    write(project, relative, text)
    for expect_replay in (False, recorded):
        out, loaded = probe(project, "--format", "json", "app")
        assert replayed(loaded) == expect_replay and findings(out) == [("app/worker.py", "TWC302")]


def test_a_console_script_declared_since_is_answered_afresh(project):
    """pyproject.toml is not a checked file, but its console scripts are entry points."""
    write(project, "app/__init__.py", "")
    write(project, "app/worker.py", WORKER)
    _answered_afresh_after(project, "pyproject.toml",
                           '[project]\nname = "x"\n[project.scripts]\nw = "app.worker:main"\n', recorded=True)


def test_a_procfile_above_the_checked_folder_is_answered_afresh(project):
    """The Procfile is above the checked path, so the walk never meets it; the run reads it
    (run/deploy_files.find_deployment_files), and so does the record's key. A run with a process
    model is not recorded: reports show its apps."""
    write(project, "app/worker.py", WORKER + "\n\nmain()\n")
    _answered_afresh_after(project, "Procfile", "worker: python app/worker.py\n", recorded=False)


def test_a_run_that_reads_a_procfile_is_not_recorded(project):
    """A Procfile's commands name files (a gunicorn config) that are no input of the key."""
    write(project, "app/worker.py", WORKER)
    write(project, "app/Procfile.dev", "web: gunicorn -c gunicorn.conf.py app:app\n")
    probe(project, "--format", "json", "app")
    _, loaded = probe(project, "--format", "json", "app")
    assert not replayed(loaded) and records_of(project) == []


def test_a_run_that_reads_a_script_is_not_recorded(project):
    """A script's commands name files (a gunicorn config module) that are no input of the
    key: a changed config must change the answer."""
    write(project, "start.sh", "#!/bin/sh\nexec gunicorn -c conf/web.py app:app\n")
    write(project, "conf/web.py", "workers = 2\n")
    first, _ = probe(project, "--format", "json", "--select", "TWC512", "start.sh")
    assert findings(first) == []
    write(project, "conf/web.py", "workers = 2\npidfile = '/tmp/web.pid'\n")
    again, loaded = probe(project, "--format", "json", "--select", "TWC512", "start.sh")
    assert not replayed(loaded) and findings(again) == [("start.sh", "TWC512")]
    assert records_of(project) == []


def test_each_way_of_running_keeps_its_own_record(project):
    write(project, "a.py", FILE_HANDLER + 'logging.basicConfig(filename="x")\n')
    everything, _ = probe(project, "--format", "json", ".")
    narrow, _ = probe(project, "--format", "json", "--select", "TWC202", ".")
    assert findings(narrow) == [("a.py", "TWC202")]
    assert findings(everything) == [("a.py", "TWC201"), ("a.py", "TWC202")]
    for args, expected in ((["--select", "TWC202"], narrow), ([], everything)):
        out, loaded = probe(project, "--format", "json", *args, ".")
        assert replayed(loaded) and out == expected
    write(project, "pyproject.toml", '[tool.twelvecheck.severity]\nTWC201 = "error"\n')
    out, loaded = probe(project, "--format", "json", ".")
    assert not replayed(loaded)
    assert {f["severity"] for f in json.loads(out)["findings"] if f["code"] == "TWC201"} == {"error"}


@pytest.mark.parametrize("damage", ["garbage", "wrong-shape", "other-code", "answer-shape", "finding-shape"])
def test_a_damaged_or_foreign_record_is_not_trusted(project, run, damage):
    write(project, "a.py", FILE_HANDLER)
    expected = run("--no-cache", "--format", "json", ".").stdout
    run("--format", "json", ".")
    [records] = records_of(project)
    document = json.loads(records.read_bytes())
    if damage == "garbage":
        records.write_bytes(b"\x00\xff not json")
    elif damage == "wrong-shape":
        records.write_text(json.dumps({"format": 1, "code": document["code"], "key": document["key"]}))
    else:
        if damage == "other-code":
            document["code"] = "0" * 64
        elif damage == "answer-shape":
            document["answer"] = {"findings": [], "checked": {"a.py": "TWC201"}, "facts_from": [],
                                  "entry_functions": []}
        else:
            document["answer"]["findings"][0]["path"] = 3
        records.write_text(json.dumps(document))
    out, loaded = probe(project, "--format", "json", ".")
    assert out == expected and not replayed(loaded)
    out, loaded = probe(project, "--format", "json", ".")  # the record was written anew
    assert out == expected and replayed(loaded)


def test_a_file_written_between_the_key_and_its_analysis_leaves_no_record(project, monkeypatch):
    """The key is made from the bytes read before the analysis. Had the file changed in
    between, the answer would be the new bytes' under the old bytes' key, and written back
    to the old bytes, the file would be answered wrongly."""
    source = write(project, "a.py", CLEAN)
    from twelvecheck.run.worker import analyze_file

    def written_meanwhile(tasks, indexes, jobs):
        source.write_text(FILE_HANDLER)
        return [analyze_file(tasks[index]) for index in indexes]

    monkeypatch.setattr(analysis, "_analyze", written_meanwhile)
    result = run_in_process(cached_settings(project))
    assert [f.code for f in result.findings] == ["TWC201"]  # the new bytes were analyzed...
    assert records_of(project) == []  # ...and not recorded under the old bytes' key
    monkeypatch.undo()
    source.write_text(CLEAN)
    assert run_in_process(cached_settings(project)).findings == []
    assert len(records_of(project)) == 1  # a run whose files held still is recorded


def test_only_the_records_written_last_are_kept(project, monkeypatch):
    from twelvecheck.run import replay

    monkeypatch.setattr(replay, "_KEEP", 3)
    write(project, "a.py", FILE_HANDLER)
    settings = cached_settings(project)
    for code in ("TWC201", "TWC202", "TWC203", "TWC101", "TWC102"):  # five ways of running
        settings.select = [code]
        run_in_process(settings)
        time.sleep(0.01)  # distinct mtimes
    kept = records_of(project)
    assert len(kept) == 3
    settings.select = ["TWC102"]  # the last one is among them: nothing is written again
    before = {path: path.stat().st_mtime_ns for path in kept}
    run_in_process(settings)
    assert {path: path.stat().st_mtime_ns for path in records_of(project)} == before


def test_a_recorded_answer_is_not_taken_for_another_content(project):
    """A record stays bound to the digests it was made from: after editing a file back and
    forth, what is reported follows the file, whatever its stat says."""
    write(project, "a.py", FILE_HANDLER)
    probe(project, "--format", "json", ".")
    source = project / "a.py"
    stat = source.stat()
    write(project, "a.py", CLEAN.ljust(len(FILE_HANDLER)))  # the same size...
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ...and mtime: the ctime differs
    out, loaded = probe(project, "--format", "json", ".")
    assert not replayed(loaded) and findings(out) == []


def test_a_run_with_errors_is_not_recorded(project, monkeypatch):
    """An unreadable file or a crashed rule may do better next time: such a run is done again."""
    write(project, "a.py", FILE_HANDLER)
    from twelvecheck.run.worker import analyze_file

    def with_an_error(tasks, indexes, jobs):
        results = [analyze_file(tasks[index]) for index in indexes]
        results[0].errors.append(ToolError("cannot read file: injected", results[0].path))
        return results

    monkeypatch.setattr(analysis, "_analyze", with_an_error)
    settings = cached_settings(project)
    result = run_in_process(settings)
    assert [str(error) for error in result.errors] == ["a.py: cannot read file: injected"]
    assert (project / ".twelvecheck_cache" / CACHE_FORMAT_DIR).is_dir() and records_of(project) == []
    monkeypatch.undo()
    run_in_process(settings)
    assert len(records_of(project)) == 1  # the check above can see a record being written


def test_a_replay_writes_nothing_unless_a_files_stat_settled_since(project):
    """Rewriting a file with the same bytes keeps the answer but changes the file's stat:
    the record is written once more with the new stat, then runs write nothing."""
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", CLEAN)
    time.sleep(2.2)  # files this fresh are not remembered by their stat (cache._SETTLED_NS)
    first, _ = probe(project, "--format", "json", ".")
    [records] = records_of(project)
    record = json.loads(records.read_bytes())
    assert sorted(Path(path).name for path in record["files"]) == ["a.py", "b.py"]
    written = records.stat().st_mtime_ns
    out, loaded = probe(project, "--format", "json", ".")
    assert replayed(loaded) and out == first and records.stat().st_mtime_ns == written
    write(project, "a.py", FILE_HANDLER)
    time.sleep(2.2)
    out, loaded = probe(project, "--format", "json", ".")
    assert replayed(loaded) and out == first and records.stat().st_mtime_ns != written
    assert records_of(project) == [records]
    written = records.stat().st_mtime_ns
    out, loaded = probe(project, "--format", "json", ".")
    assert replayed(loaded) and out == first and records.stat().st_mtime_ns == written


def test_fixing_after_a_replayed_run_fixes_what_an_uncached_fix_does(tmp_path, run):
    """--fix works from the findings and tasks of a replayed run like from a fresh one."""
    sample = REPO / "fixtures" / "sample-app"
    fresh, cached = tmp_path / "fresh", tmp_path / "cached"
    for copy in (fresh, cached):
        shutil.copytree(sample, copy)
        (copy / ".git").mkdir()
    run("--no-cache", "--fix", ".", cwd=fresh)
    run(".", cwd=cached)
    _, loaded = probe(cached, "--format", "json", ".")
    assert replayed(loaded)
    run("--fix", ".", cwd=cached)
    changed = [path for path in fresh.rglob("*.py")
               if path.read_bytes() != (sample / path.relative_to(fresh)).read_bytes()]
    assert changed  # the sample has fixable findings
    for path in sorted(fresh.rglob("*.py")):
        assert (cached / path.relative_to(fresh)).read_bytes() == path.read_bytes(), path
