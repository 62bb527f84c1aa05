"""Local rules ([tool.twelvecheck] local-rules) and plugins (the entry-point group
twelvecheck.rules), through the real command line: they report like the built-in rules,
selection and suppressions know their codes, `rules` and `explain` say where they come
from, `test-rules` runs their cases, a broken one is an error naming it (exit 2) that costs
no other finding, and editing one analyses the files again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FILE_HANDLER, clean_env, probe, write

FIXTURE_RULES = Path(__file__).resolve().parents[1] / "fixtures" / "platform-service" / "tools" / "lint_rules"

# A platform team's rule: queue consumers go through the platform's client, not redis directly.
DIRECT_QUEUE = '''"""
+++
code = "ACME101"
name = "direct-queue-pop"
family = "platform"
severity = "warning"
summary = "A worker pops from Redis directly instead of through acme.queue."
message = "{call} pops from Redis directly; consume through acme.queue.Consumer"
fix = []
+++

# ACME101 direct-queue-pop

## What it does
Flags `lpop` and `blpop` calls.
"""

from twelvecheck.engine.rule import Invalid, Rule, Valid


class DirectQueuePop(Rule):
    code = "ACME101"
    tokens = ("pop",)
    VALID = [Valid("items = []\\nitems.pop()\\n")]
    INVALID = [Invalid("import redis\\nredis.Redis().lpop('jobs')\\n", lines=(2,))]

    def visit_Call(self, node):
        name = getattr(node.func, "attr", None)
        if name is not None and name.value in ("lpop", "blpop"):
            self.report(node, call=name.value + "()")
'''

WORKER = "import redis\n\nqueue = redis.Redis()\n\n\ndef take():\n    return queue.lpop('jobs')\n"
CONFIG = '[tool.twelvecheck]\nlocal-rules = ["tools/lint_rules"]\n'


def _lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line[:1].isalnum() and ": " in line and "Found" not in line]


def _with_local_rule(project: Path, rule: str = DIRECT_QUEUE) -> None:
    write(project, "pyproject.toml", CONFIG)
    write(project, "tools/lint_rules/direct_queue.py", rule)
    write(project, "worker.py", WORKER)
    write(project, "logs.py", FILE_HANDLER)


def test_a_local_rule_reports_beside_the_built_in_rules(project, run):
    _with_local_rule(project)
    result = run("--no-cache", "worker.py", "logs.py")
    assert result.returncode == 1, result.stderr
    found = _lines(result.stdout)
    assert [line.split()[:2] for line in found] == [["logs.py:2:1:", "TWC201"], ["worker.py:7:12:", "ACME101"]]
    assert found[1] == ("worker.py:7:12: ACME101 [warning] lpop() pops from Redis directly; consume through "
                        "acme.queue.Consumer (direct-queue-pop)")


def test_selection_suppressions_and_per_file_ignores_know_local_codes(project, run):
    _with_local_rule(project)

    def codes(*args: str) -> list[str]:
        result = run("--no-cache", "--format", "json", *args)
        assert result.returncode in (0, 1), result.stderr
        return sorted(finding["code"] for finding in json.loads(result.stdout)["findings"])

    assert codes("--select", "ACME101") == ["ACME101"]
    assert codes("--select", "ACME") == ["ACME101"]
    assert codes("--select", "platform") == ["ACME101"]
    assert codes("--select", "direct-queue-pop") == ["ACME101"]
    assert codes("--ignore", "ACME1") == ["TWC201"]
    assert codes("--ignore", "ACME", "--select", "ACME101") == ["ACME101"]  # the more specific wins
    write(project, "pyproject.toml", CONFIG + '[tool.twelvecheck.per-file-ignores]\n"worker.py" = ["ACME101"]\n')
    assert codes() == ["TWC201"]
    write(project, "pyproject.toml", CONFIG + 'extend-select = ["ACME101"]\n')  # a config selector of its code
    write(project, "worker.py", WORKER.replace("lpop('jobs')", "lpop('jobs')  # twelvecheck: ignore[ACME101]"))
    assert codes() == ["TWC201"]
    write(project, "worker.py", WORKER.replace("lpop('jobs')", "lpop('jobs')  # noqa: ACME101"))
    assert codes() == ["TWC201"]


def test_a_baseline_records_local_findings(project, run):
    _with_local_rule(project)
    assert run("--no-cache", "--write-baseline", "baseline.json").returncode == 0
    assert "ACME101" in (project / "baseline.json").read_text()
    assert run("--no-cache", "--baseline", "baseline.json").returncode == 0
    write(project, "worker2.py", WORKER)
    result = run("--no-cache", "--baseline", "baseline.json")
    assert [line.split()[:2] for line in _lines(result.stdout)] == [["worker2.py:7:12:", "ACME101"]]


def test_rules_and_explain_say_where_a_rule_comes_from(project, run):
    _with_local_rule(project)
    table = run("rules")
    assert table.returncode == 0, table.stderr
    line = next(line for line in table.stdout.splitlines() if line.startswith("ACME101"))
    assert line.endswith("[local tools/lint_rules/direct_queue.py]"), line
    listed = {rule["code"]: rule for rule in json.loads(run("rules", "--format", "json").stdout)}
    assert listed["ACME101"]["origin"] == "local tools/lint_rules/direct_queue.py"
    assert listed["ACME101"]["family"] == "platform"
    assert listed["TWC201"]["origin"] == "builtin"
    explained = run("explain", "acme101")
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("ACME101 direct-queue-pop  [family: platform, severity: warning, "
                                       "enabled by default, fix: none, from: local tools/lint_rules/direct_queue.py]")
    assert "Flags `lpop` and `blpop` calls." in explained.stdout


def test_a_single_module_and_a_document_beside_it(project, run):
    module, _, document = DIRECT_QUEUE.partition('"""\n\nfrom')
    write(project, "pyproject.toml", '[tool.twelvecheck]\nlocal-rules = ["lint/queue_rule.py"]\n')
    write(project, "lint/queue_rule.py", "from" + document)
    write(project, "lint/ACME101.md", module.lstrip('"\n') + "\n")
    write(project, "worker.py", WORKER)
    result = run("--no-cache", "--select", "ACME101")
    assert result.returncode == 1, result.stderr
    assert [line.split()[:2] for line in _lines(result.stdout)] == [["worker.py:7:12:", "ACME101"]]


