"""TWC303's fix: make SIGTERM take the path Ctrl+C already takes.

The program stops cleanly on ``KeyboardInterrupt``; ``signal.default_int_handler`` is the
standard library's SIGINT handler, which raises exactly that. Installing it for SIGTERM as
the first statement of the ``__main__`` block sends a stop request from the platform down
the same cleanup. The fix is offered only where that is certain: the entry point is the
``__main__`` block (an indented block), the program catches ``KeyboardInterrupt`` and does
not install a SIGINT handler of its own (that handler, not the exception, would be the clean
path), and ``signal`` names the module there or can be imported. Unsafe all the same: a
SIGTERM now interrupts whatever is running, in the middle of it. What the fix needs to know
of the block is gathered with the whole-program facts (``program/main_block.py``).
"""

from __future__ import annotations

from typing import Any

from twelvecheck.core.findings import UNSAFE, Edit, Fix, Span
from twelvecheck.engine.pyfix import import_edit

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
