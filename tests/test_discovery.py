"""Which files get checked: default excludes, venvs, .gitignore, --exclude, --force-exclude,
and files that are not valid source (they are TWC001 findings, never crashes)."""

from __future__ import annotations

import json

import pytest

from conftest import CLEAN, FILE_HANDLER, write


def checked_paths(stdout: str) -> list[str]:
    return [line.split(":", 1)[0] for line in stdout.splitlines() if ": TWC" in line]


DEFAULT_EXCLUDED_DIRS = [".git", "__pycache__", "node_modules", "build", "dist", ".tox", ".nox",
                         "site-packages", "lib/python3.12/site-packages", ".venv", "venv", "src/pkg/build"]


@pytest.mark.parametrize("directory", DEFAULT_EXCLUDED_DIRS)
def test_default_excludes_skip_the_folder_when_walking(project, run, directory):
    write(project, f"{directory}/m.py", FILE_HANDLER)
    write(project, "app/main.py", FILE_HANDLER)
    result = run()
    assert checked_paths(result.stdout) == ["app/main.py"]
    assert "in 1 file." in result.stdout


def test_a_virtualenv_with_any_name_is_skipped_by_its_pyvenv_cfg(project, run):
    write(project, "my-env-3.12/pyvenv.cfg", "home = /usr/bin\n")
    write(project, "my-env-3.12/lib/python3.12/site-packages/x/m.py", FILE_HANDLER)
    write(project, "my-env-3.12/bin/tool.py", FILE_HANDLER)
    write(project, "app/main.py", FILE_HANDLER)
    assert checked_paths(run().stdout) == ["app/main.py"]


def test_a_folder_named_like_a_default_exclude_is_only_excluded_as_a_whole_name(project, run):
    write(project, "builders/m.py", FILE_HANDLER)
    write(project, "distribution.py", FILE_HANDLER)
    assert checked_paths(run().stdout) == ["builders/m.py", "distribution.py"]


def test_gitignore_is_respected(project, run):
    write(project, ".gitignore", "generated/\n*_pb2.py\n/top_only.py\n")
    write(project, "generated/m.py", FILE_HANDLER)
    write(project, "api/service_pb2.py", FILE_HANDLER)
    write(project, "top_only.py", FILE_HANDLER)
    write(project, "sub/top_only.py", FILE_HANDLER)
    write(project, "app.py", FILE_HANDLER)
    assert checked_paths(run().stdout) == ["app.py", "sub/top_only.py"]


def test_nested_gitignore_applies_to_its_folder_and_negation_works(project, run):
    write(project, ".gitignore", "*.gen.py\n")
    write(project, "pkg/.gitignore", "local.py\n!keep.gen.py\n")
    write(project, "pkg/local.py", FILE_HANDLER)
    write(project, "pkg/keep.gen.py", FILE_HANDLER)
    write(project, "pkg/other.gen.py", FILE_HANDLER)
    write(project, "local.py", FILE_HANDLER)
    assert checked_paths(run().stdout) == ["local.py", "pkg/keep.gen.py"]


def test_no_respect_gitignore_checks_ignored_files(project, run):
    write(project, ".gitignore", "generated/\n")
    write(project, "generated/m.py", FILE_HANDLER)
    assert checked_paths(run("--no-respect-gitignore").stdout) == ["generated/m.py"]


def test_extend_exclude_adds_gitignore_style_patterns_to_the_defaults(project, run):
    write(project, "app/main.py", FILE_HANDLER)
    write(project, "app/main_test.py", FILE_HANDLER)
    write(project, "legacy/deep/er/m.py", FILE_HANDLER)
    write(project, "build/m.py", FILE_HANDLER)
    result = run("--extend-exclude", "*_test.py", "--extend-exclude", "legacy/**/m.py")
    assert checked_paths(result.stdout) == ["app/main.py"]


def test_extend_exclude_takes_comma_separated_patterns(project, run):
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", FILE_HANDLER)
    write(project, "c.py", FILE_HANDLER)
    assert checked_paths(run("--extend-exclude", "a.py,b.py").stdout) == ["c.py"]


