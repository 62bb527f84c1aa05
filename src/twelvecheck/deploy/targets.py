"""What a process type runs, read from its command: the Python code it starts (its
targets), the tools it runs, and whether it is a scheduler.

A target is a script (``python app/worker.py``), a module (``python -m app.worker``), an
app a server imports (``gunicorn app.wsgi:application``), a celery app (``celery -A app``)
or a console script (``worker``, declared in packaging metadata); its path is the file's
display path where it exists.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from twelvecheck.deploy.cli_targets import command_words, flask_target
from twelvecheck.deploy.django_commands import (
    DJANGO_COMMANDS, closed_app_commands, management_command, management_commands, script_folder,
)
from twelvecheck.deploy.options import find_options, first_argument
from twelvecheck.deploy.script_body import defines_only
from twelvecheck.deploy.shell_commands import Invocation, read_command
from twelvecheck.deploy.shell_words import Token
from twelvecheck.deploy.tools import SHORT_LIVED_PROGRAMS
from twelvecheck.program.dependencies import Dependencies, declared_dependencies, package_roots

SCHEDULER_NAME = re.compile(r"clock|scheduler|(?<!heart)beat|cron", re.I)


def targets(invocations: list[Invocation], display_path: str, directory: Path | None) -> list[dict[str, Any]]:
    """The Python code a process type runs, as display paths where the file exists."""
    targets: list[dict[str, Any]] = []
    shown_dir = posixpath.dirname(display_path)
    commands: dict[str, dict[str, list[Path]]] = {}  # folder -> its management commands

    def shown(path: Path) -> str | None:
        if directory is None or not path.is_file():
            return None
        relative = os.path.relpath(path, directory).replace(os.sep, "/")
        return posixpath.normpath(posixpath.join(shown_dir, relative))

    def module_file(base: Path, module: str, package_files: tuple[str, ...]) -> str | None:
        parts = module.split(".")
        for root in (base, base / "src"):
            for suffix in (f"{parts[-1]}.py", *(f"{parts[-1]}/{name}" for name in package_files)):
                found = shown(root.joinpath(*parts[:-1], suffix))
                if found:
                    return found
        return None

    for index, inv in enumerate(invocations):
        base = inv.base or directory
        if base is None:
            continue
        if inv.script:
            path = shown(base / inv.script)
            if path:
                targets.append({"kind": "script", "path": path, "name": inv.script, **command_words(inv.args)})
        elif inv.module:
            path = module_file(base, inv.module, ("__main__.py", "__init__.py"))
            targets.append({"kind": "module", "path": path, "name": inv.module, **command_words(inv.args)})
        elif inv.tool is not None and inv.tool.key == "flask":
            targets.append(flask_target(inv, invocations[:index], base, shown, module_file))
        elif inv.tool is not None and inv.tool.app and (app := first_argument(inv)) is not None:
            module, _, attr = app.text.partition(":")
            if re.match(r"^[A-Za-z_][\w.]*$", module):
                targets.append({"kind": "app", "path": module_file(base, module, ("__init__.py",)),
                                "name": module, "attr": attr.split("(")[0] or None})
        elif inv.tool is not None and inv.tool.key.startswith("celery"):
            for option in find_options(inv.args, ("-A APP", "--app APP")):
                module = (option.value or "").partition(":")[0]
                if re.match(r"^[A-Za-z_][\w.]*$", module):
                    path = module_file(base, module, ("__init__.py",)) or module_file(base, f"{module}.celery", ())
                    targets.append({"kind": "celery", "path": path, "name": module})
        elif (command := management_command(inv)) is not None:
            folder = str(script_folder(inv, base))
            if folder not in commands:
                commands[folder] = management_commands(folder)
            found = commands[folder].get(command, [])
            targets += [{"kind": "command", "path": shown(path), "name": command} for path in found] or \
                [{"kind": "command", "path": None, "name": command}]
        elif inv.tool is None and inv.words and "/" not in inv.program and re.match(r"^[\w.-]+$", inv.program) \
                and inv.program not in SHORT_LIVED_PROGRAMS:  # `export X=1 &&`, `set -e;` run no console script
            targets.append({"kind": "console", "path": None, "name": inv.program, **command_words(inv.words[1:])})
    return targets


def scheduler_of(name: str, invocations: list[Invocation]) -> str | None:
    """Why a process type looks like a scheduler (by its name or command), or None."""
    for inv in invocations:
        tool = inv.tool
        if tool is None:
            continue
        if tool.role == "scheduler" and not find_options(inv.args, tool.no_scheduler):
            return f"it runs {tool.key}"
        if find_options(inv.args, tool.scheduler):
            return f"it runs {tool.key} with an embedded scheduler"
    if SCHEDULER_NAME.search(name):
        return "its name says so"
    return None


def tool_names(invocations: list[Invocation]) -> list[str]:
    return sorted({inv.tool.key for inv in invocations if inv.tool is not None and inv.tool.role != "wrapper"})


# -- targets that do not exist ---------------------------------------------------------------
# Options with which a tool imports from somewhere else than the folder it starts in: where a
# module is looked for is then unknown, and nothing is said about it.
PATH_OPTIONS = ("--chdir DIR", "--pythonpath DIR", "--app-dir DIR", "--workdir DIR", "--root-path P")
_MODULE_RE = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
# Installed with every Python a platform sets up (the buildpacks and the official images
# install pip, setuptools and wheel), though no dependency file names them.
ALWAYS_INSTALLED = frozenset({"pip", "setuptools", "pkg_resources", "_distutils_hack", "wheel"})


@dataclass
class MissingTarget:
    """Code a command runs that is nowhere: not in the project, the standard library or a
    declared dependency."""

    inv: Invocation
    token: Token  # the word that names it
    what: str  # "script 'printing.py'", "module 'dtb' (of dtb.asgi:application)"
    looked: str  # where it was looked for, for the message
    problem: str = "which does not exist"


def missing_in_command(command: str, folder: Path, root: Path | None = None) -> list[MissingTarget]:
    """The targets of a command run in ``folder`` that do not exist (any descriptor's command:
    a Procfile line, a container's command...). Raises QuoteError for an unterminated quote."""
    return missing_targets(read_command(command, folder, root).invocations, folder, root)


def missing_targets(invocations: list[Invocation], directory: Path | None, root: Path | None) -> list[MissingTarget]:
    """The targets of already read commands that do not exist; silent where they may come
    from elsewhere (a variable, an unknown folder, an installed distribution)."""
    if directory is None:
        return []
    found: list[MissingTarget] = []
    resolver = _Resolver(directory, root or directory)
    for inv in invocations:
        base = inv.base or directory
        if any(token.text.split("=", 1)[0] == "PYTHONPATH" for token in inv.env):
            continue  # the imports come from a path the command sets
        if inv.program == "manage.py":  # also `manage.py migrate`, a row of the tool table
            found += resolver.management_command(inv, base)
        elif inv.script:
            found += resolver.script(inv, base)
        elif inv.module:
            found += resolver.module(inv, base, inv.module, _token(inv, inv.module), run=True)
        elif inv.tool is not None and inv.tool.key == "flask":  # `flask --app shop.web poll`: the app's module
            for option in find_options(inv.args, ("-A APP", "--app APP")):
                module = re.split(r":(?![\\/])", option.value or "", maxsplit=1)[0]
                if module and "/" not in module and not module.endswith(".py"):
                    found += resolver.module(inv, base, module, option.value_token or option.token,
                                             origin=option.value or module)
        elif inv.tool is not None and (inv.tool.app or inv.tool.key.startswith("celery")):
            if find_options(inv.args, PATH_OPTIONS) or find_options(inv.args, inv.tool.config) or \
                    _implicit_config_moves(base):
                continue  # imported from elsewhere, or a configuration file may say where from
            if inv.tool.app and (app := first_argument(inv)) is not None:
                module = app.text.partition(":")[0]
                found += resolver.module(inv, base, module, app, origin=app.text)
            elif inv.tool.key.startswith("celery"):
                for option in find_options(inv.args, ("-A APP", "--app APP")):
                    module = (option.value or "").partition(":")[0]
                    token = option.value_token or option.token
                    # `-A proj.app` may be module proj's attribute app: its last part is not judged
                    judged = module.rpartition(".")[0] if "." in module and ":" not in (option.value or "") else module
                    found += resolver.module(inv, base, judged, token, origin=option.value or module)
    return found


def _token(inv: Invocation, text: str) -> Token:
    return next((t for t in inv.words if t.text in (text, f"-m{text}")), inv.words[0])


class _Resolver:
    """Looks targets up on disk (relative to the folder a command runs in, as the platform
    runs it), in the standard library and in the declared dependencies."""

    def __init__(self, app: Path, root: Path) -> None:
        self.app = app  # the app's folder: the platform installs what its files declare
        self.root = root
        self._dependencies: Dependencies | None = None

    def shown(self, path: Path) -> str:
        try:
            relative = path.resolve().relative_to(self.root.resolve()).as_posix()
        except (OSError, ValueError):
            return path.as_posix()
        return relative if relative != "." else "the repository root"

    def script(self, inv: Invocation, base: Path, name: str | None = None) -> list[MissingTarget]:
        name = name or inv.script or ""
        if not name or name.startswith(("/", "~")) or re.search(r"[$`*?\[{]", name):
            return []
        path = base / name
        if path.suffix == ".py" and path.is_file() and self.dependencies().files:
            defined = defines_only(path, lambda module: any(
                _module_path(folder, module) is not None for folder in (path.parent, base)))
            if defined:
                shown = ", ".join(f"{n}()" if n[:1].islower() else n for n in defined[:3])
                return [MissingTarget(inv, next((t for t in inv.words if name in (t.text, t.raw)), inv.words[0]),
                                      f"script '{name}'", "its top level makes no call and has no loop or "
                                      "__main__ block", f"which only defines {shown} and runs nothing: the "
                                      "process exits as soon as it starts")]
        if _exists(path) or not _inside(path, self.root) or not self.dependencies().files:
            return []  # there, outside the repository, or no Python project in sight (a Procfile alone)
        if _deeper(base, name, found=lambda folder, wanted: (folder / wanted).is_file()):
            return []  # in a subfolder: a monorepo whose platform may build that folder
        token = next((t for t in inv.words if name in (t.text, t.raw)), inv.words[0])
        return [MissingTarget(inv, token, f"script '{name}'", f"looked for {self.shown(path)}")]

    def management_command(self, inv: Invocation, base: Path) -> list[MissingTarget]:
        """``python manage.py <command>``: the script, then the command (when the settings
        say which apps may bring commands: closed_app_commands)."""
        command = management_command(inv)
        folder = script_folder(inv, base)
        manage = folder / "manage.py" if posixpath.basename(inv.words[0].raw.strip("'\"")) == "manage.py" else None
        if manage is not None and not _exists(manage):
            return self.script(inv, base, inv.words[0].raw.strip("'\""))
        if command is None or command in DJANGO_COMMANDS or command in management_commands(str(folder)):
            return []
        settings = closed_app_commands(folder, manage)
        if settings is None:
            return []
        return [MissingTarget(inv, inv.words[1], f"management command '{command}'",
                              f"looked for <app>/management/commands/{command}.py below {self.shown(folder)}; "
                              f"it is no command of Django's, and {self.shown(folder / settings)} installs no "
                              "other app that could bring it")]

    def module(self, inv: Invocation, base: Path, module: str, token: Token, run: bool = False,
               origin: str = "") -> list[MissingTarget]:
        if not _MODULE_RE.match(module) or not _inside(base, self.root):
            return []
        parts = module.split(".")
        top = parts[0]
        roots = [base, base / "src", *(r for r in package_roots(self.app) if r not in (base, base / "src"))]
        roots = [r for r in roots if r.is_dir()]
        where = next((r for r in roots if _module_path(r, top) is not None), None)
        of = f" (of {origin})" if origin and origin != module else ""
        if where is None:
            if top in sys.stdlib_module_names or top in sys.builtin_module_names or top in ALWAYS_INSTALLED:
                return []
            dependencies = self.dependencies()
            if not dependencies.files or dependencies.may_provide(top):
                return []  # nothing declared (installed some other way), or declared
            if _deeper(base, top):
                return []  # in a subfolder: a PYTHONPATH the platform's settings set may reach it
            folders = ", ".join(f"{self.shown(r)}" for r in roots)
            return [MissingTarget(inv, token, f"module '{top}'{of}",
                                  f"looked for {top}/ and {top}.py in {folders} and below; it is not in the standard "
                                  f"library, and no dependency in {', '.join(dependencies.files)} provides it")]
        path = _module_path(where, top)
        for index, part in enumerate(parts[1:], 1):
            if path is None or not path.is_dir():
                return []  # a submodule of a plain module: only its own code knows
            child = _module_path(path, part)
            if child is None:
                if _mentions(path / "__init__.py", part):
                    return []  # the package may make it itself
                name = ".".join(parts[: index + 1])
                return [MissingTarget(inv, token, f"module '{name}'{of}",
                                      f"looked for {self.shown(path / part)}/ and {self.shown(path / part)}.py")]
            path = child
        if run and path is not None and path.is_dir() and not (path / "__main__.py").is_file():
            return [MissingTarget(inv, token, f"'{module}/__main__.py' (`python -m {module}` runs a package "
                                              "through it)", f"{self.shown(path)} is a package without one")]
        return []

    def dependencies(self) -> Dependencies:
        if self._dependencies is None:
            self._dependencies = declared_dependencies(self.app, self.root)
        return self._dependencies


def _module_path(folder: Path, name: str) -> Path | None:
    """The file or folder by which ``name`` is importable from ``folder`` (a package, a
    namespace package, a module, an extension module), or None."""
    try:
        if (folder / name).is_dir():
            return folder / name
        for suffix in (".py", ".pyc", ".pyd", ".so", ".pyw"):
            if (folder / f"{name}{suffix}").is_file():
                return folder / f"{name}{suffix}"
        if any(folder.glob(f"{name}.*.so")) or any(folder.glob(f"{name}.*.pyd")):
            return folder
    except OSError:
        return folder  # cannot tell: as if it were there
    return None


def _deeper(base: Path, name: str, depth: int = 3,
            found: Callable[[Path, str], bool] = lambda folder, name: _module_path(folder, name) is not None) -> bool:
    """Whether module or package ``name`` (or what ``found`` looks for) is in a folder below
    ``base`` (a few levels down, past hidden folders, virtualenvs and node_modules)."""
    pending = [(base, 0)]
    while pending:
        folder, level = pending.pop()
        try:
            children = [child for child in folder.iterdir() if child.is_dir()]
        except OSError:
            continue
        for child in children:
            if child.name.startswith(".") or child.name in _NOT_SOURCE or (child / "pyvenv.cfg").is_file():
                continue
            if found(child, name):
                return True
            if level + 1 < depth:
                pending.append((child, level + 1))
    return False


_NOT_SOURCE = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "build", "dist"})


def _implicit_config_moves(base: Path) -> bool:
    """Whether gunicorn's implicit ./gunicorn.conf.py may change where imports come from."""
    try:
        text = (base / "gunicorn.conf.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"\b(chdir|pythonpath)\b", text) is not None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):
        return False
    return True


def _mentions(init: Path, name: str) -> bool:
    try:
        return re.search(rf"\b{re.escape(name)}\b", init.read_text(encoding="utf-8", errors="replace")) is not None
    except OSError:
        return False
