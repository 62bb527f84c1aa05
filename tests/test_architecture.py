"""The package's layers, kept: import-linter's contracts (pyproject.toml, [tool.importlinter])
run on every test run, so a new import cycle or an import against the layers fails CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from twelvecheck.core import toml

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "twelvecheck"


def test_import_contracts_are_kept():
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())", "--no-cache"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in proc.stdout, proc.stdout[-2000:]


def test_every_package_is_in_a_layer():
    """A new top-level package has to take its place in the layers, or nothing checks it."""
    config = toml.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c["layers"] for c in config["contracts"] if c["type"] == "layers")
    layered = {name.strip().removeprefix("twelvecheck.") for layer in layers for name in layer.split("|")}
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert packages == layered, f"in no layer: {sorted(packages - layered)}; no such package: {sorted(layered - packages)}"
    top_modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert top_modules == ["__init__.py", "__main__.py"], f"modules outside the layers: {top_modules}"


def test_no_module_is_over_the_size_the_style_allows_without_a_reason():
    """About 450 lines at most; a longer module says why in a `# size:` comment."""
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 450 and "# size:" not in text:
            long.append(f"{path.relative_to(PACKAGE)} ({text.count(chr(10))} lines)")
    assert not long, long
