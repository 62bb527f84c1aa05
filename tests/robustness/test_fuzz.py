"""Property-based tests: whatever the input, no exception escapes and the output is stable.

Python sources come from hypothesmith (syntactically valid Python from the grammar) and from
raw bytes; Procfiles, app.json files, Dockerfiles and configurations from structured and raw
strategies.

Profiles: "ci" (the default) keeps these to seconds; a release check runs
``HYPOTHESIS_PROFILE=release python -m pytest tests/robustness/test_fuzz.py`` (3,000 examples
per target).
"""

from __future__ import annotations

import json
import os
import string
import sys
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install -e '.[test]')")
hypothesmith = pytest.importorskip("hypothesmith", reason="hypothesmith is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from twelvecheck.config.loading import ConfigError, load_config  # noqa: E402
from twelvecheck.run.worker import analyze_file  # noqa: E402
from twelvecheck.engine.task import FileTask  # noqa: E402
from twelvecheck.engine.registry import load_rules  # noqa: E402
from twelvecheck.run.model import Settings  # noqa: E402
from twelvecheck.run.runner import run  # noqa: E402

# The engine raises the limit in the process it runs in; raise it before hypothesis
# records the limit, so hypothesis does not warn that a test changed it.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=_SLOW, derandomize=True)
settings.register_profile("release", max_examples=3000, deadline=None, suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
ALL_CODES = frozenset(load_rules())
# Code that gives the rules something to chew on, mixed into generated modules.
SEEDS = [
    "import logging\nlogging.FileHandler('a.log')\n",
    "import os\nif os.fork():\n    os._exit(0)\nos.setsid()\n",
    "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n",
    "while True:\n    pass\nif __name__ == '__main__':\n    main()\n",
    "from apscheduler.schedulers.background import BackgroundScheduler as B\nB().start()\n",
]


def _no_internal_error(result) -> None:
    problems = [str(e) for e in result.errors if "internal error" in e.message]
    assert problems == []


def _analyze(source: bytes, kind: str = "python", name: str = "app.py"):
    result = analyze_file(FileTask(name, name, ALL_CODES, source=source, kind=kind))
    _no_internal_error(result)
    return result


@given(hypothesmith.from_grammar(), st.sampled_from(SEEDS))
def test_generated_python_never_raises_and_is_deterministic(source, seed):
    data = (seed + source).encode("utf-8", "surrogatepass")
    first = _analyze(data)
    second = _analyze(data)
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]
    assert first.facts == second.facts


@given(st.binary(max_size=2000))
@example(b"\xef\xbb\xbf\x00")
@example(b"# coding: latin-1\n\xff")
@example(b"(" * 5000)
def test_arbitrary_bytes_never_raise(data):
    _analyze(data)


def _run_stdin(source: str):
    result = run(Settings(paths=["-"], stdin_source=source.encode("utf-8", "surrogatepass"),
                          stdin_filename="app.py", jobs=1))
    assert [e for e in result.errors if "internal error" in e.message] == []
    return result


@given(hypothesmith.from_grammar(), st.sampled_from(SEEDS), st.integers(min_value=1, max_value=5))
def test_fingerprints_survive_blank_lines_added_above(source, seed, blank):
    text = seed + source
    before = _run_stdin(text)
    after = _run_stdin("\n" * blank + text)
    assert sorted(f.fingerprint for f in before.findings) == sorted(f.fingerprint for f in after.findings)
    assert [f.line + blank for f in before.findings] == [f.line for f in after.findings]


PROCFILE_LINE = st.one_of(
    st.text(alphabet=string.printable + "\t\r\u00e9\ufeff\u2028", max_size=80),
    st.builds(lambda name, sep, cmd: f"{name}{sep}{cmd}",
              st.text(alphabet=string.ascii_letters + string.digits + "_-.", min_size=0, max_size=70),
              st.sampled_from([":", ": ", " :", ":\t", "::", ""]),
              st.text(alphabet=string.printable, max_size=80)),
    st.sampled_from(["<<<<<<< HEAD", "=======", ">>>>>>> main", "# web: gunicorn",
                     "web: gunicorn app:app --daemon --pid x.pid --log-file app.log",
                     "worker: sh -c 'celery -A app worker -B & nohup x &'", "web: bash bin/start.sh"]),
)


@given(st.lists(PROCFILE_LINE, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_procfiles_never_raise(lines, newline, bom):
    data = ("\ufeff" if bom else "") + newline.join(lines)
    _analyze(data.encode("utf-8", "surrogatepass"), kind="procfile", name="Procfile")


@given(st.binary(max_size=1500))
def test_procfile_bytes_never_raise(data):
    _analyze(data, kind="procfile", name="Procfile")


DOCKERFILE_LINE = st.one_of(
    st.text(alphabet=string.printable + "\t\r\u00e9\ufeff`", max_size=80),
    st.builds(lambda keyword, gap, rest: f"{keyword}{gap}{rest}",
              st.sampled_from(["FROM", "CMD", "ENTRYPOINT", "RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "SHELL",
                               "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "cmd", "from", "EXPOSE", "USER", "LABEL"]),
              st.sampled_from([" ", "\t", "  ", ""]),
              st.one_of(st.text(alphabet=string.printable, max_size=60),
                        st.lists(st.text(max_size=12), max_size=5).map(json.dumps))),
    st.sampled_from(["# escape=`", "# escape=\\", "RUN <<EOF", "EOF", "RUN <<-'END' bash", "\tEND", "\\",
                     "FROM python:3.12 AS build", "FROM build", 'CMD ["sh", "-c", "gunicorn app"]',
                     'ENTRYPOINT ["tini", "--"]', "CMD gunicorn app:app --daemon --pid x.pid", 'CMD ["/start"]',
                     "COPY . /srv", "WORKDIR $APP_HOME", "ENV A=1 B=\"two words\"", "ARG X=${Y:-z}",
                     "RUN chmod +x /start", 'CMD ["unterminated"', "SHELL [\"/bin/bash\", \"-c\"]"]),
)


@given(st.lists(DOCKERFILE_LINE, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_dockerfiles_never_raise(lines, newline, bom):
    data = ("\ufeff" if bom else "") + newline.join(lines)
    _analyze(data.encode("utf-8", "surrogatepass"), kind="dockerfile", name="Dockerfile")


@given(st.binary(max_size=1500))
def test_dockerfile_bytes_never_raise(data):
    _analyze(data, kind="dockerfile", name="Dockerfile")


SCRIPT_LINE = st.one_of(
    st.text(alphabet=string.printable + "\t\u00e9", max_size=80),
    st.sampled_from(["#!/bin/sh", "set -e", "gunicorn -D app &", "nohup celery worker -B --pidfile x.pid &",
                     "cat <<EOF", "cat <<-'END'", "EOF", "exec gunicorn --log-file a.log \\", "  --workers 2 app",
                     "start() {", "}", "echo 'open", "sh -c 'uwsgi --daemonize x'", "/etc/init.d/x start",
                     "python manage.py migrate &", "if [ -f x ]; then", "fi", "alias x='y'", "case $1 in", "esac"]),
)


@given(st.lists(SCRIPT_LINE, max_size=15), st.sampled_from(["\n", "\r\n"]))
def test_scripts_never_raise(lines, newline):
    _analyze(newline.join(lines).encode("utf-8", "surrogatepass"), kind="script", name="start.sh")


SERVER_CONFIG_LINE = st.one_of(
    st.text(alphabet=string.printable, max_size=60),
    st.sampled_from(["[uwsgi]", "[supervisord]", "[program:web]", "nodaemon=false", "pidfile=/tmp/x.pid",
                     "logfile", "daemonize = /tmp/u.log", "logto=", "req-logger = file:", "command=gunicorn -D app",
                     "command='unterminated", "stdout_logfile=/var/log/x.log", "  continued", "= value", "[", "]"]),
)


@given(st.lists(SERVER_CONFIG_LINE, max_size=12), st.sampled_from(["supervisord.conf", "uwsgi.ini", "conf.d/a.conf"]))
def test_server_configs_never_raise(lines, name):
    _analyze("\n".join(lines).encode(), kind="ini", name=name)


@given(hypothesmith.from_grammar(), st.sampled_from(["gunicorn.conf.py", "gunicorn.py", "config/gunicorn_conf.py"]))
def test_generated_gunicorn_configs_never_raise(source, name):
    _analyze(("daemon = True\npidfile = 'x'\n" + source).encode(), name=name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)
FORMATION = st.one_of(
    JSON_VALUES,
    st.dictionaries(st.sampled_from(["web", "worker", "clock", "Web_1", ""]),
                    st.dictionaries(st.sampled_from(["quantity", "size"]), JSON_VALUES, max_size=2), max_size=4),
    st.lists(st.dictionaries(st.sampled_from(["process", "quantity", "size"]), JSON_VALUES, max_size=3),
             max_size=4),
)


@given(FORMATION, st.booleans())
def test_app_json_never_raises(formation, indent):
    text = json.dumps({"name": "app", "formation": formation}, indent=2 if indent else None)
    _analyze(text.encode(), kind="appjson", name="app.json")


@given(st.text(max_size=400))
def test_app_json_text_never_raises(text):
    _analyze(text.encode("utf-8", "surrogatepass"), kind="appjson", name="app.json")


# Deployment descriptors: documents of the right shape with values of any shape, and raw text.
COMPOSE_SERVICE = st.dictionaries(
    st.sampled_from(["command", "entrypoint", "build", "image", "deploy", "scale", "profiles", "init", "x"]),
    JSON_VALUES | st.fixed_dictionaries({"replicas": JSON_VALUES}), max_size=5)
MANIFEST = st.fixed_dictionaries({
    "apiVersion": st.sampled_from(["apps/v1", "batch/v1", "autoscaling/v2"]),
    "kind": st.sampled_from(["Deployment", "CronJob", "DaemonSet", "HorizontalPodAutoscaler", "List", "Pod"]),
    "metadata": st.fixed_dictionaries({"name": JSON_VALUES}),
    "spec": JSON_VALUES | st.fixed_dictionaries({"replicas": JSON_VALUES, "template": st.fixed_dictionaries({
        "spec": st.fixed_dictionaries({"containers": st.lists(st.dictionaries(
            st.sampled_from(["name", "command", "args", "image"]), JSON_VALUES, max_size=4), max_size=3)})})}),
})
DESCRIPTORS = [("compose", "docker-compose.yml"), ("platform", "render.yaml"), ("platform", "heroku.yml"),
               ("platform", "fly.toml"), ("platform", "railway.json"), ("platform", "railway.toml"),
               ("yaml", "deploy.yaml")]


@given(st.dictionaries(st.text(max_size=8), COMPOSE_SERVICE, max_size=4), st.lists(MANIFEST, max_size=3))
def test_descriptors_of_any_shape_never_raise(services, manifests):
    yaml = pytest.importorskip("yaml")
    _analyze(yaml.safe_dump({"services": services}).encode(), kind="compose", name="docker-compose.yml")
    _analyze(yaml.safe_dump_all(manifests).encode(), kind="yaml", name="deploy.yaml")
    _analyze(yaml.safe_dump({"services": list(services.values())}).encode(), kind="platform", name="render.yaml")


@given(st.sampled_from(DESCRIPTORS), st.text(max_size=400))
def test_descriptor_text_never_raises(descriptor, text):
    kind, name = descriptor
    _analyze(text.encode("utf-8", "surrogatepass"), kind=kind, name=name)


TOML_KEYS = ["select", "ignore", "exclude", "jobs", "fail-on", "format", "cache", "severity",
             "per-file-ignores", "output-format", "baseline", "unknown-key"]


def _toml_value(value) -> str:
    return json.dumps(value) if not isinstance(value, dict) else (
        "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}")


@given(st.dictionaries(st.sampled_from(TOML_KEYS), JSON_VALUES.filter(lambda v: v is not None), max_size=4))
def test_configs_fail_only_with_config_errors(tmp_path_factory, values):
    path = Path(tmp_path_factory.mktemp("cfg")) / "twelvecheck.toml"
    path.write_text("\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in values.items()) + "\n",
                    encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as error:
        assert str(path) in str(error) or path.name in str(error)


@given(st.text(max_size=300))
def test_config_text_fails_only_with_config_errors(tmp_path_factory, text):
    path = Path(tmp_path_factory.mktemp("cfg")) / "twelvecheck.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else None
    if not path.exists():
        return
    try:
        load_config(path)
    except ConfigError:
        pass
