"""Every real Procfile and app.json of ../shared/corpus: read without a crash, process types as
honcho reads them, the platforms that disagree with honcho named as the corpus measured,
and every hard process-model problem a careful reader noted (INDEX.tsv `notable`) reported.

The corpus files are third-party data: they are copied to a temporary folder under their
real names (Procfile, Procfile.dev, procfile...) and checked there, never into the project.
"""

from __future__ import annotations

import csv
import posixpath
import re
from pathlib import Path

import pytest

from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.deploy.appjson import read_formation
from twelvecheck.deploy.procfile import parse
from twelvecheck.files.kinds import is_local_file
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PROCFILES = CORPUS / "procfiles"
APPJSON = CORPUS / "appjson"
pytestmark = pytest.mark.skipif(not (PROCFILES / "INDEX.tsv").is_file(),
                                reason="../shared/corpus is not checked out next to this repository")

# What a careful reader noted -> the code that must report it.
HARD = [
    (r"DUPLICATE process type", "TWC504"),
    (r"migration chained into a long-running process type", "TWC518"),
    (r"hard-coded port \d+|hard-codes \d+|both bind fixed port", "TWC515"),
    (r"overrides \$PORT with a fixed value|sets PORT=\d+ itself|\"unset PORT\"", "TWC515"),
    (r"django runserver \(development server\)|runserver -d -r|python -m http\.server", "TWC516"),
    (r"gunicorn --reload|nodemon \(dev watcher\)", "TWC516"),
    (r"celery worker -B/--beat \(embedded beat|celeryd --beat \(embedded beat|celery worker with --beat", "TWC514"),
    (r"celery multi", "TWC511"),
    (r"nginx without \"daemon off\"", "TWC511"),
    (r"nested Procfile manager|a process manager inside one dyno", "TWC517"),
    (r"merge-conflict markers", "TWC507"),
    (r"MULTIPLE scheduler-like process types", "TWC603"),
    (r"uwsgi without --die-on-term", "TWC519"),
    (r"pid file", "TWC512"),
    (r"names not valid CNB/DNS-label keys", "TWC503"),
    (r"mid-line \" #\"", "TWC502"),
    (r"without a colon: only the Heroku-classic regex|no colon, upper case\): only the Heroku-classic", "TWC502"),
    (r"zero process types for every parser|empty Procfile \(0 bytes\)|only the Heroku-classic regex", "TWC506"),
    (r"whole command in double quotes", "TWC505"),
    (r"file named Procfile\.txt|lower-case filename \"procfile\"", "TWC508"),
    (r"lines ignored by honcho regex", "TWC501|TWC502|TWC507"),
]
# Notes the tool deliberately does not follow, with the reason.
NOT_FOLLOWED = {
    ("1self__api__Procfile", "TWC515"): "node-supervisor's -p is its poll interval (ms), not a port",
    # `nginx -c $(pwd)/sample-server/nginx.conf`: the corpus has the Procfile alone, and a
    # configuration file the run cannot read may say `daemon off;` (the repository's does,
    # at both commits), so nginx's default is not assumed (TWC511's document).
    ("dod-ccpo__atat__sample-server_Procfile", "TWC511"): "the nginx.conf it names says daemon off",
    ("dod-ccpo__atat__sample-config_Procfile@a86751e010", "TWC511"): "the nginx.conf it names says daemon off",
}
GUNICORN_READS_PORT = "no $PORT in command (gunicorn default bind reads $PORT)"


