"""The prefilters change what is parsed, never what is found.

Per file, a rule is only built where its tokens occur; whole-program facts are only
collected from the files an entry point can reach (closure.py). ``--no-prefilter`` turns
both off; on every sample project the JSON reports must be byte-identical. (The rule cases
compare both modes per rule in test_rule_cases.py; test_real_code.py compares them on the
standard library and the corpus.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import cases_of_several_modules, findings_with_and_without_prefilter

from twelvecheck.engine.rule import ProjectRule
from twelvecheck.engine.task import FileTask
from twelvecheck.run.closure import FactClosure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _has_findings(name: str) -> bool:
    """Every sample project has findings but the clean app, and a fixture whose only files are
    its local rules (tools/lint_rules: their code is checked, and clean)."""
    files = [path.relative_to(FIXTURES / name) for path in (FIXTURES / name).rglob("*") if path.is_file()]
    return name != "clean-app" and any(path.parts[0] != "tools" for path in files)


@pytest.mark.parametrize("name", [*PROJECTS, "."])
def test_findings_are_the_same_without_the_prefilters(run, tmp_path, name):
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    (tree / ".git").mkdir()
    target = tree / name
    filtered = run("--no-cache", "--format", "json", "--extend-select", "TWC002", ".", cwd=target)
    unfiltered = run("--no-cache", "--no-prefilter", "--format", "json", "--extend-select", "TWC002", ".",
                     cwd=target)
    assert filtered.returncode == unfiltered.returncode
    assert filtered.stdout == unfiltered.stdout
    assert ('"findings": []' not in filtered.stdout) == (name == "." or _has_findings(name))


def test_whole_program_findings_need_facts_from_files_without_an_entry_point(project, run):
    """The entry point is in one file, the loop two calls away in files with no __main__,
    no console script and no token of any per-file rule: the closure must reach them."""
    (project / "svc").mkdir()
    (project / "svc" / "__init__.py").write_text("")
    (project / "svc" / "main.py").write_text("from svc.loop import serve\n\nif __name__ == '__main__':\n    serve()\n")
    (project / "svc" / "loop.py").write_text("from svc.base import Worker\n\ndef serve():\n    Worker().run()\n")
    (project / "svc" / "base.py").write_text("from svc.work import Base\n\nclass Worker(Base):\n    pass\n")
    (project / "svc" / "work.py").write_text("import time\n\nclass Base:\n    def run(self):\n"
                                             "        while True:\n            time.sleep(1)\n")
    filtered = run("--no-cache", "--format", "json")
    assert '"code": "TWC302"' in filtered.stdout and '"path": "svc/main.py"' in filtered.stdout
    assert filtered.stdout == run("--no-cache", "--no-prefilter", "--format", "json").stdout


@pytest.mark.parametrize(("code", "case"), cases_of_several_modules(lambda rule: issubclass(rule, ProjectRule)))
def test_whole_program_cases_of_several_modules_find_the_same_without_the_prefilter(tmp_path, code, case):
    """The closure must fetch every module the cases' idioms reach (a Django command's base,
    the class a factory returns, a settings module's signal constants)."""
    found = [sorted((f.path, f.line, f.code) for f in findings)
             for findings in findings_with_and_without_prefilter(tmp_path, code, case)]
    assert found[0] == found[1]


def test_the_first_pass_takes_facts_from_the_modules_an_entry_point_imports(tmp_path):
    """A guess that saves a wave: the project's modules a file with an entry point imports
    (absolute, relative, ``from pkg import module``) give their facts in the first pass;
    a module nothing there imports does not."""
    files = {
        "svc/__init__.py": "",
        "svc/__main__.py": "import svc.settings as conf\nfrom .loop import serve\nfrom svc import (\n    jobs,\n)\n"
                           "serve(conf)\n",
        "svc/settings.py": "DEBUG = False\n",
        "svc/loop.py": "def serve(conf):\n    pass\n",
        "svc/jobs.py": "",
        "svc/unused.py": "",
    }
    tasks = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        tasks.append(FileTask(str(path), name, frozenset()))
    closure = FactClosure(tasks, [])
    closure.mark_roots()
    with_facts = {task.display_path for task in closure.tasks if task.collect_facts}
    assert with_facts == {"svc/__main__.py", "svc/settings.py", "svc/loop.py", "svc/jobs.py", "svc/__init__.py"}
