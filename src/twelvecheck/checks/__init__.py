"""One module per rule. Importing this package imports them all, which registers them.

Modules whose names start with an underscore hold helpers shared by several rules.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
