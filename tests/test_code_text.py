"""The prefilter looks for rule tokens in code only (engine/code_text.py): comments and
docstrings are left out, nothing that is code ever is."""

from __future__ import annotations

import ast
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from twelvecheck.core.findings import FileResult
from twelvecheck.engine.code_text import code_text
from twelvecheck.engine.task import FileTask
from twelvecheck.run.worker import analyze_file

ROOT = Path(__file__).resolve().parent.parent


def _code(source: str) -> str:
    source = textwrap.dedent(source)
    return code_text(source, ast.parse(source))


CASES = [
    pytest.param('''\
        """Runs subprocess.Popen for each job."""
        import os  # the signal module is not needed
        # daemonize here
        x = 1
        ''', ["import os", "x = 1"], ["subprocess", "signal", "daemonize"], id="module docstring and comments"),
    pytest.param('''\
        class Worker:
            """Forks and calls setsid."""
            timeout = 3
            """The attribute's docstring names FileHandler."""

            def run(self):
                """Starts a Thread."""
                return self.go()
        ''', ["class Worker:", "timeout = 3", "def run(self):", "return self.go()"],
        ["setsid", "FileHandler", "Thread"], id="class, attribute and function docstrings"),
    pytest.param('''\
        if (ready and
                signal_ready): run()  # kept: on a line of the header
        # left out: a line of its own
        ''', ["if (ready and", "signal_ready): ", "run()"], ["line of its own"],
        id="a header over two lines with the body on its last line"),
    pytest.param('''\
        @app.task(  # an inline comment in a decorator
            name="beat")
        def job():
            pass
        ''', ["@app.task(", 'name="beat")', "def job():"], [], id="decorators over several lines, whole"),
    pytest.param('''\
        cmd = ["gunicorn",  # the server
               "--pid", "app.pid"]
        x = 1; y = "daemon"  # daemon in a comment
        ''', ['cmd = ["gunicorn",', '"--pid", "app.pid"]', 'y = "daemon"'], ["in a comment"],
        id="statements over several lines are whole, one-line ones end at the statement"),
    pytest.param('''\
        try:
            import resource
        except ImportError:  # no resource module on Windows
            resource = None
        else:
            pass
        finally:
            done = True
        ''', ["import resource", "except ImportError:", "resource = None", "done = True"], [],
        id="try, handlers, else and finally"),
    pytest.param('''\
        name = "café"; fork = 1  # é in a comment
        ''', ['name = "café"', "fork = 1"], ["in a comment"], id="offsets count UTF-8 bytes"),
    pytest.param('''\
        def f():
            "single-quoted docstring with Popen"
            return f"{x!r}"
        ''', ['return f"{x!r}"'], ["Popen"], id="a single-quoted docstring"),
    pytest.param('''\
        while True:
            # supervisord restarts it
            respawn()
        ''', ["while True:", "respawn()"], ["supervisord"], id="a loop's header and body"),
]

if sys.version_info >= (3, 10):
    CASES.append(pytest.param('''\
        match command:
            case ["serve", port] if port:  # a guard
                serve_forever(port)
            case _:
                pass
        ''', ["match command:", 'case ["serve", port] if port:', "serve_forever(port)"], [],
        id="match statements: the case lines whole"))


@pytest.mark.parametrize(("source", "kept", "dropped"), CASES)
def test_code_text_keeps_code_and_drops_comments_and_docstrings(source, kept, dropped):
    code = _code(source)
    for piece in kept:
        assert piece in code, (piece, code)
    for word in dropped:
        assert word not in code, (word, code)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\f"])
def test_text_whose_lines_the_tokenizer_may_count_otherwise_is_kept_whole(newline):
    source = f"import os{newline}# signal{newline}x = 1\n"
    assert code_text(source, ast.parse(source)) == source


def _python_files() -> list[Path]:
    files = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files += sorted(stdlib.glob("*.py"))[:150] + sorted((stdlib / "asyncio").glob("*.py"))
    return files


def _words_in_code(tree: ast.Module) -> set[str]:
    """The names, attributes, keywords, imported names and identifier-like strings of the
    tree, leaving out strings that are whole statements (docstrings)."""
    bare = {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            words.add(node.arg)
        elif isinstance(node, ast.alias):
            words.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            words.add(node.name)
        elif isinstance(node, ast.Constant) and id(node) not in bare and isinstance(node.value, str) \
                and node.value.isidentifier():
            words.add(node.value)
    return words


def test_every_word_of_the_code_of_real_modules_is_kept():
    """On this project's own modules, its fixtures and part of the standard library: every
    word the tree holds (outside docstrings) that is written out in the text is in the code
    text, so no rule's token can be lost."""
    checked = 0
    for path in _python_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # fixtures broken on purpose
        code = code_text(text, tree)
        missing = sorted(word for word in _words_in_code(tree) if word in text and word not in code)
        assert not missing, (path, missing[:10])
        checked += 1
    assert checked > 200


def _analyze(tmp_path: Path, source: str) -> FileResult:
    path = tmp_path / "module.py"
    path.write_text(source)
    return analyze_file(FileTask(str(path), "module.py", frozenset({"TWC101", "TWC102", "TWC301"}),
                                 collect_facts=False))


def test_a_token_only_in_a_comment_or_docstring_parses_nothing(tmp_path):
    result = _analyze(tmp_path, '"""Forks into the background with subprocess."""\n'
                                "# signal.signal(signal.SIGTERM, signal.SIG_IGN)\nx = 1\n")
    assert not result.parsed and not result.findings


def test_the_same_token_in_code_is_parsed_and_judged(tmp_path):
    result = _analyze(tmp_path, "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n")
    assert result.parsed and [finding.code for finding in result.findings] == ["TWC301"]
