"""Expression helpers shared by rules: calls, arguments, literals, paths, opened files."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

from twelvecheck.engine.names import dotted_name

if TYPE_CHECKING:
    from twelvecheck.engine.analyze import FileContext

OPEN_FUNCTIONS = frozenset({"builtins.open", "io.open", "codecs.open", "os.open", "os.fdopen"})
# Modules whose ``open`` is one of those (``os.open``), not a path's method.
OPEN_OWNERS = frozenset({"os", "io", "codecs", "builtins"})
PATH_CONSTRUCTORS = frozenset({
    "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath",
    "os.path.join", "os.path.abspath", "os.path.expanduser", "os.path.realpath",
    "os.path.normpath", "os.fspath",
})
PATH_CONSTRUCTORS_EXTRA = frozenset({
    "pathlib.Path.home", "pathlib.Path.cwd", "os.getcwd", "os.path.dirname", "os.path.basename",
    "os.path.splitext", "os.path.relpath",
})
PATH_METHODS = frozenset({"joinpath", "with_suffix", "with_name", "with_stem", "resolve", "absolute",
                          "expanduser", "as_posix"})
DEVNULL_STRINGS = frozenset({"/dev/null", "nul", "NUL"})
# Paths that are the process's own standard streams, not files.
STDIO_DEVICES = frozenset({"/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2",
                           "/dev/fd/1", "/dev/fd/2"})

# Reading the environment with a default: the default is what the value is unless the
# deployment sets the variable. (position, keyword) of the default argument.
ENVIRONMENT_LOOKUPS: dict[str, tuple[int | None, str | None]] = {
    "os.environ.get": (1, None),
    "os.environ.setdefault": (1, None),
    "os.environb.get": (1, None),
    "os.getenv": (1, "default"),
    "os.getenvb": (1, "default"),
    "decouple.config": (1, "default"),
    "prettyconf.config": (1, "default"),
}
# Classes whose instances read the environment: calling the instance, and its string
# methods, take a default (environs ``env.str("X", d)``, django-environ ``env("X", default=d)``).
ENVIRONMENT_READERS: dict[str, dict[str, tuple[int | None, str | None]]] = {
    "environs.Env": {"__call__": (1, "default"), "str": (1, "default"), "path": (1, "default")},
    "environ.Env": {"__call__": (None, "default"), "str": (1, "default"), "path": (1, "default")},
    "environ.FileAwareEnv": {"__call__": (None, "default"), "str": (1, "default"), "path": (1, "default")},
    "decouple.AutoConfig": {"__call__": (1, "default")},
    "decouple.Config": {"__call__": (1, "default"), "get": (1, "default")},
}

# What a name may hold (AssignedValues.values): the expression itself when nothing is known.
Values = Callable[["cst.BaseExpression"], Iterable["cst.BaseExpression"]]
_MAX_VALUE_DEPTH = 12


def argument(call: cst.Call, position: int, keyword: str | None = None) -> cst.BaseExpression | None:
    """The expression passed at ``position`` or as ``keyword=``; None if absent or starred.
    (Also for ``ast.Call``, whose keywords are kept apart: the whole-program facts.)"""
    if isinstance(call, ast.Call):
        if keyword is not None:
            for named in call.keywords:
                if named.arg == keyword:
                    return named.value  # type: ignore[return-value]
        if any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
            return None
        return call.args[position] if position < len(call.args) else None  # type: ignore[return-value]
    if keyword is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in positional[: position + 1]):
        return None
    if position < len(positional):
        return positional[position].value
    return None


def keyword_argument(call: cst.Call, keyword: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain or implicitly concatenated string literal, else None."""
    if isinstance(node, ast.AST):
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def keyword_is_true(call: cst.Call, keyword: str) -> bool:
    arg = keyword_argument(call, keyword)
    return arg is not None and is_true(arg.value)


