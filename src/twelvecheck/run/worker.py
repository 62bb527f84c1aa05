"""One file's analysis, as a worker process runs it: each kind of file to its reader.

Python source and the text files some rule reads (logging configurations) go to the engine;
Procfiles, app.json, Dockerfiles, deployment descriptors and shell scripts to the deployment
side, which reads their commands and formations; a YAML file may hold Kubernetes manifests,
and a Python or text file that is a server configuration (gunicorn, uwsgi, supervisord) is
judged there as well.
Whatever goes wrong in there, the run goes on: an unexpected error becomes a run error that
names the file, never a traceback.
"""

from __future__ import annotations

import sys
import traceback

from twelvecheck.core.findings import FileResult, ToolError
from twelvecheck.deploy.analysis import analyze_deploy_file, analyze_server_config, read_manifest_facts
from twelvecheck.deploy.server_configs import may_be_server_config
from twelvecheck.engine.analyze import analyze_python, analyze_text
from twelvecheck.engine.task import FileTask
from twelvecheck.engine.visitor import load_parser
from twelvecheck.files.kinds import DEPLOY_KINDS, PYTHON

__all__ = ["analyze_file", "load_parser"]

# libcst's visitor recurses once per tree level; long implicit string concatenations
# (pydoc_data/topics.py) nest thousands deep. Python-to-Python calls do not use the C stack
# on 3.11+, so a higher limit is safe there.
_RECURSION_LIMIT = 20_000 if sys.version_info >= (3, 11) else 8_000


def analyze_file(task: FileTask) -> FileResult:
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    result = FileResult(task.display_path)
    try:
        if task.kind == PYTHON:
            analyze_python(task, result)
        elif task.kind in DEPLOY_KINDS:
            analyze_deploy_file(task, result)
        else:
            analyze_text(task, result)
            if task.kind == "yaml":
                read_manifest_facts(task, result)
        if task.kind not in DEPLOY_KINDS and may_be_server_config(task.display_path):
            analyze_server_config(task, result)  # gunicorn.conf.py, uwsgi.ini, supervisord.conf
    except Exception as exc:  # never a traceback for the user; the run goes on
        result.errors.append(ToolError(
            f"internal error: {type(exc).__name__}: {exc} "
            f"(at {traceback.extract_tb(exc.__traceback__)[-1].name})",
            task.display_path,
        ))
    return result
