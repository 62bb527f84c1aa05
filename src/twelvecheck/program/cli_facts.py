"""How a file builds command-line interfaces with click, typer and Flask: the facts from which
``cli_commands.py`` finds the function a command line such as ``flask poll-queue`` or
``mytool consume`` runs.

Each registration is recorded in the unit where it runs (a decorator runs where the function
is defined: the module body, or an app factory for a command defined inside it), as a dict:

- ``op``: ``command``/``group`` (``@click.command()``, ``@cli.command("name")``,
  ``@app.cli.command()``, ``@cli.group()``, typer's ``@app.command()``), ``callback``
  (typer's ``@app.callback()``), ``add`` (``cli.add_command(f, "name")``), ``typer``
  (``app.add_typer(sub, name="x")``) or ``blueprint`` (``app.register_blueprint(bp)``);
- ``on``: what it is registered on: ``["cli", holder]`` for a Flask app's or blueprint's
  ``.cli`` (holder None: a local or a parameter, as in an app factory), ``["group", holder]``
  for a click group or typer app, ``["app", holder]`` for ``register_blueprint``; absent for
  a free-standing ``@click.command()``;
- ``target``: the function or holder registered; ``name``: the name given, when literal;
  ``unnamed``: a name is given but is no literal; ``cli_group``/``ungrouped`` for blueprints.

Module-level ``Blueprint(...)``, ``click.Group(...)``, ``AppGroup(...)`` and ``typer.Typer(...)``
instances are recorded by holder with their names. Nothing here decides what runs.
"""

from __future__ import annotations

import ast
from typing import Any

from twelvecheck.program.values.exprs import string_value

# Decorators that make a function a click command or group wherever it is defined (click's
# own names; verified against click 8.5.1's click/decorators.py and click/__init__.py).
FREE_DECORATORS = {"click.command": "command", "click.decorators.command": "command",
                   "click.group": "group", "click.decorators.group": "group"}
# Methods of a group (click.Group, flask.cli.AppGroup, typer.Typer) that register a command.
GROUP_DECORATORS = {"command": "command", "group": "group", "callback": "callback"}
# Constructors of the objects commands are registered on (flask 3.1's flask/cli.py AppGroup
# and flask/blueprints.py Blueprint; typer 0.12's typer/main.py Typer).
GROUP_CLASSES = {"click.Group": "click", "click.core.Group": "click", "flask.cli.AppGroup": "click",
                 "typer.Typer": "typer", "typer.main.Typer": "typer"}
BLUEPRINT_CLASSES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint"})
REGISTERING_METHODS = frozenset({"add_command", "add_typer", "register_blueprint"})


class CliFacts:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.registrations: dict[str, list[dict[str, Any]]] = {}
        self.holders: dict[str, dict[str, Any]] = {}
        self.module_names = _module_level_names(ctx.tree)

    def facts(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.registrations:
            found["registrations"] = self.registrations
        if self.holders:
            found["holders"] = self.holders
        return found

    def _holder(self, node: ast.expr) -> str | None:
        """The qualified name of what an expression names: through the imports, or a name of
        this module's top level (``cli = click.Group()``), None for a local or a parameter."""
        qualified = self.ctx.qualify(node)
        if qualified:
            return qualified
        if isinstance(node, ast.Name) and node.id in self.module_names and not self._local(node.id):
            return f"{self.ctx.module_name}.{node.id}"
        return None

    def _local(self, name: str) -> bool:
        for function in self.ctx.functions:
            arguments = function.args
            if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
                return True
            if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                   for n in ast.walk(function)):
                return True
        return False

    def _on(self, owner: ast.expr) -> list[Any] | None:
        if isinstance(owner, ast.Attribute) and owner.attr == "cli":
            return ["cli", self._holder(owner.value)]
        holder = self._holder(owner)
        return ["group", holder] if holder else None

    def _record(self, unit: str, entry: dict[str, Any]) -> None:
        self.registrations.setdefault(unit, []).append(entry)

    def decorated(self, node: "ast.FunctionDef | ast.AsyncFunctionDef", qualname: str, unit: str) -> bool:
        """Record the function's command decorators in ``unit``; whether it has any."""
        found = False
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            func = call.func if call is not None else decorator
            entry: dict[str, Any] | None = None
            free = FREE_DECORATORS.get(self.ctx.qualify(func) or "")
            if free is not None:
                entry = {"op": free}
            elif isinstance(func, ast.Attribute) and func.attr in GROUP_DECORATORS:
                on = self._on(func.value)
                if on is not None:
                    entry = {"op": GROUP_DECORATORS[func.attr], "on": on}
            if entry is None:
                continue
            entry["target"] = qualname
            if call is not None:
                _name(entry, call.args[0] if call.args else _keyword(call, "name"))
            self._record(unit, entry)
            found = True
        return found

    def call(self, node: ast.Call, unit: str) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in REGISTERING_METHODS or not node.args:
            return
        target = self._holder(node.args[0])
        if target is None:
            return
        if func.attr == "register_blueprint":
            entry: dict[str, Any] = {"op": "blueprint", "on": ["app", self._holder(func.value)], "target": target}
            _name(entry, _keyword(node, "name"))
            group = _keyword(node, "cli_group")
            if group is not None:
                _cli_group(entry, group)
            self._record(unit, entry)
            return
        on = self._on(func.value)
        if on is None:
            return
        entry = {"op": "add" if func.attr == "add_command" else "typer", "on": on, "target": target}
        name = (node.args[1] if len(node.args) > 1 and func.attr == "add_command" else None) or _keyword(node, "name")
        _name(entry, name)
        self._record(unit, entry)

    def assign(self, node: "ast.Assign | ast.AnnAssign") -> None:
        """``bp = Blueprint("users", __name__)``, ``cli = AppGroup("user")``, ``app = typer.Typer()``
        at the module's top level."""
        value = node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if self.ctx.functions or self.ctx.classes or not isinstance(value, ast.Call) or len(targets) != 1 \
                or not isinstance(targets[0], ast.Name):
            return
        made = self.ctx.qualify(value.func) or ""
        holder = f"{self.ctx.module_name}.{targets[0].id}"
        if made in BLUEPRINT_CLASSES:
            entry: dict[str, Any] = {"kind": "blueprint"}
            _name(entry, value.args[0] if value.args else _keyword(value, "name"))
            group = _keyword(value, "cli_group")
            if group is not None:
                _cli_group(entry, group)
        elif made in GROUP_CLASSES:
            entry = {"kind": GROUP_CLASSES[made]}
            _name(entry, (value.args[0] if value.args and GROUP_CLASSES[made] == "click" else None)
                  or _keyword(value, "name"))
        else:
            return
        self.holders[holder] = entry


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def _name(entry: dict[str, Any], node: ast.expr | None) -> None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return
    text = string_value(node)
    if text is not None:
        entry["name"] = text
    else:
        entry["unnamed"] = True


def _cli_group(entry: dict[str, Any], node: ast.expr) -> None:
    if isinstance(node, ast.Constant) and node.value is None:
        entry["ungrouped"] = True
    elif (text := string_value(node)) is not None:
        entry["cli_group"] = text
    else:
        entry["unnamed"] = True


def _module_level_names(tree: ast.Module) -> frozenset[str]:
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]):
                if isinstance(target, ast.Name):
                    names.add(target.id)
    return frozenset(names)
