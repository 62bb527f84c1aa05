"""What every command promises: exit codes, error messages on standard error, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import click

from twelvecheck.config.loading import ConfigError
from twelvecheck.config.selection import SelectorError


class BaselineError(Exception):
    """A baseline file that cannot be read or written (cli/baseline.py): exit 2."""

    def __init__(self, message: str, path: str | Path) -> None:
        super().__init__(f"baseline {path}: {message}")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def print_error(message: str) -> None:
    click.echo(f"twelvecheck: error: {message}", err=True)


def print_warning(message: str) -> None:
    """Something the user should know that does not change the exit code by itself."""
    click.echo(f"twelvecheck: warning: {message}", err=True)


def guarded(command: Callable[[], int]) -> int:
    """Run a command (check, formation) with the exit codes and messages users are promised."""
    try:
        return command()
    except (ConfigError, SelectorError, BaselineError) as exc:
        print_error(str(exc))
        return EXIT_ERROR
    except click.ClickException:
        raise  # a usage error: click prints it and exits 2
    except Exception as exc:  # a bug in twelvecheck: say so, never dump a traceback on users
        print_error(f"internal error: {type(exc).__name__}: {exc}")
        if os.environ.get("TWELVECHECK_DEBUG"):
            import traceback  # deferred: only a crash needs it, and every run would load it

            traceback.print_exc()
        else:
            click.echo("(set TWELVECHECK_DEBUG=1 for the traceback)", err=True)
        return EXIT_ERROR
