"""Every rule has a document and every document a rule; the documents are well formed."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import pytest

from twelvecheck.run.model import Settings
from twelvecheck.run.runner import run
from twelvecheck.engine.registry import load_rules
from twelvecheck.core.ruledocs import CODE_RE, FAMILIES, FIX_SECTION, SECTIONS, SLUG_RE, load_rule_docs, rules_dir

DOCS = load_rule_docs()
# Placeholders each rule's code fills in; a template naming another one would print "{x}".
PLACEHOLDER_RE = re.compile(r"{(\w+)}")


def test_every_registered_rule_has_a_document():
    assert sorted(load_rules()) == sorted(DOCS), "rules and documents differ"


def test_codes_and_names_are_unique_and_well_formed():
    names = [doc.name for doc in DOCS.values()]
    assert len(names) == len(set(names)), "a name is used twice"
    for code, doc in DOCS.items():
        assert CODE_RE.match(code)
        assert SLUG_RE.match(doc.name), f"{code}: {doc.name!r} is not kebab-case"
        assert doc.family in FAMILIES
        assert doc.source.name == f"{code}.md"


def test_families_follow_code_ranges():
    ranges = {"meta": "TWC0", "process": "TWC1", "logging": "TWC2", "signals": "TWC3",
              "scheduler": "TWC4", "procfile": "TWC5", "formation": "TWC6", "container": "TWC7"}
    for code, doc in DOCS.items():
        assert code.startswith(ranges[doc.family]), f"{code} is in family {doc.family}"


@pytest.mark.parametrize("code", sorted(DOCS))
def test_sections_in_ruff_order(code):
    doc = DOCS[code]
    expected = [*SECTIONS[:-1], FIX_SECTION, SECTIONS[-1]] if doc.fix else list(SECTIONS)
    present = [title for title in doc.sections if title in (*SECTIONS, FIX_SECTION)]
    assert present == expected, f"{code}: sections {list(doc.sections)}"
    assert "12factor.net" in doc.sections["References"], f"{code}: no Twelve-Factor link"
    assert doc.summary.strip() and len(doc.summary) < 120


# Families whose examples are project files: a ```procfile block is the Procfile, ```json
# the app.json, ```toml the pyproject.toml, ```python app.py, ```dockerfile the Dockerfile,
# ```yaml docker-compose.yml; a first line `# file: NAME` names the file otherwise.
PROJECT_FAMILIES = ("procfile", "formation", "container")
EXAMPLE_FILES = {"procfile": "Procfile", "json": "app.json", "toml": "pyproject.toml", "python": "app.py",
                 "dockerfile": "Dockerfile", "yaml": "docker-compose.yml"}
# The block every Example and Use instead of a project family has.
MAIN_BLOCK = {"procfile": "procfile", "formation": "procfile", "container": "dockerfile"}


@pytest.mark.parametrize("code", sorted(DOCS))
def test_examples_parse(code):
    doc = DOCS[code]
    blocks = doc.code_blocks("Example") + doc.code_blocks("Use instead")
    python = [source for language, source in blocks if language == "python"]
    if doc.family in PROJECT_FAMILIES:
        main = MAIN_BLOCK[doc.family]
        for section in ("Example", "Use instead"):
            assert any(lang == main for lang, _ in doc.code_blocks(section)), f"{code}: no {main} {section}"
        for source in (s for lang, s in blocks if lang == "json"):
            json.loads(source)
    else:
        assert python, f"{code}: no python example"
    for source in python:
        ast.parse(source)


@pytest.mark.parametrize("code", sorted(c for c in DOCS if DOCS[c].family in PROJECT_FAMILIES))
def test_project_example_fires_and_use_instead_does_not(code, tmp_path):
    """The Example's files, written to a folder and checked with the CLI, fire the rule;
    the Use instead's do not."""
    doc = DOCS[code]

    def findings(section):
        folder = tmp_path / section.replace(" ", "-")
        (folder / ".git").mkdir(parents=True)
        blocks = [(lang, source) for lang, source in doc.code_blocks(section) if lang in EXAMPLE_FILES]
        assert len({lang for lang, _ in blocks}) == len(blocks), f"{code}: two {section} blocks for one file"
        for lang, source in blocks:
            named = re.match(r"# file: (\S+)\n", source)
            (folder / (named.group(1) if named else EXAMPLE_FILES[lang])).write_text(source, encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--select", code, "--format", "json", str(folder)],
                              cwd=folder, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        report = json.loads(proc.stdout)
        assert report["errors"] == [], report["errors"]
        return [f for f in report["findings"] if f["code"] == code]

    assert findings("Example"), f"{code}: the Example does not fire"
    assert not findings("Use instead"), f"{code}: the Use instead fires"


@pytest.mark.parametrize("code", sorted(c for c in DOCS if DOCS[c].family not in ("meta", *PROJECT_FAMILIES)))
def test_example_fires_and_use_instead_does_not(code, tmp_path):
    doc = DOCS[code]

    def findings(source):
        # The whole pipeline (whole-program rules included) on the example as standard input.
        settings = Settings(select=[code], stdin_source=source.encode(), stdin_filename="example.py", cwd=tmp_path)
        result = run(settings)
        assert not result.errors, result.errors
        return [f for f in result.findings if f.code == code]

    examples = [s for lang, s in doc.code_blocks("Example") if lang == "python"]
    fixes = [s for lang, s in doc.code_blocks("Use instead") if lang == "python"]
    assert any(findings(s) for s in examples), f"{code}: the Example does not fire"
    assert not any(findings(s) for s in fixes), f"{code}: the Use instead fires"


def test_message_templates_have_known_placeholders():
    expected = {"TWC001": {"reason"}, "TWC002": {"reason"}, "TWC201": {"handler"}, "TWC202": set(),
                "TWC203": {"handler", "detail", "where"}, "TWC204": {"stream", "how"}}
    for code, fields in expected.items():
        assert set(PLACEHOLDER_RE.findall(DOCS[code].message)) == fields, code


def test_documents_are_read_from_the_rules_folder():
    assert (rules_dir() / "TWC201.md").is_file()


def test_the_inputs_a_document_names_are_the_files_its_rule_judges():
    """A run discovers files and builds the process model from the documents' ``inputs``
    (without importing a rule); the rule judges files by its ``kinds``. They must agree."""
    from twelvecheck.engine.rule import FormationRule
    from twelvecheck.files.kinds import LOGGING_CONFIG_SUFFIXES

    text_kinds = set(LOGGING_CONFIG_SUFFIXES.values())
    for code, rule in load_rules().items():
        inputs, kinds = set(DOCS[code].inputs), set(rule.kinds)
        assert ("python" in kinds) == ("python" in inputs), code
        assert bool(kinds & text_kinds) == ("logging-config" in inputs), code
        for kind in ("procfile", "appjson"):
            assert kind not in kinds or kind in inputs, code
        for kind in ("compose", "platform"):  # descriptors are read with the process model
            assert kind not in kinds or "process-model" in inputs, code
        if issubclass(rule, FormationRule):
            assert "process-model" in inputs, code
