"""Writing files whole or not at all: reports, baselines, fixed files, run records."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: str, content: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never half a report or
    half a fixed file. Text is written as UTF-8; the file keeps its mode."""
    target = Path(path)
    import tempfile  # deferred: tempfile's own imports cost a run that writes nothing (a replay)

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
