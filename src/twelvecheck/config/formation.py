"""The formation as the configuration and the command line give it: process type = quantity.

``[tool.twelvecheck.formation]`` (``web = 3``) and ``--formation web=3,worker=5``: read and
checked here, each an override of ``app.json`` for the app it is meant for
(``deploy/process_model.py`` finds that app).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from twelvecheck.core.values import Mutable

NAME_RE = re.compile(r"[A-Za-z0-9_-]+")  # what honcho and foreman read as a process type


class FormationOverride(Mutable):
    """Quantities from the configuration or the command line, and the app they are for."""

    _fields = ("quantities", "source", "roots", "required")
    quantities: dict[str, int]
    source: str  # as messages and the formation table show it: "--formation", "app.json"...
    roots: list[Path]  # it is for the app whose folder holds one of these (the nearest Procfile)
    required: bool  # said on the command line: an error when no app can take it

    def __init__(self, quantities: dict[str, int], source: str, roots: list[Path],
                 required: bool = False) -> None:
        self.quantities = quantities
        self.source = source
        self.roots = roots
        self.required = required


def config_source(path: Path) -> str:
    """How the formation table of a configuration file is named in messages."""
    return f"{path.name} [tool.twelvecheck.formation]" if path.name == "pyproject.toml" else f"{path.name} [formation]"


def parse_formation_option(text: str) -> dict[str, int]:
    """``web=3,worker=5`` -> {"web": 3, "worker": 5}; ValueError with the reason otherwise."""
    quantities: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not NAME_RE.fullmatch(name):
            raise ValueError(f"{part!r} is not TYPE=QUANTITY (e.g. web=3)")
        if not re.fullmatch(r"\d+", value):
            raise ValueError(f"the quantity of {name} ({value!r}) is not a whole number >= 0")
        if name in quantities:
            raise ValueError(f"{name} is given twice")
        quantities[name] = int(value)
    if not quantities:
        raise ValueError(f"{text!r} names no process type: expected TYPE=QUANTITY[,TYPE=QUANTITY...] "
                         "(e.g. web=3,worker=2)")
    return quantities


def config_problem(value: Any) -> tuple[str, str] | None:
    """(the key below ``formation`` or "", what is wrong) for an unusable formation table, or None."""
    if not isinstance(value, dict):
        return "", "expected a table of process type = quantity (web = 3)"
    for name, quantity in value.items():
        if not NAME_RE.fullmatch(str(name)):
            return f".{json.dumps(name)}", f"{name!r} is not a process type name (letters, digits, '_' and '-')"
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            return f".{name}", f"expected a whole number >= 0, got {type(quantity).__name__} {quantity!r}"
    return None
