"""Configuration files: where they are found, every key, CLI precedence, clear errors."""

from __future__ import annotations

import json

import pytest
from conftest import BASIC_CONFIG, FILE_HANDLER, write

ANSI = "\x1b["


def finding_codes(stdout: str) -> list[str]:
    return [line.split()[1] for line in stdout.splitlines() if ": TWC" in line]


@pytest.fixture
def two_rules(project):
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", BASIC_CONFIG)
    return project


# -- finding the file --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text"), [
    ("pyproject.toml", '[tool.twelvecheck]\nselect = ["TWC202"]\n'),
    ("twelvecheck.toml", 'select = ["TWC202"]\n'),
    (".twelvecheck.toml", 'select = ["TWC202"]\n'),
])
def test_each_config_file_name_is_read(two_rules, run, name, text):
    write(two_rules, name, text)
    assert finding_codes(run("a.py", "b.py").stdout) == ["TWC202"]


@pytest.mark.parametrize("text", [
    '[tool]\ntwelvecheck = { select = ["TWC202"] }\n',
    'tool.twelvecheck.select = ["TWC202"]\n',
    '[tool."twelvecheck"]\nselect = ["TWC202"]\n',
    '[tool.twelvecheck.per-file-ignores]\n"a.py" = ["TWC201"]\n',
])
def test_pyproject_table_written_in_other_toml_spellings_is_read(two_rules, run, text):
    write(two_rules, "pyproject.toml", text)
    assert finding_codes(run("a.py", "b.py").stdout) == ["TWC202"]


def test_pyproject_with_a_similarly_named_tool_table_is_passed_over(project, run):
    write(project, "twelvecheck.toml", 'ignore = ["TWC201"]\n')
    write(project, "pkg/pyproject.toml", '[tool.twelvecheck-plugin]\nx = 1\n')
    write(project, "pkg/a.py", FILE_HANDLER)
    assert run("pkg/a.py").returncode == 0


def test_config_is_found_by_walking_up_from_the_first_path(project, run):
    write(project, "svc/twelvecheck.toml", 'ignore = ["TWC201"]\n')
    write(project, "svc/deep/er/a.py", FILE_HANDLER)
    write(project, "other/a.py", FILE_HANDLER)
    assert run("svc/deep/er/a.py").returncode == 0
    assert run("other/a.py").returncode == 1


def test_pyproject_without_a_twelvecheck_table_does_not_stop_the_search(project, run):
    write(project, "twelvecheck.toml", 'ignore = ["TWC201"]\n')
    write(project, "pkg/pyproject.toml", '[project]\nname = "pkg"\n[tool.black]\nline-length = 99\n')
    write(project, "pkg/a.py", FILE_HANDLER)
    assert run("pkg/a.py").returncode == 0


def test_nearest_config_wins_over_one_further_up(project, run):
    write(project, "twelvecheck.toml", 'ignore = ["TWC201"]\n')
    write(project, "pkg/.twelvecheck.toml", 'ignore = ["TWC202"]\n')
    write(project, "pkg/a.py", FILE_HANDLER)
    assert finding_codes(run("pkg/a.py").stdout) == ["TWC201"]


def test_isolated_ignores_the_config_file(two_rules, run):
    write(two_rules, "twelvecheck.toml", 'select = ["TWC202"]\n')
    assert finding_codes(run("--isolated", "a.py", "b.py").stdout) == ["TWC201", "TWC202"]


def test_isolated_ignores_even_a_broken_config_file(two_rules, run):
    write(two_rules, "twelvecheck.toml", "select = [\n")
    assert run("--isolated", "a.py").returncode == 1


def test_config_option_uses_that_file_instead_of_searching(two_rules, run):
    write(two_rules, "twelvecheck.toml", 'select = ["TWC202"]\n')
    write(two_rules, "ci/strict.toml", 'select = ["TWC201"]\n')
    assert finding_codes(run("--config", "ci/strict.toml", "a.py", "b.py").stdout) == ["TWC201"]


def test_config_option_naming_a_missing_file_exits_2(two_rules, run):
    result = run("--config", "nope.toml", "a.py")
    assert result.returncode == 2
    assert "nope.toml" in result.stderr and "does not exist" in result.stderr


