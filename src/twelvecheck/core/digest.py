"""SHA-256 of the short texts a run hashes (its key, a finding's fingerprint), without OpenSSL.

``import hashlib`` loads OpenSSL's libcrypto: 3.5 ms of CPU, a twentieth of a run answered
from its record (run/replay.py), which hashes a few kilobytes. CPython's own SHA-256 module
gives the same digests and loads in a fraction of that; file contents, megabytes on a cold
run, still go through ``hashlib`` (run/cache.Content.of), where OpenSSL is several times
faster. An interpreter built without the module falls back on ``hashlib``.
"""

from __future__ import annotations

from typing import Any

try:
    from _sha2 import sha256 as _builtin_sha256  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256 as _builtin_sha256  # Python 3.10 and 3.11
    except ImportError:
        _builtin_sha256 = None


def sha256(data: bytes = b"") -> Any:
    """A ``hashlib.sha256``-like object over ``data`` (``update``, ``hexdigest``, ``digest``)."""
    if _builtin_sha256 is None:
        import hashlib

        return hashlib.sha256(data)
    return _builtin_sha256(data)
