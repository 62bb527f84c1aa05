"""What the whole-program facts read for the signal rules beyond a literal
``signal.signal(signal.SIGTERM, handler)``: platform tests (program/platforms.py), what calls
return and attributes hold (program/holds.py, Project.instances), signals named by
constants or passed as parameters."""

from __future__ import annotations

import ast

import pytest

from twelvecheck.engine.factscope import FileScope
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.program.platforms import on_linux
from twelvecheck.program.project import Project


def _facts(source: str, module: str = "app") -> dict:
    return ProgramFacts.collect(FileScope(ast.parse(source), source, module, False, frozenset()))


def _test(expression: str, imports: str = "import os, platform, sys") -> bool | None:
    tree = ast.parse(f"{imports}\nif {expression}:\n    pass\n")
    scope = FileScope(tree, "", "app", False, frozenset())
    return on_linux(tree.body[-1].test, scope.qualify)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("expression", "verdict"), [
    ('sys.platform == "win32"', False), ('sys.platform != "win32"', True),
    ('sys.platform.startswith("win")', False), ('sys.platform.startswith(("linux", "darwin"))', True),
    ('os.name == "nt"', False), ('os.name == "posix"', True), ('platform.system() == "Windows"', False),
    ('platform.system().lower() in ("windows", "cygwin")', False), ('not sys.platform.startswith("win")', True),
    ('sys.platform == "darwin"', False), ('os.name == "nt" or debug', None), ('os.name == "nt" and debug', False),
    ("debug", None), ('mode == "win32"', None),
])
def test_platform_tests_are_read_as_linux_reads_them(expression, verdict):
    assert _test(expression) is verdict


def test_platform_read_through_from_imports():
    assert _test('platform == "win32"', "from sys import platform") is False
    assert _test('system() == "Windows"', "from platform import system") is False


def test_handler_in_a_windows_branch_is_not_recorded():
    units = _facts("""
import signal, sys
def install(stop):
    if sys.platform == "win32":
        signal.signal(signal.SIGTERM, stop)
    else:
        signal.signal(signal.SIGINT, stop)
""")["units"]
    assert units["app.install"]["sigterm"] == [] and units["app.install"]["sigint"] is True


def test_holds_and_instances_follow_returns_attributes_and_module_names():
    factory = _facts("""
from core import Bot
def make() -> Bot:
    return build()
def build():
    bot = Bot()
    return bot
""", "factory")
    assert factory["holds"] == {"factory.build()": ["core.Bot()"], "factory.make()": ["core.Bot()", "factory.build()"]}
    core = _facts("class Bot:\n    def run(self):\n        pass\n", "core")
    service = _facts("""
from factory import make
bot = make()
class Service:
    def __init__(self):
        self.bot = make()
    def run(self):
        self.bot.run()
""", "service")
    assert service["holds"] == {"service.Service.bot": ["factory.make()"], "service.bot": ["factory.make()"]}
    assert "service.Service.bot.run" in service["units"]["service.Service.run"]["calls"]
    project = Project({"factory.py": {"program": factory}, "core.py": {"program": core},
                       "service.py": {"program": service}})
    assert project.resolve("service.Service.bot.run") == ["core.Bot.run"]
    assert project.resolve("service.bot.run") == ["core.Bot.run"]
    assert project.resolve("factory.make().run") == ["core.Bot.run"]
    assert project.instances("factory.make()")[0] == ["core.Bot"]


def test_signals_named_by_constants_and_parameters():
    facts = _facts("""
import signal
from settings import STOP_SIGNALS
SIGNALS = (signal.SIGTERM, signal.SIGINT)
def install(signum, handler):
    signal.signal(signum, handler)
def main(stop):
    for sig in STOP_SIGNALS:
        signal.signal(sig, stop)
    install(signal.SIGTERM, stop)
""")
    assert facts["signal_constants"] == {"app.SIGNALS": ["SIGINT", "SIGTERM"]}
    units = facts["units"]
    assert units["app.install"]["signal_params"] == [[0, "signum"]]
    assert units["app.main"]["signal_refs"] == ["settings.STOP_SIGNALS"]
    assert units["app.main"]["signal_args"] == [["app.install", 0, ["SIGTERM"]]]
