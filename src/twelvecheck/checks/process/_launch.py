"""Helpers for the process rules (TWC101-TWC103): launched commands and shell text.

A launched command is read from the call that starts it (``subprocess.*``, ``os.system``,
``os.spawn*``, ``asyncio.create_subprocess_*``): its argv words when given as a list, or
its text when a shell runs it. String commands are read with ``shlex`` (quotes respected,
``&&``/``>&`` kept apart from a lone ``&``); parts that are not literals (an f-string
field, a ``%s`` operand, a variable) become a placeholder word.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.exprs import argument, keyword_argument, string_value

if TYPE_CHECKING:
    from twelvecheck.program.values.assigned import AssignedValues

PLACEHOLDER = "__value__"

# Calls that always hand their command to a shell.
SHELL_LAUNCHERS = frozenset({
    "os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
})
# Calls that take a command (list or string) first and a shell= switch.
SUBPROCESS_LAUNCHERS = frozenset({
    "subprocess.Popen", "subprocess.run", "subprocess.call", "subprocess.check_call",
    "subprocess.check_output",
})
# Calls that take the program and its arguments as separate positional arguments.
ARGV_LAUNCHERS = frozenset({"asyncio.create_subprocess_exec"})
# os.spawn*(mode, path, ...): the l-forms take argv as arguments, the v-forms as one list.
SPAWN_L = frozenset({"os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnlpe"})
SPAWN_V = frozenset({"os.spawnv", "os.spawnve", "os.spawnvp", "os.spawnvpe"})
POSIX_SPAWN = frozenset({"os.posix_spawn", "os.posix_spawnp"})

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash"})
# Words that run the next word as the command: `sudo nohup x`, `exec setsid x`, `env A=1 x`.
COMMAND_PREFIXES = frozenset({"sudo", "exec", "env", "nice", "ionice", "command", "time", "chrt"})
# Shell tokens after which a new command starts.
COMMAND_SEPARATORS = frozenset({";", "&", "&&", "||", "|", "|&", "(", ")"})


@dataclass(frozen=True)
class Command:
    """What a launcher call runs: the words of each command, and whether a shell reads them."""

    words: tuple[str, ...]  # argv words, or the shell's tokens (operators included)
    shell: bool

    def command_names(self) -> list[tuple[str, list[str]]]:
        """(program basename, its argument words) for every command the text runs."""
        commands: list[tuple[str, list[str]]] = []
        current: list[str] = []
        for word in self.words:
            if self.shell and word in COMMAND_SEPARATORS:
                commands.extend(_split_prefixes(current))
                current = []
            else:
                current.append(word)
        commands.extend(_split_prefixes(current))
        return commands

    def runs(self, program: str) -> bool:
        return any(name == program for name, _ in self.command_names())

    @property
    def backgrounded(self) -> bool:
        """A lone ``&`` operator: the shell starts the command and returns without it."""
        return self.shell and "&" in self.words


def _split_prefixes(words: list[str]) -> list[tuple[str, list[str]]]:
    """``A=1 sudo -E nohup worker`` -> [("sudo", ...), ("nohup", ...), ("worker", ...)]:
    the program words a command line runs, skipping VAR=value assignments and the options
    of wrapper commands."""
    found: list[tuple[str, list[str]]] = []
    index = 0
    while index < len(words) and "=" in words[index] and not words[index].startswith("-"):
        index += 1
    while index < len(words):
        name = _unquote(words[index]).rsplit("/", 1)[-1]
        rest = words[index + 1:]
        found.append((name, rest))
        if name not in COMMAND_PREFIXES and name not in {"nohup", "setsid"}:
            break
        # The wrapped command is the first word that is not an option, a number or VAR=x.
        index += 1
        while index < len(words) and (words[index].startswith("-") or words[index].isdigit()
                                      or ("=" in words[index] and name == "env")):
            index += 1
    return found


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word


def shell_tokens(text: str) -> tuple[str, ...] | None:
    """Shell words and operators of ``text``; None when it does not tokenize.

    Quotes are kept on the words (non-POSIX mode), so a quoted ``'&'`` stays an argument
    and only a bare ``&`` token is the background operator.
    """
    lexer = shlex.shlex(text, posix=False, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return tuple(lexer)
    except ValueError:
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
    tokens = shell_tokens(text)
    return Command(tokens, shell) if tokens is not None else None


def _from_words(words: list[str]) -> Command:
    """argv; ``sh -c "text"`` (also ``bash -lc``) is read as the shell text it runs."""
    if words and words[0].rsplit("/", 1)[-1] in SHELLS:
        for index, word in enumerate(words[1:-1], 1):
            if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
                inner = _from_text(words[index + 1], shell=True)
                if inner is not None:
                    return inner
                break
    return Command(tuple(words), False)


def _command_from_expression(node: cst.BaseExpression, shell: bool,
                             assigned: "AssignedValues | None") -> Command | None:
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "split" and node.args):
        # shlex.split("...") passed as argv: the words a shell would make, quotes removed
        text = literal_template(node.args[0].value, assigned)
        tokens = shell_tokens(text) if text is not None else None
        return _from_words([_unquote(token) for token in tokens]) if tokens else None
    words = argv_words(node, assigned)
    if words is not None:
        return _from_words(words)
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
    if qualified in ARGV_LAUNCHERS or qualified in SPAWN_L:
        skip = 0 if qualified in ARGV_LAUNCHERS else 2  # mode, path
        words = []
        for arg in call.args[skip:]:
            if arg.keyword is not None:
                break
            if arg.star:
                words.append(PLACEHOLDER)
                continue
            text = string_value(arg.value)
            words.append(text if text is not None else PLACEHOLDER)
        if qualified in SPAWN_L and words and words[-1] == PLACEHOLDER and qualified.endswith("e"):
            words.pop()  # the environment mapping
        return _from_words(words) if words else None
    if qualified in SPAWN_V or qualified in POSIX_SPAWN:
        argv = argument(call, 2 if qualified in SPAWN_V else 1)
        words = argv_words(argv, assigned) if argv is not None else None
        return _from_words(words) if words else None
    return None


def is_launcher(qualified: str | None) -> bool:
    return qualified is not None and (
        qualified in SHELL_LAUNCHERS or qualified in SUBPROCESS_LAUNCHERS or qualified in ARGV_LAUNCHERS
        or qualified in SPAWN_L or qualified in SPAWN_V or qualified in POSIX_SPAWN
    )


def record_assignment(assigned: "AssignedValues", node: cst.Assign | cst.AnnAssign) -> None:
    """Record an assignment, including ``fd, name = tempfile.mkstemp()``: each name of a
    tuple target is recorded as holding the whole value (enough to know it came from it)."""
    assigned.record_assign(node)
    if not isinstance(node, cst.Assign):
        return
    for target in node.targets:
        if isinstance(target.target, (cst.Tuple, cst.List)):
            for element in target.target.elements:
                if isinstance(element.value, (cst.Name, cst.Attribute)):
                    single = cst.Assign(targets=[cst.AssignTarget(target=element.value)], value=node.value)
                    assigned.record_assign(single)


def callee_name(node: cst.Call) -> str | None:
    """The last name of what is called: ``a.b.write_pid()`` -> ``write_pid``."""
    if isinstance(node.func, cst.Name):
        return node.func.value
    if isinstance(node.func, cst.Attribute):
        return node.func.attr.value
    return None
