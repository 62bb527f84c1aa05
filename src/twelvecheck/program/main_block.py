"""What TWC303's fix needs to know of a module's ``if __name__ == "__main__":`` block.

The fix (``checks/signals/_fix.py``) is made in the whole-program pass, from the facts of the
file; this gathers them, as plain data, while the facts are collected.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from twelvecheck.engine.pyfix import import_anchor, module_reference

_HEADER_END = re.compile(r"[ \t\f]*:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n?|\n)?")


def main_block_facts(block: ast.If, scope) -> dict[str, Any] | None:
    """What the fix needs to know of a module-level ``if __name__ == "__main__":`` block
    (``scope``: the facts' view of the file, program/facts.py), as plain data; the fix is
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
