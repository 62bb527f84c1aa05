"""What a Dockerfile's image runs is a process of the formation: on its own (a Dockerfile no
descriptor builds, named after the file), or as the command of a Compose service built from
it that sets none. Either way its Python code is an entry point of the whole-program rules.
The real command line on small projects."""

from __future__ import annotations

import json

import pytest
from conftest import write
from test_formation_command import by_name, formation_json

LOOPING_WORKER = ("import time\n\n\ndef drain():\n    while True:\n        time.sleep(5)\n\n\n"
                  "if __name__ == '__main__':\n    drain()\n")
DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /srv/app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "-m", "orders.drain"]
"""


def findings(run) -> list[dict]:
    result = run("check", "--no-cache", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


@pytest.fixture
def orders(project):
    write(project, "orders/__init__.py", "")
    write(project, "orders/drain.py", LOOPING_WORKER)
    write(project, "requirements.txt", "redis\n")
    return project


def test_a_dockerfile_alone_declares_the_process_its_image_runs(orders, run):
    write(orders, "Dockerfile", DOCKERFILE)
    process = by_name(formation_json(run))["Dockerfile"]
    assert (process["kind"], process["line"], process["command"]) == ("dockerfile", 5, "python -m orders.drain")
    assert process["runs"] == ["orders/drain.py"] and process["quantity"] is None and process["local"] is False
    [loop] = [f for f in findings(run) if f["code"] == "TWC302"]
    assert loop["path"] == "orders/drain.py" and "process type 'Dockerfile' (Dockerfile)" in loop["message"]
    assert "Dockerfile (dockerfile, Dockerfile:5)" in run("formation", "--no-color").stdout


def test_an_entrypoint_script_that_execs_the_command_runs_its_python(orders, run):
    write(orders, "docker/entrypoint.sh", '#!/bin/sh\nset -e\nwait_for_db() { sleep 1; }\nwait_for_db\nexec "$@"\n')
    write(orders, "Dockerfile", DOCKERFILE.replace(
        "CMD [", 'COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\nCMD ['))
    process = by_name(formation_json(run))["Dockerfile"]
    # Not the script, nor the shell function it defines: the program the script ends up running.
    assert process["runs"] == ["orders/drain.py"]


def test_a_compose_service_built_from_the_dockerfile_runs_its_command(orders, run):
    write(orders, "docker/worker.Dockerfile", DOCKERFILE)
    write(orders, "docker-compose.yml", "services:\n  drain:\n    build:\n      context: .\n"
                                        "      dockerfile: docker/worker.Dockerfile\n    deploy:\n      replicas: 2\n"
                                        "  web:\n    build: .\n    command: gunicorn orders.web:app\n")
    types = by_name(formation_json(run))
    assert set(types) == {"drain", "web"}  # the image is the service's, not a process of its own
    drain = types["drain"]
    assert (drain["command"], drain["runs"], drain["quantity"]) == ("python -m orders.drain", ["orders/drain.py"], 2)
    assert "runs the command of docker/worker.Dockerfile:5" in drain["notes"]
    [loop] = [f for f in findings(run) if f["code"] == "TWC302"]
    assert "process type 'drain' (docker-compose.yml)" in loop["message"]


def test_a_service_whose_command_is_set_keeps_it(orders, run):
    write(orders, "orders/other.py", LOOPING_WORKER)
    write(orders, "Dockerfile", DOCKERFILE)
    write(orders, "docker-compose.yml", "services:\n  other:\n    build: .\n    command: python -m orders.other\n")
    other = by_name(formation_json(run))["other"]
    assert other["runs"] == ["orders/other.py"] and not any("runs the command of" in n for n in other["notes"])


def test_a_development_dockerfile_is_a_local_process(orders, run):
    write(orders, "Dockerfile.dev", DOCKERFILE)
    assert by_name(formation_json(run))["Dockerfile.dev"]["local"] is True


def test_an_unreadable_command_is_not_analysed_with_the_reason(orders, run):
    write(orders, "Dockerfile", DOCKERFILE.replace('CMD ["python", "-m", "orders.drain"]', 'CMD python -c "print(1)'))
    process = by_name(formation_json(run))["Dockerfile"]
    assert process["runs"] == [] and process["not_analysed"].startswith("the command has an unterminated")


@pytest.mark.parametrize("dockerfile, reason", [
    (None, "Dockerfile cannot be read"),
    ("FROM python:3.12-slim\nCOPY . .\n", "Dockerfile sets no command (its base image's runs)"),
    ("FROM python:3.12-slim\nRUNN pip install .\n", "Dockerfile:2: "),
])
def test_a_service_whose_image_command_cannot_be_known_says_why(orders, run, dockerfile, reason):
    if dockerfile is not None:
        write(orders, "Dockerfile", dockerfile)
    write(orders, "docker-compose.yml", "services:\n  drain:\n    build: .\n")
    drain = by_name(formation_json(run))["drain"]
    assert drain["runs"] == [] and drain["not_analysed"].startswith(reason)
    assert "Traceback" not in run("check", "--no-cache").stderr
