"""Conditional findings (run/conditions.py): a per-file rule's finding that holds on a question
about other modules is answered by the run from the whole program, the same with and without
the prefilter, and again on every run: the cache keeps the question, never its answer."""

from __future__ import annotations

import json

import pytest
from conftest import cases_of_several_modules, findings_with_and_without_prefilter, write

from twelvecheck.core.findings import Requires
from twelvecheck.program.project import Project

MAIN = """\
import logging
from svc.handlers import AuditHandler


def configure():
    logging.getLogger().addHandler(AuditHandler("audit.log"))
"""
HANDLERS = "from svc.base import SizedHandler\n\nclass AuditHandler(SizedHandler):\n    pass\n"
FILE_BASE = "from logging.handlers import RotatingFileHandler\n\nclass SizedHandler(RotatingFileHandler):\n    pass\n"
STREAM_BASE = "from logging import StreamHandler\n\nclass SizedHandler(StreamHandler):\n    pass\n"


# The rules whose findings may hang on other modules: a class's bases, what a function is
# handed (TWC101's process id, where the module that writes it need name no pid).
@pytest.mark.parametrize(("code", "case"), cases_of_several_modules(
    lambda rule: rule.known_classes or rule.reads_handed_modules))
def test_cases_across_modules_find_the_same_without_the_prefilter(tmp_path, code, case):
    runs = findings_with_and_without_prefilter(tmp_path, code, case)
    assert all(f.requires is None for findings in runs for f in findings)
    found = [sorted((f.path, f.line, f.code) for f in findings) for findings in runs]
    assert found[0] == found[1]


@pytest.fixture
def service(project):
    write(project, "svc/__init__.py", "")
    write(project, "svc/main.py", MAIN)
    write(project, "svc/handlers.py", HANDLERS)
    write(project, "svc/base.py", FILE_BASE)
    return project


def _lines(proc) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"] if f["code"] == "TWC201"]


def test_editing_only_the_base_class_module_changes_the_finding_on_a_cached_run(service, run):
    uncached = run("--no-cache", "--format", "json", "--select", "TWC201")
    assert _lines(uncached) == [("svc/main.py", 6)]
    assert "requires" not in uncached.stdout and "instance_of" not in uncached.stdout
    assert run("--format", "json", "--select", "TWC201").stdout == uncached.stdout  # cold
    assert run("--format", "json", "--select", "TWC201").stdout == uncached.stdout  # warm (replayed)
    write(service, "svc/base.py", STREAM_BASE)
    assert _lines(run("--format", "json", "--select", "TWC201")) == []
    assert _lines(run("--no-cache", "--format", "json", "--select", "TWC201")) == []
    write(service, "svc/base.py", FILE_BASE)
    assert run("--format", "json", "--select", "TWC201").stdout == uncached.stdout


def test_the_question_is_answered_with_every_rule_enabled_and_without_the_prefilter(service, run):
    default = run("--format", "json")
    assert ("svc/main.py", 6) in _lines(default)
    assert run("--no-cache", "--no-prefilter", "--format", "json").stdout == default.stdout


def test_standard_input_drops_a_conditional_finding(service, run):
    proc = run("--format", "json", "--select", "TWC201", "-", input=MAIN)
    assert _lines(proc) == []


def test_a_cycle_of_classes_answers_no():
    project = Project({"a.py": {"program": {"classes": {"a.A": ["b.B"]}}},
                       "b.py": {"program": {"classes": {"b.B": ["a.A"]}}}})
    assert not project.makes_instance_of("a.A", frozenset({"logging.FileHandler"}))
    assert Requires.from_json(Requires.instance_of("a.A", "k").to_json()) == Requires.instance_of("a.A", "k")
