"""Whether any installed distribution offers rules (the entry-point group ``twelvecheck.rules``).

Asked on every run, so it must cost nothing when none does: it reads what
``importlib.metadata`` would read (each ``*.dist-info`` or ``*.egg-info`` folder's
``entry_points.txt`` on ``sys.path``) without importing ``importlib.metadata`` itself, which
a run with no plugins need not load. Only when a group is found does engine/extensions.py
ask ``importlib.metadata`` for the entry points.
"""

from __future__ import annotations

import functools
import os
import sys

ENTRY_POINT_GROUP = "twelvecheck.rules"
_SECTION = f"[{ENTRY_POINT_GROUP}]"


def plugins_installed() -> bool:
    """Whether a distribution on ``sys.path`` declares an entry point of ``ENTRY_POINT_GROUP``."""
    return _declared_on(tuple(sys.path))


@functools.lru_cache(maxsize=8)
def _declared_on(path: tuple[str, ...]) -> bool:
    for folder in path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:  # missing, not a folder, or a zip archive (no plugin of ours ships as one)
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as file:
                        if _SECTION in file.read():
                            return True
                except (OSError, UnicodeDecodeError):
                    continue
    return False
