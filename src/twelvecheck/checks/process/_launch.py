"""Helpers for the process rules (TWC101-TWC103): launched commands and the tools they run.

A launched command is read from the call that starts it (``subprocess.*``, ``os.system``,
``os.spawn*``, ``asyncio.create_subprocess_*``): its argv words when given as a list, or
its text when a shell runs it; parts that are not literals (an f-string field, a ``%s``
operand, a variable) become a placeholder word. What the command runs is then read with the
deployment knowledge (``deploy/shell_commands.py`` and the tool table of ``deploy/tools.py``),
the same reading a Procfile line gets: wrappers (``nohup``, ``setsid``, ``sudo``), ``sh -c``
strings, a trailing ``&``, and for each tool of the table its options and defaults.

A tool may also run inside this process (``ENTRY_POINTS``: ``twistd.run()``, ``runApp(config)``):
its command line is then the words the code put together before the call, which
:class:`CommandLineWords` collects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from twelvecheck.config import knowledge
from twelvecheck.core.lazy import libcst as cst

from twelvecheck.engine.walk import child_nodes

from twelvecheck.deploy.shell_commands import Invocation, read_argv, read_command
from twelvecheck.deploy.shell_words import QuoteError, tokenize
from twelvecheck.deploy.tools import ENTRY_METHODS, ENTRY_POINTS
from twelvecheck.program.values.exprs import argument, keyword_argument, string_value

if TYPE_CHECKING:
    from twelvecheck.program.values.assigned import AssignedValues

PLACEHOLDER = "__value__"

# The standard library's calls that run a program (knowledge/process.toml [launchers]).
# Calls that always hand their command to a shell.
SHELL_LAUNCHERS = knowledge.names("process", "launchers", "shell")
# Calls that take a command (list or string) first and a shell= switch.
SUBPROCESS_LAUNCHERS = knowledge.names("process", "launchers", "subprocess")
# Calls that take the program and its arguments as separate positional arguments.
ARGV_LAUNCHERS = knowledge.names("process", "launchers", "argv")
# os.spawn*(mode, path, ...): the l-forms take argv as arguments, the v-forms as one list.
SPAWN_L = knowledge.names("process", "launchers", "spawn-l")
SPAWN_V = knowledge.names("process", "launchers", "spawn-v")
POSIX_SPAWN = knowledge.names("process", "launchers", "posix-spawn")
# os.exec*(path, ...): this process becomes the program; argv as arguments or as one list.
EXEC_L = knowledge.names("process", "launchers", "exec-l")
EXEC_V = knowledge.names("process", "launchers", "exec-v")


@dataclass(frozen=True)
class Command:
    """What a launcher call runs: argv words, or the text a shell reads."""

    words: tuple[str, ...] = ()
    text: str | None = None  # set when a shell reads it

    def invocations(self) -> list[Invocation]:
        """The simple commands it runs, each resolved against the tool table."""
        try:
            if self.text is not None:
                return read_command(self.text, None).invocations
            return read_argv(list(self.words)).invocations
        except QuoteError:
            return []


def _words_of(text: str) -> list[str] | None:
    """The words of a string a shell would split (quotes removed), operators as words."""
    try:
        return [token.text for token in tokenize(text)]
    except QuoteError:
        return None


def literal_template(node: cst.BaseExpression, assigned: "AssignedValues | None", depth: int = 0) -> str | None:
    """The text of a string expression with every non-literal part as a placeholder word.

    None when no literal text is known (a bare variable with no assigned string).
    """
    if depth > 6:
        return None
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                pieces.append(PLACEHOLDER)
        return "".join(pieces)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo):
            return literal_template(node.left, assigned, depth + 1)
        if isinstance(node.operator, cst.Add):
            left = literal_template(node.left, assigned, depth + 1)
            right = literal_template(node.right, assigned, depth + 1)
            if left is None and right is None:
                return None
            return (left if left is not None else PLACEHOLDER) + (right if right is not None else PLACEHOLDER)
        return None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "format":
            return literal_template(node.func.value, assigned, depth + 1)
        if node.func.attr.value == "join" and len(node.args) == 1:
            separator = string_value(node.func.value)
            words = argv_words(node.args[0].value, assigned, depth + 1)
            if separator is not None and words is not None:
                return separator.join(words)
        return None
    if isinstance(node, (cst.Name, cst.Attribute)) and assigned is not None:
        for value in assigned.values(node):
            if value is not node:
                text = literal_template(value, assigned, depth + 1)
                if text is not None:
                    return text
    return None


def argv_words(node: cst.BaseExpression, assigned: "AssignedValues | None", depth: int = 0) -> list[str] | None:
    """The words of a list/tuple command (non-literal elements become placeholders)."""
    if depth > 6:
        return None
    if isinstance(node, (cst.List, cst.Tuple)):
        words = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                words.append(PLACEHOLDER)
                continue
            text = string_value(element.value)
            words.append(text if text is not None else PLACEHOLDER)
        return words
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = argv_words(node.left, assigned, depth + 1)
        right = argv_words(node.right, assigned, depth + 1)
        if left is None and right is None:
            return None
        return (left or [PLACEHOLDER]) + (right or [PLACEHOLDER])
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "split":
        text = literal_template(node.func.value, assigned, depth + 1)
        return text.split() if text is not None else None
    if isinstance(node, (cst.Name, cst.Attribute)) and assigned is not None:
        for value in assigned.values(node):
            if value is not node:
                words = argv_words(value, assigned, depth + 1)
                if words is not None:
                    return words
    return None


def _is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _from_text(text: str, shell: bool) -> Command | None:
    """A string command; without a shell its words still name the program it runs."""
    if shell:
        return Command(text=text)
    words = _words_of(text)
    return Command(tuple(words)) if words else None


def _command_from_expression(node: cst.BaseExpression, shell: bool,
                             assigned: "AssignedValues | None") -> Command | None:
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "split" and node.args):
        # shlex.split("...") passed as argv: the words a shell would make, quotes removed
        text = literal_template(node.args[0].value, assigned)
        words = _words_of(text) if text is not None else None
        return Command(tuple(words)) if words else None
    words = argv_words(node, assigned)
    if words is not None:
        return Command(tuple(words))
    text = literal_template(node, assigned)
    if text is not None:
        return _from_text(text, shell)
    return None


def launched_command(call: cst.Call, qualified: str, assigned: "AssignedValues | None") -> Command | None:
    """What a launcher call runs, or None when it is not a launcher or the command is unknown."""
    if qualified in SHELL_LAUNCHERS:
        command = argument(call, 0, "cmd") or argument(call, 0, "command")
        return _command_from_expression(command, True, assigned) if command is not None else None
    if qualified in SUBPROCESS_LAUNCHERS:
        command = argument(call, 0, "args")
        shell = keyword_argument(call, "shell")
        return _command_from_expression(command, _is_true(shell.value if shell else None), assigned) \
            if command is not None else None
    if qualified in ARGV_LAUNCHERS or qualified in SPAWN_L or qualified in EXEC_L:
        skip = 0 if qualified in ARGV_LAUNCHERS else 1 if qualified in EXEC_L else 2  # (mode,) path
        words = []
        for arg in call.args[skip:]:
            if arg.keyword is not None:
                break
            if arg.star:
                words.append(PLACEHOLDER)
                continue
            text = string_value(arg.value)
            words.append(text if text is not None else PLACEHOLDER)
        if qualified not in ARGV_LAUNCHERS and words and words[-1] == PLACEHOLDER and qualified.endswith("e"):
            words.pop()  # the environment mapping
        return Command(tuple(words)) if words else None
    if qualified in SPAWN_V or qualified in POSIX_SPAWN or qualified in EXEC_V:
        argv = argument(call, 2 if qualified in SPAWN_V else 1)
        words = argv_words(argv, assigned) if argv is not None else None
        return Command(tuple(words)) if words else None
    return None


def is_launcher(qualified: str | None) -> bool:
    return qualified is not None and (
        qualified in SHELL_LAUNCHERS or qualified in SUBPROCESS_LAUNCHERS or qualified in ARGV_LAUNCHERS
        or qualified in SPAWN_L or qualified in SPAWN_V or qualified in POSIX_SPAWN
        or qualified in EXEC_L or qualified in EXEC_V
    )


def callee_name(node: cst.Call) -> str | None:
    """The last name of what is called: ``a.b.write_pid()`` -> ``write_pid``."""
    if isinstance(node.func, cst.Name):
        return node.func.value
    if isinstance(node.func, cst.Attribute):
        return node.func.attr.value
    return None


class CommandLineWords:
    """The words a function puts together before it runs a tool inside the process: every
    string of the statements that precede the call on its way there (in the blocks that
    enclose it, not in an ``if`` it has left), in order: ``sys.argv[1:1] = ["-n", ...]``,
    ``config.parseOptions(["--nodaemon", "web"])``. A word added under an ``if`` the call is
    not in may be missing, so it is not counted. A rule lists it in its ``listeners``."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        # Only files that name an entry point collect anything.
        self.active = any(name.rsplit(".", 1)[-1] in ctx.code for name in (*ENTRY_POINTS, *ENTRY_METHODS))
        self.blocks: list[int] = []
        self.statements: list[tuple[tuple[int, ...], cst.SimpleStatementLine]] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(id(node))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if self.active:
            self.statements.append((tuple(self.blocks), node))

    def before_call(self) -> list[str]:
        """The words on the way to the statement being visited (it included)."""
        here = tuple(self.blocks)
        words: list[str] = []
        for blocks, statement in self.statements:
            if here[:len(blocks)] == blocks:
                words.extend(_strings(statement))
        return words