# -- every key ---------------------------------------------------------------------------

@pytest.mark.parametrize(("config", "expected"), [
    ('select = ["TWC201"]', ["TWC201"]),
    ('select = ["logging"]', ["TWC201", "TWC202"]),
    ('ignore = ["TWC2"]', []),
    ('ignore = ["basicconfig-filename"]', ["TWC201"]),
    ('select = ["TWC202"]\nextend-select = ["TWC201"]', ["TWC201", "TWC202"]),
    ('extend-exclude = ["b.py"]', ["TWC201"]),
    ('exclude = ["a.py"]', ["TWC202"]),
    ('[per-file-ignores]\n"a.py" = ["TWC201"]\n"b.py" = ["logging"]', []),
    ('[per-file-ignores]\n"*.py" = ["file-log-handler"]', ["TWC202"]),
])
def test_selection_and_exclusion_keys(two_rules, run, config, expected):
    write(two_rules, "twelvecheck.toml", config + "\n")
    assert finding_codes(run().stdout) == expected


def test_per_file_ignores_patterns_are_relative_to_the_config_file(project, run):
    write(project, "twelvecheck.toml", '[per-file-ignores]\n"legacy/**" = ["TWC201"]\n')
    write(project, "legacy/old/a.py", FILE_HANDLER)
    write(project, "new/a.py", FILE_HANDLER)
    result = run()
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "TWC201" in line] == ["new/a.py"]


def test_per_file_ignores_apply_to_the_stdin_filename(project, run):
    write(project, "twelvecheck.toml", '[per-file-ignores]\n"legacy/*.py" = ["TWC201"]\n')
    assert run("--stdin-filename", "legacy/x.py", "-", input=FILE_HANDLER).returncode == 0
    assert run("--stdin-filename", "new/x.py", "-", input=FILE_HANDLER).returncode == 1


def test_config_is_found_from_a_stdin_filename_that_does_not_exist_yet(project, run):
    write(project, "svc/twelvecheck.toml", 'ignore = ["TWC201"]\n')
    assert run("--stdin-filename", "svc/new_module.py", "-", input=FILE_HANDLER).returncode == 0
    assert run("--stdin-filename", "new_module.py", "-", input=FILE_HANDLER).returncode == 1


def test_severity_table_changes_the_reported_severity_by_code_or_slug(two_rules, run):
    write(two_rules, "twelvecheck.toml",
          '[severity]\nTWC201 = "info"\nbasicconfig-filename = "error"\n')
    result = run("a.py", "b.py")
    assert "TWC201 [info]" in result.stdout
    assert "TWC202 [error]" in result.stdout
    assert run("a.py").returncode == 0  # an info finding is below the default fail-on


@pytest.mark.parametrize(("config", "expected"), [
    ('fail-on = "error"', 0),
    ('fail-on = "info"', 1),
    ("exit-zero = true", 0),
    ("exit-zero = false", 1),
])
def test_exit_code_keys(two_rules, run, config, expected):
    write(two_rules, "twelvecheck.toml", config + "\n")
    assert run("a.py").returncode == expected


def test_respect_gitignore_key(project, run):
    write(project, ".gitignore", "generated/\n")
    write(project, "generated/a.py", FILE_HANDLER)
    assert run().returncode == 0
    write(project, "twelvecheck.toml", "respect-gitignore = false\n")
    assert run().returncode == 1


def test_force_exclude_key(project, run):
    write(project, "vendor/a.py", FILE_HANDLER)
    write(project, "twelvecheck.toml", 'extend-exclude = ["vendor"]\n')
    assert run().returncode == 0
    assert run("vendor/a.py").returncode == 1  # named explicitly: checked
    write(project, "twelvecheck.toml", 'extend-exclude = ["vendor"]\nforce-exclude = true\n')
    assert run("vendor/a.py").returncode == 0