def string_items(node: cst.BaseExpression) -> list[str]:
    """The string literals of a list/tuple literal (other elements are skipped)."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return []
    items = []
    for element in node.elements:
        value = element.value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            items.append(value.evaluated_value)
    return items


def is_stringish(node: cst.BaseExpression) -> bool:
    """A string literal, f-string, or string formatting of a literal."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Modulo, cst.Add)):
        return is_stringish(node.left) or is_stringish(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "format" and is_stringish(node.func.value):
            return True
    return False


def environment_default(node: cst.BaseExpression, ctx: "FileContext",
                        values: Values | None = None) -> cst.BaseExpression | None:
    """For a read of the environment with a default (``os.environ.get("X", d)``,
    ``os.getenv("X", d)``, ``os.environ.setdefault("X", d)``, python-decouple's
    ``config("X", default=d)``, environs' ``env.str("X", d)`` / ``env("X", d)``,
    django-environ's ``env("X", default=d)``): the default ``d``, else None.

    ``values`` tells what a name may hold, so that ``env`` is known as an ``Env()``."""
    where = _environment_read(node, ctx, values)
    if where is None:
        return None
    position, keyword = where
    default = argument(node, position, keyword) if position is not None else None  # type: ignore[arg-type]
    if default is None and keyword is not None:
        named = keyword_argument(node, keyword)  # type: ignore[arg-type]
        default = named.value if named is not None else None
    return default


def is_unset_by_default(node: cst.BaseExpression, ctx: "FileContext", values: Values | None = None) -> bool:
    """A read of the environment without a default, or with None: nothing unless the
    deployment sets the variable (``os.environ.get("LOG_FILE")``, ``os.getenv("X", None)``)."""
    if _environment_read(node, ctx, values) is None:
        return False
    default = environment_default(node, ctx, values)
    return default is None or is_none(default)


def _environment_read(node: cst.BaseExpression, ctx: "FileContext",
                      values: Values | None) -> tuple[int | None, str | None] | None:
    """Where the default goes, for a call that reads the environment; None for other calls."""
    if not isinstance(node, cst.Call):
        return None
    where = ENVIRONMENT_LOOKUPS.get(ctx.qualify(node.func) or "")
    if where is not None:
        return where
    owner, method = node.func, "__call__"
    if isinstance(owner, cst.Attribute):
        owner, method = owner.value, owner.attr.value
    for made in (values(owner) if values is not None else (owner,)):
        if isinstance(made, cst.Call):
            where = ENVIRONMENT_READERS.get(ctx.qualify(made.func) or "", {}).get(method)
            if where is not None:
                return where
    return None


def is_device_path(text: str | None) -> bool:
    """A path under /dev that is a device, not a file (``/dev/tty``; ``/dev/shm`` holds files)."""
    return text is not None and text.startswith("/dev/") and not text.startswith("/dev/shm/")


def is_stdio_device(node: cst.BaseExpression | None, ctx: "FileContext", values: Values | None = None) -> bool:
    """A path that is no file: the process's own stdout/stderr (``/dev/stdout``,
    ``/proc/self/fd/2``), ``/dev/null``/``os.devnull`` or another device (``/dev/tty``), also as the default of a read of
    the environment (``os.environ.get("LOG_FILE", "/dev/stdout")``) or as what a name holds."""
    if node is None:
        return False
    if values is not None and isinstance(node, (cst.Name, cst.Attribute)):
        held = [value for value in values(node) if value is not node]
        if held:
            return all(is_stdio_device(value, ctx) for value in held)
    text = string_value(node)
    if text in STDIO_DEVICES or is_devnull(node, ctx) or is_device_path(text):
        return True
    default = environment_default(node, ctx, values)
    return default is not None and is_stdio_device(default, ctx)


def is_path_expression(node: cst.BaseExpression, ctx: "FileContext", values: Values | None = None,
                       depth: int = 0) -> bool:
    """An expression that evidently evaluates to a file system path (not a stream): a string
    (built with an f-string, ``%``, ``.format`` or ``+``), ``Path(...)``, ``os.path.join(...)``,
    ``path / "x.log"``, ``.with_suffix(".log")``, ``str(path)``, or a read of the environment
    whose default is one of these (the path unless the deployment says otherwise). With
    ``values``, a name stands for what it may hold (any of them). A literal ``/dev/stdout``,
    ``/dev/null`` (and the like) or ``""`` is none."""
    if depth > _MAX_VALUE_DEPTH:
        return False
    if values is not None and isinstance(node, (cst.Name, cst.Attribute)):
        held = [value for value in values(node) if value is not node]
        if held:
            return any(is_path_expression(value, ctx, values, depth + 1) for value in held)
    if is_stringish(node):  # "" is no path; /dev/stdout, /dev/null and /dev/tty are no files
        text = string_value(node)
        return text not in STDIO_DEVICES | DEVNULL_STRINGS | {""} and not is_device_path(text)
    if isinstance(node, cst.IfExp):
        return any(is_path_expression(branch, ctx, values, depth + 1) for branch in (node.body, node.orelse))
    if isinstance(node, cst.Call):
        qualified = ctx.qualify(node.func)
        if qualified in PATH_CONSTRUCTORS or qualified in PATH_CONSTRUCTORS_EXTRA:
            return True
        if qualified == "builtins.str" and node.args:
            return is_path_expression(node.args[0].value, ctx, values, depth + 1)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in PATH_METHODS:
            return is_path_expression(node.func.value, ctx, values, depth + 1)
        default = environment_default(node, ctx, values)
        if default is not None:
            return is_path_expression(default, ctx, values, depth + 1)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return is_path_expression(node.left, ctx, values, depth + 1)
    if isinstance(node, cst.Attribute) and node.attr.value == "parent":  # Path(__file__).parent
        return is_path_expression(node.value, ctx, values, depth + 1)
    return False


def is_devnull(node: cst.BaseExpression | None, ctx: "FileContext") -> bool:
    """``/dev/null`` or ``os.devnull``, also as the default of a read of the environment."""
    if node is None:
        return False
    if string_value(node) in DEVNULL_STRINGS:
        return True
    default = environment_default(node, ctx)
    if default is not None:
        return is_devnull(default, ctx)
    if isinstance(node, cst.Call) and ctx.qualify(node.func) == "builtins.getattr":
        # getattr(os, "devnull", "/dev/null")
        return string_value(argument(node, 1)) == "devnull"
    return ctx.qualify(node) == "os.devnull" if isinstance(node, (cst.Name, cst.Attribute)) else False


def opened_path(node: cst.BaseExpression, ctx: "FileContext", values: Values | None = None,
                depth: int = 0) -> cst.BaseExpression | None:
    """For ``open(p, ...)``, ``os.open(p, ...)``, ``Path(p).open(...)``: the path expression.

    ``X.fileno()`` is looked through to X. With ``values`` (what a name may hold), also
    ``os.fdopen(fd)`` of a descriptor opened here, and ``.open()`` on a name holding a path
    (``log_path = Path(...) / "x.log"; log_path.open("a")``). Anything else gives None.
    """
    if not isinstance(node, cst.Call) or depth > _MAX_VALUE_DEPTH:
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "fileno" and not node.args:
        return opened_path(func.value, ctx, values, depth + 1)
    qualified = ctx.qualify(func)
    if qualified == "os.fdopen":
        descriptor = argument(node, 0, "fd")
        if values is None or descriptor is None:
            return None
        return next((path for value in values(descriptor)
                     if (path := opened_path(value, ctx, values, depth + 1)) is not None), None)
    if qualified in OPEN_FUNCTIONS:
        return argument(node, 0, "file") or argument(node, 0, "path") or argument(node, 0, "filename")
    if isinstance(func, cst.Attribute) and func.attr.value == "open":
        inner = func.value
        if isinstance(inner, cst.Call) and ctx.qualify(inner.func) in {"pathlib.Path", "pathlib.PosixPath"}:
            return argument(inner, 0) or inner
        if values is not None and isinstance(inner, (cst.Name, cst.Attribute)) and not is_stringish(inner) \
                and ctx.qualify(inner) not in OPEN_OWNERS and is_path_expression(inner, ctx, values, depth + 1):
            return inner
    return None


def target_key(node: cst.BaseExpression) -> str | None:
    """A key for an assignment target or a use of it: ``name`` or ``self.attr``."""
    return dotted_name(node)


def subexpressions(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node and everything below it, except the bodies of lambdas and nested defs."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)) and current is not node:
            continue
        pending.extend(child_nodes(current))