@pytest.mark.parametrize("option", ["--exclude", "--extend-exclude"])
@pytest.mark.parametrize("pattern", ["!", "\\"])
def test_an_invalid_pattern_on_the_command_line_is_a_usage_error(project, run, option, pattern):
    write(project, "a.py", FILE_HANDLER)
    result = run(option, pattern, "a.py")
    assert result.returncode == 2
    assert f"{option}: {pattern!r} is no gitignore-style pattern" in result.stderr
    assert "internal error" not in result.stderr


def test_invalid_lines_in_a_gitignore_are_skipped_like_git_does(project, run):
    write(project, ".gitignore", "!\n\\\ngenerated/\n")
    write(project, "generated/m.py", FILE_HANDLER)
    write(project, "app.py", FILE_HANDLER)
    result = run()
    assert result.returncode == 1, result.stderr
    assert checked_paths(result.stdout) == ["app.py"]


def test_exclude_replaces_the_default_excludes(project, run):
    write(project, "build/m.py", FILE_HANDLER)
    write(project, "legacy/m.py", FILE_HANDLER)
    write(project, "app.py", FILE_HANDLER)
    assert checked_paths(run("--exclude", "legacy/").stdout) == ["app.py", "build/m.py"]


@pytest.mark.parametrize("named", ["build/m.py", "build", "legacy/m.py", "./legacy"])
def test_explicitly_named_excluded_paths_are_checked_unless_force_exclude(project, run, named):
    write(project, "build/m.py", FILE_HANDLER)
    write(project, "legacy/m.py", FILE_HANDLER)
    args = ("--extend-exclude", "legacy", named)
    result = run(*args)
    assert result.returncode == 1
    assert len(checked_paths(result.stdout)) == 1
    forced = run("--force-exclude", *args)
    assert forced.returncode == 0
    assert checked_paths(forced.stdout) == []


def test_force_exclude_keeps_the_named_paths_that_are_not_excluded(project, run):
    write(project, "build/m.py", FILE_HANDLER)
    write(project, "app.py", FILE_HANDLER)
    assert checked_paths(run("--force-exclude", "build/m.py", "app.py").stdout) == ["app.py"]


def test_a_named_gitignored_file_is_checked_unless_force_exclude(project, run):
    write(project, ".gitignore", "generated/\n")
    write(project, "generated/m.py", FILE_HANDLER)
    assert checked_paths(run("generated/m.py").stdout) == ["generated/m.py"]
    assert checked_paths(run("--force-exclude", "generated/m.py").stdout) == []


def test_a_file_named_twice_is_checked_once(project, run):
    write(project, "pkg/a.py", FILE_HANDLER)
    result = run("pkg/a.py", "pkg", "./pkg/a.py")
    assert len(checked_paths(result.stdout)) == 1


def test_a_named_file_without_a_python_suffix_is_checked_as_python(project, run):
    write(project, "bin/serve", "#!/usr/bin/env python\n" + FILE_HANDLER)
    write(project, "bin/notes.txt", FILE_HANDLER)
    assert checked_paths(run("bin/serve").stdout) == ["bin/serve"]
    assert checked_paths(run("bin").stdout) == []


def test_shell_scripts_are_found_by_suffix_or_by_their_first_line(project, run):
    """`*.sh`, and files without a suffix whose #! line names sh, bash or dash; a python #!
    line makes a file Python, and other files without a suffix are passed over."""
    daemon = "gunicorn --daemon app:app\n"
    write(project, "start.sh", daemon)
    write(project, "bin/run", "#!/usr/bin/env bash\n" + daemon)
    write(project, "bin/serve", "#!/bin/dash -e\n" + daemon)
    write(project, "bin/tool", "#!/usr/bin/env python3\nimport os\n")
    write(project, "bin/zsh-helper", "#!/bin/zsh\n" + daemon)
    write(project, "Makefile", "run:\n\t" + daemon)
    write(project, "notes.sh.txt", daemon)
    found = checked_paths(run("--select", "TWC511", ".").stdout)
    assert sorted(found) == ["bin/run", "bin/serve", "start.sh"]
    # a script named on the command line is read as one too
    assert checked_paths(run("--select", "TWC511", "bin/run").stdout) == ["bin/run"]