def test_output_format_quiet_and_statistics_keys(two_rules, run):
    write(two_rules, "twelvecheck.toml", 'format = "json"\noutput = "out.json"\n')
    assert run("a.py").stdout == ""
    assert json.loads((two_rules / "out.json").read_text())["summary"]["findings"] == 1
    write(two_rules, "twelvecheck.toml", "quiet = true\n")
    assert "Found" not in run("a.py").stdout
    write(two_rules, "twelvecheck.toml", "statistics = true\n")
    assert run("a.py", "b.py").stdout.splitlines()[1].split() == ["1", "TWC201", "warning", "1", "unsafe", "file-log-handler"]


def test_color_and_jobs_keys(two_rules, run):
    write(two_rules, "twelvecheck.toml", "color = true\njobs = 2\n")
    result = run("a.py")
    assert ANSI in result.stdout and result.returncode == 1


# -- the command line wins ---------------------------------------------------------------

@pytest.mark.parametrize(("config", "args", "check"), [
    ('format = "json"', ("--format", "text"), lambda r: r.stdout.startswith("a.py:2:1: TWC201")),
    ('select = ["TWC202"]', ("--select", "TWC201"), lambda r: finding_codes(r.stdout) == ["TWC201"]),
    ('fail-on = "error"', ("--fail-on", "warning"), lambda r: r.returncode == 1),
    ('color = false', ("--color",), lambda r: ANSI in r.stdout),
    ('color = true', ("--no-color",), lambda r: ANSI not in r.stdout),
    ('output = "out.txt"', ("--output", "cli.txt"), lambda r: r.stdout == ""),
])
def test_command_line_options_override_the_config_file(two_rules, run, config, args, check):
    write(two_rules, "twelvecheck.toml", config + "\n")
    result = run(*args, "a.py", "b.py")
    assert check(result), (result.stdout, result.stderr)
    assert not (two_rules / "out.txt").exists()


def test_extend_select_and_ignore_from_cli_add_to_the_config(two_rules, run):
    write(two_rules, "twelvecheck.toml", 'ignore = ["TWC202"]\n')
    assert finding_codes(run("--ignore", "TWC201", "a.py", "b.py").stdout) == []


