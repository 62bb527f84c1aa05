"""Whether a test on the platform holds on the Linux a platform runs a process on.

``if sys.platform == "win32":`` guards code that never runs in a container or a dyno; the
whole-program facts read such tests so that a SIGTERM handler installed only on Windows is
not taken for one installed on Linux. The knowledge is the table below (what each
expression is on Linux) and a small three-valued evaluator: True, False, or None for a test
that does not depend on the platform alone.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterable

# What these expressions are on Linux (CPython 3): ``sys.platform`` is "linux" exactly.
ON_LINUX: dict[str, str] = {
    "sys.platform": "linux",
    "os.name": "posix",
    "platform.system()": "Linux",
    "os.uname().sysname": "Linux",
    "platform.platform()": "Linux",
}
# Methods of a string whose result on the platform's value is known.
_STRING_METHODS = {"lower": str.lower, "upper": str.upper, "casefold": str.casefold}
_MAX_DEPTH = 4


def _platform_value(node: ast.expr, qualify: Callable[[ast.expr], "str | None"]) -> str | None:
    """The Linux value of ``sys.platform``, ``platform.system()``, ``os.name.lower()``...;
    None when the expression is not one of them."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS:
            inner = _platform_value(func.value, qualify)
            return None if inner is None else _STRING_METHODS[func.attr](inner)
        if (isinstance(func, ast.Attribute) and func.attr in ("system", "platform")) \
                or (isinstance(func, ast.Name) and func.id in ("system", "platform")):
            name = qualify(func)
            return ON_LINUX.get(f"{name}()") if name else None
        return None
    if isinstance(node, ast.Attribute) and node.attr in ("platform", "name", "sysname"):
        if node.attr == "sysname" and isinstance(node.value, ast.Call) and not node.value.args:
            name = qualify(node.value.func)
            return ON_LINUX.get(f"{name}().sysname") if name else None
        name = qualify(node)
        return ON_LINUX.get(name) if name else None
    if isinstance(node, ast.Name) and node.id in ("platform", "name"):  # from sys import platform
        name = qualify(node)
        return ON_LINUX.get(name) if name else None
    return None


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        found = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return found if len(found) == len(node.elts) else None
    return None


def on_linux(test: ast.expr, qualify: Callable[[ast.expr], "str | None"],
             values: Callable[[ast.expr], Iterable[ast.expr]] | None = None, depth: int = 0) -> bool | None:
    """Whether ``test`` holds on Linux: True, False, or None when it does not depend on the
    platform alone (or is not read). ``values`` follows a name to what it was assigned
    (``IS_WINDOWS = sys.platform == "win32"``)."""
    if depth > _MAX_DEPTH:
        return None
    kind = type(test)
    if kind is ast.UnaryOp and isinstance(test.op, ast.Not):  # type: ignore[attr-defined]
        inner = on_linux(test.operand, qualify, values, depth + 1)  # type: ignore[attr-defined]
        return None if inner is None else not inner
    if kind is ast.BoolOp:
        parts = [on_linux(value, qualify, values, depth + 1) for value in test.values]  # type: ignore[attr-defined]
        if isinstance(test.op, ast.And):  # type: ignore[attr-defined]
            return False if False in parts else (True if all(p is True for p in parts) else None)
        return True if True in parts else (False if all(p is False for p in parts) else None)
    if kind is ast.Compare and len(test.ops) == 1:  # type: ignore[attr-defined]
        left, right, op = test.left, test.comparators[0], test.ops[0]  # type: ignore[attr-defined]
        value, other = _platform_value(left, qualify), right
        if value is None and isinstance(op, (ast.Eq, ast.NotEq)):
            value, other = _platform_value(right, qualify), left
        strings = _strings(other)
        if value is None or strings is None:
            return None
        if isinstance(op, (ast.Eq, ast.In)):
            return value in strings
        if isinstance(op, (ast.NotEq, ast.NotIn)):
            return value not in strings
        return None
    if kind is ast.Call:
        func = test.func  # type: ignore[attr-defined]
        if isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith") \
                and len(test.args) == 1 and not test.keywords:  # type: ignore[attr-defined]
            value = _platform_value(func.value, qualify)
            strings = _strings(test.args[0])  # type: ignore[attr-defined]
            if value is None or strings is None:
                return None
            check = value.startswith if func.attr == "startswith" else value.endswith
            return any(check(s) for s in strings)
        return None
    if kind is ast.Name and values is not None:
        verdicts = {on_linux(value, qualify, None, depth + 1) for value in values(test) if value is not test}
        return verdicts.pop() if len(verdicts) == 1 else None
    return None
