"""The GitHub Action (``action.yml``): its metadata's structure, and its shell steps run here
as the runner runs them (``bash --noprofile --norc -eo pipefail``, one ``GITHUB_OUTPUT`` file a
step, a ``GITHUB_STEP_SUMMARY`` file) against a sample repository copied from ``fixtures/``.

The install step is run with ``install: false`` (no network here): the twelvecheck of this
test's virtualenv is first on PATH, as the install step would put the action's own one. The
``uses:`` steps (setup-python, upload-sarif) are GitHub's; only their wiring is checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import clean_env

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Set by an Actions runner for every `shell: bash` step.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def _all_expressions(node) -> list[str]:
    if isinstance(node, dict):
        return [expr for value in node.values() for expr in _all_expressions(value)]
    if isinstance(node, list):
        return [expr for value in node for expr in _all_expressions(value)]
    return EXPRESSION.findall(node) if isinstance(node, str) else []


# --- the metadata ----------------------------------------------------------------------------

def test_it_is_a_composite_action_whose_shell_steps_say_their_shell():
    assert ACTION["runs"]["using"] == "composite"
    assert {"name", "description", "inputs", "outputs"} <= ACTION.keys()
    for step in STEPS:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step  # a composite's run steps must name their shell
        else:
            assert re.fullmatch(r"[\w-]+/[\w./-]+@v\d+", step["uses"]), step["uses"]


def test_every_input_used_is_declared_and_every_declared_input_is_used():
    declared = set(ACTION["inputs"])
    used = {match.group(1) for expr in _all_expressions(ACTION)
            for match in re.finditer(r"\binputs\.([\w-]+)", expr)}
    assert used == declared
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description") and "default" in spec, name
        assert isinstance(spec["default"], str), name  # inputs are strings; a YAML true would be "true" anyway


def test_step_outputs_are_written_by_an_earlier_step_and_the_action_outputs_come_from_them():
    written: dict[str, set[str]] = {}
    for step in STEPS:
        for expr in _all_expressions(step):
            for step_id, name in re.findall(r"\bsteps\.([\w-]+)\.outputs\.([\w-]+)", expr):
                assert name in written.get(step_id, set()), f"{step.get('name')}: steps.{step_id}.outputs.{name}"
        if "id" in step and "run" in step:
            written[step["id"]] = set(re.findall(r'echo "([\w-]+)=', step["run"]))
    assert set(ACTION["outputs"]) == {"findings", "sarif-file", "exit-code"}
    for name, spec in ACTION["outputs"].items():
        assert EXPRESSION.fullmatch(spec["value"]).group(1) == f"steps.run.outputs.{name}"
        assert name in written["run"]


def test_inputs_reach_the_scripts_through_the_environment_only():
    """An expression spliced into a script is a script injection (a path named `$(curl ..)`)."""
    for step in STEPS:
        if "run" in step:
            assert not EXPRESSION.search(step["run"]), step["name"]
            assert "if" not in step, f"{step['name']}: the script decides (and this test runs it)"


def test_the_install_uses_the_actions_checkout_and_leaves_the_callers_path_alone():
    install = next(step for step in STEPS if step.get("id") == "install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install["run"]
    # On the job's PATH, the venv's python would answer the caller's later `python3`.
    assert not any("GITHUB_PATH" in step.get("run", "") for step in STEPS)


def test_sarif_upload_is_optional_and_uploads_the_file_the_run_wrote():
    upload = next(step for step in STEPS if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert "!cancelled()" in upload["if"]  # also after findings
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"
    assert ACTION["inputs"]["upload-sarif"]["default"] == "false"
    assert STEPS[-1]["run"].strip() == 'exit "${EXIT_CODE:-2}"'  # the exit code comes last, after the upload
    setup = next(step for step in STEPS if step.get("uses", "").startswith("actions/setup-python@"))
    assert setup["if"] == "${{ inputs.python-version != '' }}"


# --- the shell steps, run -------------------------------------------------------------------

@dataclass
class ActionRun:
    exit_code: int
    outputs: dict[str, str]
    summary: str
    log: str
    workspace: Path


def _evaluate(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    def value(match: re.Match) -> str:
        expr = match.group(1)
        if expr == "github.action_path":
            return str(REPO)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        assert step, f"this test does not evaluate {expr!r}"
        return steps.get(step.group(1), {}).get(step.group(2), "")
    return EXPRESSION.sub(value, text)


def _read_outputs(path: Path) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert all(len(pair) == 2 for pair in pairs), pairs  # no multi-line values are written
    return dict(pairs)


def run_action(workspace: Path, path_env: str | None = None, **given: str) -> ActionRun:
    """Run the action's shell steps in ``workspace`` with the inputs ``given`` (underscores
    for dashes) over the defaults; a failing step ends the run, as on a runner."""
    inputs = {name: spec["default"] for name, spec in ACTION["inputs"].items()}
    inputs.update({"install": "false", **{name.replace("_", "-"): value for name, value in given.items()}})
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    summary = runner / "step_summary.md"
    summary.write_text("", encoding="utf-8")
    steps: dict[str, dict[str, str]] = {}
    log = []
    for index, step in enumerate(STEPS):
        if "run" not in step:
            continue
        output = runner / f"output-{index}"
        output.write_text("", encoding="utf-8")
        script = runner / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = clean_env(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
                        GITHUB_PATH=str(runner / "path"), RUNNER_TEMP=str(runner), GITHUB_WORKSPACE=str(workspace),
                        PATH=path_env or f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        env.update({name: _evaluate(str(value), inputs, steps) for name, value in step.get("env", {}).items()})
        proc = subprocess.run([*BASH, str(script)], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        log.append(proc.stdout + proc.stderr)
        if "id" in step:
            steps[step["id"]] = _read_outputs(output)
        if proc.returncode:
            return ActionRun(proc.returncode, steps.get("run", {}), summary.read_text(encoding="utf-8"),
                             "".join(log), workspace)
    return ActionRun(0, steps.get("run", {}), summary.read_text(encoding="utf-8"), "".join(log), workspace)


@pytest.fixture
def sample_repository(tmp_path: Path) -> Path:
    """fixtures/sample-app as the root of a checked-out repository."""
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "fixtures" / "sample-app", workspace)
    (workspace / ".git").mkdir()
    return workspace


def _json_report(workspace: Path, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", "--format", "json", *args, "."],
                          cwd=workspace, capture_output=True, text=True, env=clean_env(), timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_the_action_on_a_sample_repository_annotates_writes_sarif_and_the_summary(sample_repository):
    expected = _json_report(sample_repository)["summary"]
    assert expected["findings"] > 1
    result = run_action(sample_repository)
    assert result.exit_code == 1, result.log  # findings, as the command line says
    assert result.outputs == {"findings": str(expected["findings"]), "sarif-file": "twelvecheck.sarif", "exit-code": "1"}
    # The annotations: workflow commands in the log, paths from the repository root.
    assert "::warning file=shop/logs.py,line=16," in result.log
    assert "::error file=broken.py,line=2," in result.log
    assert result.log.count("::warning ") + result.log.count("::error ") == expected["findings"]
    sarif = json.loads((sample_repository / "twelvecheck.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == expected["findings"]
    assert result.summary.startswith("### twelvecheck\n")
    found = f"Found {expected['findings']} findings"
    assert found in result.summary
    assert "| 3 | TWC201 | warning | file-log-handler |" in result.summary
    assert "<code>shop/logs.py:16:21</code>" in result.summary
    # The reports of the run are not left in the workspace, and not in the temporary folder either.
    assert sorted(path.name for path in sample_repository.parent.joinpath("runner").iterdir()
                  if path.name.startswith("twelvecheck.")) == []


def test_fail_on_baseline_and_extra_arguments_reach_the_command_line(sample_repository):
    result = run_action(sample_repository, fail_on="error", args="--ignore TWC001  --select logging")
    assert (result.exit_code, result.outputs["exit-code"]) == (0, "0"), result.log
    logging_findings = _json_report(sample_repository, "--select", "logging", "--ignore", "TWC001")["summary"]["findings"]
    assert result.outputs["findings"] == str(logging_findings) != "0"
    assert "TWC302" not in result.log

    baseline = sample_repository / ".twelvecheck-baseline.json"
    subprocess.run([sys.executable, "-m", "twelvecheck", "--no-cache", "-q", "--write-baseline", baseline.name, "."],
                   cwd=sample_repository, env=clean_env(), capture_output=True, timeout=120)
    result = run_action(sample_repository, baseline=baseline.name)
    assert (result.exit_code, result.outputs["findings"]) == (0, "0"), result.log
    assert "No new findings" in result.summary and "baselined findings not shown" in result.summary


def test_paths_are_split_on_whitespace_and_never_globbed(sample_repository):
    result = run_action(sample_repository, paths="shop/logs.py\n  shop/worker.py", sarif_file="out/report.sarif",
                        summary="false")
    assert result.exit_code == 1, result.log
    assert result.outputs["sarif-file"] == "out/report.sarif"
    assert {match for match in re.findall(r"file=([^,]+)", result.log)} == {"shop/logs.py", "shop/worker.py"}
    assert result.summary == ""  # summary: false
    result = run_action(sample_repository, paths="shop/*.py")
    assert result.exit_code == 2 and "shop/*.py" in result.log  # a literal name that does not exist


def test_errors_exit_2_with_the_reports_and_a_summary_saying_why(sample_repository):
    result = run_action(sample_repository, paths=". missing-folder")
    assert (result.exit_code, result.outputs["exit-code"]) == (2, "2"), result.log
    assert "missing-folder" in result.summary and "Errors" in result.summary
    # A bad argument stops twelvecheck before any report: the outputs and the summary say so.
    stale = sample_repository / "twelvecheck.sarif"
    stale.write_text("{}", encoding="utf-8")
    result = run_action(sample_repository, args="--select NOPE")
    assert result.exit_code == 2, result.log
    assert result.outputs == {"findings": "", "sarif-file": "", "exit-code": "2"}
    assert "stopped with exit code 2 before writing a report" in result.summary
    assert not stale.exists()  # so the upload step is skipped rather than uploading the last run's


def test_install_false_without_twelvecheck_on_path_fails_clearly(sample_repository):
    bare_path = str(Path(shutil.which("bash")).parent)  # what the step needs without a twelvecheck
    if shutil.which("twelvecheck", path=bare_path):
        pytest.skip(f"a twelvecheck is installed system-wide ({shutil.which('twelvecheck', path=bare_path)})")
    result = run_action(sample_repository, path_env=bare_path)
    assert result.exit_code == 2
    assert "install is false but there is no twelvecheck on PATH" in result.log
    assert result.outputs == {}


# --- the README ------------------------------------------------------------------------------

README_SECTION = (REPO / "README.md").read_text(encoding="utf-8").split("\n## GitHub Action\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_workflow_uses_this_repository_with_inputs_that_exist():
    workflow = yaml.safe_load(re.search(r"```yaml\n(.*?)```", README_SECTION, re.S).group(1))
    job = next(iter(workflow["jobs"].values()))
    step = next(step for step in job["steps"] if "twelvecheck" in step.get("uses", ""))
    homepage = re.search(r'^Homepage = "https://github\.com/([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert step["uses"].split("@")[0] == homepage.group(1)
    assert set(step["with"]) <= set(ACTION["inputs"])
    if str(step["with"].get("upload-sarif")).lower() == "true":
        assert job["permissions"]["security-events"] == "write"


def test_the_readme_lists_every_input_and_output_with_its_default():
    rows = dict(re.findall(r"^\| `([\w-]+)` \|([^|]*)\|", README_SECTION, re.M))
    assert set(rows) == set(ACTION["inputs"])
    for name, shown in rows.items():
        default = ACTION["inputs"][name]["default"]
        assert (f"`{default}`" == shown.strip()) if default else not shown.strip().startswith("`"), name
    for name in ACTION["outputs"]:
        assert f"`{name}`" in README_SECTION.split("Outputs:", 1)[1]
