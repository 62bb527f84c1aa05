"""What kind of file a path is, by its name alone: the kind decides who reads it.

``python`` goes to the engine's traversal; ``procfile`` and ``appjson`` (files that declare
processes) and ``script`` (shell scripts: the commands a deployment runs) to the deployment side; ``ini``, ``yaml`` and ``json`` (files that may be logging
configurations) to the rules that read text of that kind.
"""

from __future__ import annotations

from pathlib import PurePath

PYTHON = "python"
PROCFILE = "procfile"
APPJSON = "appjson"
SCRIPT = "script"
DEPLOY_KINDS = frozenset({PROCFILE, APPJSON, SCRIPT})
SCRIPT_SUFFIXES = (".sh",)
# The shells whose scripts are read as commands (a `#!` line naming one: `#!/bin/sh`,
# `#!/usr/bin/env bash`); a python `#!` line makes a file Python instead.
SCRIPT_SHELLS = (b"sh", b"bash", b"dash")
PYTHON_SUFFIXES = (".py", ".pyw")
# Files that may be logging configurations, by suffix: their kind.
LOGGING_CONFIG_SUFFIXES = {".ini": "ini", ".cfg": "ini", ".conf": "ini", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
# Kinds whose comments start with `#` (suppression directives are read there).
_HASH_COMMENTED = frozenset({PYTHON, PROCFILE, SCRIPT, "ini", "yaml"})
# Variants meant for a developer's machine (`heroku local -f Procfile.dev`, foreman -f):
# their findings are one severity lower.
DEVELOPMENT_SUFFIXES = frozenset({"dev", "development", "local", "windows", "debug", "test", "tests"})
_NOT_PROCFILE_SUFFIXES = frozenset({
    "py", "pyc", "pyw", "md", "rst", "json", "yml", "yaml", "toml", "ini", "cfg", "sh", "rb", "js", "ts",
    "lock", "orig", "rej", "bak", "swp", "j2", "jinja", "tmpl", "erb", "html", "cs", "go", "java",
})


def process_file_kind(path: PurePath | str) -> str | None:
    """"procfile" or "appjson" for the files that declare processes; None otherwise (by name)."""
    name = PurePath(path).name
    if name == "app.json":
        return "appjson"
    lower = name.lower()
    if lower in ("procfile", "procfile.txt"):
        return "procfile"
    stem, dot, suffix = name.partition(".")
    if stem.lower() == "procfile" and dot and "." not in suffix and suffix.lower() not in _NOT_PROCFILE_SUFFIXES:
        return "procfile"
    if name.endswith(".Procfile") and len(name) > len(".Procfile"):
        return "procfile"
    return None


def procfile_variant(path: PurePath | str) -> str:
    """"main" (Procfile), "development" (Procfile.dev and friends: lower severity),
    "misnamed" (procfile, Procfile.txt: no platform reads it) or "other" (Procfile.prod, x.Procfile)."""
    name = PurePath(path).name
    if name == "Procfile":
        return "main"
    if name.lower() in ("procfile", "procfile.txt"):
        return "misnamed"
    suffix = name.partition(".")[2]
    if name.startswith("Procfile.") and suffix.lower() in DEVELOPMENT_SUFFIXES:
        return "development"
    return "other"


def config_kind(path: PurePath | str) -> str | None:
    """'ini'|'yaml'|'json' for a file that may be a logging config, else None (by suffix only; cheap)."""
    return LOGGING_CONFIG_SUFFIXES.get(PurePath(path).suffix.lower())


def has_comments(kind: str) -> bool:
    """Whether files of this kind have `#` comments, which can hold suppression directives."""
    return kind in _HASH_COMMENTED


def is_shell_shebang(first_line: bytes) -> bool:
    """Whether a file's first line is a `#!` line of sh, bash or dash (not python's):
    ``#!/bin/sh -e``, ``#!/usr/bin/env bash``, ``#!/usr/bin/env -S bash -eu``."""
    if not first_line.startswith(b"#!"):
        return False
    words = first_line[2:].split()
    interpreter = words[0].rsplit(b"/", 1)[-1] if words else b""
    if interpreter == b"env":
        rest = [word for word in words[1:] if not word.startswith(b"-") and b"=" not in word]
        interpreter = rest[0].rsplit(b"/", 1)[-1] if rest else b""
    return interpreter in SCRIPT_SHELLS


def script_kind_by_head(path: PurePath | str, head: bytes) -> str | None:
    """"script" for a shell script: ``*.sh`` (unless its `#!` line names python), or a file
    without a suffix whose first line is a sh/bash/dash `#!` line. ``head``: its first bytes."""
    first = head.split(b"\n", 1)[0]
    if PurePath(path).suffix == ".sh":  # a binary one too: its analysis says it is no script (TWC001)
        return None if first.startswith(b"#!") and b"python" in first else SCRIPT
    if "." not in PurePath(path).name and b"\x00" not in head and is_shell_shebang(first):
        return SCRIPT
    return None
