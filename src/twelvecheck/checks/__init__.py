"""One module per rule, one folder per family. Importing this package imports them all, which registers them.

Modules whose names start with an underscore hold helpers shared by several rules.
"""

import importlib
import pkgutil

for _module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
    if not _module.name.rsplit(".", 1)[-1].startswith("_"):
        importlib.import_module(_module.name)
