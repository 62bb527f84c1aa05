"""``libcst`` and ``yaml``, imported when a name from them is first used rather than when a module loads.

Importing libcst takes about 0.3 s: most of a run whose files all come from the cache, and
such a run never touches a syntax tree. twelvecheck's modules write
``from twelvecheck.core.lazy import libcst as cst`` and use ``cst.Name`` as usual; the first such
lookup imports libcst (an ordinary import, so other code importing libcst or its submodules
is unaffected) and copies its names here, so later lookups cost what a module's do.
``tests/test_lazy_imports.py`` checks that ``--version`` and a fully cached run never import it.
PyYAML is deferred the same way (``from twelvecheck.core.lazy import yaml``): only Procfiles,
app.json and YAML logging configs need it, and its import costs about 20 ms; so are the TOML
reader (core/toml.py) and configparser (files/roles.py), which only some projects need.
"""

from __future__ import annotations

import importlib
import types
from typing import Any


class _Deferred(types.ModuleType):
    def __getattr__(self, name: str) -> Any:  # only for names not copied here yet
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def deferred(name: str) -> Any:
    """The module ``name``, imported on the first use of one of its names."""
    return _Deferred(name)


libcst: Any = deferred("libcst")
yaml: Any = deferred("yaml")
