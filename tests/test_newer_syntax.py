"""A file written for a newer Python than the one twelvecheck runs on is not called broken:
its TWC001 says which Python reads that syntax (knowledge/syntax.toml), and a file that is
broken for every Python keeps the plain message. On a Python that reads the syntax, the
same files are analysed like any other."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import write

# (file, source, the Python that reads it, words of the feature the finding names)
NEWER = [
    ("shop/pricing.py", "def cheapest[T](items: list[T]) -> T:\n    return min(items)\n",
     (3, 12), "type parameter lists"),
    ("shop/boxes.py", "class Box[T]:\n    def __init__(self, item: T) -> None:\n        self.item = item\n",
     (3, 12), "type parameter lists"),
    ("shop/types.py", "type Pair = tuple[int, int]\n", (3, 12), "the `type` statement"),
    ("shop/labels.py", "ROW = {'sku': 'A1'}\nLABEL = f'{ROW['sku']}'\n", (3, 12), "f-strings"),
    ("shop/defaults.py", "def pick[T = int](value: T) -> T:\n    return value\n", (3, 13),
     "type parameter defaults"),
    ("shop/errors.py", "def parse(text):\n    try:\n        return int(text)\n    except ValueError, TypeError:\n"
                       "        return None\n", (3, 14), "`except` with several exception types"),
]
BROKEN = ("shop/legacy.py", "print 'starting'\n")


def _parse_errors(result) -> dict[str, str]:
    return {finding["path"]: finding["message"] for finding in json.loads(result.stdout)["findings"]
            if finding["code"] == "TWC001"}


def test_newer_syntax_is_named_with_the_python_that_reads_it(project, run):
    write(project, "shop/__init__.py", "")
    for path, source, _, _ in NEWER:
        write(project, path, source)
    write(project, *BROKEN)
    errors = _parse_errors(run("--no-cache", "--format", "json", "."))
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for path, _, python, feature in NEWER:
        if sys.version_info[:2] >= python:
            assert path not in errors, errors[path]  # read by this Python: analysed
            continue
        version = f"{python[0]}.{python[1]}"
        assert errors[path].startswith(f"cannot analyze this file: not valid Python {running} ("), errors[path]
        assert f"the Python twelvecheck runs on; Python {version} reads {feature}" in errors[path], errors[path]
        assert errors[path].endswith(f"run twelvecheck on Python {version} or later"), errors[path]
    # Broken for every Python: the plain reason, naming no version.
    assert errors[BROKEN[0]] == ("cannot analyze this file: not valid Python: Missing parentheses in call to "
                                 "'print'. Did you mean print(...)?")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="this Python reads type parameter lists")
def test_the_finding_points_at_the_line_the_parser_stopped(project, run):
    write(project, "svc.py", "import os\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n")
    result = run("--no-cache", "svc.py")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("svc.py:4:"), result.stdout
