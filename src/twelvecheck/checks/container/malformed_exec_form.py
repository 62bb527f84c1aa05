"""TWC703 container-malformed-exec-form: a CMD or ENTRYPOINT meant as the exec form that is
no JSON array of strings, which Docker then runs through the shell as one odd command."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.deploy.container import DockerfileDocument
from twelvecheck.engine.rule import DeployRule, Invalid, Problem, Valid


class MalformedExecForm(DeployRule):
    code = "TWC703"
    kinds = ("dockerfile",)

    @classmethod
    def check(cls, document: DockerfileDocument) -> Iterator[Problem]:
        for instruction in document.dockerfile.instructions:
            if instruction.keyword in ("CMD", "ENTRYPOINT") and instruction.exec_error:
                yield Problem.at(instruction.line, instruction.arguments_column,
                                 instruction.arguments_column + len(instruction.first_line_arguments),
                                 {"keyword": instruction.keyword, "reason": instruction.exec_error})

    VALID = [
        Valid('FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi"]\n', filename="Dockerfile"),
        Valid('FROM python:3.12-slim\nENTRYPOINT ["celery", \\\n    "-A", "shop", "worker"]\n', filename="Dockerfile"),
        Valid("FROM python:3.12-slim\nCMD gunicorn shop.wsgi\n", filename="Dockerfile"),
    ]
    INVALID = [
        Invalid("FROM python:3.12-slim\nCMD ['flask', 'run']\n", lines=(2,), filename="Dockerfile.dev"),
        Invalid("FROM python:3.12-slim\nCMD ['gunicorn', 'shop.wsgi']\n", lines=(2,), filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nCMD ["gunicorn", "shop.wsgi"\n', lines=(2,), filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nENTRYPOINT ["celery" "worker"]\n', lines=(2,), filename="Dockerfile"),
        Invalid('FROM python:3.12-slim\nCMD ["gunicorn", "--workers", 4]\n', lines=(2,), filename="Dockerfile"),
    ]
