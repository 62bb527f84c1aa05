"""Dockerfiles: the parser, what the final stage runs, the Procfile command rules over a
Dockerfile's command, suppressions, development variants, reports and run records."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import write

from twelvecheck.deploy.container import container_argv
from twelvecheck.deploy.dockerfile import UnreadableDockerfile, expand, parse
from twelvecheck.deploy.dockerfiles import read_dockerfile
from twelvecheck.files.kinds import dockerfile_variant, process_file_kind

APPS = Path(__file__).resolve().parents[2] / "apps"


def test_continuations_comments_and_the_escape_directive():
    dockerfile = parse("# escape=`\nFROM python:3.12-slim\nRUN apt-get update && `\n# a comment inside\n\n"
                       "    apt-get install -y tini\nCMD [\"gunicorn\", `\n     \"app:app\"]\n")
    run, cmd = dockerfile.instructions[1:]
    assert dockerfile.escape == "`"
    assert run.arguments == "apt-get update &&     apt-get install -y tini" and (run.line, run.end_line) == (3, 6)
    assert cmd.exec_form == ["gunicorn", "app:app"] and cmd.line == 7


def test_heredocs_are_skipped_and_what_follows_is_read():
    dockerfile = parse("FROM python:3.12-slim\nRUN <<EOF\nCMD not an instruction\nEOF\nRUN <<-END cat\n\tCMD no\n\tEND\n"
                       "CMD gunicorn app:app\n")
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "RUN", "CMD"]
    assert dockerfile.instructions[-1].line == 8
    with pytest.raises(UnreadableDockerfile, match="<<EOF is never closed"):
        parse("FROM python:3.12\nRUN <<EOF\necho\n")


def test_exec_and_shell_forms():
    dockerfile = parse('FROM x\nCMD ["a", "b c"]\nCMD a "b c"\nCMD ["a", \'b\']\nENTRYPOINT []\n')
    exec_form, shell_form, broken, empty = dockerfile.instructions[1:]
    assert exec_form.exec_form == ["a", "b c"] and shell_form.exec_form is None
    assert shell_form.shell_form == 'a "b c"'
    assert broken.exec_form is None and "not a JSON array" in broken.exec_error
    assert empty.exec_form == []


def test_arg_and_env_are_substituted_where_docker_substitutes_them():
    stage = parse("ARG BASE=python:3.12\nFROM $BASE AS app\nARG HOME_DIR=/home/app\nENV APP_HOME=${HOME_DIR}/src "
                  "OTHER=\"two words\"\nENV LEGACY value with spaces\nWORKDIR $APP_HOME\nCMD echo $APP_HOME\n").final
    assert stage.base == "python:3.12" and stage.name == "app"
    assert stage.env == {"APP_HOME": "/home/app/src", "OTHER": "two words", "LEGACY": "value with spaces"}
    assert stage.workdir == "/home/app/src"
    assert stage.cmd.shell_form == "echo $APP_HOME"  # the container's shell expands it at run time
    assert expand("${A:-d}/${B:+x}", {"A": "", "B": "1"}) == "d/x"
    assert expand("$UNKNOWN/x", {}) is None


def test_stages_inherit_and_entrypoint_resets_an_inherited_cmd():
    dockerfile = parse('FROM python:3.12 AS base\nWORKDIR /srv\nCMD ["gunicorn", "app:app"]\nSTOPSIGNAL SIGINT\n'
                       'FROM base AS worker\nENTRYPOINT ["celery"]\n'
                       'FROM base AS web\nHEALTHCHECK CMD curl -f http://localhost/\n')
    base, worker, web = dockerfile.stages
    assert container_argv(worker) == ["celery"]  # Docker drops the CMD the stage did not set
    assert container_argv(web) == ["gunicorn", "app:app"] and web.workdir == "/srv"
    assert web.stopsignal.arguments == "SIGINT" and web.healthcheck is not None
    assert dockerfile.final is web
    assert container_argv(parse("FROM python:3.12\nRUN true\n").final) is None  # the base image's: unknown
    shell = parse('FROM x\nSHELL ["/bin/bash", "-c"]\nENTRYPOINT gunicorn app\nCMD ["ignored"]\n').final
    assert container_argv(shell) == ["/bin/bash", "-c", "gunicorn app"]


@pytest.mark.parametrize("name, kind, variant", [
    ("Dockerfile", "dockerfile", "main"), ("dockerfile", "dockerfile", "main"), ("Containerfile", "dockerfile", "main"),
    ("Dockerfile.prod", "dockerfile", "main"), ("api.Dockerfile", "dockerfile", "main"),
    ("Dockerfile.dev", "dockerfile", "development"), ("dev.Dockerfile", "dockerfile", "development"),
    ("Dockerfile.local", "dockerfile", "development"), ("Dockerfile.test", "dockerfile", "development"),
    ("compose/local/django/Dockerfile", "dockerfile", "development"),
    ("Dockerfile.j2", None, "main"), ("Dockerfile.template", None, "main"), (".dockerignore", None, "main"),
])
def test_names(name, kind, variant):
    assert process_file_kind(name) == kind
    assert dockerfile_variant(name) == variant


def test_facts_say_what_the_final_stage_runs(tmp_path):
    write(tmp_path, "docker-entrypoint.sh", '#!/bin/sh\nexec "$@"\n')
    text = ('FROM python:3.12 AS build\nRUN pip wheel .\nFROM python:3.12-slim\nCOPY docker-entrypoint.sh /usr/local/bin/\n'
            'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD gunicorn app:app\nSTOPSIGNAL SIGQUIT\n')
    document = read_dockerfile(text.encode(), "Dockerfile", tmp_path)
    facts = document.facts()["dockerfile"]
    assert facts["stage"] == "1" and facts["stages"] == 2 and facts["line"] == 3
    assert facts["entrypoint"] == {"line": 5, "form": "exec", "value": ["docker-entrypoint.sh"]}
    assert facts["cmd"] == {"line": 6, "form": "shell", "value": "gunicorn app:app"}
    assert facts["command"] == ["docker-entrypoint.sh", "/bin/sh", "-c", "gunicorn app:app"]
    assert (facts["stopsignal"], facts["stopsignal_line"]) == ("SIGQUIT", 7)
    # `exec "$@"` hands PID 1 to `/bin/sh -c "gunicorn app:app"`: the shell form of CMD.
    [launch] = [launch for launch in document.launches if launch.inv.program == "gunicorn"]
    assert launch.waited and launch.line == 6 and launch.through == "the shell form of CMD"


# The Procfile command rules read the container's command like a process type's line.
COMMAND_RULE_CASES = [
    ("TWC511", "FROM python:3.12-slim\nCMD gunicorn app:app --daemon\n", 2, 'CMD gunicorn app:app\n'),
    ("TWC511", 'FROM python:3.12-slim\nCMD ["celery", "-A", "app", "worker", "--detach"]\n', 2, None),
    ("TWC512", 'FROM python:3.12-slim\nENTRYPOINT ["celery", "-A", "app"]\nCMD ["beat", "--pidfile", "/tmp/b.pid"]\n',
     3, None),
    ("TWC513", "FROM python:3.12-slim\nCMD exec gunicorn app:app --log-file /var/log/app.log\n", 2, None),
    ("TWC514", "FROM python:3.12-slim\nCMD exec celery -A app worker -B\n", 2, None),
]


@pytest.mark.parametrize("code, text, line, fixed", COMMAND_RULE_CASES)
def test_the_procfile_command_rules_judge_the_container_command(project, run, code, text, line, fixed):
    write(project, "Dockerfile", text)
    report = json.loads(run("--select", code, "--format", "json", "--no-cache").stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("Dockerfile", line)]
    if fixed:
        run("--select", code, "--fix", "--no-cache")
        assert (project / "Dockerfile").read_text().endswith(fixed)


def test_a_multi_line_command_is_reported_at_the_instruction_and_not_fixed(project, run):
    write(project, "Dockerfile", "FROM python:3.12-slim\nCMD gunicorn app:app \\\n    --daemon\n")
    report = json.loads(run("--select", "TWC511", "--format", "json", "--no-cache").stdout)
    [finding] = report["findings"]
    assert finding["line"] == 2 and finding["fix"] is None


ENTRYPOINT_SCRIPT = "#!/bin/sh\nset -e\npython manage.py migrate\n# twelvecheck: ignore[TWC702]\nsupervisord\ngunicorn app:app\n"


def test_suppressions_in_the_dockerfile_and_in_the_script(project, run):
    write(project, "docker/entrypoint.sh", ENTRYPOINT_SCRIPT)
    write(project, "Dockerfile", "FROM python:3.12-slim\nCOPY . /srv\n"
                                 "# twelvecheck: ignore[TWC701]\nCMD python worker.py\n"
                                 'FROM python:3.12-slim\nCOPY docker /docker\nENTRYPOINT ["/docker/entrypoint.sh"]\n')
    report = json.loads(run("--select", "container", "--format", "json", "--no-cache").stdout)
    assert [(f["code"], f["path"], f["line"]) for f in report["findings"]] == [("TWC701", "docker/entrypoint.sh", 6)]
    assert "which the ENTRYPOINT at line 7 of Dockerfile runs" in report["findings"][0]["message"]
    write(project, "Dockerfile", "FROM python:3.12-slim\n# twelvecheck: ignore[TWC701]\nCMD python worker.py\n")
    assert json.loads(run("--select", "container", "--format", "json", "--no-cache").stdout)["findings"] == []


def test_a_development_dockerfile_is_local_only(project, run):
    """No production finding (TWC701), in the Dockerfile or in a script it runs; a broken exec
    form breaks the developer's container too (TWC703)."""
    write(project, "start.sh", "#!/bin/sh\ncelery -A app worker\n")  # no exec: TWC701 through a Dockerfile
    write(project, "Dockerfile.dev", "FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n")
    assert json.loads(run("--format", "json", "--no-cache").stdout)["findings"] == []
    write(project, "Dockerfile.dev", "FROM python:3.12-slim\nCMD gunicorn app:app --reload\n")
    assert json.loads(run("--format", "json", "--no-cache").stdout)["findings"] == []
    (project / "Dockerfile.dev").rename(project / "Dockerfile")
    assert [f["code"] for f in json.loads(run("--format", "json", "--no-cache").stdout)["findings"]] == ["TWC701"]
    (project / "Dockerfile").unlink()
    write(project, "Dockerfile.dev", "FROM python:3.12-slim\nCMD ['gunicorn', 'app:app']\n")
    report = json.loads(run("--format", "json", "--no-cache").stdout)
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("TWC703", "error")]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit", "html"])
def test_every_report_names_the_script_and_its_line(project, run, fmt):
    (project / ".git").mkdir(exist_ok=True)
    write(project, "deploy/start.sh", "#!/bin/bash\ncelery -A app worker\n")
    write(project, "deploy/Dockerfile", "FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n")
    proc = run("--select", "TWC701", "--format", fmt, "--no-cache", "--no-color")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    if fmt == "json":
        schema = json.loads((Path(__file__).resolve().parents[1] / "src/twelvecheck/schemas/report-v1.schema.json")
                            .read_text())
        jsonschema.Draft202012Validator(schema).validate(json.loads(out))
        [finding] = json.loads(out)["findings"]
        assert (finding["path"], finding["line"], finding["column"]) == ("deploy/start.sh", 2, 1)
    elif fmt == "sarif":
        location = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "deploy/start.sh" and location["region"]["startLine"] == 2
    elif fmt == "gitlab":
        [issue] = json.loads(out)
        assert issue["location"]["path"] == "deploy/start.sh" and issue["location"]["lines"]["begin"] == 2
    elif fmt == "github":
        assert "file=deploy/start.sh,line=2" in out
    elif fmt == "html":
        assert "deploy/start.sh" in out and "<mark>celery</mark> -A app worker" in out  # its source shown
    else:
        assert "deploy/start.sh" in out and ("deploy/start.sh:2:1" in out or fmt == "junit")