def test_the_fixture_rule_passes_its_cases_and_judges_a_project(project, run):
    result = run("test-rules", str(FIXTURE_RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PLAT101-invalid-0" in result.stdout and "FAIL" not in result.stdout
    write(project, "pyproject.toml", f'[tool.twelvecheck]\nlocal-rules = ["{FIXTURE_RULES.as_posix()}"]\n')
    write(project, "poller.py", "import time\n\n\ndef poll():\n    while True:\n        time.sleep(5)\n")
    found = run("--no-cache", "--select", "PLAT101")
    assert [line.split()[:2] for line in _lines(found.stdout)] == [["poller.py:5:5:", "PLAT101"]], found.stderr


def test_test_rules_passes_and_fails_readably(project, run):
    _with_local_rule(project)
    passed = run("test-rules")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.splitlines() == ["ok   ACME101-valid-0", "ok   ACME101-invalid-0",
                                          "1 rule: 2 cases passed, 0 failed"]
    write(project, "tools/lint_rules/direct_queue.py", DIRECT_QUEUE.replace("lines=(2,)", "lines=(1,)"))
    failed = run("test-rules", "tools/lint_rules")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAIL ACME101-invalid-0 (local tools/lint_rules/direct_queue.py)" in failed.stdout
    assert "    ACME101 fired on lines [2], expected (1,):" in failed.stdout
    assert failed.stdout.splitlines()[-1] == "1 rule: 1 cases passed, 1 failed"


def test_broken_local_rules_are_errors_naming_them_and_cost_no_other_finding(project, run):
    _with_local_rule(project)
    write(project, "tools/lint_rules/broken.py", "import acme_helpers_that_are_not_installed\n")
    write(project, "tools/lint_rules/twc_code.py", DIRECT_QUEUE.replace("ACME101", "TWC901"))
    write(project, "tools/lint_rules/same_code.py", DIRECT_QUEUE.replace("direct-queue-pop", "queue-pop-again"))
    write(project, "tools/lint_rules/undocumented.py",
          "from twelvecheck.engine.rule import Rule\n\n\nclass Quiet(Rule):\n    code = 'ACME102'\n")
    write(project, "tools/lint_rules/raises.py", DIRECT_QUEUE.replace("ACME101", "ACME103").replace(
        "direct-queue-pop", "raising-rule").replace('name = getattr(node.func, "attr", None)', "name = 1 / 0"))
    result = run("--no-cache", "worker.py", "logs.py")
    assert result.returncode == 2
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("twelvecheck: error:"))
    assert errors == sorted([
        "twelvecheck: error: tools/lint_rules/broken.py:1: local rule module: failed to import: "
        "ModuleNotFoundError: No module named 'acme_helpers_that_are_not_installed'",
        "twelvecheck: error: tools/lint_rules/same_code.py: local rule module: rule DirectQueuePop (ACME101) is "
        "left out: its code is taken (local tools/lint_rules/direct_queue.py)",
        "twelvecheck: error: tools/lint_rules/twc_code.py: local rule module: rule DirectQueuePop: code 'TWC901' "
        "is not a prefix of its own (2 to 6 capital letters, not TWC) followed by 1 to 4 digits, such as ACME101",
        "twelvecheck: error: tools/lint_rules/undocumented.py: local rule module: rule Quiet (ACME102): no "
        "document: give ACME102 front matter between '+++' lines in its module's docstring, or a ACME102.md "
        "beside the module (docs/adding-a-rule.md, 'Local rules and plugins')",
        "twelvecheck: error: worker.py: rule ACME103 (local tools/lint_rules/raises.py) raised "
        "ZeroDivisionError: division by zero",
    ]), result.stderr
    # Every rule that loaded still reports, the built-in ones and the local one.
    assert [line.split()[1] for line in _lines(result.stdout)] == ["TWC201", "ACME101"]


# A platform team's Procfile rule whose own code raises on every Procfile.
RAISING_PROCFILE_RULE = '''"""
+++
code = "ACME201"
name = "procfile-owner"
family = "platform"
severity = "warning"
summary = "Every process type names its owning team."
message = "{type} names no owner"
fix = []
+++

# ACME201 procfile-owner

## What it does
Flags process types without an owner comment.
"""

from twelvecheck.engine.rule import DeployRule


class ProcfileOwner(DeployRule):
    code = "ACME201"
    kinds = ("procfile",)

    @classmethod
    def check(cls, document):
        return [document.owners_by_type[name] for name in ("web",)]
'''


def test_a_deployment_rule_that_raises_costs_only_its_own_findings(project, run):
    write(project, "pyproject.toml", CONFIG)
    write(project, "tools/lint_rules/procfile_owner.py", RAISING_PROCFILE_RULE)
    write(project, "Procfile", "web: gunicorn --daemon app:wsgi\n")
    write(project, "app.py", "def wsgi(environ, start_response):\n    return []\n")
    result = run("--no-cache", "--select", "TWC511,ACME201")
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("twelvecheck: error:")]
    assert errors == ["twelvecheck: error: Procfile: rule ACME201 (local tools/lint_rules/procfile_owner.py) "
                      "raised AttributeError: 'ProcfileDocument' object has no attribute "
                      "'owners_by_type'"], result.stderr
    # The built-in rules still judge the same Procfile.
    assert [line.split()[:2] for line in _lines(result.stdout)] == [["Procfile:1:15:", "TWC511"]], result.stdout


