"""Which function a command line runs through a command-line framework: a click group
(``mytool consume``), a typer app, or a Flask app's CLI (``flask poll-queue``), found the way
the framework finds it, over the whole program's facts (cli_facts.py).

A group's commands are those registered in the code that runs before the command does: the
module bodies the process imports and, for Flask, the app factory it calls. Registrations
anywhere else never run, so they do not count. Names are matched as the frameworks make them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Flask's application class; a module's app is found as flask/cli.py find_best_app does
# (flask 3.1): an attribute `app` or `application`, else a factory `create_app`/`make_app`.
FLASK_CLASSES = frozenset({"flask.Flask", "flask.app.Flask"})
FLASK_APP_NAMES = ("app", "application")
FLASK_FACTORIES = ("create_app", "make_app")
# click >= 8.2 drops these suffixes from a name made from the function's (click/decorators.py
# `command`); older releases keep them, so both spellings are accepted. typer keeps them.
CLICK_SUFFIXES = frozenset({"command", "cmd", "group", "grp"})
MAX_WORDS = 4  # positional words of a command line looked at for a command's name

Key = tuple[str, "str | None"]  # ("flask", None), ("blueprint", holder), ("group", holder)


@dataclass
class Command:
    unit: str  # the function the command runs
    before: list[str] = field(default_factory=list)  # what runs first: module bodies, the factory, callbacks
    spelled: list[str] = field(default_factory=list)  # the names on the command line: ["users", "create"]


@dataclass
class _Child:
    names: frozenset[str]
    unit: str | None  # the command's function, or the group's callback
    group: Key | None = None


class CliIndex:
    """Every file's command registrations, joined (built once per project)."""

    def __init__(self, project: Any) -> None:
        self.project = project
        self.registrations: dict[str, list[dict[str, Any]]] = {}
        self.holders: dict[str, dict[str, Any]] = {}
        for facts in project.files.values():
            cli = (facts.get("program") or {}).get("cli") or {}
            for unit, entries in cli.get("registrations", {}).items():
                self.registrations.setdefault(unit, entries)
            for holder, entry in cli.get("holders", {}).items():
                self.holders.setdefault(holder, entry)
        self.defined: dict[str, dict[str, Any]] = {}  # a command function -> its decorator
        for entries in self.registrations.values():
            for entry in entries:
                if entry["op"] in ("command", "group") and ("on" not in entry or entry["target"] not in self.defined):
                    self.defined[entry["target"]] = entry

    # -- the code that runs before a command ------------------------------------------
    def flask_setup(self, module_unit: str, attr: str | None) -> list[str]:
        """What ``flask`` runs to load the app of a module: its body, and the factory it calls
        (``--app mod:create_app()``, a function named by ``--app mod:name``, or, with no app
        object in the module, ``create_app``/``make_app``)."""
        module = module_unit[: -len(".<module>")]
        project = self.project
        if attr:
            function = [u for u in project.resolve(f"{module}.{attr.split('(')[0].strip()}")
                        if project.units[u]["kind"] == "function"]
            return [module_unit, *function]
        if any(project.holds_instance_of(f"{module}.{name}", FLASK_CLASSES) for name in FLASK_APP_NAMES):
            return [module_unit]
        for name in FLASK_FACTORIES:
            function = [u for u in project.resolve(f"{module}.{name}") if project.units[u]["kind"] == "function"]
            if function:
                return [module_unit, *function]
        return [module_unit]

    def group_of(self, name: str) -> str | None:
        """The group a name is (a click group function, a click.Group/AppGroup or typer.Typer
        instance), by its canonical name; None for anything else."""
        for candidate in (name, name.removesuffix(".main")):
            canonical = self.project.canonical(candidate)
            if self.defined.get(canonical, {}).get("op") == "group" or \
                    self.holders.get(canonical, {}).get("kind") in ("click", "typer"):
                return canonical
        return None

    # -- the command ---------------------------------------------------------------------
    def command(self, key: Key, words: list[str], setup: list[str], maybe_values: Any = ()) -> Command | str:
        """The command ``words`` name in group ``key``, whose registrations run in ``setup``;
        or why none is found. A word at an index of ``maybe_values`` follows an option of the
        group (perhaps its value): it is passed over when it names no command."""
        scope = [name for name, _ in self.project.reachable_from(setup)]
        entries = [entry for unit in scope for entry in self.registrations.get(unit, ())]
        before = list(setup)
        if key[0] == "group" and key[1] in self.defined:
            before.append(key[1])  # a click group's own function runs first
        skippable = set(maybe_values)
        return self._walk(key, [(word, index in skippable) for index, word in enumerate(words[:MAX_WORDS])],
                          entries, before, [])

    def _walk(self, key: Key, words: list[tuple[str, bool]], entries: list[dict[str, Any]], before: list[str],
              spelled: list[str]) -> Command | str:
        children = self._children(key, entries)
        callbacks = [e["target"] for e in entries if e["op"] == "callback" and self._on(e.get("on"), key)]
        before = [*before, *callbacks]
        typer = self.holders.get(key[1] or "", {}).get("kind") == "typer"
        if typer and not spelled and not callbacks and len(children) == 1 and children[0].group is None \
                and children[0].unit:
            # typer runs an app's lone command without its name (typer/main.py get_command); an
            # app added with add_typer is always a group (get_group_from_info)
            return Command(children[0].unit, before, spelled)
        for index, (word, skippable) in enumerate(words):
            child = next((c for c in children if word in c.names), None)
            if child is None and skippable:
                continue  # an option's value
            if child is None:
                break
            if child.group is not None:
                return self._walk(child.group, words[index + 1:], entries,
                                  [*before, *([child.unit] if child.unit else [])], [*spelled, word])
            if child.unit:
                return Command(child.unit, before, [*spelled, word])
        where = " ".join(spelled) or _group_name(key)
        named = [word for word, skippable in words if not skippable]
        if not named:
            return f"no command is named after {where}"
        known = sorted(name for child in children for name in child.names)
        shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "") if known else "none found"
        return f"'{named[0]}' is no command of {where} (its commands: {shown})"

    def _children(self, key: Key, entries: list[dict[str, Any]], depth: int = 0) -> list[_Child]:
        canonical = self.project.canonical
        children: list[_Child] = []
        typer = self.holders.get(key[1] or "", {}).get("kind") == "typer"
        for entry in entries:
            op, on = entry["op"], entry.get("on")
            if op in ("command", "group") and on is not None and self._on(on, key):
                target = entry["target"]
                children.append(_Child(self._names(entry, target, typer), target,
                                       ("group", target) if op == "group" else None))
            elif op in ("add", "typer") and self._on(on, key):
                target = canonical(entry["target"])
                defined, holder = self.defined.get(target), self.holders.get(target)
                if defined is not None and op == "add":
                    named = {**defined, **({"name": entry["name"]} if "name" in entry else {})}
                    children.append(_Child(self._names(named, target, typer), target,
                                           ("group", target) if defined["op"] == "group" else None))
                elif holder is not None and holder.get("kind") in ("click", "typer"):
                    name = entry.get("name") or holder.get("name")
                    children.append(_Child(frozenset({name} if name else ()), None, ("group", target)))
            elif op == "blueprint" and key[0] == "flask" and not self._blueprint(on[1] if on else None):
                children += self._blueprint_child(entry, entries, depth)
        return children

    def _blueprint_child(self, entry: dict[str, Any], entries: list[dict[str, Any]], depth: int) -> list[_Child]:
        """A blueprint's commands: a group named after it (flask/blueprints.py `register`:
        cli_group, else the name it is registered under), or the app's own with cli_group=None."""
        blueprint = self.project.canonical(entry["target"])
        made = self.holders.get(blueprint, {})
        if made.get("kind") != "blueprint" or depth > 2:
            return []
        if entry.get("ungrouped") or ("cli_group" not in entry and made.get("ungrouped")):
            return self._children(("blueprint", blueprint), entries, depth + 1)
        name = entry.get("cli_group") or made.get("cli_group") or entry.get("name") or made.get("name")
        return [_Child(frozenset({name} if name else ()), None, ("blueprint", blueprint))]

    def _blueprint(self, holder: str | None) -> bool:
        return holder is not None and self.holders.get(self.project.canonical(holder), {}).get("kind") == "blueprint"

    def _on(self, on: list[Any] | None, key: Key) -> bool:
        if on is None:
            return False
        kind, holder = on
        if key[0] == "flask":
            return kind == "cli" and not self._blueprint(holder)
        if key[0] == "blueprint":
            return kind == "cli" and holder is not None and self.project.canonical(holder) == key[1]
        return kind == "group" and holder is not None and self.project.canonical(holder) == key[1]

    @staticmethod
    def _names(entry: dict[str, Any], target: str, typer: bool) -> frozenset[str]:
        if "name" in entry:
            return frozenset({entry["name"]})
        if entry.get("unnamed"):
            return frozenset()
        made = target.rsplit(".", 1)[-1].lower().replace("_", "-")
        names = {made}
        left, dash, suffix = made.rpartition("-")
        if dash and suffix in CLICK_SUFFIXES and not typer:
            names.add(left)
        return frozenset(names)


def _group_name(key: Key) -> str:
    if key[0] == "flask":
        return "the Flask app's CLI"
    return f"{key[1].rsplit('.', 1)[-1] if key[1] else '?'}"
