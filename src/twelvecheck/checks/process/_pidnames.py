"""Does a path expression, written data or a pid-file object talk about a process id?

Used by TWC101. Written data is the process id when it comes from ``os.getpid()`` (through
local names and ``self`` attributes the class assigns it), or is a parameter its callers
give the process id (a question for the whole program). A path is a PID file's by its
text (``"app.pid"``, ``"/run/pidfile"``). No identifier's name counts (rules/TWC101.md,
"What is decided how").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.names import dotted_name
from twelvecheck.program.values.exprs import subexpressions

if TYPE_CHECKING:
    from twelvecheck.program.values.assigned import AssignedValues
    from twelvecheck.engine.analyze import FileContext

# The prefilter's tokens: every name or string these helpers accept contains one of them.
PID_TOKENS = ("pid", "PID", "Pid")

# A path literal that names a PID file: "app.pid", "%s.pid", "/run/app/pidfile".
_PID_PATH_LITERAL_RE = re.compile(r"\.pid(?![A-Za-z0-9_])|pid[-_]?file|pid[-_]?lock", re.I)
# Paths whose file is not a PID file even when a pid goes into its name or content.
_SYSTEM_PATHS = ("/proc/", "/sys/", "cgroup")
_ESCAPE_RE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|.)")
_FORMAT_PLACEHOLDER_RE = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdirf]|\{[^{}]*\}")
_MAX_DEPTH = 5


def mentions_pid(text: str) -> bool:
    return any(token in text for token in PID_TOKENS)


def expression_names_pid_file(node: cst.BaseExpression, ctx: "FileContext", assigned: "AssignedValues") -> bool:
    """Whether a path expression's text names a PID file: a literal ending in ``.pid`` or
    naming a pidfile (through local names). A pid inside a longer name
    (``f"/tmp/job-{os.getpid()}.log"``) does not count, nor do /proc, /sys and cgroup files."""
    return _scan_path(node, ctx, assigned, depth=0) is True


def expression_is_system_path(node: cst.BaseExpression, ctx: "FileContext", assigned: "AssignedValues") -> bool:
    """A /proc, /sys or cgroup path: a pid written there is not a PID file."""
    return _scan_path(node, ctx, assigned, depth=0) is False


def _scan_path(node, ctx, assigned, depth: int) -> bool | None:
    """True: names a PID file; None: nothing found; False: a system path (veto)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return _scan_literal(node.evaluated_value)
    if isinstance(node, cst.FormattedStringText):
        return _scan_literal(node.value)
    if isinstance(node, (cst.Name, cst.Attribute)):
        result = None
        for value in assigned.values(node):
            if value is node:
                continue
            found = _scan_path(value, ctx, assigned, depth + 1)
            if found is False:
                return False
            result = result or found
        return result
    children: list[cst.CSTNode] = []
    if isinstance(node, cst.FormattedString):
        children = [p.expression if isinstance(p, cst.FormattedStringExpression) else p for p in node.parts]
    elif isinstance(node, cst.BinaryOperation):
        children = [node.left, node.right]
    elif isinstance(node, cst.Call):
        if ctx.qualify(node.func) == "os.getpid":
            return None
        if isinstance(node.func, cst.Attribute):
            children.append(node.func.value)
        children.extend(arg.value for arg in node.args)
    elif isinstance(node, cst.Subscript):
        children = [node.value] + [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
    elif isinstance(node, (cst.Tuple, cst.List)):
        children = [e.value for e in node.elements]
    result = None
    for child in children:
        found = _scan_path(child, ctx, assigned, depth + 1)
        if found is False:
            return False
        result = result or found
    return result


def _scan_literal(value) -> bool | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    if any(marker in value for marker in _SYSTEM_PATHS):
        return False
    if mentions_pid(value) and _PID_PATH_LITERAL_RE.search(value):
        return True
    return None


@dataclass(frozen=True)
class Parameter:
    """Written data that is a parameter of the function (``Pidfile.create(self, pid)``): the
    process id if a caller gives it one, a question for the whole program."""

    function: str  # the function's qualified name, as the whole-program facts name it
    index: int | None  # its position among the parameters (self included); None: keyword-only
    name: str


def data_is_pid(node: cst.BaseExpression, ctx: "FileContext", assigned: "AssignedValues",
                strict: bool) -> "bool | Parameter":
    """Whether written data is the running process's id: ``str(os.getpid())``,
    ``"%d\\n" % pid``, ``f"{self.pid}\\n"`` (through local names and ``self`` attributes
    assigned in the function), or, as a :class:`Parameter`, a parameter of the function that
    carries it when its callers pass the process id. ``strict``: the literal text around it
    may hold nothing but format fields and whitespace, so ``f"started pid={pid}"`` is a log
    line, not a PID file's content."""
    literals: list[str] = []
    parameters: list[Parameter] = []
    found = _scan_data(node, ctx, assigned, literals, 0, parameters)
    if not found and not parameters:
        return False
    if strict:
        text = _FORMAT_PLACEHOLDER_RE.sub("", "".join(literals))
        if any(ch.isalpha() for ch in text):
            return False
    return True if found else parameters[0]


class ClassProcessIds:
    """The ``self`` attributes each class of the module assigns the process id in one of its
    methods (``self.pid = os.getpid()`` in ``start``, written in ``reexec``): read from the
    class's body once, whatever the order of its methods. A per-file model (Rule.models'
    ``ctx.model_of``) that reads the tree itself: nothing feeds it."""

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx
        self._by_class: dict[int, set[str]] = {}

    def holds_process_id(self, node: cst.BaseExpression) -> bool:
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)
                and node.value.value == "self" and self.ctx.classes and self.ctx.functions):
            return False
        owner = self.ctx.classes[-1]
        if id(owner) not in self._by_class:
            self._by_class[id(owner)] = self._attributes(owner)
        return node.attr.value in self._by_class[id(owner)]

    def _attributes(self, owner: cst.ClassDef) -> set[str]:
        found = set()
        for method in owner.body.body:
            if not isinstance(method, cst.FunctionDef):
                continue
            for node in subexpressions(method.body):
                # Another method's node, named by the imports in force here: the module's
                # (an import inside that method is not seen).
                if isinstance(node, cst.Assign) and any(
                        isinstance(part, cst.Call) and self.ctx.imports.qualify(part.func) == "os.getpid"
                        for part in subexpressions(node.value)):
                    for target in node.targets:
                        key = dotted_name(target.target)
                        if key and key.startswith("self.") and key.count(".") == 1:
                            found.add(key[5:])
        return found


