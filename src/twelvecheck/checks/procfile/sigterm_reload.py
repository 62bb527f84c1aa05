"""TWC519 procfile-sigterm-reload: a server that reloads on SIGTERM unless told to stop (uWSGI without ``--die-on-term``)."""

from __future__ import annotations

import re
from typing import Iterator

from twelvecheck.checks.procfile._entry import tool_invocations
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import find_options
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class SigtermReload(DeployRule):
    code = "TWC519"

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            tool = inv.tool
            if tool.sigterm and not find_options(inv.args, (f"--{tool.sigterm}",)) and not re.search(
                    rf"^\s*{tool.sigterm}\s*[=:]?\s*(true|1|yes|on)?\s*$", check.config(inv), re.M | re.I):
                yield check.problem(inv, inv.words[0], f"`{tool.key}` without --{tool.sigterm}")

    VALID = [
        Valid("web: uwsgi --http :$PORT --module app:app\n", filename="Procfile.dev"),  # local-only
        Valid("web: uwsgi --http :$PORT --die-on-term --module app\n"),
        Valid("web: uwsgi uwsgi.ini\n", files=(("uwsgi.ini", "[uwsgi]\nhttp = :$(PORT)\ndie-on-term = true\n"),)),
    ]
    INVALID = [
        Invalid("web: uwsgi --http :$PORT --module app\n", lines=(1,)),
        Invalid("web: uwsgi --ini uwsgi.ini\n", files=(("uwsgi.ini", "[uwsgi]\nhttp = :$(PORT)\nmaster = true\n"),),
              lines=(1,)),
    ]
