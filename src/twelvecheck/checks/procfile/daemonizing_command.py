"""TWC511 procfile-daemonizing-command: a process type's command detaches from the platform.

Detaching options and tools come from the tool table (``deploy/tools.py``): ``--daemon``,
``--detach``, a process manager without its foreground switch, ``nohup``/``setsid``, and a
trailing ``&``. A configuration file the command gives its tool is read for the same."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import EntryCheck, entry_checks, in_config, removal
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import CommandEdit, CommandFix, detaching_wrappers, find_options
from twelvecheck.deploy.shell_commands import Invocation
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid

# A start script that detaches its server: what `sh bin/start.sh` runs is read too.
START_SH = ("bin/start.sh", "#!/bin/sh\nset -e\npython manage.py collectstatic --noinput\n"
                            "exec gunicorn --daemon app.wsgi\n")


def _detaching(check: EntryCheck, inv: Invocation) -> Iterator[Problem]:
    if inv.separator == "&":
        yield check.problem(inv, inv.words[0], f"`{inv.spelled()} &` runs in the background",
                            _trailing_ampersand(check, inv))
    for wrapper in detaching_wrappers(inv):
        fix = CommandFix(f"remove `{wrapper.text}`", (CommandEdit(wrapper.start, inv.words[0].start,
                                                                     remove=True),)) if inv.words else None
        yield check.problem(inv, wrapper, f"`{wrapper.text} {inv.program}` detaches", fix)
    tool = inv.tool
    if tool is None:
        return
    yield from check.option_or_config(inv, tool.daemon, "detaches",
                                      lambda option: f"`{tool.key} {option.token.text}` detaches", fix=removal)
    if tool.role == "detacher" or tool.foreground:
        config = check.config(inv)
        told = find_options(inv.args, tool.foreground, short_groups=True) or any(in_config(config, s) for s in tool.foreground)
        if not told:
            note = f": {tool.note}" if tool.note else ""
            yield check.problem(inv, inv.words[0], f"`{tool.key}` detaches{note}")


def _trailing_ampersand(check: EntryCheck, inv: Invocation) -> CommandFix | None:
    """Dropping `&` is right only where nothing follows it: `a & b` runs both."""
    command = check.command
    end = len(command.rstrip())
    if inv is not check.invocations[-1] or not command[:end].endswith("&") or \
            command[:end].endswith(("&&", ">&", "<&")):
        return None
    return CommandFix("remove the trailing `&`", (CommandEdit(end - 1, end, remove=True),))


class DaemonizingCommand(DeployRule):
    code = "TWC511"
    kinds = ("procfile", "dockerfile")  # a Dockerfile's command too (deploy/container.py)

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check in entry_checks(document):
            for inv in check.invocations:
                yield from _detaching(check, inv)

    VALID = [
        Valid("web: gunicorn app:app\nworker: celery -A app worker\nbeat: celery -A app beat\n"),
        Valid("web: hypercorn -D app:app\n"),  # hypercorn has no daemon mode
        Valid("web: nginx -g 'daemon off;' -c nginx.conf\n"),
        Valid("web: supervisord -n -c supervisord.conf\n"),
        Valid("cache: redis-server --daemonize no\n"),
        Valid("web: gunicorn app:app 2>&1\n"),
        Valid("web: uwsgi --http :$PORT --die-on-term --module app\n"),
        Valid("web: sh bin/start.sh\n", files=(("bin/start.sh", "#!/bin/sh\nexec gunicorn app.wsgi\n"),)),
    ]
    INVALID = [
        Invalid("web: gunicorn -D app:app\n", lines=(1,), fixed="web: gunicorn app:app\n"),
        Invalid("web: gunicorn --daemon app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --daemonize /tmp/uwsgi.log --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker --detach\n", lines=(1,)),
        Invalid("worker: celery -A app worker -D\n", lines=(1,)),
        Invalid("beat: celery -A app beat --detach\n", lines=(1,)),
        Invalid("worker: celery multi start w1 -A app\n", lines=(1,)),
        Invalid("web: supervisord -c supervisord.conf\n", lines=(1,)),
        Invalid("cache: redis-server --daemonize yes\n", lines=(1,)),
        Invalid("web: nginx -c nginx.conf\n", lines=(1,)),
        Invalid("worker: nohup python worker.py\n", lines=(1,)),
        Invalid("web: python worker.py & gunicorn app:app\n", lines=(1,)),
        Invalid("worker: start-stop-daemon --start --exec /usr/bin/worker\n", lines=(1,)),
        Invalid("web: service nginx start && gunicorn app:app\n", lines=(1,)),
        Invalid("web: sh -c 'gunicorn --daemon app:app'\n", lines=(1,)),
        Invalid("web: sh bin/start.sh\n", files=(START_SH,), lines=(1,)),
        Invalid("web: ./bin/start.sh\n", files=(START_SH,), lines=(1,)),
        Invalid("web: cd bin && sh start.sh\n", files=(START_SH,), lines=(1,)),
    ]
