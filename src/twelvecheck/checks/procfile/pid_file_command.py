"""TWC512 procfile-pid-file: a process type's command writes a PID file (an option, or its
configuration file, or the tool's default when neither names one: twistd's ``twistd.pid``)."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import removal, tool_invocations
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import find_options, pid_files
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class PidFileCommand(DeployRule):
    code = "TWC512"
    kinds = ("procfile", "dockerfile")  # a Dockerfile's command too (deploy/container.py)

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            tool = inv.tool
            written = pid_files(inv.args, tool)
            for effect in written:
                if effect.option is not None:
                    option = effect.option
                    yield check.problem(inv, option.token, f"`{tool.key} {option.token.text}` writes the PID file "
                                                           f"{option.value or ''}".rstrip(), removal(option))
            if written and written[0].option is not None or find_options(inv.args, tool.pid):
                continue  # named on the command line (or turned off: `--pidfile=`)
            in_config = list(check.option_or_config(inv, tool.pid, "writes a PID file", str))
            yield from in_config
            if written and not in_config:
                flag = tool.pid[-1].split()[0]
                yield check.problem(inv, inv.words[0], f"`{tool.key}` writes the PID file {written[0].value} "
                                                       f"by default (unless given `{flag}=`)")

    VALID = [
        Valid("web: gunicorn -w 3 --preload app:app\n"),
        Valid("worker: celery -A app worker -P solo\n"),  # -P is the pool
        Valid("web: uwsgi --http :$PORT --die-on-term --processes 4 --module app\n"),  # uwsgi -p: processes
        Valid("web: twistd --pidfile= -n web --listen tcp:$PORT\n"),  # an empty --pidfile= writes none
    ]
    INVALID = [
        Invalid("web: gunicorn -p /tmp/gunicorn.pid app:app\n", lines=(1,), fixed="web: gunicorn app:app\n"),
        Invalid("web: gunicorn --pid=/tmp/gunicorn.pid app:app\n", lines=(1,)),
        Invalid("web: uwsgi --http :$PORT --die-on-term --safe-pidfile /tmp/u.pid --module app\n", lines=(1,)),
        Invalid("worker: celery -A app worker --pidfile=/tmp/celery.pid\n", lines=(1,)),
        Invalid("worker: dramatiq app.tasks --pid-file /tmp/d.pid\n", lines=(1,)),
        Invalid("worker: rq worker --pid /tmp/rq.pid\n", lines=(1,)),
        Invalid("web: hypercorn -p /tmp/h.pid -b 0.0.0.0:$PORT app:app\n", lines=(1,)),
        Invalid("server: bin/rails server --pid=/tmp/rails.pid\n", lines=(1,)),
        Invalid("web: twistd -n web --listen tcp:$PORT\n", lines=(1,)),  # twistd.pid, even in the foreground
        Invalid("web: twistd -noy app.tac --pidfile /tmp/twistd.pid\n", lines=(1,)),
    ]
