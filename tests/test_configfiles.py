"""TWC203 on logging configuration files: fileConfig INI, dictConfig YAML and JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from twelvecheck.checks.logging._config_files import looks_like_logging_config
from twelvecheck.core.findings import Span
from twelvecheck.engine.task import FileTask
from twelvecheck.files.kinds import config_kind
from twelvecheck.run.worker import analyze_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "logging-configs"
TWC203 = frozenset({"TWC203"})


def _analyze(path: Path, text: str, report=TWC203):
    kind = config_kind(path)
    assert kind is not None
    assert path.read_text(encoding="utf-8") == text
    task = FileTask(path=str(path), display_path=path.name, report=report, kind=kind)
    result = analyze_file(task)
    assert not result.errors
    return result.findings


def findings(name: str, report=TWC203):
    path = FIXTURES / name
    return _analyze(path, path.read_text(encoding="utf-8"), report)


def inline(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _analyze(path, text)


def positions(found) -> list[tuple[int, int]]:
    return [(f.line, f.column) for f in found]


@pytest.mark.parametrize(("name", "kind"), [
    ("logging.ini", "ini"), ("setup.CFG", "ini"), ("logging.conf", "ini"),
    ("logging.yaml", "yaml"), ("config.yml", "yaml"), ("logging.json", "json"),
    ("logging.py", None), ("Procfile", None), ("logging.toml", None),
])
def test_config_kind(name, kind):
    assert config_kind(Path("conf") / name) == kind


def test_text_gate():
    assert looks_like_logging_config("handlers:\n  f:\n    filename: a.log\n", "yaml")
    assert looks_like_logging_config("[handler_f]\nclass=handlers.RotatingFileHandler\n", "ini")
    assert not looks_like_logging_config("handlers:\n  c:\n    class: logging.StreamHandler\n", "yaml")
    assert not looks_like_logging_config("class: logging.FileHandler\n", "yaml")
    assert not looks_like_logging_config("handler FileHandler", "toml")


# --- fileConfig INI ---------------------------------------------------------------------

def test_ini_file_handlers_fire_at_class_key():
    found = findings("fileconfig_rotating.ini")
    assert positions(found) == [(28, 1), (34, 1)]
    assert found[0].span == Span(28, 1, 28, 35)
    assert found[0].code == "TWC203"
    assert found[0].message == (
        "logging handler 'file' in INI logging config writes to a file (class handlers.RotatingFileHandler)"
    )
    assert "'audit'" in found[1].message and "logging.handlers.TimedRotatingFileHandler" in found[1].message


def test_ini_suppressions_and_bare_handler_sections():
    # [handler_file] fires; [handler_watched] has an end-of-line ignore; the ignore above
    # [handler_rotating] covers its section; the SysLogHandler is not a file.
    found = findings("fileconfig_bare.conf")
    assert positions(found) == [(3, 1)]
    assert "(class FileHandler)" in found[0].message


@pytest.mark.parametrize("name", [
    "fileconfig_stream_only.ini",  # StreamHandler, FileHandler only in comments / unlisted section
    "tox.ini",  # mentions FileHandler and filenames, but is no logging config
])
def test_ini_near_misses(name):
    assert findings(name) == []


def test_ini_suppression_for_another_code_does_not_apply(tmp_path):
    text = "[handler_f]\nclass=FileHandler  # twelvecheck: ignore[TWC201]\nargs=('a.log',)\n"
    assert positions(inline(tmp_path, "logging.ini", text)) == [(2, 1)]


def test_ini_continuation_and_missing_section_header(tmp_path):
    text = "[handlers]\nkeys=console,\n  file\n\n[handler_file]\nclass =\n    FileHandler\n"
    assert positions(inline(tmp_path, "logging.ini", text)) == [(6, 1)]
    assert inline(tmp_path, "bad.ini", "class=FileHandler\n[handler_f]\nclass=FileHandler\n") == []


# --- YAML -------------------------------------------------------------------------------

def test_yaml_dictconfig():
    found = findings("logging.yaml")
    # TimedRotatingFileHandler class value, the () factory's filename key, the ext:// class.
    assert positions(found) == [(14, 12), (20, 5), (22, 12)]
    assert found[0].span == Span(14, 12, 14, 53)
    assert "'file' in YAML logging config" in found[0].message
    assert found[1].message.endswith("(a filename)") and "'json_file'" in found[1].message
    assert "(class ext://logging.FileHandler)" in found[2].message


def test_yaml_nested_logging_section_with_merge_key_and_suppressions():
    # 'rotating' gets its class through '<<: *file_defaults' (reported where the class is
    # written); debug_file is ignored by the comment above its key, trace_file at the end
    # of its class line.
    found = findings("app_settings.yml")
    assert positions(found) == [(12, 12)]
    assert "'rotating'" in found[0].message


@pytest.mark.parametrize("name", [
    "stream_only.yaml",  # FileHandler only in a comment and in an unrelated string value
    "ansible_playbook.yml",  # 'handlers' of an Ansible play; a handlers mapping with no logging keys
    "broken.yaml",  # invalid YAML
])
def test_yaml_near_misses(name):
    assert findings(name) == []


def test_yaml_multiple_documents(tmp_path):
    text = "---\nkind: ConfigMap\n---\nversion: 1\nhandlers:\n  f:\n    class: FileHandler\n"
    assert positions(inline(tmp_path, "logging.yaml", text)) == [(7, 12)]


def test_yaml_filename_on_stream_handler_is_reported_at_the_key(tmp_path):
    text = "version: 1\nhandlers:\n  odd:\n    class: logging.StreamHandler\n    filename: a.log\n"
    found = inline(tmp_path, "logging.yaml", text)
    assert [(f.span.line, f.span.column, f.span.end_column) for f in found] == [(5, 5, 13)]


# --- JSON -------------------------------------------------------------------------------

def test_json_dictconfig():
    found = findings("logging.json")
    assert positions(found) == [(9, 16)]
    assert "'file' in JSON logging config" in found[0].message


def test_json_nested_logging_key():
    found = findings("nested_logging.json")
    assert positions(found) == [(7, 18)]
    assert "WatchedFileHandler" in found[0].message


def test_json_tab_indented():
    # YAML forbids these tabs; read with tabs as spaces, positions stay exact.
    found = findings("nested_tabs.json")
    assert positions(found) == [(9, 14), (14, 5)]
    assert found[0].span == Span(9, 14, 9, 35)
    assert "'file'" in found[0].message and "(class logging.FileHandler)" in found[0].message
    assert "'json'" in found[1].message and found[1].message.endswith("(a filename)")


def test_json_that_yaml_cannot_read_falls_back_to_text_search(tmp_path):
    text = (
        '{\n'
        '  "note": "a DEL character \x7f is valid JSON but not YAML",\n'
        '  "formatters": {"file": {"format": "%(message)s"}},\n'
        '  "handlers": {\n'
        '    "console": {"class": "logging.StreamHandler"},\n'
        '    "file": {"filename": "a.log", "class": "logging.StreamHandler"},\n'
        '    "rotating": {\n'
        '      "class": "logging.handlers.RotatingFileHandler"}\n'
        '  }\n'
        '}\n'
    )
    with pytest.raises(yaml.YAMLError):
        yaml.compose(text, Loader=yaml.SafeLoader)
    found = inline(tmp_path, "logging.json", text)
    assert [f.span for f in found] == [Span(6, 14, 6, 24), Span(8, 16, 8, 54)]
    assert "'file'" in found[0].message and found[0].message.endswith("(a filename)")
    assert "'rotating'" in found[1].message and "RotatingFileHandler" in found[1].message


@pytest.mark.parametrize("name", [
    "unrelated.json",  # 'handlers' with a filename and a FileHandler string, no logging keys
    "broken.json",  # trailing commas: YAML accepts it, JSON does not
])
def test_json_near_misses(name):
    assert findings(name) == []


def test_json_with_comment_is_not_json(tmp_path):
    text = '// logging\n{"version": 1, "handlers": {"f": {"filename": "a.log"}}}\n'
    assert inline(tmp_path, "logging.json", text) == []


# --- engine, reporting, robustness ------------------------------------------------------

def test_not_reported_when_twc203_is_not_selected():
    assert findings("logging.yaml", report=frozenset({"TWC201"})) == []


def test_through_the_engine():
    path = FIXTURES / "fileconfig_rotating.ini"
    task = FileTask(path=str(path), display_path="logging.ini", report=TWC203, kind="ini")
    result = analyze_file(task)
    assert not result.errors
    assert positions(result.findings) == [(28, 1), (34, 1)]
    assert all(f.path == "logging.ini" and f.anchor_text.startswith(("class", "Class")) for f in result.findings)


@pytest.mark.parametrize(("name", "text"), [
    ("deep.yaml", "version: 1\nhandlers: {f: {filename: a}}\nx: " + "[" * 20000 + "]" * 20000 + "\n"),
    ("deep.json", '{"version": 1, "handlers": {"f": {"filename": "a"}}, "x": ' + "[" * 20000 + "]" * 20000 + "}"),
    ("deep_tabs.json", '{\t"version": 1, "handlers": {"f": {"filename": "a"}}, "x": ' + "[" * 20000 + "]" * 20000 + "}"),
    ("huge.yaml", "version: 1\nhandlers:\n  f:\n    class: FileHandler\n" + "#" * (3 * 1024 * 1024)),
    ("list.json", '["handler", "FileHandler", "filename"]'),
    ("binaryish.yaml", "handlers: FileHandler \x07\x00 filename"),
    ("empty.conf", ""),
])
def test_bad_input_gives_no_findings_and_no_exception(tmp_path, name, text):
    assert inline(tmp_path, name, text) == []


def test_recursive_alias_terminates(tmp_path):
    text = "a: &a\n  version: 1\n  handlers: {f: {filename: x.log}}\n  self: *a\n  more: [*a, *a]\n"
    assert positions(inline(tmp_path, "logging.yaml", text)) == [(3, 18)]


def test_yaml_merge_keys_cannot_explode_or_loop(tmp_path):
    lines = ["version: 1", "handlers:", "  f:", "    filename: x", "l0_0: &l0_0 {filename: a}"]
    for i in range(1, 25):  # each level merges all three of the previous: 3**24 without memo
        previous = ", ".join(f"*l{i - 1}_{j}" for j in range(3 if i > 1 else 1))
        lines += [f"l{i}_{j}: &l{i}_{j} {{<<: [{previous}], k{j}: {j}}}" for j in range(3)]
    lines.append("self: &self {<<: *self, filename: y}")
    assert positions(inline(tmp_path, "logging.yaml", "\n".join(lines) + "\n")) == [(4, 5)]


def test_yaml_merge_chain_is_followed(tmp_path):
    chain = ["m0: &m0 {class: logging.FileHandler}"]
    chain += [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 50)]
    text = "\n".join([*chain, "version: 1", "handlers: {f: *m49}"]) + "\n"
    assert positions(inline(tmp_path, "logging.yaml", text)) == [(1, 17)]


def test_yaml_merge_chain_deeper_than_the_recursion_limit_does_not_crash(tmp_path):
    length = 25_000
    chain = ["m0: &m0 {class: logging.FileHandler}"]
    chain += [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, length)]
    text = "\n".join([*chain, "version: 1", f"handlers: {{f: *m{length - 1}}}"]) + "\n"
    # Too deep to follow within any recursion limit: no finding, and no exception.
    assert positions(inline(tmp_path, "logging.yaml", text)) == []


def test_yaml_suppressions_when_python_tokenize_fails(tmp_path):
    # The plain scalar's '[' leaves a bracket open for Python's tokenizer (TokenError), so
    # the suppression scanner reads comments line by line instead.
    text = (
        "version: 1\n"
        "description: handlers [see docs\n"
        "handlers:\n"
        "  a:\n"
        "    class: logging.FileHandler  # twelvecheck: ignore[TWC203]\n"
        "  # twelvecheck: ignore[logging-config-file-handler]\n"
        "  b:\n"
        "    class: logging.FileHandler\n"
        "  c:\n"
        "    # twelvecheck: ignore[TWC201]\n"
        "    class: logging.FileHandler\n"
    )
    assert positions(inline(tmp_path, "logging.yaml", text)) == [(11, 12)]
