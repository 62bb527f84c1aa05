"""What kind of file a path is, by its name alone: the kind decides who reads it.

``python`` goes to the engine's traversal; ``procfile``, ``appjson``, ``dockerfile``, the
deployment descriptors (``compose``, ``platform``) and ``script`` (shell scripts: the commands
a deployment runs) to the deployment side; ``ini``, ``yaml`` and ``json`` (files that may be logging
configurations) to the rules that read text of that kind.
"""

from __future__ import annotations

import re
from pathlib import PurePath

PYTHON = "python"
PROCFILE = "procfile"
APPJSON = "appjson"
# Deployment descriptors (deploy/descriptor_documents.py): Compose files by name, the
# platforms' own files by name; Kubernetes manifests are YAML files told by their content.
COMPOSE = "compose"
PLATFORM = "platform"
PLATFORM_FILES = frozenset({"fly.toml", "render.yaml", "railway.json", "railway.toml", "heroku.yml"})
DOCKERFILE = "dockerfile"
SCRIPT = "script"
DEPLOY_KINDS = frozenset({PROCFILE, APPJSON, DOCKERFILE, COMPOSE, PLATFORM, SCRIPT})
SCRIPT_SUFFIXES = (".sh",)
# The shells whose scripts are read as commands (a `#!` line naming one: `#!/bin/sh`,
# `#!/usr/bin/env bash`); a python `#!` line makes a file Python instead.
SCRIPT_SHELLS = (b"sh", b"bash", b"dash")
PYTHON_SUFFIXES = (".py", ".pyw")
# Files that may be logging configurations, by suffix: their kind.
LOGGING_CONFIG_SUFFIXES = {".ini": "ini", ".cfg": "ini", ".conf": "ini", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}
# Kinds whose comments start with `#` (suppression directives are read there).
_HASH_COMMENTED = frozenset({PYTHON, PROCFILE, DOCKERFILE, COMPOSE, SCRIPT, "ini", "yaml"})
# Variants meant for a developer's machine (`heroku local -f Procfile.dev`, foreman -f,
# Heroku's getting-started apps' Procfile.windows): local-only files (``is_local_file``).
DEVELOPMENT_SUFFIXES = frozenset({"dev", "development", "local", "windows", "debug", "test", "tests"})
# docker-compose.yml, compose.yaml, docker-compose.prod.yml, compose.override.yaml
COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:[.-](?P<variant>[\w.-]+?))?\.ya?ml$", re.I)
# Words of a Compose file's variant that make it a developer's (docker-compose.override.yml,
# which `docker compose up` merges on a developer's machine; compose.dev.yaml; ci for a
# pipeline's services).
COMPOSE_DEVELOPMENT_VARIANTS = frozenset({"override", "dev", "development", "local", "debug", "test", "tests", "ci"})
_NOT_PROCFILE_SUFFIXES = frozenset({
    "py", "pyc", "pyw", "md", "rst", "json", "yml", "yaml", "toml", "ini", "cfg", "sh", "rb", "js", "ts",
    "lock", "orig", "rej", "bak", "swp", "j2", "jinja", "tmpl", "erb", "html", "cs", "go", "java",
})


# The names `docker build` and `podman build` look for, and the usual variants:
# Dockerfile.<name>, <name>.Dockerfile (docs.docker.com/build/concepts/dockerfile/#filename).
_DOCKERFILE_STEMS = frozenset({"dockerfile", "containerfile"})
_NOT_DOCKERFILE_SUFFIXES = frozenset({"template", "tpl", "in", "example", "sample", "dist", "txt"})


def process_file_kind(path: PurePath | str) -> str | None:
    """"procfile", "appjson", "dockerfile", "compose" or "platform" for the files that
    declare processes; None otherwise (by name)."""
    name = PurePath(path).name
    if name == "app.json":
        return "appjson"
    if name in PLATFORM_FILES:
        return PLATFORM
    if "compose" in name and COMPOSE_NAME.match(name):
        return COMPOSE
    if is_dockerfile_name(name):
        return DOCKERFILE
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
    """"main" (Procfile), "development" (Procfile.dev, dev.Procfile and friends: local-only),
    "misnamed" (procfile, Procfile.txt: no platform reads it) or "other" (Procfile.prod, x.Procfile)."""
    name = PurePath(path).name
    if name == "Procfile":
        return "main"
    if name.lower() in ("procfile", "procfile.txt"):
        return "misnamed"
    suffix = name.partition(".")[2]
    if name.startswith("Procfile.") and suffix.lower() in DEVELOPMENT_SUFFIXES:
        return "development"
    if name.endswith(".Procfile") and name[: -len(".Procfile")].lower() in DEVELOPMENT_SUFFIXES:
        return "development"
    return "other"


def is_development_compose(name: str) -> bool:
    """A Compose file named for development: docker-compose.override.yml, compose.dev.yaml,
    docker-compose.serve-development.yml (a word of its variant)."""
    match = COMPOSE_NAME.match(name)
    variant = (match.group("variant") or "").lower() if match else ""
    return any(part in COMPOSE_DEVELOPMENT_VARIANTS for part in re.split(r"[.-]", variant) if part)


def is_local_file(path: PurePath | str) -> bool:
    """Whether a deployment file is meant for a developer's machine (local-only): a Procfile
    development variant, a development Dockerfile, a Compose file named for development.
    Its process types are entry points of the code they run, but it gets only the findings
    of rules whose document says ``local_files = true`` (what breaks the file there too),
    no production or portability findings, unless the configuration says
    ``local-files = "check"``."""
    kind = process_file_kind(path)
    if kind == PROCFILE:
        return procfile_variant(path) == "development"
    if kind == DOCKERFILE:
        return dockerfile_variant(path) == "development"
    if kind == COMPOSE:
        return is_development_compose(PurePath(path).name)
    return False


def config_kind(path: PurePath | str) -> str | None:
    """'ini'|'yaml'|'json' for a file that may be a logging config, else None (by suffix only; cheap)."""
    return LOGGING_CONFIG_SUFFIXES.get(PurePath(path).suffix.lower())


def has_comments(kind: str) -> bool:
    """Whether files of this kind have `#` comments, which can hold suppression directives."""
    return kind in _HASH_COMMENTED


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Containerfile (any case), Dockerfile.<name>, <name>.Dockerfile."""
    lower = name.lower()
    if lower in _DOCKERFILE_STEMS:
        return True
    stem, dot, suffix = lower.partition(".")
    if stem in _DOCKERFILE_STEMS and dot and "." not in suffix:
        return suffix not in _NOT_PROCFILE_SUFFIXES and suffix not in _NOT_DOCKERFILE_SUFFIXES
    prefix, dot, last = lower.rpartition(".")
    return bool(prefix) and last in _DOCKERFILE_STEMS


# Folders that hold development images (cookiecutter-django's compose/local/django/Dockerfile).
_DEVELOPMENT_FOLDERS = frozenset({"local", "dev", "development"})


def dockerfile_variant(path: PurePath | str) -> str:
    """"development" for Dockerfile.dev, dev.Dockerfile and friends, and a Dockerfile in a
    folder named local, dev or development (local-only: ``is_local_file``); "main" otherwise."""
    pure = PurePath(path)
    words = set(pure.name.lower().split(".")) - _DOCKERFILE_STEMS
    folders = {part.lower() for part in pure.parts[:-1]}
    return "development" if words & DEVELOPMENT_SUFFIXES or folders & _DEVELOPMENT_FOLDERS else "main"


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
