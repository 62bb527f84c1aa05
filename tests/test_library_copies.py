"""A folder holding its own packaging metadata and licence is a vendored library copy only
while nothing outside it imports it (files/roles.py, run/library_copies.py): a monorepo's
library that a service imports is production code and reported; the same folder copied in
and unused is passed over. The real command line on a monorepo laid out as real ones are."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import report_json as findings, write

from twelvecheck.files.roles import is_packaging_metadata

FILE_LOG = "import logging\n\n\ndef sink(name):\n    return logging.FileHandler(name + '.log')\n"
PYPROJECT = '[project]\nname = "{name}"\nversion = "1.0"\n\n[build-system]\nrequires = ["hatchling"]\n'
POETRY = '[tool.poetry]\nname = "{name}"\nversion = "0.3.1"\n'


def library(root: Path, folder: str, package: str, code: str, metadata: str = PYPROJECT) -> None:
    write(root, f"{folder}/pyproject.toml", metadata.format(name=package))
    write(root, f"{folder}/LICENSE", "Copyright 2021 the authors.\n\nPermission is hereby granted...\n")
    write(root, f"{folder}/{package}/__init__.py", "")
    write(root, f"{folder}/{package}/core.py", code)
    write(root, f"{folder}/tests/test_core.py", f"from {package}.core import sink\n\nsink('test')\n")


@pytest.fixture
def monorepo(project: Path) -> Path:
    write(project, "pyproject.toml", '[tool.black]\nline-length = 100\n')
    write(project, "Procfile", "worker: python -m orders.worker\n")
    write(project, "orders/__init__.py", "")
    write(project, "orders/worker.py", "import time\n\nfrom . import util\n\n"
                                       "while True:\n    util.settle()\n    time.sleep(5)\n")
    write(project, "orders/util.py", "def settle():\n    return None\n")
    library(project, "libs/ledger", "ledger", FILE_LOG)  # a library of the monorepo
    library(project, "libs/geohash", "geohash", FILE_LOG, POETRY)  # copied in, never imported
    return project


def roles(document: dict) -> set[tuple[str, str, str]]:
    return {(f["path"], f["code"], f["file_role"]) for f in document["findings"] if f["code"] != "TWC302"}


def test_an_unused_library_copy_is_passed_over(monorepo, run):
    document = findings(run)
    assert roles(document) == set()
    assert document["summary"]["passed_over"] == {"test": 2, "vendored": 4}


def test_a_library_the_service_imports_is_production_code(monorepo, run):
    write(monorepo, "orders/util.py", "from ledger.core import sink\n\n\ndef settle():\n    return sink('orders')\n")
    document = findings(run)
    assert roles(document) == {("libs/ledger/ledger/core.py", "TWC201", "production")}
    assert document["summary"]["passed_over"] == {"test": 2, "vendored": 2}  # geohash's two modules


def test_a_copy_imported_by_a_copy_in_use_is_in_use(monorepo, run):
    write(monorepo, "orders/util.py", "import ledger.core as books\n\n\ndef settle():\n    return books.sink('x')\n")
    write(monorepo, "libs/ledger/ledger/__init__.py", "from geohash import core as _geo  # noqa\n")
    document = findings(run)
    assert roles(document) == {("libs/ledger/ledger/core.py", "TWC201", "production"),
                               ("libs/geohash/geohash/core.py", "TWC201", "production")}
    assert document["summary"]["passed_over"] == {"test": 2, "vendored": 0}


def test_only_tests_importing_a_copy_do_not_use_it_for_production_but_keep_it_checked(monorepo, run):
    # The project's own tests import it: it is the project's library, not a copy nobody uses.
    write(monorepo, "tests/test_geo.py", "from geohash.core import sink\n")
    assert roles(findings(run)) == {("libs/geohash/geohash/core.py", "TWC201", "production")}


def test_a_folder_with_a_licence_but_no_packaging_metadata_or_with_a_deployment_is_no_copy(monorepo, run):
    write(monorepo, "libs/geohash/pyproject.toml", "[tool.ruff]\nline-length = 100\n")  # settings only
    write(monorepo, "services/pricing/pyproject.toml", PYPROJECT.format(name="pricing"))
    write(monorepo, "services/pricing/LICENSE", "Proprietary.\n")
    write(monorepo, "services/pricing/Dockerfile", "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"pricing\"]\n")
    write(monorepo, "services/pricing/pricing/__main__.py", FILE_LOG)
    assert roles(findings(run)) == {("libs/geohash/geohash/core.py", "TWC201", "production"),
                                    ("services/pricing/pricing/__main__.py", "TWC201", "production")}


@pytest.mark.parametrize("name, text, expected", [
    ("setup.py", "from setuptools import setup\nsetup(name='x')\n", True),
    ("setup.cfg", "[metadata]\nname = x\n", True),
    ("setup.cfg", "[flake8]\nmax-line-length = 100\n", False),
    ("pyproject.toml", PYPROJECT.format(name="x"), True),
    ("pyproject.toml", POETRY.format(name="x"), True),
    ("pyproject.toml", "[tool.mypy]\nstrict = true\n", False),
    ("pyproject.toml", "[project\nname =", False),  # unreadable: no distribution
])
def test_packaging_metadata(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    assert is_packaging_metadata(tmp_path / name) is expected
