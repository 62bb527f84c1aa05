"""The modules a Python file imports, read from its text with a pattern: the fact closure's
first guess (run/closure.py) and the test of whether a library copy is in use
(run/library_copies.py), both made before any file is parsed."""

from __future__ import annotations

import os
import re
from pathlib import Path

_IMPORT_RE = re.compile(r"^[ \t]*(?:import[ \t]+(?P<plain>[\w. \t,]+)|from[ \t]+(?P<source>\.*[\w.]*)[ \t]+import"
                        r"[ \t]+(?P<names>\([\w, \t\n]*\)|[\w. \t,]+))", re.M)


def imports_in_text(path: str, module: str) -> set[str]:
    """The modules the file at ``path`` (module ``module``) imports, read from its text with a
    pattern, relative imports resolved: fast, and a guess (an import in a string counts, one
    built at run time does not). Empty when the file cannot be read."""
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return set()
    package = module if os.path.basename(path) == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for match in _IMPORT_RE.finditer(text):
        if match.group("plain"):
            found.update(part.split()[0] for part in match.group("plain").split(",") if part.strip())
            continue
        source = match.group("source")
        dots = len(source) - len(source.lstrip("."))
        if dots:
            base = package.split(".") if package else []
            base = base[:len(base) - (dots - 1)] if dots > 1 else base
            source = ".".join([*base, source.lstrip(".")]).strip(".")
        found.add(source)
        found.update(f"{source}.{name.split()[0]}" for name in match.group("names").strip("()").split(",")
                     if name.strip())
    return found
