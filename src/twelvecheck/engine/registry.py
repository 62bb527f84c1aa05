"""The rules, loaded explicitly.

``load_rules()`` imports every rule module of the built-in rule packages once and returns
the rule classes by code. The run calls it before it analyzes files (worker processes
forked from it inherit the result; others load on first use), and so do the tests; a rule
is registered by being found in its module, never as a side effect of an import.

A rule module is any module of a rule package whose name does not start with an underscore
(those hold helpers); its rules are the classes it defines that set ``code``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Iterator

from twelvecheck.engine.rule import Rule

# The engine's own rules (parse errors, unused suppressions), then one folder per family.
RULE_PACKAGES = ("twelvecheck.engine.meta", "twelvecheck.checks")

_loaded: dict[str, type[Rule]] = {}


class RuleLoadError(Exception):
    """Two rules claim one code, or a rule module does not import."""


def load_rules() -> dict[str, type[Rule]]:
    """Every rule by code, in code order (loaded on the first call)."""
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


def _rules_in(module: ModuleType) -> Iterator[type[Rule]]:
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__ \
                and "code" in vars(value):
            yield value
