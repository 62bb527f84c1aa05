"""TWC513 procfile-file-logging: a process type's command logs to a file: a tool's log-file
option (where ``-`` or a device means standard output it is not a file), or a redirection."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import EntryCheck, entry_checks
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import CommandEdit, CommandFix, Option, log_files
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid
from twelvecheck.program.values.exprs import STDIO_DEVICES


def _log_options(check: EntryCheck, inv: Invocation) -> Iterator[Problem]:
    tool = inv.tool
    for option in log_files(inv.args, tool):
        note = f"; {tool.note}" if option.value == "-" and tool.stdout is None and tool.note else ""
        yield check.problem(inv, option.token, f"`{tool.key} {option.token.text}` logs to the file "
                                               f"{option.value!r}{note}", _to_stdout(option, tool.stdout))


def _redirections(check: EntryCheck, inv: Invocation) -> Iterator[Problem]:
    for operator, target in inv.redirects:
        if operator.text.startswith("<") or operator.text.endswith("&") or target.text in STDIO_DEVICES \
                or target.text == "/dev/null":
            continue
        fix = CommandFix(f"remove `{operator.raw} {target.raw}`",
                         (CommandEdit(operator.start, target.end, remove=True),))
        yield check.problem(inv, operator, f"`{operator.text} {target.text}` sends the output to a file", fix)


def _to_stdout(option: Option, stdout: str | None) -> CommandFix | None:
    """`--log-file PATH` -> `--log-file -` for a tool that reads a value as standard output."""
    if not stdout:  # no such value (or one that needs quoting, like redis-server's "")
        return None
    if option.value_token is not None:
        edit = CommandEdit(option.value_token.start, option.value_token.end, stdout)
    elif "=" in option.token.raw and option.token.raw.startswith("-"):
        flag = option.token.raw.split("=", 1)[0]
        edit = CommandEdit(option.token.start, option.token.end, f"{flag}={stdout}")
    else:
        return None
    return CommandFix(f"log to `{stdout}` (standard output)", (edit,))


class FileLoggingCommand(DeployRule):
    code = "TWC513"
    kinds = ("procfile", "dockerfile")  # a Dockerfile's command too (deploy/container.py)

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check in entry_checks(document):
            for inv in check.invocations:
                if inv.tool is not None:
                    yield from _log_options(check, inv)
                yield from _redirections(check, inv)

    VALID = [
        Valid("web: gunicorn --log-file - --access-logfile - app:app\n"),
        Valid("web: gunicorn --error-logfile=- app:app\n"),
        Valid("web: hypercorn --access-logfile - -b 0.0.0.0:$PORT app:app\n"),
        Valid("web: daphne --access-log - -b 0.0.0.0 -p $PORT app.asgi:application\n"),
        Valid("web: gunicorn app:app 2>&1\nrelease: python manage.py migrate > /dev/null\n"),
        Valid("web: gunicorn app:app --log-file /dev/stdout\n"),
    ]
    INVALID = [
        Invalid("web: gunicorn --log-file app.log app:app\n", lines=(1,), fixed="web: gunicorn --log-file - app:app\n"),
        Invalid("web: gunicorn --access-logfile /var/log/access.log app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --logto /var/log/uwsgi.log --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker -f -\n", lines=(1,)),  # celery writes a file named "-"
        Invalid("worker: celery -A app worker --logfile=celery.log\n", lines=(1,)),
        Invalid("worker: dramatiq app.tasks --log-file dramatiq.log\n", lines=(1,)),
        Invalid("worker: huey_consumer app.huey -l huey.log\n", lines=(1,)),
        Invalid("web: daphne --access-log access.log -p $PORT app.asgi:application\n", lines=(1,)),
        Invalid("web: hypercorn --error-logfile errors.log -b :$PORT app:app\n", lines=(1,)),
        Invalid("worker: python worker.py >> worker.log 2>&1\n", lines=(1,)),
    ]
