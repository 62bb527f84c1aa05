"""TWC001 and TWC002, the engine's own rules: it reports them itself, so they live with it.

TWC001 (parse-error) is a file that cannot be read, decoded or parsed, in any kind of file
the run reads; TWC002 (unused-suppression) a suppression comment that silenced nothing,
found once every rule has run on the file. Neither has a visitor.
"""

from __future__ import annotations

from twelvecheck.engine.rule import Invalid, Rule, Valid

PARSE_ERROR = "TWC001"
UNUSED_SUPPRESSION = "TWC002"
META_CODES = frozenset({PARSE_ERROR, UNUSED_SUPPRESSION})


class ParseError(Rule):
    code = PARSE_ERROR
    VALID = [
        Valid("print('a valid file')\n"),
        Valid("async def main():\n    await serve()\n"),
    ]
    INVALID = [
        Invalid("def main(:\n    pass\n", lines=(1,)),
        Invalid("import os\n\nif True:\nprint('not indented')\n", lines=(4,)),
    ]


class UnusedSuppression(Rule):
    code = UNUSED_SUPPRESSION
    VALID = [
        Valid("import logging\nlogging.FileHandler('app.log')  # twelvecheck: ignore[TWC201]\n"),
        Valid("import logging\nlogging.getLogger(__name__).info('x')  # a comment, no directive\n"),
    ]
    INVALID = [
        Invalid("import logging\nlogging.getLogger(__name__).info('x')  # twelvecheck: ignore[TWC201]\n", lines=(2,)),
        Invalid("# twelvecheck: ignore[no-such-rule]\nx = 1\n", lines=(1,)),
    ]
