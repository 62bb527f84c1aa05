"""TWC702 container-process-manager: a process manager runs inside the container
(supervisord, circus, honcho/foreman start, pm2), supervising its processes itself."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.container._launches import problem, started
from twelvecheck.deploy.container import DockerfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class ProcessManager(DeployRule):
    code = "TWC702"
    kinds = ("dockerfile",)

    @classmethod
    def check(cls, document: DockerfileDocument) -> Iterator[Problem]:
        for launch in document.launches:
            if launch.process_manager:
                yield problem(launch, {"what": started(document, launch)})

    VALID = [
        Valid("FROM python:3.12-slim\nCMD honcho start\n", filename="dev.Dockerfile"),  # local-only
        Valid('FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi"]\n', filename="Dockerfile"),
        Valid('FROM python:3.12-slim\nRUN pip install supervisor honcho\nCMD ["celery", "-A", "shop", "worker"]\n',
              filename="Dockerfile"),
    ]
    INVALID = [
        Invalid('FROM python:3.12-slim\nCOPY . /srv\nWORKDIR /srv\nENTRYPOINT ["supervisord", "-n", "-c", "supervisord.conf"]\n',
                lines=(4,), filename="Dockerfile", files=(("supervisord.conf", "[supervisord]\nnodaemon=true\n"),)),
        Invalid("FROM python:3.12-slim\nCMD honcho start\n", lines=(2,), filename="Dockerfile"),
        Invalid('FROM node:20-slim\nCMD ["pm2-runtime", "ecosystem.config.js"]\n', lines=(2,), filename="Dockerfile"),
        # pm2 start hands the program to a pm2 daemon, which supervises it (a row's `manages`).
        Invalid("FROM python:3.12-slim\nCMD pm2 start worker.py --interpreter python3 && pm2 logs\n", lines=(2,),
                filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nCOPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n', filename="Dockerfile",
                files=(("run.sh", "#!/bin/sh\nsupervisord -c /etc/supervisord.conf\nexec gunicorn shop.wsgi\n"),),
                path="run.sh", lines=(2,)),
    ]
