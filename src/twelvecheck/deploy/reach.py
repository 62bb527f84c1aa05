"""Which process types reach each finding: the ones whose declaration it is about (a Procfile
line, a Compose service, an app.json formation entry) and the ones whose code it is in.

A process type's code is what its command starts (``process_model._files_of``; for
``celery -A proj``, also ``proj/celery.py``) and every module reached from there by calls and
imports (``Project.reachable``): a module imported at the top of one that runs, a function
called, a class made, and what Django and celery import by name from literal settings
(``program/django_loading.py``: the settings module, the installed apps with their ``apps``,
``models`` and ``admin`` modules and AppConfig ``ready()``, the URLconf and middleware of a
process that makes the HTTP handler, the ``tasks`` modules ``autodiscover_tasks()`` finds).
Where this can be wrong:

- imports by name at run time (``importlib.import_module(setting)``, ``__import__``) are not
  followed, nor are plugins found by entry points;
- settings built in code (``INSTALLED_APPS = base.APPS + local_apps()``), a settings module
  chosen by an environment variable with no literal default, and Django's other loaders
  (template tags, ``urls`` included from other URLconfs by string) are not read;
- a command whose code was not analysed ("not analysed" in ``twelvecheck formation``) reaches
  nothing here.

So ``--reachable-only`` may leave out findings in code that does run; it is a way to look
first at what certainly runs, not a gate's only check.
"""

from __future__ import annotations

from twelvecheck.core.findings import Finding
from twelvecheck.deploy.process_model import ProcessModel, ProcessType


def process_types_by_finding(model: ProcessModel | None) -> dict[int, list[ProcessType]]:
    """id(finding) -> the process types that reach it, in declaration order."""
    reached: dict[int, list[ProcessType]] = {}
    if model is None:
        return reached
    for ptype in model.process_types():
        for finding in ptype.findings:
            reached.setdefault(id(finding), []).append(ptype)
    return reached


def label(ptype: ProcessType) -> str:
    """``web (Procfile)``: the process type and the file that declares it."""
    return f"{ptype.name} ({ptype.path or 'formation'})"


def reachable_only(findings: list[Finding], model: ProcessModel | None) -> list[Finding]:
    """The findings some process type reaches."""
    reached = process_types_by_finding(model)
    return [finding for finding in findings if id(finding) in reached]
