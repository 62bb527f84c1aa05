"""What twelvecheck knows of python-daemon (PEP 3143), which several rules read: the daemon
context detaches the process (TWC102), redirects its standard streams (TWC204) and enters
a PID lock (TWC101).

Projects often carry a copy of the library (``vendor/daemon/daemon.py``,
``myapp/daemon/daemon.py``): a class whose qualified name ends like the library's is taken
for it.
"""

from __future__ import annotations

from twelvecheck.config import knowledge

# The library's context and runner classes (knowledge/python_daemon.toml). DaemonRunner(app)
# opens ``app.stdout_path`` and ``app.stderr_path`` as the context's stdout and stderr, and
# locks a PID file at ``app.pidfile_path``.
DAEMON_CONTEXTS = knowledge.names("python_daemon", "python-daemon", "contexts")
DAEMON_RUNNERS = knowledge.names("python_daemon", "python-daemon", "runners")
APP_STREAM_PATHS = {"stdout_path": "stdout", "stderr_path": "stderr"}
# PEP 3143: "pidfile: Context manager for a PID lock file. When the daemon context opens
# and closes, it enters and exits the pidfile context manager." DaemonContext.open() does
# it as ``self.pidfile.__enter__()`` (daemon/daemon.py).
CONTEXT_PID_LOCK_ATTRIBUTE = "pidfile"


def is_daemon_context(qualified: str | None) -> bool:
    return qualified is not None and (qualified in DAEMON_CONTEXTS or qualified.endswith(".daemon.DaemonContext"))


def is_daemon_runner(qualified: str | None) -> bool:
    return qualified is not None and (qualified in DAEMON_RUNNERS or qualified.endswith(".daemon.runner.DaemonRunner"))