def test_a_bad_local_rules_path_is_an_error(project, run):
    write(project, "pyproject.toml", '[tool.twelvecheck]\nlocal-rules = ["tools/missing_rules"]\n')
    write(project, "logs.py", FILE_HANDLER)
    result = run("--no-cache")
    assert result.returncode == 2
    assert "local-rules: tools/missing_rules is neither a folder nor a Python module" in result.stderr
    assert "TWC201" in result.stdout


def test_editing_a_local_rule_analyses_the_files_again(project, run):
    _with_local_rule(project)
    first = run("worker.py")
    assert "consume through acme.queue.Consumer" in first.stdout, first.stderr
    assert run("worker.py").stdout == first.stdout  # answered from the record
    write(project, "tools/lint_rules/direct_queue.py", DIRECT_QUEUE.replace("acme.queue.Consumer", "acme.Consumer"))
    again = run("worker.py")
    assert "consume through acme.Consumer" in again.stdout and "acme.queue.Consumer" not in again.stdout
    # A helper beside the rules is part of them too: the rule reads its word from it.
    write(project, "tools/lint_rules/_words.py", "CONSUMER = 'acme.jobs.Consumer'\n")
    write(project, "tools/lint_rules/direct_queue.py", DIRECT_QUEUE.replace(
        "from twelvecheck.engine.rule", "from _words import CONSUMER\nfrom twelvecheck.engine.rule").replace(
        'call=name.value + "()"', 'call=name.value + "()", consumer=CONSUMER').replace(
        "acme.queue.Consumer", "{consumer}"))
    assert "consume through acme.jobs.Consumer" in run("worker.py").stdout
    write(project, "tools/lint_rules/_words.py", "CONSUMER = 'acme.tasks.Consumer'\n")
    assert "consume through acme.tasks.Consumer" in run("worker.py").stdout