def _mentions(value: cst.BaseExpression, name: cst.BaseExpression) -> bool:
    """Whether ``value`` is built from the name ``name`` (``int(pid)`` from ``pid``)."""
    return isinstance(name, cst.Name) and any(
        isinstance(node, cst.Name) and node.value == name.value for node in subexpressions(value))


def _parameter(node: cst.BaseExpression, ctx: "FileContext") -> Parameter | None:
    """A name that is a parameter of the function being visited (a module function or a
    method of a module class: the functions the whole-program facts name)."""
    if not isinstance(node, cst.Name) or len(ctx.functions) != 1 or len(ctx.classes) > 1:
        return None
    function = ctx.functions[0]
    owner = f"{ctx.module_name}.{ctx.classes[0].name.value}" if ctx.classes else ctx.module_name
    params = function.params
    positional = [*params.posonly_params, *params.params]
    for index, param in enumerate([*positional, *params.kwonly_params]):
        if param.name.value == node.value:
            return Parameter(f"{owner}.{function.name.value}", index if index < len(positional) else None,
                             node.value)
    return None


def _scan_data(node, ctx, assigned, literals: list[str], depth: int, parameters: list[Parameter]) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        literals.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
        return False
    if isinstance(node, cst.FormattedStringText):
        literals.append(_ESCAPE_RE.sub(" ", node.value))  # an f-string's text is raw: "\\n" is no word
        return False
    if isinstance(node, (cst.Name, cst.Attribute)):
        values = [v for v in assigned.values(node) if v is not node]
        if not values and ctx.model_of(ClassProcessIds).holds_process_id(node):
            return True
        # A parameter, as given or converted in place (`pid = int(pid)`).
        if all(_mentions(value, node) for value in values):
            parameter = _parameter(node, ctx)
            if parameter is not None and parameter not in parameters:
                parameters.append(parameter)
        return any(_scan_data(v, ctx, assigned, literals, depth + 1, parameters) for v in values)
    if isinstance(node, cst.Call):
        if ctx.qualify(node.func) == "os.getpid":
            return True
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        # Text of the data: "{}\n".format(pid) formats it, str(pid).encode("ascii") does not
        # (the encoding is not written), so only format's arguments add to the literals.
        arg_literals = literals if method in {"format", "join"} else []
        found = _any_child([arg.value for arg in node.args], ctx, assigned, arg_literals, depth, parameters)
        if isinstance(node.func, cst.Attribute):
            found = _scan_data(node.func.value, ctx, assigned, literals, depth + 1, parameters) or found
        return found
    if isinstance(node, cst.FormattedString):
        parts = [p.expression if isinstance(p, cst.FormattedStringExpression) else p for p in node.parts]
        return _any_child(parts, ctx, assigned, literals, depth, parameters)
    if isinstance(node, cst.BinaryOperation):
        return _any_child([node.left, node.right], ctx, assigned, literals, depth, parameters)
    if isinstance(node, (cst.Tuple, cst.List)):
        return _any_child([e.value for e in node.elements], ctx, assigned, literals, depth, parameters)
    if isinstance(node, (cst.GeneratorExp, cst.ListComp)):
        return _scan_data(node.elt, ctx, assigned, literals, depth + 1, parameters)
    return False


def _any_child(children, ctx, assigned, literals, depth, parameters: list[Parameter]) -> bool:
    found = False
    for child in children:
        # Every child is scanned so that all literal text is collected.
        found = _scan_data(child, ctx, assigned, literals, depth + 1, parameters) or found
    return found
