"""The built-in knowledge files' bookkeeping: every table is listed in its file's [read-by]
(so `twelvecheck explain` shows it), and the modules that read the tables moved out of
Python stay out of a run answered from its record."""

from __future__ import annotations

import json

from conftest import probe, write

from twelvecheck.config import knowledge

# Tables that are part of another: tools.toml's [value-sets] are options its rows share.
PARTS = {("tools", "value-sets")}
# Modules that read a knowledge table when they are imported (besides those
# test_knowledge.py watches): deployment commands, Dockerfiles, the process rules' calls.
READERS = ("twelvecheck.deploy.pid1", "twelvecheck.deploy.documents", "twelvecheck.deploy.django_commands",
           "twelvecheck.checks.process._launch", "twelvecheck.checks.process._children")


def test_every_table_is_listed_in_its_files_read_by():
    for name in knowledge.builtin_files():
        data = knowledge.builtin(name)
        tables = {key for key in data if key not in ("schema", "read-by")}
        assert set(data["read-by"]) <= tables, name
        assert {table for table in tables - set(data["read-by"]) if (name, table) not in PARTS} == set(), name


def test_explain_lists_the_tables_a_rule_reads(run):
    result = run("explain", "TWC105")
    assert result.returncode == 0, result.stderr
    for table in ("launchers", "children", "exits"):
        assert f"knowledge/process.toml [{table}]:" in result.stdout


def test_explain_lists_no_table_for_a_rule_that_reads_none(run):
    """TWC703 judges a CMD's JSON syntax: no table of its family's is its (rules/TWC703.md)."""
    assert "Knowledge it reads" not in run("explain", "TWC703").stdout
    for code in ("TWC701", "TWC702"):
        out = run("explain", code).stdout
        assert "knowledge/tools.toml [tools]:" in out and "[tool.twelvecheck.knowledge] wrappers:" in out


def test_a_replayed_run_imports_none_of_the_readers(project):
    """A run of code the process rules look at loads their readers; a run answered from its
    record loads none (a project with deployment files is read again on every run, so the
    deploy/ readers are only checked not to be imported by the replay)."""
    write(project, "app.py", "import os\nimport subprocess\n\nsubprocess.Popen(['sleep', '9'], start_new_session=True)\n"
                             "os.execv('/bin/true', ['true'])\n")
    cold_out, cold = probe(project, "--format", "json", ".", watch=READERS)
    assert {"twelvecheck.checks.process._launch", "twelvecheck.checks.process._children"} <= set(cold["watched"])
    warm_out, warm = probe(project, "--format", "json", ".", watch=READERS)
    assert warm["watched"] == [] and warm_out == cold_out
    assert json.loads(warm_out)["findings"]
