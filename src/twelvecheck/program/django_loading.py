"""What Django and celery import by name, as calls of the program model: the code a process
reaches through them (deploy/reach.py, the whole-program rules) though no import statement
names it.

- ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")`` (or an assignment to
  ``os.environ["DJANGO_SETTINGS_MODULE"]``): ``django.setup()`` imports that module.
- A settings module's ``INSTALLED_APPS``: ``django.setup()`` imports each app, its ``apps``
  module (the AppConfig, whose ``ready()`` Django calls: it often imports signal handlers)
  and its ``models``;
  the admin imports each app's ``admin``. ``ROOT_URLCONF`` (and the views its patterns
  import) and ``MIDDLEWARE`` classes are imported by the HTTP handler, which the code that
  calls ``get_wsgi_application()``/``get_asgi_application()`` makes: a web process, not a
  worker. Only literal strings are read; ``INSTALLED_APPS += [...]`` adds.
- celery's ``app.autodiscover_tasks()`` imports the ``tasks`` module of each package it is
  given: a literal list, else (no argument, or ``lambda: settings.INSTALLED_APPS``) the
  installed apps of the settings module the same file names. The settings module's facts
  hold a unit ``<settings>.<installed_tasks>`` that calls each app's ``tasks`` module, so the
  call reaches them through the model like any other.

Verified against Django 5.2 (django/apps/registry.py populate, django/contrib/admin
autodiscover, django/core/handlers/base.py) and celery 5.4 (Celery.autodiscover_tasks).
"""

from __future__ import annotations

import ast
import re

SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
# What django.setup() and the admin import of each installed app, besides the app itself.
APP_SUBMODULES = ("apps", "models", "admin")
APP_CONFIG = "django.apps.AppConfig"  # its ready() runs once the apps are loaded
HTTP_HANDLER = "<http_handler>"  # the unit of a settings module naming what the HTTP handler loads
# What makes Django's HTTP handler, which loads MIDDLEWARE at once and ROOT_URLCONF at the
# first request: a web process, not a celery worker or a management command.
HANDLER_FACTORIES = frozenset({
    "django.core.wsgi.get_wsgi_application", "django.core.asgi.get_asgi_application",
    "django.core.handlers.wsgi.WSGIHandler", "django.core.handlers.asgi.ASGIHandler",
})
INSTALLED_TASKS = "<installed_tasks>"  # the unit of a settings module naming its apps' tasks modules
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def settings_named(node: ast.Call, callee: str) -> str | None:
    """The settings module ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")`` names."""
    if callee != "os.environ.setdefault" or len(node.args) < 2:
        return None
    return _settings_value(node.args[0], node.args[1])


def settings_assigned(node: ast.Assign, qualify) -> str | None:
    """The settings module ``os.environ["DJANGO_SETTINGS_MODULE"] = "x"`` names."""
    for target in node.targets:
        if isinstance(target, ast.Subscript) and qualify(target.value) == "os.environ":
            return _settings_value(target.slice, node.value)
    return None


def _settings_value(key: ast.expr, value: ast.expr) -> str | None:
    if isinstance(key, ast.Constant) and key.value == SETTINGS_VARIABLE and isinstance(value, ast.Constant) \
            and isinstance(value.value, str) and _MODULE.match(value.value):
        return value.value
    return None


def settings_loads(tree: ast.Module) -> tuple[list[str], list[str], list[str]]:
    """(the modules django.setup() imports by name from these settings, the installed apps,
    the modules the HTTP handler imports: URLconf and middleware), read from the module's
    top-level assignments; nothing when it sets no ``INSTALLED_APPS``."""
    apps: list[str] = []
    others: list[str] = []
    for statement in tree.body:
        name, value = _assigned(statement)
        if name == "INSTALLED_APPS":
            apps += _app_packages(value)
        elif name == "ROOT_URLCONF" and isinstance(value, ast.Constant) and isinstance(value.value, str):
            others += [value.value] if _MODULE.match(value.value) else []
        elif name == "MIDDLEWARE":
            others += [entry.rpartition(".")[0] for entry in _strings(value) if "." in entry]
    if not apps:
        return [], [], []
    loads = [module for app in apps for module in (app, *(f"{app}.{sub}" for sub in APP_SUBMODULES))]
    return loads, apps, others


def tasks_packages(node: ast.Call) -> list[str] | None:
    """The packages ``autodiscover_tasks`` is given as a literal list; None when it is given
    none, or a callable (then it takes the installed apps)."""
    if not node.args:
        return None
    listed = _strings(node.args[0])
    return listed if listed or isinstance(node.args[0], (ast.List, ast.Tuple)) else None


def _assigned(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and isinstance(statement.target, ast.Name) \
            and statement.value is not None:
        return statement.target.id, statement.value
    return None, None


def _strings(value: ast.expr | None) -> list[str]:
    if isinstance(value, (ast.List, ast.Tuple)):
        return [item.value for item in value.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _strings(value.left) + _strings(value.right)
    return []


def _app_packages(value: ast.expr | None) -> list[str]:
    """The packages of INSTALLED_APPS entries: ``shop`` and ``shop.apps.ShopConfig`` alike."""
    found = []
    for entry in _strings(value):
        if not _MODULE.match(entry):
            continue
        package, _, last = entry.rpartition(".")
        # An AppConfig's dotted path ends with a class name: its app is the module's package.
        found.append(package.rpartition(".")[0] or package if last[:1].isupper() and package else entry)
    return found
