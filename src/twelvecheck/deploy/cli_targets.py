"""Commands run through a command-line framework, as process types' entry points:
``flask [--app APP] poll-queue`` (also ``python -m flask``, ``FLASK_APP=app flask ...``), a
console script whose function is a click group or a typer app (``mytool consume``), and
``python -m pkg consume`` / ``python cli.py consume`` whose code calls such a group.

Reading the command (``flask_target``, ``command_words``) needs only the command and the
folder; finding the function (``cli_command``) needs the whole program (program/cli_commands.py).
The process's code then starts at a unit that runs, in order, what the framework runs: the
command's function, the module bodies it imports, the app factory, the groups' callbacks.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any, Callable

from twelvecheck.deploy.options import find_options
from twelvecheck.deploy.shell_commands import Invocation, positionals
from twelvecheck.program.cli_commands import MAX_WORDS, CliIndex, Command

# Where flask looks for the app when neither --app nor FLASK_APP says (flask/cli.py
# ScriptInfo.load_app, flask 3.1), and the dotenv files its CLI loads, the first one winning
# (flask/cli.py load_dotenv: .env, then .flaskenv, neither overriding what is set).
FLASK_DEFAULT_FILES = ("wsgi.py", "app.py")
FLASK_DOTENV_FILES = (".env", ".flaskenv")
_FLASK_APP_RE = re.compile(r"""^[ \t]*(?:export[ \t]+)?FLASK_APP[ \t]*=[ \t]*['"]?([^'"\s#]+)""", re.M)
_MODULE_RE = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
MAX_DOTENV_BYTES = 64 * 1024


def command_words(words: list[Any]) -> dict[str, list[Any]]:
    """``{"command": [...], "maybe_values": [...]}``: the words of a command line that may
    name a subcommand (not options), for a target whose code may be a command group, and the
    indexes of those that follow an option (``--config x.yml``: perhaps its value); nothing
    when there are none."""
    found: list[str] = []
    after_option: list[int] = []
    for previous, token in zip([None, *words], words):
        if token.text.startswith("-") or len(found) == MAX_WORDS:
            continue
        if previous is not None and previous.text.startswith("-") and "=" not in previous.text:
            after_option.append(len(found))
        found.append(token.text)
    return {"command": found, **({"maybe_values": after_option} if after_option else {})} if found else {}


def flask_target(inv: Invocation, earlier: list[Invocation], base: Path, shown: Callable[[Path], str | None],
                 module_file: Callable[[Path, str, tuple[str, ...]], str | None]) -> dict[str, Any]:
    """``flask [--app APP] COMMAND``: the app's module (path), where the app was named, and
    the command's words."""
    assert inv.tool is not None
    words = [inv.args[i].text for i in positionals(inv.args, inv.tool)][:MAX_WORDS]
    spelled, source = _flask_app(inv, earlier, base)
    target: dict[str, Any] = {"kind": "flask", "path": None, "name": spelled or " or ".join(FLASK_DEFAULT_FILES),
                              "app_from": source, "command": words}
    if spelled is None:
        target["path"] = next((found for name in FLASK_DEFAULT_FILES if (found := shown(base / name))), None)
        return target
    # flask/cli.py: `module:name` or `module:factory(args)`; a path (`src/app.py`) or a module
    parts = re.split(r":(?![\\/])", spelled, maxsplit=1)
    import_path, attr = parts[0], (parts[1] if len(parts) > 1 else None)
    target["app_attr"] = attr
    if "$" in import_path:
        return target  # set from a variable: what it names is not known here
    if import_path.endswith(".py") or "/" in import_path:
        path = base / import_path
        target["path"] = shown(path / "__init__.py" if path.is_dir() else path)
    elif _MODULE_RE.match(import_path):
        target["path"] = module_file(base, import_path, ("__init__.py",))
    return target


def _flask_app(inv: Invocation, earlier: list[Invocation], base: Path) -> tuple[str | None, str | None]:
    """The app flask is told to load, and where that is said: ``--app``/``-A``, FLASK_APP
    set on the command or exported before it, or in a dotenv file flask loads."""
    for option in find_options(inv.args, ("-A APP", "--app APP")):
        if option.value:
            return option.value, "--app"  # (a `$VARIABLE` is no module of the folder: not analysed)
    for token in reversed([*inv.env, *(word for other in earlier if other.program == "export"
                                       for word in other.words[1:])]):
        name, _, value = token.text.partition("=")
        if name == "FLASK_APP" and value:
            return value, "FLASK_APP"
    for name in FLASK_DOTENV_FILES:
        try:
            text = (base / name).read_bytes()[:MAX_DOTENV_BYTES].decode("utf-8", "replace")
        except OSError:
            continue
        match = _FLASK_APP_RE.search(text)
        if match and "$" not in match.group(1):
            return match.group(1), name
    return None, None