def _strings(node: cst.CSTNode) -> list[str]:
    """The literal strings under a node, in source order (not in nested defs or lambdas)."""
    found: list[str] = []
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, (cst.SimpleString, cst.ConcatenatedString)):
            text = string_value(current)
            if text is not None:
                found.append(text)
            continue
        if isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        pending.extend(reversed(child_nodes(current)))
    return found


def entry_command(call: cst.Call, qualified: str | None, words: CommandLineWords,
                  assigned: "AssignedValues | None") -> Command | None:
    """The command line of a tool an entry point runs inside this process (ENTRY_POINTS), or
    a method of its application object (ENTRY_METHODS) given an ``argv`` list."""
    tool = ENTRY_POINTS.get(qualified or "")
    if tool is None and isinstance(call.func, cst.Attribute):
        tool = ENTRY_METHODS.get(call.func.attr.value)
        argv = argument(call, 0, "argv")
        if tool is not None and argv is not None:
            given = argv_words(argv, assigned)
            return Command((*tool.split(), *given)) if given is not None else None
    if tool is None:
        return None
    return Command((*tool.split(), *words.before_call()))


def tool_invocations(command: Command | None) -> list[Invocation]:
    """The simple commands of a launched command that run a tool of the table."""
    return [inv for inv in command.invocations() if inv.tool is not None] if command is not None else []
