"""Settings modules meant for a developer's machine: the *local* file role (files/roles.py).

A Django project keeps its development settings beside the production ones
(``config/settings/local.py``, ``settings/dev.py``, ``settings_dev.py``,
``local_settings.py``). Such a module is local tooling when its name says development and
nothing that runs in production names it: no production deployment file (a Procfile,
Dockerfile, Compose file, app.json or descriptor that is not itself a development variant)
sets ``DJANGO_SETTINGS_MODULE`` to it or passes it as ``--settings``, and no ``wsgi.py`` or
``asgi.py`` (what the web server loads) defaults to it. willow's ``src/settings/dev.py`` is
what its ``wsgi.py`` defaults to, so it is production code; cookiecutter-django's
``config/settings/local.py``, named by ``manage.py`` and ``celery_app.py`` only while
``wsgi.py`` names ``production``, is local. A ``manage.py`` or a celery app module does not
count: both default to the development settings in projects whose production environment
sets the variable.

The role is a label: the rules judge a local settings module as any other (the file handler
of a development logging set-up is often the one production gets), and the reports say
what it is for. Read from the files' text, before the analysis. Where this can be wrong: a
production environment that names the module only in a variable the checked files do not
hold (a platform's dashboard), or a Kubernetes manifest that sets it under ``name:`` and
``value:`` lines, is not seen; the module is still checked, only its label is local.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from twelvecheck.files.discovery import SourceFile
from twelvecheck.files.kinds import is_local_file
from twelvecheck.files.modulepath import module_name_from_path

# Names that say development, in a settings package (settings/dev.py) or in the file's own
# name (settings_dev.py, local_settings.py).
DEVELOPMENT_NAMES = frozenset({"dev", "development", "develop", "local", "debug"})
_SETTINGS_FILE = re.compile(r"^(?:settings[_.-](?P<after>\w+)|(?P<before>\w+?)[_.-]settings)\.py$", re.I)
# DJANGO_SETTINGS_MODULE=x, : x, ", "x" (setdefault), ENV DJANGO_SETTINGS_MODULE x, app.json's
# "DJANGO_SETTINGS_MODULE": {"value": "x"}; --settings=x.
_NAMED = re.compile(r"DJANGO_SETTINGS_MODULE['\"]?(?:\s*[:=,]\s*|[ \t]+)(?:\{\s*\"value\"\s*:\s*)?['\"]?"
                    r"(?P<a>[A-Za-z_][\w.]*)"
                    r"|--settings(?:=|[ \t]+)['\"]?(?P<b>[A-Za-z_][\w.]*)")
# The Python modules whose default is what production loads (the web server imports them).
_SERVER_MODULES = frozenset({"wsgi.py", "asgi.py"})


def is_development_settings_name(path: str) -> bool:
    """``settings/dev.py``, ``config/settings/local.py``, ``settings_dev.py``, ``local_settings.py``."""
    if "settings" not in path.lower():  # every such name has it: most files are done here
        return False
    folder, name = os.path.split(path.replace("\\", "/"))
    stem = name.rsplit(".", 1)[0].lower()
    if name.endswith(".py") and stem in DEVELOPMENT_NAMES and os.path.basename(folder).lower() == "settings":
        return True
    match = _SETTINGS_FILE.match(name)
    return match is not None and (match.group("after") or match.group("before") or "").lower() in DEVELOPMENT_NAMES


def development_settings(files: list[SourceFile], cwd: Path) -> set[str]:
    """The display paths of the development settings modules among ``files`` that nothing
    run in production names."""
    candidates = {source.display: module_name_from_path(os.path.join(cwd, source.path))[0]
                  for source in files if source.kind == "python" and is_development_settings_name(source.display)}
    if not candidates:
        return set()
    named: set[str] = set()
    for source in files:
        if source.kind == "python" and os.path.basename(source.display) not in _SERVER_MODULES:
            continue
        if source.kind != "python" and is_local_file(source.display):
            continue
        try:
            text = (cwd / source.path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        named.update(match.group("a") or match.group("b") for match in _NAMED.finditer(text))
    return {display for display, module in candidates.items()
            if not any(_same_module(module, name) for name in named)}


def _same_module(module: str, named: str) -> bool:
    """Whether ``named`` may be ``module``: the same dotted name, or one ending the other
    (``config.settings.local`` for a file whose folders above are no packages)."""
    return module == named or module.endswith("." + named) or named.endswith("." + module)