# -- the function a target's command runs ------------------------------------------------
_MEMO: dict[str, Any] = {"project": None, "index": None, "found": {}}


def _index(project: Any) -> CliIndex:
    if _MEMO["project"] is not project:
        _MEMO.update(project=project, index=CliIndex(project), found={})
    return _MEMO["index"]


def cli_command(project: Any, target: dict[str, Any]) -> Command | str | None:
    """The command a target runs through a framework's command line; a reason why it is not
    found (Flask: the process type is then not analysed); None when the target runs no
    framework's command line, or a group whose command is not found (its code is then
    followed as before: the console script's function, the script's body)."""
    index = _index(project)
    key = id(target)
    if key not in _MEMO["found"]:
        _MEMO["found"][key] = (target, _command(project, index, target))  # the target kept alive
    return _MEMO["found"][key][1]


def _command(project: Any, index: CliIndex, target: dict[str, Any]) -> Command | str | None:
    kind, words, path = target["kind"], target.get("command", []), target.get("path")
    if kind == "flask":
        if not path:
            return None  # why_not_analysed names the missing module
        module = next(iter(project.units_in(path, ".<module>")), None)
        if module is None:
            return f"{path} could not be read"
        return index.command(("flask", None), words, index.flask_setup(module, target.get("app_attr")))
    for setup, group in _groups(project, index, target):
        found = index.command(("group", group), words, setup, target.get("maybe_values", ()))
        return found if isinstance(found, Command) else None
    return None


def _groups(project: Any, index: CliIndex, target: dict[str, Any]) -> list[tuple[list[str], str]]:
    """(what runs before the group is called, the group) for a console script whose function
    is a group, or a script or module whose own code calls one."""
    if target["kind"] == "console":
        found = []
        for name, function in project.scripts:
            group = index.group_of(function) if name == target["name"] else None
            if group is not None:
                found.append((project.resolve(f"{function.rpartition('.')[0]}.<module>"), group))
        return found
    path = target.get("path")
    if target["kind"] not in ("script", "module") or not path or path.endswith("/__init__.py"):
        return []
    starts = project.units_in(path, ".<main>") or project.units_in(path, ".<module>")
    for start in starts:
        for unit in (start, *project.units_in(path, ".<module>")):
            for callee in project.units[unit]["calls"]:
                group = index.group_of(callee)
                if group is not None:
                    return [(starts, group)]
    return []


def cli_units(project: Any, target: dict[str, Any]) -> list[str] | None:
    """Where the target's process starts when it runs a framework's command: one unit running
    the command and what runs before it (Project.sequence); None otherwise."""
    found = cli_command(project, target)
    if not isinstance(found, Command):
        return None
    return [project.sequence([found.unit, *found.before], found.unit)]


def cli_setup_units(project: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The code that decides which commands exist (module bodies, factories), for the fact
    closure: the modules registering commands must be read before a command can be found."""
    index = _index(project)
    found: list[str] = []
    for target in targets:
        if target["kind"] == "flask" and target.get("path"):
            module = next(iter(project.units_in(target["path"], ".<module>")), None)
            found += index.flask_setup(module, target.get("app_attr")) if module else []
        elif target["kind"] == "console":
            found += [unit for setup, _ in _groups(project, index, target) for unit in setup]
    return found


def shown_commands(project: Any, targets: list[dict[str, Any]]) -> dict[int, tuple[str | None, str | None]]:
    """For ProcessType.commands: target index -> (``path:function (how it is named)``, None)
    for a command or console script found, (None, why) for a Flask command that is not."""
    shown: dict[int, tuple[str | None, str | None]] = {}
    for number, target in enumerate(targets):
        found = cli_command(project, target)
        program = "flask" if target["kind"] == "flask" else posixpath.basename(target["name"])
        if isinstance(found, Command):
            function = found.unit.rsplit(".", 1)[-1]
            named = " ".join([program, *found.spelled])
            shown[number] = (f"{project.unit_paths[found.unit]}:{function} ({named})", None)
        elif isinstance(found, str):
            shown[number] = (None, f"{program} {' '.join(target.get('command', []))}: {found}".replace("  ", " "))
        elif target["kind"] == "console":  # its function, declared in the packaging files
            function = next((unit for name, unit in project.scripts if name == target["name"] and unit in project.units),
                            None)
            if function is not None:
                shown[number] = (f"{project.unit_paths[function]}:{function.rsplit('.', 1)[-1]} ({program})", None)
    return shown
