"""Malformed configuration, app.json, Procfile, Dockerfile and baseline files: exit 2 or a finding, with the
file and, where the format gives one, the position; never a traceback, never silence.

Each case sits beside a good Python file with a known finding: where the input is a finding
rather than an error, that finding proves the rest of the run went on.
"""

from __future__ import annotations

import json

import pytest
from conftest import FILE_HANDLER, write

DEEP_TOML = "[tool.twelvecheck]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"

# (pyproject.toml content, what stderr must say after "pyproject.toml: ")
BAD_CONFIGS = {
    "broken table header": ("[tool.twelvecheck\nselect = ['TWC201']\n", "invalid TOML: Expected ']' at the end of a "
                            "table declaration (at line 1, column 18)"),
    "duplicate key": ("[tool.twelvecheck]\nselect = ['TWC201']\nselect = ['TWC202']\n",
                      "invalid TOML: Cannot overwrite a value (at line 3, column 20)"),
    "wrong type": ("[tool.twelvecheck]\njobs = 'two'\n", "key 'tool.twelvecheck.jobs': expected a whole number >= 0"),
    "wrong type in a table": ("[tool.twelvecheck.formation]\nweb = {a = {b = 1}}\n",
                              "key 'tool.twelvecheck.formation.web': expected a whole number >= 0, got dict"),
    "negative": ("[tool.twelvecheck.formation]\nweb = -1\n",
                 "key 'tool.twelvecheck.formation.web': expected a whole number >= 0, got int -1"),
    "unknown key": ("[tool.twelvecheck]\nselekt = ['TWC201']\n",
                    "key 'tool.twelvecheck.selekt': unknown key; did you mean 'select'?"),
    "deep nesting": (DEEP_TOML, "invalid TOML: nested too deeply to read"),
    "not UTF-8": (b"\xff\xfe[tool.twelvecheck]\n", "not UTF-8 (invalid start byte at byte 0)"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_malformed_configuration_stops_the_run_naming_file_and_position(project, run, case):
    text, said = BAD_CONFIGS[case]
    write(project, "pyproject.toml", text)
    write(project, "app.py", FILE_HANDLER)
    proc = run("--format", "json")
    assert proc.returncode == 2
    assert f"pyproject.toml: {said}" in proc.stderr


def test_a_broken_pyproject_that_does_not_name_twelvecheck_is_someone_elses(project, run):
    write(project, "pyproject.toml", "[project\nname = 'x'\n")
    write(project, "app.py", FILE_HANDLER)
    proc = run("--format", "json")
    assert proc.returncode == 1 and proc.stderr == ""
    assert [f["code"] for f in json.loads(proc.stdout)["findings"]] == ["TWC201"]


PROCFILE = "web: python app.py\n"
FORMATION_DEEP = '{"formation": {"web": ' + "[" * 100_000 + "]" * 100_000 + "}}"

# (app.json content, the finding code, its line and column, words of its message)
BAD_APP_JSON = {
    "not JSON": ('{"formation": {"web": {"quantity": 2}}', "TWC001", 1, 39, "not valid JSON: Expecting ',' delimiter"),
    "duplicate process type": ('{"formation": {\n  "web": {"quantity": 2},\n  "web": {"quantity": 3}\n}}', "TWC602",
                               3, 23, "declared more than once"),
    "quantity past Python's digit limit": ('{"formation": {"web": {"quantity": ' + "9" * 5000 + "}}}", "TWC001", 1, 1,
                                           "not readable JSON"),
    "deep nesting": (FORMATION_DEEP, "TWC001", 1, 1, "nested too deeply"),
    "not UTF-8": (b'{"formation": {"web": {"quantity": "\xff"}}}', "TWC001", 1, 1, "cannot decode as UTF-8"),
    "quantity not a number": ('{"formation": {"web": {"quantity": "three"}}}', "TWC602", 1, 36,
                              'quantity "three" is not a whole number'),
    "infinite quantity": ('{"formation": {"web": {"quantity": 1e400}}}', "TWC602", 1, 36, "not a whole number"),
}


@pytest.mark.parametrize("case", sorted(BAD_APP_JSON))
def test_a_malformed_app_json_is_a_finding_with_its_position(project, run, case):
    text, code, line, column, words = BAD_APP_JSON[case]
    write(project, "app.json", text)
    write(project, "Procfile", PROCFILE)
    write(project, "app.py", FILE_HANDLER)
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    by_path = {}
    for finding in report["findings"]:
        by_path.setdefault(finding["path"], []).append(finding)
    assert [f["code"] for f in by_path["app.py"]] == ["TWC201"]  # the run went on
    [finding] = [f for f in by_path["app.json"] if f["code"] == code]
    assert (finding["line"], finding["column"]) == (line, column)
    assert words in finding["message"]


@pytest.mark.parametrize("text", ['{"name": "expo app", "expo": {', "[1, 2]", "[" * 100_000, b"\xff\xfe\x00{"])
def test_an_app_json_without_a_formation_is_someone_elses_file(project, run, text):
    write(project, "app.json", text)
    write(project, "Procfile", PROCFILE)
    write(project, "app.py", FILE_HANDLER)
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    assert [f["path"] for f in report["findings"] if f["path"] == "app.json"] == []
    assert report["errors"] == []


BAD_PROCFILES = {
    "duplicate process type": ("web: python a.py\nweb: python b.py\n", "TWC504"),
    "binary": (bytes(range(256)), "TWC001"),
    "a 2 MB line": ("web: python app.py " + "x" * 2_000_000 + "\n", "TWC001"),
    "no process type": ("this is not a procfile\n", "TWC506"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROCFILES))
def test_a_malformed_procfile_is_a_finding(project, run, case):
    text, code = BAD_PROCFILES[case]
    write(project, "Procfile", text)
    write(project, "app.py", FILE_HANDLER)
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    assert code in {f["code"] for f in report["findings"] if f["path"] == "Procfile"}
    assert "TWC201" in {f["code"] for f in report["findings"] if f["path"] == "app.py"}


@pytest.mark.parametrize("text", [
    "".join(f"p{index}: python app.py\n" for index in range(20_000)),
    "web: " + "sh -c " * 2000 + "python app.py\n",
    "web: " + 'bash -c "' * 300 + "gunicorn app:app" + '"' * 300 + "\n",
])
def test_huge_and_deeply_nested_procfiles_are_read_without_a_crash(project, run, text):
    write(project, "Procfile", text)
    write(project, "app.py", FILE_HANDLER)
    proc = run("--format", "json", "--no-cache")
    assert proc.returncode in (0, 1)
    assert json.loads(proc.stdout)["errors"] == []


BAD_DOCKERFILES = {
    "binary": (bytes(range(256)), "TWC001", 1, "binary file"),
    "unknown instruction": ("FROM python:3.12\nRUNN pip install .\n", "TWC001", 2, "unknown instruction: RUNN"),
    "not an instruction": ("FROM python:3.12\n--flag\n", "TWC001", 2, "not an instruction"),
    "unterminated heredoc": ("FROM python:3.12\nRUN <<EOF\npip install .\n", "TWC001", 2, "<<EOF is never closed"),
    "bad escape directive": ("# escape=x\nFROM python:3.12\n", "TWC001", 1, "invalid escape directive"),
    "not UTF-8": (b"FROM python:3.12\nCMD \xff\n", "TWC001", 2, "cannot decode as UTF-8"),
    "unterminated exec form": ('FROM python:3.12\nCMD ["gunicorn", "app:app"\n', "TWC703", 2, "not a JSON array"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCKERFILES))
def test_a_malformed_dockerfile_is_a_finding_with_its_line(project, run, case):
    text, code, line, said = BAD_DOCKERFILES[case]
    write(project, "Dockerfile", text)
    write(project, "app.py", FILE_HANDLER)
    proc = run("--format", "json", "--no-cache")
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert [(f["code"], f["line"]) for f in report["findings"] if f["path"] == "Dockerfile"] == [(code, line)]
    assert said in next(f["message"] for f in report["findings"] if f["path"] == "Dockerfile")
    assert "TWC201" in {f["code"] for f in report["findings"] if f["path"] == "app.py"}
    assert report["errors"] == []


@pytest.mark.parametrize("text", ["", "\n\n# only a comment\n", "\ufeff", "FROM python:3.12\n"])
def test_an_empty_dockerfile_or_one_without_a_command_is_no_finding(project, run, text):
    write(project, "Dockerfile", text)
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    assert report["findings"] == [] and report["errors"] == []


@pytest.mark.parametrize("text", [
    "FROM python:3.12\n" + "RUN true \\\n" * 20_000 + "CMD gunicorn app:app\n",
    "FROM python:3.12\nCMD " + 'bash -c "' * 300 + "gunicorn app:app" + '"' * 300 + "\n",
    "".join(f"FROM python:3.12 AS s{index}\nCMD gunicorn app\n" for index in range(3000)),
])
def test_huge_and_deeply_nested_dockerfiles_are_read_without_a_crash(project, run, text):
    write(project, "Dockerfile", text)
    proc = run("--format", "json", "--no-cache")
    assert proc.returncode in (0, 1)
    assert json.loads(proc.stdout)["errors"] == []


# Scripts and server configurations: (file, content, the code it must give there or None
# for no finding in it); the run goes on either way.
BAD_DEPLOYMENT_FILES = {
    "a binary .sh": ("start.sh", bytes(range(256)), "TWC001"),
    "a script with an open quote": ("start.sh", "#!/bin/sh\necho 'never closed\nexec gunicorn -D app\n", None),
    "a script of one 1 MB line": ("run.sh", "#!/bin/sh\necho " + "x" * 1_000_000 + "\n", None),
    "a script with a here-document never closed": ("start.sh", "#!/bin/sh\ncat <<EOF\ngunicorn -D app &\n", None),
    "an ini with a missing section header": ("uwsgi.ini", "daemonize = /tmp/u.log\n[uwsgi]\nmodule = app\n", None),
    "a supervisord.conf with a broken header": ("supervisord.conf", "[supervisord\nnodaemon=true\n", None),
    "a gunicorn config with a syntax error": ("gunicorn.conf.py", "daemon = True\npidfile = (\n", "TWC001"),
    "a uwsgi yaml that does not read": ("uwsgi.yaml", "uwsgi: [\n  daemonize: x\n", None),
    "a gunicorn config of other types": ("gunicorn.conf.py", "workers = 2\ndaemon = 'yes'\npidfile = 3\n"
                                                              "errorlog = b'x'\nlogconfig_dict = {1: 2}\n", None),
}


@pytest.mark.parametrize("case", sorted(BAD_DEPLOYMENT_FILES))
def test_malformed_scripts_and_server_configs_never_stop_the_run(project, run, case):
    name, text, code = BAD_DEPLOYMENT_FILES[case]
    write(project, name, text)
    write(project, "app.py", FILE_HANDLER)
    proc = run("--format", "json", "--no-cache", "--select", "TWC001,TWC201,TWC511,TWC512,TWC513,TWC514")
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    found = {f["code"] for f in report["findings"] if f["path"] == name}
    assert found == ({code} if code else set()), report["findings"]
    assert "TWC201" in {f["code"] for f in report["findings"] if f["path"] == "app.py"}


@pytest.mark.parametrize("text, said", [
    ("[" * 100_000, "invalid JSON: nested too deeply"),
    ('{"schema_version": ' + "9" * 5000 + "}", "invalid JSON: Exceeds the limit"),
    ('{"schema_version": 1', "invalid JSON: Expecting ',' delimiter at line 1 column 21"),
])
def test_a_malformed_baseline_stops_the_run_naming_it(project, run, text, said):
    write(project, "baseline.json", text)
    write(project, "app.py", FILE_HANDLER)
    proc = run("--baseline", "baseline.json")
    assert proc.returncode == 2
    assert "baseline.json" in proc.stderr and said in proc.stderr
