"""Names a package re-exports (``from .core import Service`` or ``import *`` in its
``__init__.py``), followed by Project.canonical: what they name, and that odd spellings
(a function shadowing its own submodule, two packages re-exporting each other) end."""

from __future__ import annotations

import ast

from twelvecheck.engine.factscope import FileScope
from twelvecheck.program.facts import ProgramFacts
from twelvecheck.program.project import Project


def _project(files: dict[str, tuple[str, bool]]) -> Project:
    """``files``: module name -> (source, is a package's __init__)."""
    facts = {}
    for module, (source, is_package) in files.items():
        scope = FileScope(ast.parse(source), source, module, is_package, frozenset())
        facts[f"{module}.py"] = {"program": ProgramFacts.collect(scope)}
    return Project(facts)


LOOP = "import time\n\ndef run():\n    while True:\n        time.sleep(1)\n\nclass Service:\n    def start(self):\n        run()\n"


def test_a_name_and_a_star_reexport_name_the_definition():
    project = _project({
        "svc": ("from .core import *\nfrom .core.loop import run as go\n", True),
        "svc.core": ("from .loop import Service\n", True),
        "svc.core.loop": (LOOP, False),
    })
    assert project.canonical("svc.go") == "svc.core.loop.run"
    assert project.canonical("svc.Service.start") == "svc.core.loop.Service.start"
    assert project.resolve("svc.Service.start") == ["svc.core.loop.Service.start"]
    assert project.resolve("svc.Service") == []  # a class without __init__ runs nothing of its own
    assert project.defining_modules("svc.Service") >= {"svc", "svc.core", "svc.core.loop"}


def test_a_function_shadowing_its_submodule_is_the_function_only_when_called_by_that_name():
    project = _project({
        "pkg": ("from .actor import actor\n", True),
        "pkg.actor": ("def actor():\n    pass\n\nclass Actor:\n    pass\n", False),
    })
    assert project.resolve("pkg.actor") == ["pkg.actor.actor"]
    assert project.canonical("pkg.actor.Actor") == "pkg.actor.Actor"
    assert project.resolve("pkg.actor.actor.Actor") == []  # no growing chain of re-exports


def test_packages_re_exporting_each_other_end():
    project = _project({
        "a": ("from b import thing\n", True),
        "b": ("from a import thing\n", True),
    })
    assert project.resolve("a.thing") == []
    assert project.canonical("a.thing") in ("a.thing", "b.thing")
