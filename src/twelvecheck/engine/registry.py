"""The rules, loaded explicitly.

``load_rules()`` imports every rule module of the built-in rule packages once and returns
the rule classes by code. The run calls it before it analyzes files (worker processes
forked from it inherit the result; others load on first use), and so do the tests; a rule
is registered by being found in its module, never as a side effect of an import.

A rule module is any module of a rule package whose name does not start with an underscore
(those hold helpers); its rules are the classes it defines that set ``code``. The local
rules and plugins in use (engine/extensions.py) come after the built-in rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator

from twelvecheck.core.findings import ToolError
from twelvecheck.core.ruledocs import load_rule_docs
from twelvecheck.engine.rule import Rule

# The engine's own rules (parse errors, unused suppressions), then one folder per family.
RULE_PACKAGES = ("twelvecheck.engine.meta", "twelvecheck.checks")

_loaded: dict[str, type[Rule]] = {}
# The built-in rules with the local rules and plugins in use, or None when there are none.
_with_extensions: dict[str, type[Rule]] | None = None


class RuleLoadError(Exception):
    """Two rules claim one code, or a rule module does not import."""


def load_rules() -> dict[str, type[Rule]]:
    """Every rule by code: the built-in ones in code order (loaded on the first call), then
    the local rules and plugins in use."""
    return _with_extensions if _with_extensions is not None else builtin_rules()


def use_extension_rules(rules: dict[str, type[Rule]]) -> None:
    """Use these local rules and plugins besides the built-in rules (none: {})."""
    global _with_extensions
    _with_extensions = {**builtin_rules(), **dict(sorted(rules.items()))} if rules else None


def builtin_rules() -> dict[str, type[Rule]]:
    """The built-in rules by code, in code order."""
    if not _loaded:
        found: dict[str, type[Rule]] = {}
        for module in _rule_modules():
            for rule in _rules_in(module):
                if rule.code in found and found[rule.code] is not rule:
                    raise RuleLoadError(f"rule code {rule.code} is defined twice: {found[rule.code].__module__}."
                                        f"{found[rule.code].__name__} and {module.__name__}.{rule.__name__}")
                found[rule.code] = rule
        _loaded.update(sorted(found.items()))
    return _loaded


def rule_failure(code: str, exc: BaseException) -> str:
    """What a run says of a rule that raised while checking: a bug of ours, or of a local rule
    or plugin, named with where it comes from."""
    doc = load_rule_docs().get(code)
    if doc is not None and not doc.builtin:
        return f"rule {code} ({doc.origin}) raised {type(exc).__name__}: {exc}"
    return f"internal error in rule {code}: {type(exc).__name__}: {exc}"


def problems_of(rules: list, check: Callable[[Any], Iterable[Any]], path: str,
                errors: list[ToolError]) -> list[tuple[str, Any]]:
    """``(code, problem)`` for what ``check(rule)`` finds of each rule. A rule that raises
    costs only its own problems: the others are still reported, and ``errors`` names it."""
    found = []
    for rule in rules:
        try:
            found.extend((rule.code, problem) for problem in check(rule))
        except Exception as exc:  # the rule's own code: a local rule's or a plugin's too
            errors.append(ToolError(rule_failure(rule.code, exc), path))
    return found


def rules_of_kind(kind: str) -> list[type[Rule]]:
    """The rules that judge files of this kind ("python", "procfile", "appjson", "ini"...)."""
    return [rule for rule in load_rules().values() if kind in rule.kinds]


def _rule_modules() -> Iterator[ModuleType]:
    for name in RULE_PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(getattr(package, "__path__", ()), prefix=f"{name}."):
            if not info.name.rsplit(".", 1)[-1].startswith("_"):
                yield importlib.import_module(info.name)


def rules_in(module: ModuleType) -> list[type[Rule]]:
    """The rules a module defines: its classes that set ``code``."""
    return list(_rules_in(module))


def _rules_in(module: ModuleType) -> Iterator[type[Rule]]:
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__ \
                and "code" in vars(value):
            yield value