def test_a_run_without_local_rules_or_plugins_loads_nothing_for_them(project):
    write(project, "logs.py", FILE_HANDLER)
    probe(project, "logs.py")  # the cache and the run record
    _, loaded = probe(project, "logs.py", watch=("twelvecheck.engine.extensions", "importlib.metadata"))
    assert loaded["watched"] == [] and loaded["engine"] is False, loaded


# -- plugins -----------------------------------------------------------------------------
def _install_plugin(site: Path, module: str, text: str, entry: str, name: str = "acme-rules",
                    version: str = "1.2.0") -> None:
    write(site, f"{module}/__init__.py", text)
    dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
    write(dist, "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    write(dist, "entry_points.txt", f"[twelvecheck.rules]\n{entry}\n")


def _plugin_env(site: Path) -> dict[str, str]:
    return clean_env(PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))


def test_an_installed_plugin_reports_and_is_listed_with_its_distribution(project, run, tmp_path):
    site = tmp_path / "site"
    _install_plugin(site, "acme_rules", DIRECT_QUEUE, "queue = acme_rules")
    write(project, "worker.py", WORKER)
    env = _plugin_env(site)
    result = run("--no-cache", env=env)
    assert result.returncode == 1, result.stderr
    assert [line.split()[1] for line in _lines(result.stdout)] == ["ACME101"]
    listed = {rule["code"]: rule for rule in json.loads(run("rules", "--format", "json", env=env).stdout)}
    assert listed["ACME101"]["origin"] == "plugin acme-rules 1.2.0"
    assert "from: plugin acme-rules 1.2.0" in run("explain", "ACME101", env=env).stdout
    assert run("test-rules", env=env).stdout.splitlines()[-1] == "1 rule: 2 cases passed, 0 failed"


def test_a_plugin_that_fails_to_import_is_an_error_and_the_run_goes_on(project, run, tmp_path):
    site = tmp_path / "site"
    _install_plugin(site, "acme_broken", "raise ImportError('acme_broken needs acme-sdk>=3')\n",
                    "broken = acme_broken", name="acme-broken", version="0.3.1")
    write(project, "logs.py", FILE_HANDLER)
    result = run("--no-cache", env=_plugin_env(site))
    assert result.returncode == 2
    assert "twelvecheck: error: plugin acme-broken 0.3.1 (acme_broken): failed to import: " \
           "ImportError: acme_broken needs acme-sdk>=3" in result.stderr
    assert [line.split()[1] for line in _lines(result.stdout)] == ["TWC201"]


