"""The whole-program facts come from CPython's tree (program/facts.py), not libcst's.

These tests hold that design to what it promises: a file that only gives facts is not
parsed by libcst; names resolve as the per-file rules resolve them (the import tables of
both trees agree); spans built from ``ast`` point where libcst's would (character columns,
definition names); and TWC303's fix, now made from ``ast`` facts, goes where it must or is
not offered.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
from pathlib import Path

import libcst
import pytest

from twelvecheck.core import lazy
from twelvecheck.run.worker import analyze_file
from twelvecheck.fix.apply import apply
from twelvecheck.engine.names import ImportTable, collect_ast_module_bindings, collect_module_bindings
from twelvecheck.engine.positions import SourceSpans
from twelvecheck.program.project import Project
from twelvecheck.engine.registry import load_rules
from twelvecheck.engine.task import FileTask

ROOT = Path(__file__).resolve().parent.parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Files with non-ASCII text, decorators, nested scopes, relative and conditional imports.
STDLIB_SAMPLE = ["ast.py", "argparse.py", "asyncio/base_events.py", "logging/__init__.py", "logging/config.py",
                 "email/_header_value_parser.py", "unicodedata.py", "test/test_unicode.py", "test/test_grammar.py",
                 "test/test_fstring.py", "test/test_signal.py", "concurrent/futures/process.py"]

SERVICE = """\
import time
def serve():
    while True:
        time.sleep(1)
if __name__ == "__main__":
    serve()
"""


def _analyze(source: str, filename: str = "app.py", codes=frozenset(load_rules())) -> object:
    return analyze_file(FileTask(path=filename, display_path=filename, report=codes, source=source.encode()))


def _project_findings(code: str, source: str, filename: str = "app.py") -> list:
    result = _analyze(source, filename, frozenset({code}))
    assert not result.errors, result.errors
    return load_rules()[code].check_project(Project({filename: result.facts}))


def _sample_files() -> list[Path]:
    files = sorted(ROOT.joinpath("fixtures").rglob("*.py"))
    files += [STDLIB / name for name in STDLIB_SAMPLE if (STDLIB / name).is_file()]
    return files


def test_a_file_that_only_gives_facts_is_not_parsed_by_libcst(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("libcst parsed a file that only gives facts")

    # The engine reaches libcst through twelvecheck.core.lazy, which keeps its own copy of the names.
    monkeypatch.setattr(lazy.libcst, "parse_module", refuse)
    result = _analyze(SERVICE)
    assert not result.errors and not result.findings
    units = result.facts["program"]["units"]
    assert units["app.serve"]["loops"] == [[[3, 11, 3, 15], "while True loop"]]
    assert units["app.<main>"]["at"] == [5, 4, 5, 26]
    # The same file with a per-file rule's token does reach libcst (so the patch bites).
    result = _analyze(SERVICE.replace("import time", "import time, subprocess"))
    assert any("libcst parsed a file" in finding.message for finding in result.findings)


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_import_tables_of_both_trees_agree(path):
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
        module = libcst.parse_module(text)
    except (SyntaxError, libcst.ParserSyntaxError):
        pytest.skip(f"{path.name} does not parse on this Python")
    from_cst, from_ast = ImportTable("pkg.mod"), ImportTable("pkg.mod")
    collect_module_bindings(module, from_cst)
    collect_ast_module_bindings(tree, from_ast)
    assert from_ast._scopes[0].bindings == from_cst._scopes[0].bindings


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_ast_spans_point_at_the_text_they_name(path):
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        pytest.skip(f"{path.name} does not parse on this Python")
    spans = SourceSpans(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.end_lineno == node.lineno:
            span = spans.span(node)
            assert spans.line_text(span.line)[span.column - 1:span.end_column - 1] == node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            span = spans.name_span(node)
            assert spans.line_text(span.line)[span.column - 1:span.end_column - 1] == node.name


def test_spans_count_characters_and_break_lines_as_python_does():
    text = 'x = "é€"; y = 1\n\x0cdef f(): pass\nasync \\\n  def  g(): pass\r\nclass\tK: pass\n'
    tree = ast.parse(text)
    spans = SourceSpans(text)
    y = tree.body[1].targets[0]
    assert (spans.span(y).line, spans.span(y).column) == (1, 11)
    assert spans.name_span(tree.body[2]).line == 2  # a form feed does not start a line
    g = spans.name_span(tree.body[3])
    assert (g.line, g.column, g.end_column) == (4, 8, 9)
    k = spans.name_span(tree.body[4])
    assert (k.line, k.column) == (5, 7)


def test_sigterm_fix_from_ast_facts_keeps_the_files_newlines_and_indentation():
    source = ("import time\r\n\r\ndef serve():\r\n\twhile True:\r\n\t\ttime.sleep(1)\r\n\r\n"
              'if __name__ == "__main__":  # start\r\n\t# serve until Ctrl+C\r\n\ttry:\r\n\t\tserve()\r\n'
              "\texcept KeyboardInterrupt:\r\n\t\tpass\r\n")
    [finding] = _project_findings("TWC303", source)
    fixed, applied = apply(source, [finding.fix])
    assert applied == [finding.fix]
    assert fixed == source.replace("import time\r\n", "import time\r\nimport signal\r\n").replace(
        "# start\r\n", "# start\r\n\tsignal.signal(signal.SIGTERM, signal.default_int_handler)\r\n")
    ast.parse(fixed)


@pytest.mark.parametrize("guard, fixed", [
    ('if (__name__ ==\n        "__main__"):\n', False),  # the colon is past the test's line
    ('if __name__ == "__main__": \\\n', False),  # a one-line block, continued
    ('if __name__ == \\\n        "__main__" :  # go\n', True),  # the test ends on the header's last line
])
def test_sigterm_fix_only_where_the_block_has_a_certain_first_line(guard, fixed):
    source = ("import time\ndef serve():\n    try:\n        while True:\n            time.sleep(1)\n"
              f"    except KeyboardInterrupt:\n        pass\n{guard}    serve()\n")
    [finding] = _project_findings("TWC303", source)
    if fixed:
        new, _ = apply(source, [finding.fix])
        assert new.splitlines()[10] == "    signal.signal(signal.SIGTERM, signal.default_int_handler)"
        ast.parse(new)
    else:
        assert finding.fix is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11 syntax")
def test_except_star_keyboard_interrupt_is_a_clean_stop_on_ctrl_c():
    source = SERVICE.replace("    serve()\n", "    try:\n        serve()\n    except* KeyboardInterrupt:\n"
                                             "        pass\n")
    assert [f.code for f in _project_findings("TWC303", source)] == ["TWC303"]
    assert _project_findings("TWC302", source) == []
