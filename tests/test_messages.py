"""Messages say each thing once: every rule's INVALID cases, run as a project through the real
pipeline, give messages without a clause said twice; and a scale hazard (a scheduler or a
PID file in a process type scaled above one) replaces the general clause it makes concrete."""

from __future__ import annotations

import re

import pytest
from conftest import write

from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.registry import load_rules
from twelvecheck.run.rule_cases import check_project, project_files

RULES = load_rules()

CLAUSE_WORDS = 6


def repeated_clause(message: str, words: int = CLAUSE_WORDS) -> str | None:
    """A run of ``words`` words that comes twice without overlapping; quoted code, quoted
    names and paths are left out (two platforms' readings of one command may rightly both
    quote it)."""
    prose = re.sub(r"`[^`]*`|'[^'\s]*'|\S*/\S*", " ", message.lower())
    tokens = re.findall(r"[\w.()<>=-]+", prose)
    first: dict[tuple[str, ...], int] = {}
    for index in range(len(tokens) - words + 1):
        run = tuple(tokens[index:index + words])
        if run in first and first[run] + words <= index:
            return " ".join(run)
        first.setdefault(run, index)
    return None


def test_repeated_clause_finds_a_clause_said_twice():
    said_twice = ("the scheduler runs inside this web process; scaled up, "
                  "the scheduler runs inside this web process again")
    assert repeated_clause(said_twice) == "the scheduler runs inside this web"
    assert repeated_clause("a Procfile read as `web: gunicorn app:app` and as `web: gunicorn app:app`") is None


def _messages(code: str, tmp_path) -> list[str]:
    rule = RULES[code]
    messages = []
    for index, case in enumerate(rule.INVALID):
        result = check_project(tmp_path / str(index), project_files(rule, case), [code], case.options)
        messages += [finding.message for finding in result.findings if finding.code == code]
    return messages


@pytest.mark.parametrize("code", sorted(RULES))
def test_no_message_says_a_clause_twice(code, tmp_path):
    messages = _messages(code, tmp_path)
    assert messages, f"{code}: no INVALID case gave a finding"
    for message in messages:
        assert repeated_clause(message) is None, f"{code} says {repeated_clause(message)!r} twice: {message}"


SCALED = {  # a scale hazard's finding in a web process scaled to 3 (app.json)
    "TWC401": "from apscheduler.schedulers.background import BackgroundScheduler\n"
              "scheduler = BackgroundScheduler()\nscheduler.start()\napp = object()\n",
    "TWC101": "import os\nopen('web.pid', 'w').write(str(os.getpid()))\napp = object()\n",
}


def test_every_scale_hazard_is_checked_here():
    assert {code for code, doc in load_rule_docs().items() if doc.scale_hazard} == set(SCALED)


@pytest.mark.parametrize("code", sorted(SCALED))
def test_a_scale_hazard_says_the_numbers_once(code, run, project):
    write(project, "Procfile", "web: gunicorn app:app\n")
    write(project, "app.json", '{"formation": {"web": {"quantity": 3}}}\n')
    write(project, "app.py", SCALED[code])
    result = run("--no-cache", "--format", "json", "--select", code, ".")
    [finding] = [f for f in __import__("json").loads(result.stdout)["findings"] if f["code"] == code]
    message = finding["message"]
    assert finding["severity"] == "error"
    assert "web runs 3 processes" in message
    assert not re.search(r"\bN\b", message), f"the general clause is left beside the numbers: {message}"
    assert repeated_clause(message, 4) is None, message
