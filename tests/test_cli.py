"""The command line as users run it: subcommands, options, exit codes, text output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import BASIC_CONFIG, CLEAN, FILE_HANDLER, clean_env, write

from twelvecheck.cli.main import cli

ANSI = "\x1b["
FINDING_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>TWC\d{3}) \[(?P<sev>error|warning|info)\] "
    r"(?P<msg>.+) \((?P<slug>[a-z0-9-]+)\)$"
)


def finding_lines(stdout: str) -> list[re.Match]:
    return [m for m in map(FINDING_LINE.match, stdout.splitlines()) if m]


def codes(stdout: str) -> list[str]:
    return [m["code"] for m in finding_lines(stdout)]


# -- subcommands -----------------------------------------------------------------------

def test_bare_paths_behave_exactly_like_the_check_subcommand(project, run):
    write(project, "a.py", FILE_HANDLER)
    write(project, "pkg/b.py", BASIC_CONFIG)
    implicit, explicit = run("a.py", "pkg"), run("check", "a.py", "pkg")
    assert implicit.returncode == explicit.returncode == 1
    assert implicit.stdout == explicit.stdout
    assert codes(implicit.stdout) == ["TWC201", "TWC202"]


def test_no_paths_checks_the_current_directory(project, run):
    write(project, "sub/a.py", FILE_HANDLER)
    result = run()
    assert result.returncode == 1
    assert [m["path"] for m in finding_lines(result.stdout)] == ["sub/a.py"]


def test_text_format_is_path_line_col_code_severity_message_slug_then_summary(project, run):
    write(project, "a.py", FILE_HANDLER)
    result = run("a.py")
    lines = result.stdout.splitlines()
    match = FINDING_LINE.match(lines[0])
    assert match, lines
    assert (match["path"], match["line"], match["col"], match["code"], match["sev"], match["slug"]) == (
        "a.py", "2", "1", "TWC201", "warning", "file-log-handler")
    assert "FileHandler" in match["msg"]
    assert lines[-1] == "Found 1 finding (1 warning) in 1 file."


def test_summary_line_when_nothing_is_found(project, run):
    write(project, "a.py", CLEAN)
    result = run("a.py")
    assert result.returncode == 0
    assert result.stdout.strip() == "No findings in 1 file."


def test_subcommand_name_wins_over_an_existing_folder_of_that_name(project, run):
    write(project, "rules/bad.py", FILE_HANDLER)
    result = run("rules")
    assert result.returncode == 0
    assert "TWC201" in result.stdout and "file-log-handler" in result.stdout
    assert "rules/bad.py" not in result.stdout  # the table, not a check of the folder


def test_check_rules_checks_the_folder_named_rules(project, run):
    write(project, "rules/bad.py", FILE_HANDLER)
    result = run("check", "rules")
    assert result.returncode == 1
    assert [m["path"] for m in finding_lines(result.stdout)] == ["rules/bad.py"]


def test_rules_table_lists_every_rule_with_family_and_severity(run):
    result = run("rules")
    assert result.returncode == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.strip()}
    assert {"TWC001", "TWC002", "TWC201", "TWC202"} <= set(rows)
    assert re.search(r"TWC201\s+file-log-handler\s+logging\s+warning", rows["TWC201"])
    assert "off by default" in rows["TWC002"]


def test_rules_format_json_is_a_list_of_rule_objects(run):
    result = run("rules", "--format", "json")
    assert result.returncode == 0
    rules = {rule["code"]: rule for rule in json.loads(result.stdout)}
    assert rules["TWC201"]["name"] == "file-log-handler"
    assert rules["TWC201"]["family"] == "logging"
    assert rules["TWC002"]["default_enabled"] is False


@pytest.mark.parametrize("name", ["TWC201", "twc201", "file-log-handler"])
def test_explain_prints_the_rule_document_by_code_or_slug(run, name):
    result = run("explain", name)
    assert result.returncode == 0
    assert result.stdout.startswith("TWC201 file-log-handler")
    assert "# TWC201 file-log-handler" in result.stdout
    assert "## Why is this bad?" in result.stdout


@pytest.mark.parametrize(("name", "suggestion"), [("TWC21", "TWC201"), ("file-log-handlr", "file-log-handler")])
def test_explain_unknown_rule_exits_2_and_suggests_the_closest(run, name, suggestion):
    result = run("explain", name)
    assert result.returncode == 2
    assert f"did you mean {suggestion}" in result.stderr
    assert result.stdout == ""


def test_version_and_help_through_python_dash_m(run):
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("twelvecheck")
    help_ = run("check", "--help")
    assert help_.returncode == 0 and "--fail-on" in help_.stdout


def test_unknown_option_is_a_usage_error(run):
    result = run("--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr


# -- exit codes ------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    ((), 1),  # default --fail-on warning, a warning is found
    (("--fail-on", "warning"), 1),
    (("--fail-on", "info"), 1),
    (("--fail-on", "error"), 0),
    (("--exit-zero",), 0),
])
def test_fail_on_threshold_against_a_warning(project, run, args, expected):
    write(project, "a.py", FILE_HANDLER)
    assert run(*args, "a.py").returncode == expected


def test_info_findings_fail_only_with_fail_on_info(project, run):
    write(project, "a.py", "x = 1  # twelvecheck: ignore[TWC201]\n")  # unused: TWC002 [info]
    assert run("--extend-select", "TWC002", "a.py").returncode == 0
    result = run("--extend-select", "TWC002", "--fail-on", "info", "a.py")
    assert result.returncode == 1
    assert codes(result.stdout) == ["TWC002"]


def test_error_finding_fails_even_with_fail_on_error(project, run):
    write(project, "broken.py", "def (:\n")
    result = run("--fail-on", "error", "broken.py")
    assert result.returncode == 1
    assert codes(result.stdout) == ["TWC001"]


def test_missing_path_exits_2_but_other_paths_are_still_reported(project, run):
    write(project, "a.py", FILE_HANDLER)
    result = run("missing.py", "a.py")
    assert result.returncode == 2
    assert "missing.py" in result.stderr and "does not exist" in result.stderr
    assert codes(result.stdout) == ["TWC201"]


def test_missing_path_exits_2_even_with_exit_zero(project, run):
    write(project, "a.py", CLEAN)
    assert run("--exit-zero", "a.py", "nope").returncode == 2


def test_internal_error_exits_2_with_a_message_and_no_traceback(project, monkeypatch):
    write(project, "a.py", FILE_HANDLER)
    monkeypatch.chdir(project)

    def boom(settings):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("twelvecheck.cli.check.run", boom)  # where the command calls it
    result = CliRunner().invoke(cli, ["--isolated", "a.py"])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output


def test_internal_error_in_one_file_exits_2_and_the_other_files_are_still_reported(project, monkeypatch):
    import twelvecheck.engine.analyze as engine

    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", "# BOOM\n" + FILE_HANDLER)
    monkeypatch.chdir(project)
    real = engine.decode_source

    def flaky(data: bytes) -> str:
        if b"BOOM" in data:
            raise RuntimeError("decoder exploded")
        return real(data)

    monkeypatch.setattr(engine, "decode_source", flaky)
    result = CliRunner().invoke(cli, ["--isolated", "--jobs", "1", "a.py", "b.py"])
    assert result.exit_code == 2
    assert "b.py: internal error: RuntimeError: decoder exploded" in result.stderr
    assert result.stdout.startswith("a.py:2:1: TWC201")
    assert "Traceback" not in result.output


def test_stdin_and_other_paths_together_is_a_usage_error(project, run):
    write(project, "a.py", CLEAN)
    result = run("-", "a.py", input=FILE_HANDLER)
    assert result.returncode == 2
    assert "cannot be combined with other paths" in result.stderr
    assert "internal error" not in result.stderr


# -- options ---------------------------------------------------------------------------

@pytest.mark.parametrize(("selector", "expected"), [
    (["--select", "TWC201"], ["TWC201"]),
    (["--select", "TWC2"], ["TWC201", "TWC202"]),
    (["--select", "logging"], ["TWC201", "TWC202"]),
    (["--select", "file-log-handler"], ["TWC201"]),
    (["--select", "TWC202"], ["TWC202"]),
    (["--select", "TWC201,TWC202"], ["TWC201", "TWC202"]),
    (["--select", "TWC201", "--select", "TWC202"], ["TWC201", "TWC202"]),
    (["--select", "meta"], []),
    (["--ignore", "TWC201"], ["TWC202"]),
    (["--ignore", "TWC2"], []),
    (["--ignore", "logging"], []),
    (["--ignore", "TWC201, TWC202"], []),
    (["--ignore", "TWC201", "--ignore", "TWC202"], []),
    (["--select", "TWC202", "--extend-select", "TWC201"], ["TWC201", "TWC202"]),
])
def test_selectors_take_codes_prefixes_families_comma_lists_and_repeats(project, run, selector, expected):
    write(project, "a.py", FILE_HANDLER)
    write(project, "b.py", BASIC_CONFIG)
    result = run(*selector, "a.py", "b.py")
    assert codes(result.stdout) == expected
    assert result.returncode == (1 if expected else 0)


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_selector_exits_2_with_a_suggestion(project, run, option):
    write(project, "a.py", FILE_HANDLER)
    result = run(option, "TWC201,logg", "a.py")
    assert result.returncode == 2
    assert "unknown rule selector 'logg'" in result.stderr
    assert "did you mean 'logging'" in result.stderr
    assert result.stdout == ""


def test_quiet_prints_findings_without_the_summary(project, run):
    write(project, "a.py", FILE_HANDLER)
    result = run("--quiet", "a.py")
    assert codes(result.stdout) == ["TWC201"]
    assert "Found" not in result.stdout
    assert run("-q", "--fail-on", "error", "a.py").returncode == 0


def test_statistics_counts_per_rule_instead_of_each_finding(project, run):
    write(project, "a.py", FILE_HANDLER + 'logging.FileHandler("b.log")\n')
    write(project, "b.py", BASIC_CONFIG)
    result = run("--statistics", "a.py", "b.py")
    assert result.returncode == 1
    assert finding_lines(result.stdout) == []
    rows = [line.split() for line in result.stdout.splitlines() if "TWC" in line]
    assert rows == [["2", "TWC201", "warning", "2", "unsafe", "file-log-handler"],
                    ["1", "TWC202", "warning", "1", "safe", "basicconfig-filename"]]
    assert result.stdout.split()[:5] == ["count", "code", "severity", "fix", "name"]
    assert "Found 3 findings" in result.stdout


def test_no_color_when_stdout_is_not_a_terminal(project, run):
    write(project, "a.py", FILE_HANDLER)
    assert ANSI not in run("a.py").stdout


def test_color_flag_forces_ansi_even_into_a_pipe_and_despite_no_color(project, run):
    write(project, "a.py", FILE_HANDLER)
    assert ANSI in run("--color", "a.py").stdout
    assert ANSI in run("--color", "a.py", env=clean_env(NO_COLOR="1")).stdout
    assert ANSI not in run("--color", "--no-color", "a.py").stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("extra_env", "args", "colored"), [
    ({}, (), True),
    ({"NO_COLOR": "1"}, (), False),
    ({}, ("--no-color",), False),
])
def test_color_on_a_terminal_unless_no_color_or_disabled(project, extra_env, args, colored):
    import pty

    write(project, "a.py", FILE_HANDLER)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "twelvecheck", *args, "a.py"], cwd=project,
                              stdout=follower, stderr=subprocess.PIPE, env=clean_env(**extra_env), timeout=120)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    output = b"".join(chunks).decode()
    assert proc.returncode == 1, proc.stderr
    assert "TWC201" in output
    assert (ANSI in output) is colored


def test_stdin_is_read_when_the_path_is_dash(project, run):
    result = run("-", input=FILE_HANDLER)
    assert result.returncode == 1
    assert [(m["path"], m["code"]) for m in finding_lines(result.stdout)] == [("-", "TWC201")]


def test_stdin_filename_names_the_finding(project, run):
    result = run("--stdin-filename", "pkg/app.py", "-", input=FILE_HANDLER)
    assert result.returncode == 1
    assert [(m["path"], m["line"]) for m in finding_lines(result.stdout)] == [("pkg/app.py", "2")]
    assert not (project / "pkg").exists()  # the name is only a name


def test_stdin_filename_without_a_path_reads_standard_input_as_ruff_does(project, run):
    write(project, "a.py", BASIC_CONFIG)  # the current directory would give TWC202
    result = run("--stdin-filename", "pkg/app.py", input=FILE_HANDLER)
    assert result.returncode == 1
    assert [(m["path"], m["code"]) for m in finding_lines(result.stdout)] == [("pkg/app.py", "TWC201")]
    assert "in 1 file." in result.stdout


def test_stdin_filename_with_a_path_reads_standard_input_and_says_the_path_is_ignored(project, run):
    write(project, "a.py", BASIC_CONFIG)
    result = run("--stdin-filename", "app.py", "a.py", input=FILE_HANDLER)
    assert [(m["path"], m["code"]) for m in finding_lines(result.stdout)] == [("app.py", "TWC201")]
    assert "twelvecheck: warning: ignoring a.py in favour of standard input (--stdin-filename)" in result.stderr


def test_stdin_that_does_not_parse_is_a_parse_error_finding(project, run):
    result = run("-", input="def (:\n")
    assert result.returncode == 1
    assert codes(result.stdout) == ["TWC001"]


def test_output_file_gets_the_report_and_no_temporary_file_is_left(project, run):
    write(project, "a.py", FILE_HANDLER)
    (project / "report.txt").write_text("old report\n")
    to_stdout = run("a.py")
    to_file = run("--output", "report.txt", "--color", "a.py")
    assert to_file.returncode == 1
    assert to_file.stdout == ""
    assert (project / "report.txt").read_text() == to_stdout.stdout  # replaced, no colors
    # The terminal still gets the summary line, on standard error (stdout is for reports).
    assert click.unstyle(to_file.stderr) == "Found 1 finding (1 warning) in 1 file. Report written to report.txt.\n"
    assert sorted(p.name for p in project.iterdir()) == [".git", ".twelvecheck_cache", "a.py", "report.txt"]
    quiet = run("--output", "report.json", "--format", "json", "-q", "a.py")
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_output_into_a_missing_folder_exits_2_without_traceback(project, run):
    write(project, "a.py", FILE_HANDLER)
    result = run("-o", "no/such/dir/report.json", "--format", "json", "a.py")
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert sorted(p.name for p in project.iterdir()) == [".git", ".twelvecheck_cache", "a.py"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_output_file_gets_the_mode_a_plain_open_would_give(project, run):
    write(project, "a.py", FILE_HANDLER)
    run("--output", "report.txt", "a.py", env=clean_env())
    umask = os.umask(0)
    os.umask(umask)
    assert (project / "report.txt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_no_files_to_check_is_a_warning_and_fail_on_empty_makes_it_an_error(project, run):
    write(project, "docs/README.md", "# nothing to check\n")
    result = run("docs")
    assert result.returncode == 0
    assert result.stdout == "No findings in 0 files.\n"
    assert "twelvecheck: warning: no files to check in docs (--fail-on-empty makes this an error)" \
        in result.stderr
    result = run("--fail-on-empty", "docs")
    assert result.returncode == 2
    assert "twelvecheck: error: no files to check in docs (--fail-on-empty)" in result.stderr
    write(project, "twelvecheck.toml", "fail-on-empty = true\n")
    assert run("docs").returncode == 2
    write(project, "docs/a.py", CLEAN)
    result = run("docs")
    assert (result.returncode, result.stderr) == (0, "")


def test_help_says_what_jobs_0_means_and_uses_plain_metavars():
    from click.testing import CliRunner

    text = CliRunner().invoke(cli, ["check", "--help"], terminal_width=200).output
    assert "-j, --jobs N" in text and "0 (the default): one per core" in text
    for metavar in ("--baseline FILE", "--write-baseline FILE", "--cache-dir DIR", "--config FILE",
                    "-o, --output FILE", "--stdin-filename NAME", "--output-format FORMAT=FILE"):
        assert metavar in text, metavar
    assert "PATH " not in text.replace("PATHS", "") and "DIRECTORY" not in text and "INTEGER" not in text
