"""Django management commands: which one a command runs, where the project's commands are,
and whether a name is a command at all (Django's own, or one of the apps a project's
settings install). Read from the file system and the settings' text; nothing is imported.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
from pathlib import Path

from twelvecheck.config import knowledge
from twelvecheck.deploy.shell_commands import Invocation

def management_command(inv: Invocation) -> str | None:
    """The Django management command a command runs (``python manage.py poll``,
    ``django-admin poll``, ``python -m django poll``) when no row of the tool table says what
    it is: Django takes the first argument as the command's name."""
    if inv.tool is not None or inv.program != "manage.py" or len(inv.words) < 2:
        return None
    name = inv.words[1].text
    return name if re.match(r"^[A-Za-z_][\w]*$", name) else None


def script_folder(inv: Invocation, base: Path) -> Path:
    """Where the management script is (``backend/manage.py`` -> backend/): its project's
    apps are below it. ``django-admin`` is installed: the folder the command runs in."""
    spelled = inv.words[0].raw.strip("'\"")
    if posixpath.basename(spelled) == "manage.py" and "$" not in spelled:
        return base / posixpath.dirname(spelled)
    return base


# Folders no deployed app's management command lives in.
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "build", "dist",
                              "tests", "test"})
MAX_COMMAND_DEPTH = 6


def management_commands(folder: str) -> dict[str, list[Path]]:
    """The management commands of the project below ``folder``: every
    ``<app>/management/commands/<name>.py`` (not ``_private.py``, as Django's find_commands
    skips them), by name."""
    found: dict[str, list[Path]] = {}
    top = len(Path(folder).parts)
    for current, dirs, files in os.walk(folder):
        path = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_FOLDERS
                         and len(path.parts) - top < MAX_COMMAND_DEPTH and not os.path.isfile(
                             os.path.join(current, d, "pyvenv.cfg")))
        if path.name == "commands" and path.parent.name == "management":
            for name in sorted(files):
                if name.endswith(".py") and not name.startswith("_"):
                    found.setdefault(name[:-3], []).append(path / name)
    return found


# Django's own commands, and those of django.contrib's apps, and the commands older releases
# had (knowledge/commands.toml [django-commands], which says which Django source each list
# was verified against).
DJANGO_COMMANDS = frozenset().union(*knowledge.mapping("commands", "django-commands").values())
_SETTINGS_RE = re.compile(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""")
MAX_SETTINGS_BYTES = 512 * 1024


def closed_app_commands(folder: Path, manage: Path | None) -> str | None:
    """The settings file whose INSTALLED_APPS holds only Django's own apps and the project's
    packages (below ``folder``), so that every command there is can be found: Django's, and the
    project's ``management/commands/``. None when that cannot be known: no settings found, a
    settings package or several settings files (the platform may choose another one through
    DJANGO_SETTINGS_MODULE), INSTALLED_APPS built or changed in code, or a third-party app
    (which may bring commands of its own)."""
    module = _settings_module(manage)
    if module is None:
        return None
    path = folder.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_file() or _other_settings(path):
        return None
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    apps = _installed_apps(tree, text)
    if apps is None or not all(app.startswith("django.") or _project_package(folder, app) for app in apps):
        return None
    return path.relative_to(folder).as_posix()


def _settings_module(manage: Path | None) -> str | None:
    try:
        text = manage.read_text(encoding="utf-8", errors="replace") if manage is not None else ""
    except OSError:
        return None
    found = set(_SETTINGS_RE.findall(text))
    return found.pop() if len(found) == 1 else None


def _other_settings(path: Path) -> bool:
    """Whether the project has settings files besides this one (prod/dev variants)."""
    try:
        siblings = [p for p in path.parent.iterdir() if p != path and "settings" in p.name.lower()]
    except OSError:
        return True
    return bool(siblings)


def _installed_apps(tree: ast.Module, text: str) -> list[str] | None:
    """INSTALLED_APPS when the module assigns it once, a literal list of strings, and neither
    changes it nor imports names with ``*`` (which may bring another one)."""
    if len(re.findall(r"\bINSTALLED_APPS\b", text)) != 1:
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "INSTALLED_APPS"
                                                for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError, RecursionError):
                return None
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                return None
            found = list(value)
    return found


def _project_package(folder: Path, app: str) -> bool:
    """Whether an INSTALLED_APPS entry (``users``, ``users.apps.UsersConfig``) names a module
    of the project below ``folder``."""
    parts = app.split(".")
    for end in (len(parts), len(parts) - 1):
        if end >= 1:
            path = folder.joinpath(*parts[:end])
            if path.is_dir() or path.with_suffix(".py").is_file():
                return True
    return False
