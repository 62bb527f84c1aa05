"""TWC303's fix: make SIGTERM take the path Ctrl+C already takes.

The program stops cleanly on ``KeyboardInterrupt``; ``signal.default_int_handler`` is the
standard library's SIGINT handler, which raises exactly that. Installing it for SIGTERM as
the first statement of the ``__main__`` block sends a stop request from the platform down
the same cleanup. The fix is offered only where that is certain: the entry point is the
``__main__`` block (an indented block), the program catches ``KeyboardInterrupt`` and does
not install a SIGINT handler of its own (that handler, not the exception, would be the clean
path), and ``signal`` names the module there or can be imported. Unsafe all the same: a
SIGTERM now interrupts whatever is running, in the middle of it.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from twelvecheck.core.findings import Span
from twelvecheck.fix.edits import UNSAFE, Edit, Fix
from twelvecheck.engine.pyfix import import_anchor, import_edit, module_reference

_HEADER_END = re.compile(r"[ \t\f]*:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n?|\n)?")


def main_block_facts(block: ast.If, scope) -> dict[str, Any] | None:
    """What the fix needs to know of a module-level ``if __name__ == "__main__":`` block
    (``scope``: the facts' view of the file, checks/_program.py), as plain data; the fix is
    made in the whole-program pass."""
    spans = scope.spans
    header = spans.span(block.test)
    first = spans.statement_start(block.body[0])
    after_test = spans.line_text(header.end_line)[header.end_column - 1:]
    if first <= header.end_line or not _HEADER_END.fullmatch(after_test):
        # `if ...: main()` on one line, or a header that goes on past its test's line
        # (parentheses, a line continuation): no certain place for the new line
        return None
    signal = module_reference(scope.imports, "signal")
    if signal is None:
        return None
    name, imports = signal
    line = spans.line_text(first)
    facts: dict[str, Any] = {
        "header": [header.line, header.column, header.end_line, header.end_column],
        "indent": line[:len(line) - len(line.lstrip(" \t"))],
        "newline": spans.newline,
        "signal": name,
        "import": None,
    }
    if imports:
        anchor = import_anchor(scope.tree, spans)
        if anchor is None:
            return None
        place, span = anchor
        facts["import"] = [place, [span.line, span.column, span.end_line, span.end_column]]
    return facts


def sigterm_fix(facts: dict[str, Any] | None) -> Fix | None:
    if not facts:
        return None
    name, newline = facts["signal"], facts["newline"]
    line = facts["header"][2] + 1  # the block's first line: right below `if __name__ == "__main__":`
    statement = f"{facts['indent']}{name}.signal({name}.SIGTERM, {name}.default_int_handler){newline}"
    edits = [Edit(Span(line, 1, line, 1), statement)]
    if facts["import"] is not None:
        place, span = facts["import"]
        edits.append(import_edit(place, Span(*span), newline, [name]))
    return Fix(UNSAFE, f"raise KeyboardInterrupt on SIGTERM too ({name}.default_int_handler)", tuple(edits))
