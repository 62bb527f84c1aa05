"""twelvecheck: a static analyzer for the Twelve-Factor process model."""

import importlib.util
import sys
import types

__version__ = "0.1.0"


class _LazyModule(types.ModuleType):
    """A package whose code runs when a name it defines is first looked up.

    Unlike the standard library's ``LazyLoader`` (which, on Python 3.11, loads on any
    attribute, so the next module's ``import libcst`` loads it through ``__spec__``), the
    import system's own attributes are ordinary ones here; only a missing name runs the code.
    """

    def __getattr__(self, name: str):  # called only for names the module does not have yet
        loader = self.__dict__.pop("_twelvecheck_deferred_loader", None)
        if loader is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        self.__class__ = types.ModuleType
        loader.exec_module(self)
        return getattr(self, name)


def _import_libcst_lazily() -> None:
    """Make ``import libcst`` cheap until the first name from it is used.

    Importing libcst takes about 0.3 s, most of a run whose files all come from the cache,
    and such a run never touches a syntax tree. The rule modules import it at the top as
    usual and use it inside functions; loaded this way, that import costs nothing until a file
    is parsed. ``tests/test_lazy_imports.py`` checks that ``--version`` and a fully cached
    run never load it.
    """
    if "libcst" in sys.modules:
        return
    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return  # left to the ordinary import, and its ordinary error where it is used
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _LazyModule
    module._twelvecheck_deferred_loader = spec.loader  # type: ignore[attr-defined]
    sys.modules["libcst"] = module


_import_libcst_lazily()
