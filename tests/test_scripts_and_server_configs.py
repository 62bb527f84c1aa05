"""The readers of shell scripts and server configuration files (deploy/scripts.py,
deploy/server_configs.py): what they read, where, and what they leave alone."""

from __future__ import annotations

import pytest

from twelvecheck.deploy.scripts import UnreadableScript, read_script, token_span
from twelvecheck.deploy.server_configs import (
    DAEMON, LOG, PID, read_gunicorn, read_ini, read_server_config, read_supervisord, read_uwsgi,
)


def _commands(text: str) -> list[tuple[int, list[str]]]:
    return [(command.line, [inv.program for inv in command.invocations])
            for command in read_script(text.encode(), "start.sh", None).commands]


def test_a_script_is_its_commands_at_their_lines():
    text = ("#!/bin/sh\n# a comment\nset -e\n\nstart() {\n  echo hi\n}\n"
            "cat <<EOF > /etc/motd\ngunicorn --daemon x &\nEOF\n"
            "exec gunicorn \\\n  --workers 2 \\\n  app:app\n")
    # the function's closing brace runs nothing
    assert _commands(text) == [(3, ["set"]), (6, ["echo"]), (7, []), (8, ["cat"]), (11, ["gunicorn"])]


def test_the_closing_words_of_loops_and_conditionals_run_nothing():
    text = ("#!/bin/sh\nwhile true; do python -m shop.worker; done\n"
            "if [ -f x ]; then gunicorn app:app; fi\ncase $1 in web) gunicorn app:app ;; esac\n")
    programs = [program for _, found in _commands(text) for program in found]
    assert "done" not in programs and "fi" not in programs and "esac" not in programs
    assert {"python", "gunicorn"} <= set(programs)


def test_a_word_of_a_continued_command_is_at_its_own_line_and_column():
    document = read_script(b"#!/bin/sh\nexec gunicorn \\\n    --log-file app.log app:app\n", "s.sh", None)
    [command] = document.commands
    [inv] = command.invocations
    option = next(token for token in inv.args if token.text == "--log-file")
    assert token_span(command, option) == (3, 5, 15)


def test_a_quote_open_over_several_lines_is_one_command():
    assert _commands("#!/bin/sh\npython -c 'import x\nx.run()'\nexec gunicorn app\n") == [
        (2, ["python"]), (4, ["gunicorn"])]


def test_a_script_run_by_a_script_is_not_read_again(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "other.sh").write_text("#!/bin/sh\ngunicorn --daemon app\n")
    document = read_script(b"#!/bin/sh\nsh other.sh\n. ./other.sh\n", "start.sh", tmp_path)
    assert [inv.program for command in document.commands for inv in command.invocations] == []


def test_a_binary_script_is_unreadable_and_a_payload_after_a_script_is_not_read():
    with pytest.raises(UnreadableScript, match="binary"):
        read_script(b"\x7fELF\x00\x01", "start.sh", None)
    # a self-extracting script: the shell part is read, up to the payload
    document = read_script(b"#!/bin/bash\ngunicorn -D app\nexit 0\nPK\x03\x04\x00\x00zip", "install", None)
    assert [command.line for command in document.commands] == [2, 3]


@pytest.mark.parametrize(("text", "expected"), [
    ('pidfile = "g.pid"\nworkers = 2\n', [(PID, "pidfile", 1)]),
    ('import os\nworkers = 2\npidfile = os.getenv("PID", "/tmp/g.pid")\n', [(PID, "pidfile", 3)]),
    ('import os\nworkers = 2\npidfile = os.environ.get("PID")\n', []),  # no default: configured elsewhere
    ('import os\nworkers = 2\npidfile = os.environ["PID"]\n', []),
    ('LOGS = "/var/log"\nworkers = 2\nerrorlog = f"{LOGS}/e.log"\n', [(LOG, "errorlog", 3)]),
    ('NAME = "a.log"\nworkers = 2\naccesslog = NAME\n', [(LOG, "accesslog", 3)]),
    ('workers = 2\naccesslog = None\nerrorlog = "-"\ncapture_output = True\n', []),
    ('workers = 2\ndaemon = True\ndaemon = False\n', []),  # the last assignment wins
    ('workers: int = 2\ndaemon: bool = True\n', [(DAEMON, "daemon", 2)]),
])
def test_gunicorn_settings_are_read_as_data(text, expected):
    config = read_gunicorn(text)
    assert [(s.behaviour, s.key, s.line) for s in config.settings] == expected


def test_a_module_is_a_gunicorn_config_only_when_named_and_setting_gunicorn_settings():
    assert read_server_config("gunicorn.conf.py", "daemon = True\n") is not None  # the implicit file
    assert read_server_config("gunicorn_utils.py", "daemon = True\n") is None  # one setting
    assert read_server_config("gunicorn_utils.py", "def helper():\n    pass\n") is None
    assert read_server_config("web.py", "daemon = True\nworkers = 2\n") is None  # not named like one
    assert read_server_config("web.py", "daemon = True\n", named=True) is not None  # gunicorn -c web.py
    assert read_server_config("gunicorn.conf.py", "daemon = (\n") is None  # TWC001 is the Python side's


def test_an_ini_file_is_read_like_supervisord_and_uwsgi_read_it():
    sections = read_ini("orphan = 1\n[a]\nkey = value ; comment\n; note\n  continued\nx: y\n[b]\n")
    assert [(s.name, s.line, s.values) for s in sections] == [
        ("a", 2, {"key": ("value", 3, 7), "x": ("y", 6, 4)}), ("b", 7, {})]


def test_uwsgi_yaml_and_ini_give_the_same_settings():
    ini = read_uwsgi("[uwsgi]\nsafe_pidfile = /tmp/u.pid\nlogto = /dev/stdout\n", ".ini")
    yaml = read_uwsgi("uwsgi:\n  safe-pidfile: /tmp/u.pid\n  logto: /dev/stdout\n", ".yaml")
    assert [(s.behaviour, s.key, s.line) for s in ini.settings] == [(PID, "safe-pidfile", 2)]
    assert [(s.behaviour, s.key, s.line) for s in yaml.settings] == [(PID, "safe-pidfile", 2)]
    assert read_uwsgi("other: 1\n", ".yaml") is None and read_uwsgi("uwsgi: [", ".yaml") is None


def test_supervisord_defaults_and_programs():
    config = read_supervisord("[supervisord]\nloglevel=info\n\n[program:web]\ncommand = gunicorn app\n")
    assert [(s.behaviour, s.line, s.default) for s in config.settings] == [
        (DAEMON, 1, False), (PID, 1, True), (LOG, 1, True)]
    assert [(p.name, p.command, p.line, p.column) for p in config.programs] == [("web", "gunicorn app", 5, 11)]
    assert config.facts()["server_config"]["programs"][0]["name"] == "web"
    # program-only files: read in conf.d/ and as supervisord*.conf, not elsewhere
    program = "[program:w]\ncommand=rq worker\n"
    assert read_supervisord(program, "deploy/conf.d/w.conf") is not None
    assert read_supervisord(program, "supervisord-worker.conf") is not None
    assert read_supervisord(program, "etc/supervisor/w.conf") is None
