"""Suppression comments, through the real command line."""

from __future__ import annotations

import pytest
from conftest import write


def findings(stdout: str) -> list[tuple[int, str]]:
    """(line, code) of every finding in text output."""
    out = []
    for text in stdout.splitlines():
        parts = text.split(":", 3)
        if len(parts) == 4 and parts[3].startswith(" TWC"):
            out.append((int(parts[1]), parts[3].split()[0]))
    return out


@pytest.fixture
def check(project, run):
    def _check(source: str, *args: str) -> list[tuple[int, str]]:
        write(project, "s.py", source)
        result = run(*args, "s.py")
        assert result.returncode in (0, 1), result.stderr
        assert result.returncode == (1 if any(c != "TWC002" for _, c in findings(result.stdout)) else 0)
        return findings(result.stdout)

    return _check


HANDLER = 'logging.FileHandler("app.log")'


def test_unsuppressed_baseline_fires(check):
    assert check(f"import logging\n{HANDLER}\n") == [(2, "TWC201")]


@pytest.mark.parametrize("comment", [
    "# twelvecheck: ignore[TWC201]",
    "# twelvecheck: ignore[file-log-handler]",
    "# twelvecheck: ignore[twc201]",
    "#twelvecheck:ignore[TWC202, TWC201]",
    "# twelvecheck: ignore",
    "# noqa: TWC201",
    "# noqa:TWC201,E501",
    "# type: ignore  # noqa: TWC201",
])
def test_trailing_comment_silences_the_finding_on_its_line(check, comment):
    assert check(f"import logging\n{HANDLER}  {comment}\n") == []


@pytest.mark.parametrize("comment", [
    "# noqa",
    "# noqa: E501",
    "# NOQA",
    "# twelvecheck: ignore[TWC202]",
    "# twelvecheck: ignore[basicconfig-filename]",
    "# pylint: disable=TWC201",
])
def test_comments_that_do_not_name_the_rule_do_not_silence_it(check, comment):
    assert check(f"import logging\n{HANDLER}  {comment}\n") == [(2, "TWC201")]


def test_trailing_comment_silences_only_its_own_line(check):
    source = f"import logging\n{HANDLER}  # twelvecheck: ignore[TWC201]\n{HANDLER}\n"
    assert check(source) == [(3, "TWC201")]


def test_own_line_comment_silences_the_next_statement(check):
    source = f"import logging\n# twelvecheck: ignore[TWC201]\n{HANDLER}\n{HANDLER}\n"
    assert check(source) == [(4, "TWC201")]


def test_own_line_comment_covers_a_finding_deep_inside_a_multiline_statement(check):
    source = (
        "import logging\n"
        "# twelvecheck: ignore[file-log-handler]\n"
        "handlers = dict(\n"
        "    console=logging.StreamHandler(),\n"
        "    disk=logging.FileHandler(\n"
        '        "app.log",\n'
        "    ),\n"
        ")\n"
    )
    assert check(source.replace("# twelvecheck: ignore[file-log-handler]\n", "# unrelated\n")) == [(5, "TWC201")]
    assert check(source) == []


def test_own_line_comment_above_a_comment_block_covers_the_statement_below(check):
    source = f"import logging\n# twelvecheck: ignore[TWC201]\n# why: legacy deployment\n\n{HANDLER}\n"
    assert check(source) == []


def test_trailing_comment_on_the_last_line_of_a_multiline_call_silences_it(check):
    source = 'import logging\nlogging.FileHandler(\n    "app.log",\n)  # twelvecheck: ignore[TWC201]\n'
    assert check(source) == []


def test_file_level_ignore_silences_that_rule_everywhere_in_the_file(check):
    source = (
        "# twelvecheck: ignore-file[TWC201]\n"
        f"import logging\n{HANDLER}\n"
        "def f():\n"
        f"    {HANDLER}\n"
        'logging.basicConfig(filename="x")\n'
    )
    assert check(source) == [(6, "TWC202")]


def test_file_level_ignore_without_codes_silences_everything(check):
    source = f'import logging\n{HANDLER}\nlogging.basicConfig(filename="x")\n# twelvecheck: ignore-file\n'
    assert check(source) == []


@pytest.mark.parametrize("source", [
    f'import logging\n{HANDLER}; s = "# twelvecheck: ignore[TWC201]"\n',
    f'import logging\n{HANDLER}; s = "# noqa: TWC201"\n',
    'import logging\nlogging.FileHandler("""\n# twelvecheck: ignore[TWC201]\n""")\n',
    'import logging\ndoc = """\n# twelvecheck: ignore-file[TWC201]\n"""\nlogging.FileHandler("a.log")\n',
])
def test_suppression_text_inside_a_string_literal_is_not_a_suppression(check, source):
    assert [code for _, code in check(source)] == ["TWC201"]


# -- TWC002: unused suppressions -------------------------------------------------------

UNUSED = (
    "import logging\n"
    f"{HANDLER}  # twelvecheck: ignore[TWC201]\n"  # used
    "x = 1  # twelvecheck: ignore[TWC201]\n"  # silences nothing
    "y = 2  # twelvecheck: ignore[TWC999]\n"  # names no rule
    "z = 3  # noqa: TWC201\n"  # silences nothing
)


def test_unused_suppressions_are_not_reported_by_default(check):
    assert check(UNUSED) == []


@pytest.mark.parametrize("args", [("--extend-select", "TWC002"), ("--select", "TWC002"),
                                  ("--extend-select", "unused-suppression"), ("--select", "meta")])
def test_twc002_reports_suppressions_that_silence_nothing_or_name_unknown_rules(check, args):
    assert check(UNUSED, *args) == [(3, "TWC002"), (4, "TWC002"), (5, "TWC002")]


def test_twc002_messages_say_why(project, run):
    write(project, "s.py", UNUSED)
    out = run("--extend-select", "TWC002", "s.py").stdout
    assert "s.py:3:8: TWC002 [info] unused suppression: TWC201 silences no finding" in out
    assert "names 'TWC999', which is no twelvecheck rule" in out


def test_twc002_with_select_only_still_honours_the_suppression_that_is_used(check):
    source = f"import logging\n{HANDLER}  # twelvecheck: ignore[TWC201]\n"
    assert check(source, "--select", "TWC002") == []


def test_twc002_reports_an_unused_file_level_ignore(check):
    source = "# twelvecheck: ignore-file[TWC202]\nimport logging\n"
    assert check(source, "--extend-select", "TWC002") == [(1, "TWC002")]


def test_twc002_reports_a_bare_ignore_that_silences_nothing(check):
    assert check("x = 1  # twelvecheck: ignore\n", "--extend-select", "TWC002") == [(1, "TWC002")]


def test_twc002_names_each_unused_code_of_a_partly_used_list(project, run):
    write(project, "s.py", f"import logging\n{HANDLER}  # twelvecheck: ignore[TWC201, TWC202]\n")
    result = run("--extend-select", "TWC002", "s.py")
    assert findings(result.stdout) == [(2, "TWC002")]
    assert "TWC202 silences no finding" in result.stdout


def test_a_suppression_of_a_rule_that_is_not_selected_still_silences_it(check):
    source = f"import logging\n{HANDLER}  # twelvecheck: ignore[TWC201]\n"
    assert check(source, "--select", "TWC201,TWC002") == []


@pytest.mark.parametrize("comment", ["# noqa", "# noqa: E501", "# noqa: E501,W291", "# type: ignore"])
def test_twc002_leaves_other_tools_suppressions_alone(check, comment):
    assert check(f"x = 1  {comment}\n", "--extend-select", "TWC002") == []
