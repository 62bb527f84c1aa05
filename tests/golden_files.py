"""Golden files: ``tests/golden/<name>``; ``TWELVECHECK_UPDATE_GOLDEN=1 pytest`` rewrites them.

Output is normalized before comparing: the twelvecheck version becomes ``{VERSION}`` and the
checkout's location ``{REPO}``, so the files do not change with a release or a machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from twelvecheck import __version__

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
UPDATE = bool(os.environ.get("TWELVECHECK_UPDATE_GOLDEN"))


def normalize(text: str) -> str:
    text = text.replace(REPO.as_uri(), "file:///{REPO}").replace(str(REPO), "{REPO}")
    return text.replace(f'"{__version__}"', '"{VERSION}"').replace(f"twelvecheck {__version__}", "twelvecheck {VERSION}")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    actual = normalize(text)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert path.is_file(), f"{path} is missing: run the tests with TWELVECHECK_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{name} differs from the golden file; if the change is intended, "
                                "regenerate with TWELVECHECK_UPDATE_GOLDEN=1")