def test_scripts_are_not_read_when_no_rule_reads_them(project, run):
    write(project, "start.sh", "gunicorn --daemon app:app\n")
    proc = run("--select", "TWC201", "--format", "json", ".")
    assert json.loads(proc.stdout)["summary"]["files_scanned"] == 0


# -- files that are not valid source: TWC001, severity error, never a crash ---------------

@pytest.mark.parametrize(("content", "reason"), [
    (b"def f(:\n    pass\n", "not valid Python"),
    (b"x = 1\x00\x01\x02\n", "binary"),
    (b"x = 1\ny = 2\ns = '\xff\xfe'\n", "cannot decode"),
    (b"# -*- coding: klingon -*-\nx = 1\n", "encoding"),
    (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "encoding"),
])
def test_unparseable_file_is_a_twc001_error_finding(project, run, content, reason):
    write(project, "bad.py", content)
    write(project, "good.py", FILE_HANDLER)
    result = run()
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("bad.py:")]
    assert len(lines) == 1, result.stdout
    assert " TWC001 [error] " in lines[0] and reason in lines[0]
    assert lines[0].endswith("(parse-error)")
    assert checked_paths(result.stdout) == ["bad.py", "good.py"]  # the run went on


def test_invalid_utf8_on_the_first_line_is_a_twc001_finding(project, run):
    write(project, "bad.py", b"s = '\xff'\n")
    result = run("bad.py")
    assert result.returncode == 1
    assert "bad.py:1:" in result.stdout and "TWC001 [error]" in result.stdout


def test_syntax_error_is_reported_at_its_line(project, run):
    write(project, "bad.py", "import logging\n\nx = (\n")
    result = run("bad.py")
    assert checked_paths(result.stdout) == ["bad.py"]
    assert "TWC001 [error]" in result.stdout


def test_latin1_file_with_a_coding_cookie_parses_fine(project, run):
    write(project, "latin.py", b'# -*- coding: latin-1 -*-\nimport logging\nlogging.FileHandler("caf\xe9.log")\n')
    result = run("latin.py")
    assert "TWC001" not in result.stdout
    assert result.stdout.startswith("latin.py:3:1: TWC201 [warning]")


def test_utf8_bom_and_crlf_line_endings_parse_fine(project, run):
    write(project, "bom.py", b"\xef\xbb\xbf" + FILE_HANDLER.replace("\n", "\r\n").encode())
    result = run("bom.py")
    assert result.stdout.startswith("bom.py:2:1: TWC201 [warning]")


def test_empty_file_has_no_findings(project, run):
    write(project, "empty.py", "")
    write(project, "clean.py", CLEAN)
    result = run()
    assert result.returncode == 0
    assert "No findings in 2 files." in result.stdout


def test_command_line_patterns_are_relative_to_the_working_directory(project, run):
    write(project, "pyproject.toml", '[tool.twelvecheck]\nextend-exclude = ["svc/gen/*.py"]\n')
    write(project, "svc/gen/a.py", FILE_HANDLER)  # excluded by the file, relative to its folder
    write(project, "svc/legacy/b.py", FILE_HANDLER)
    write(project, "svc/app/c.py", FILE_HANDLER)
    result = run("--extend-exclude", "legacy/*.py", cwd=project / "svc")
    assert checked_paths(result.stdout) == ["app/c.py"]
    assert checked_paths(run("--extend-exclude", "/legacy", cwd=project / "svc").stdout) == ["app/c.py"]


def test_invalid_utf8_without_a_declaration_names_the_byte(project, run):
    write(project, "app.py", b'x = "\xff"\n')
    proc = run("--format", "json", "app.py")
    finding = json.loads(proc.stdout)["findings"][0]
    assert finding["code"] == "TWC001"
    assert (finding["line"], finding["column"]) == (1, 6)
    assert "cannot decode as utf-8" in finding["message"]