def _index(folder: Path) -> list[dict[str, str]]:
    with open(folder / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _types(row: dict[str, str]) -> list[str]:
    return [] if row["process_types"] == "(none)" else row["process_types"].split(",")


def _check(tmp: Path, files: dict[str, bytes], local_files: str = "local-only"):
    (tmp / ".git").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    result = run(Settings(paths=[str(tmp)], cwd=tmp, root=tmp, local_files=local_files))
    assert not result.errors, result.errors
    return result


def _procfile_findings(tmp_path_factory, local_files: str) -> dict[str, list]:
    found = {}
    for row in _index(PROCFILES):
        tmp = tmp_path_factory.mktemp("procfile")
        name = posixpath.basename(row["path"])
        result = _check(tmp, {name: (PROCFILES / row["file"]).read_bytes()}, local_files)
        found[row["file"]] = [f for f in result.findings if f.path.endswith(name)]
    return found


@pytest.fixture(scope="module")
def procfile_findings(tmp_path_factory) -> dict[str, list]:
    """file -> findings, each corpus Procfile checked alone under its real name, the
    development variants (Procfile.dev, Procfile.windows: local-only) judged as production
    files (local-files = "check"), so that every problem a reader noted is looked for."""
    return _procfile_findings(tmp_path_factory, "check")


def test_the_index_lists_every_corpus_file():
    listed = {row["file"] for row in _index(PROCFILES)}
    present = {p.name for p in PROCFILES.iterdir() if p.name not in ("INDEX.tsv", "README.md", "PARSERS.md")}
    assert listed == present


@pytest.mark.parametrize("row", _index(PROCFILES) if PROCFILES.is_dir() else [], ids=lambda r: r["file"])
def test_process_types_are_honchos(row):
    procfile = parse((PROCFILES / row["file"]).read_bytes())
    honcho = procfile.readings["honcho"]
    assert [name for name, _, _ in honcho.entries] == _types(row)
    # Where honcho reads every line that is not blank or a comment, so does twelvecheck.
    skipped = [n for n, kind in procfile.kinds.items() if kind not in ("blank", "comment")
               and honcho.outcomes.get(n).kind != "entry"]
    if not skipped:
        assert [entry.name for entry in procfile.entries] == _types(row)


@pytest.mark.parametrize("row", _index(PROCFILES) if PROCFILES.is_dir() else [], ids=lambda r: r["file"])
def test_the_platforms_that_disagree_with_honcho_are_the_measured_ones(row):
    procfile = parse((PROCFILES / row["file"]).read_bytes())
    measured = re.search(r"parsers differing from honcho: ([\w,]+)", row["notable"])
    expected = set(measured.group(1).split(",")) if measured else set()
    honcho = procfile.readings["honcho"].verdict()
    assert {key for key, reading in procfile.readings.items() if reading.verdict() != honcho} == expected


def test_every_hard_problem_noted_is_reported(procfile_findings):
    missing = []
    checked = 0
    for row in _index(PROCFILES):
        codes = {f.code for f in procfile_findings[row["file"]]}
        for pattern, wanted in HARD:
            if not re.search(pattern, row["notable"]):
                continue
            checked += 1
            if (row["file"], wanted) in NOT_FOLLOWED:
                continue
            if not codes & set(wanted.split("|")):
                missing.append((row["file"], pattern, wanted, sorted(codes)))
    assert not missing, "\n".join(map(str, missing))
    assert checked >= 90


def test_gunicorn_without_a_bind_is_not_a_port_problem(procfile_findings):
    for row in _index(PROCFILES):
        notes = row["notable"]
        if GUNICORN_READS_PORT in notes and not re.search(HARD[2][0] + "|" + HARD[3][0] + "|runserver", notes):
            assert "TWC515" not in {f.code for f in procfile_findings[row["file"]]}, row["file"]


def test_local_only_procfiles_get_only_what_breaks_them_locally(tmp_path_factory):
    """By default a development variant (Procfile.dev, Procfile.windows: local-only) reports
    only the rules whose document says local_files = true; Heroku's own starter app's
    Procfile.windows (`runserver 0.0.0.0:5000`) reports nothing."""
    local_codes = {code for code, doc in load_rule_docs().items() if doc.local_files}
    rows = [row for row in _index(PROCFILES) if is_local_file(posixpath.basename(row["path"]))]
    assert len(rows) >= 20
    for row in rows:
        tmp = tmp_path_factory.mktemp("local")
        name = posixpath.basename(row["path"])
        result = _check(tmp, {name: (PROCFILES / row["file"]).read_bytes()})
        assert {f.code for f in result.findings} <= local_codes, row["file"]
        if row["file"] == "heroku__python-getting-started__Procfile.windows":
            assert result.findings == []


def test_no_finding_is_an_internal_error(procfile_findings):
    assert sum(len(found) for found in procfile_findings.values()) > 100


@pytest.mark.parametrize("row", _index(APPJSON) if APPJSON.is_dir() else [], ids=lambda r: r["file"])
def test_app_json_formation_types(row):
    items = read_formation((APPJSON / row["file"]).read_bytes().decode("utf-8-sig"))
    assert items is not None
    assert [item.type for item in items] == _types(row)
    assert all(item.problem is None for item in items)


def _procfile_beside(app_row: dict[str, str]) -> dict[str, str] | None:
    folder = posixpath.dirname(app_row["path"])
    for row in _index(PROCFILES):
        if row["repo"] == app_row["repo"] and row["commit"] == app_row["commit"].split()[0] and \
                row["path"] == posixpath.join(folder, "Procfile"):
            return row
    return None


def test_formations_against_their_procfiles(tmp_path):
    """app.json and the Procfile of the same commit together: TWC601 exactly for the
    formation types the Procfile lacks (the corpus notes one: dokku's nodejs-worker)."""
    pairs = 0
    for app_row in _index(APPJSON):
        procfile_row = _procfile_beside(app_row)
        if procfile_row is None:
            continue
        pairs += 1
        result = _check(tmp_path / app_row["file"].replace("@", "_"), {
            "Procfile": (PROCFILES / procfile_row["file"]).read_bytes(),
            "app.json": (APPJSON / app_row["file"]).read_bytes()})
        undeclared = set(_types(app_row)) - set(_types(procfile_row))
        reported = {f.message.split(" scales ")[1].split(",")[0].split(" to ")[0]
                    for f in result.findings if f.code == "TWC601"}
        assert reported == undeclared, app_row["file"]
        noted = re.search(r"formation types not in \S+ at same commit: ([\w,]+)", app_row["notable"])
        if noted:
            assert set(noted.group(1).split(",")) <= reported
    assert pairs >= 8
