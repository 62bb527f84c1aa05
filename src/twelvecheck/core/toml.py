"""``tomllib`` where the standard library has it, ``tomli`` before Python 3.11, imported when
a document is first read: a run answered from its record over a project without a
``pyproject.toml`` reads no TOML at all (the rule documents' front matter comes parsed from
the cache folder, core/ruledocs.FrontMatterMemo)."""

import sys
from typing import Any

from twelvecheck.core.lazy import deferred

tomllib: Any = deferred("tomllib" if sys.version_info >= (3, 11) else "tomli")


def loads(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def __getattr__(name: str) -> Any:
    # ``except toml.TOMLDecodeError`` looks the name up only once a document was read
    if name == "TOMLDecodeError":
        return tomllib.TOMLDecodeError
    raise AttributeError(name)
