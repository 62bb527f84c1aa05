"""docs/adding-a-rule.md stays true: the modules, tests and names it points at exist, its
Python parses, and the rule it uses as the first example is as it shows it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDE = (REPO / "docs" / "adding-a-rule.md").read_text(encoding="utf-8")
PACKAGE = REPO / "src" / "twelvecheck"


def _named_files() -> set[str]:
    """Every `path/to/file.py` (or `.md`) the guide names in backticks."""
    return set(re.findall(r"`((?:[\w./-]+/)?[\w-]+\.(?:py|md))", GUIDE))


def test_every_file_the_guide_names_exists():
    missing = []
    for name in sorted(_named_files()):
        if "TWCnnn" in name or name.startswith("../") or name == "app.py":
            continue  # a placeholder, the corpus outside the repository, a case's default file
        candidates = [REPO / name, PACKAGE / name, *PACKAGE.glob(f"*/{name}"), *PACKAGE.glob(f"*/*/{name}")]
        if not any(path.is_file() for path in candidates):
            missing.append(name)
    assert not missing, f"the guide names files that do not exist: {missing}"


def test_the_guides_python_parses():
    for block in re.findall(r"```python\n(.*?)```", GUIDE, re.S):
        ast.parse(block)


def test_the_first_example_is_the_rule_as_it_is():
    block = re.search(r"```python\n(class BasicConfigFilename.*?)```", GUIDE, re.S).group(1)
    source = (PACKAGE / "checks" / "logging" / "basicconfig_filename.py").read_text(encoding="utf-8")
    assert block in source