def test_a_plugin_whose_version_changes_analyses_the_files_again(project, run, tmp_path):
    site = tmp_path / "site"
    _install_plugin(site, "acme_rules", DIRECT_QUEUE, "queue = acme_rules")
    write(project, "worker.py", WORKER)
    assert "acme.queue.Consumer" in run("worker.py", env=_plugin_env(site)).stdout
    new_site = tmp_path / "site2"
    _install_plugin(new_site, "acme_rules", DIRECT_QUEUE.replace("acme.queue.Consumer", "acme.v2.Consumer"),
                    "queue = acme_rules", version="2.0.0")
    assert "acme.v2.Consumer" in run("worker.py", env=_plugin_env(new_site)).stdout


def test_a_selector_of_a_rule_that_did_not_load_says_why(project, run):
    _with_local_rule(project, DIRECT_QUEUE.replace("from twelvecheck.engine.rule", "import acme_sdk\nfrom twelvecheck"
                                                                                  ".engine.rule"))
    write(project, "pyproject.toml", CONFIG + 'extend-select = ["ACME101"]\n')
    result = run("--no-cache")
    assert result.returncode == 2
    assert result.stderr.splitlines()[:2] == [
        "twelvecheck: error: tools/lint_rules/direct_queue.py:18: local rule module: failed to import: "
        "ModuleNotFoundError: No module named 'acme_sdk'",
        f"twelvecheck: error: {project / 'pyproject.toml'}: key 'tool.twelvecheck.extend-select': unknown rule "
        "selector 'ACME101'; did you mean 'TWC101'? (expected a code such as TWC201, a prefix such as TWC2, a "
        "family (meta, process, logging, signals, scheduler, procfile, formation, container), a rule name, or ALL)",
    ], result.stderr


def test_the_guides_pytest_snippet_runs_local_rule_cases(project):
    """docs/adding-a-rule.md shows a test module that runs local rules' cases under pytest."""
    guide = (Path(__file__).resolve().parents[1] / "docs" / "adding-a-rule.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Local rules and plugins"):]
    snippet = section[section.index("```python\nfrom pathlib") + len("```python\n"):]
    _with_local_rule(project)
    write(project, "tests/test_lint_rules.py", snippet[:snippet.index("```")])

    def pytest_run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                               "tests/test_lint_rules.py"], cwd=project, capture_output=True, text=True,
                              env=clean_env(), timeout=300)

    passed = pytest_run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 passed" in passed.stdout
    write(project, "tools/lint_rules/direct_queue.py", DIRECT_QUEUE.replace("lines=(2,)", "lines=(1,)"))
    failed = pytest_run()
    assert failed.returncode == 1 and "1 failed, 1 passed" in failed.stdout, failed.stdout
    assert "ACME101 fired on lines [2], expected (1,)" in failed.stdout


def test_every_report_format_shows_a_local_finding(project, run):
    from twelvecheck.reports import FORMATS

    _with_local_rule(project)
    for name in FORMATS:
        result = run("--no-cache", "--format", name, "worker.py")
        assert result.returncode == 1, f"{name}: {result.stderr}"
        assert "ACME101" in result.stdout, name
        if name == "sarif":
            rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
            local = next(rule for rule in rules if rule["id"] == "ACME101")
            assert local["properties"]["origin"] == "local tools/lint_rules/direct_queue.py"
            assert local["helpUri"] == (project / "tools/lint_rules/direct_queue.py").resolve().as_uri()


def test_workers_that_do_not_fork_from_the_run_use_the_local_rules_too(project):
    """Python 3.14 starts pool workers with forkserver: they must load the local rules themselves."""
    _with_local_rule(project)
    for index in range(30):  # above the size of a run analysed in one process
        write(project, f"jobs/queue_{index}.py", WORKER)
    script = ("import multiprocessing, sys\nmultiprocessing.set_start_method('spawn')\n"
              "from twelvecheck.cli.main import run\nsys.argv = ['twelvecheck', *sys.argv[1:]]\nrun()\n")
    proc = subprocess.run([sys.executable, "-c", script, "--no-cache", "--jobs", "2", "--select", "ACME101",
                           "--format", "json", "jobs"], cwd=project, capture_output=True, text=True,
                          env=clean_env(), timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert len(json.loads(proc.stdout)["findings"]) == 30