# -- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "key", "expected"), [
    ("twelvecheck.toml", 'selct = ["TWC201"]', "'selct'", "did you mean 'select'"),
    ("pyproject.toml", '[tool.twelvecheck]\nselct = ["TWC201"]', "'tool.twelvecheck.selct'", "did you mean 'select'"),
    ("twelvecheck.toml", "exit_zero = true", "'exit_zero'", "did you mean 'exit-zero'"),
    ("twelvecheck.toml", 'select = "TWC201"', "'select'", "expected a list of rule selectors"),
    ("twelvecheck.toml", 'fail-on = "fatal"', "'fail-on'", 'expected one of "error", "warning", "info"'),
    ("twelvecheck.toml", 'quiet = "yes"', "'quiet'", "expected true or false"),
    ("pyproject.toml", '[tool.twelvecheck]\nshow-silenced = "yes"', "'tool.twelvecheck.show-silenced'",
     "expected true or false"),
    ("twelvecheck.toml", 'format = "xml"', "'format'", "expected one of 'text', 'json'"),
    ("twelvecheck.toml", "jobs = -1", "'jobs'", "expected a whole number"),
    ("twelvecheck.toml", 'jobs = "2"', "'jobs'", "expected a whole number"),
    ("twelvecheck.toml", 'select = ["TWC999"]', "'select'", "unknown rule selector 'TWC999'"),
    ("twelvecheck.toml", 'ignore = ["loging"]', "'ignore'", "did you mean 'logging'"),
    ("twelvecheck.toml", '[per-file-ignores]\n"a.py" = ["TWC999"]', "'per-file-ignores'", "unknown rule selector"),
    ("twelvecheck.toml", '[per-file-ignores]\n"a.py" = "TWC201"', "'per-file-ignores.a.py'", "expected a list"),
    ("twelvecheck.toml", '[severity]\nTWC201 = "fatal"', "'severity'", "unknown severity 'fatal'"),
    ("twelvecheck.toml", "[severity]\nTWC201 = 3", "'severity.TWC201'", "expected a severity string"),
    ("twelvecheck.toml", '[severity]\nTWC999 = "info"', "'severity", "unknown rule selector 'TWC999'"),
    ("pyproject.toml", "[tool]\ntwelvecheck = 3", None, "[tool.twelvecheck] must be a table"),
    ("twelvecheck.toml", 'extend-exclude = ["!"]', "'extend-exclude'", "expected gitignore-style patterns, got '!'"),
    ("twelvecheck.toml", "exclude = ['\\']", "'exclude'", "expected gitignore-style patterns"),
    ("twelvecheck.toml", '[per-file-ignores]\n"!" = ["TWC201"]', "'per-file-ignores'", "gitignore-style"),
    ("pyproject.toml", '[tool.twelvecheck.formation]\nweb = "3"', "'tool.twelvecheck.formation.web'",
     "expected a whole number >= 0, got str '3'"),
    ("twelvecheck.toml", "[formation]\nweb = 2\nworker = -1", "'formation.worker'", "expected a whole number >= 0"),
    ("twelvecheck.toml", "[formation]\nweb = 1.5", "'formation.web'", "got float 1.5"),
    ("twelvecheck.toml", "[formation]\nweb = true", "'formation.web'", "got bool True"),
    ("twelvecheck.toml", "formation = 3", "'formation'", "expected a table of process type = quantity"),
    ("twelvecheck.toml", 'formation = ["web=3"]', "'formation'", "expected a table of process type = quantity"),
    ("twelvecheck.toml", '[formation]\n"web 1" = 1', "'formation.\"web 1\"'", "'web 1' is not a process type name"),
    ("pyproject.toml", '[tool.twelvecheck]\nformation = {web = 2, "clock:" = 1}',
     "'tool.twelvecheck.formation.\"clock:\"'", "is not a process type name"),
    ("twelvecheck.toml", "formaton = {web = 2}", "'formaton'", "did you mean 'formation'"),
])
def test_bad_config_exits_2_naming_file_key_and_expectation(two_rules, run, name, text, key, expected):
    write(two_rules, name, text + "\n")
    result = run("a.py")
    assert result.returncode == 2, result.stdout
    assert str(two_rules / name) in result.stderr
    if key is not None:
        assert f"key {key}" in result.stderr
    assert expected in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("text", ["select = [\n", "select = ['TWC201'\n", "= 3\n", "[severity\n"])
def test_invalid_toml_exits_2_with_the_file_path(two_rules, run, text):
    write(two_rules, "twelvecheck.toml", text)
    result = run("a.py")
    assert result.returncode == 2
    assert f"{two_rules / 'twelvecheck.toml'}: invalid TOML" in result.stderr


def test_config_that_is_not_utf8_exits_2(two_rules, run):
    write(two_rules, "twelvecheck.toml", b'select = ["TWC201"] # \xff\n')
    result = run("a.py")
    assert result.returncode == 2
    assert "twelvecheck.toml" in result.stderr


def test_bad_explicit_config_exits_2_with_its_path(two_rules, run):
    write(two_rules, "ci.toml", 'fail-on = 3\n')
    result = run("--config", "ci.toml", "a.py")
    assert result.returncode == 2
    assert "ci.toml: key 'fail-on'" in result.stderr


def test_every_mistake_in_a_config_is_listed_at_once_each_with_file_and_key(two_rules, run):
    write(two_rules, "twelvecheck.toml",
          'selct = ["ALL"]\njobs = -1\nignore = ["TWC999", "TWC201", "TWC998"]\n[severity]\nTWC201 = "fatal"\n')
    result = run("a.py")
    assert result.returncode == 2
    assert result.stdout == ""
    config = two_rules / "twelvecheck.toml"
    assert f"twelvecheck: error: {config}: 5 problems:" in result.stderr
    for key, expected in [("selct", "did you mean 'select'"), ("jobs", "expected a whole number >= 0"),
                          ("ignore", "'TWC999'"), ("ignore", "'TWC998'"), ("severity", "unknown severity 'fatal'")]:
        assert any(f"{config}: key '{key}': " in line and expected in line
                   for line in result.stderr.splitlines()), (key, result.stderr)