def test_a_run_with_a_dockerfile_is_not_answered_from_a_stale_record(project, run):
    """The analysis reads the scripts the Dockerfile runs, which no run-record key covers."""
    write(project, "start.sh", "#!/bin/sh\nexec gunicorn app:app\n")
    write(project, "Dockerfile", 'FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n')
    assert json.loads(run("--format", "json").stdout)["findings"] == []
    write(project, "start.sh", "#!/bin/sh\ngunicorn app:app\n")
    findings = json.loads(run("--format", "json").stdout)["findings"]
    assert [(f["code"], f["path"]) for f in findings] == [("TWC701", "start.sh")]


@pytest.mark.skipif(not APPS.is_dir(), reason="../apps (the service repositories) is not checked out")
def test_every_real_dockerfile_reads_without_a_crash():
    found = [path for path in APPS.rglob("*") if path.is_file() and process_file_kind(path.name) == "dockerfile"
             and "node_modules" not in path.parts]
    assert found
    for path in found:
        try:
            read_dockerfile(path.read_bytes(), path.name, path.parent)
        except UnreadableDockerfile:
            pass


def test_script_commands_skip_functions_heredocs_and_place_continued_words():
    from twelvecheck.deploy.pid1 import _physical, script_commands

    text = ("#!/bin/sh\nready() {\n  python <<END\nimport sys\nif {\n  'x': 1,\nEND\n}\nonce() { gunicorn a; }\n"
            "function later\n{\n  celery -A app worker\n}\nwhile true; do\n  python poll.py\ndone\n"
            "FOO=1 \\\n    gunicorn app:app\n")
    commands = list(script_commands(text))
    assert [(number, line, depth) for number, _, line, depth in commands] == [
        (14, "while true; do", 1), (15, "python poll.py", 1), (16, "done", 0), (17, "FOO=1  gunicorn app:app", 0)]
    segments = commands[-1][1]
    assert _physical(segments, "FOO=1  gunicorn app:app".index("gunicorn")) == (18, 5)
