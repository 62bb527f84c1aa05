"""Whole-program findings (TWC302, TWC303) point at the loop or the call their message names,
never at an import on line 1, and carry the other places they are about as related
locations: in the JSON report (``related_locations``, in its schema), SARIF
(``relatedLocations``) and HTML, and through the cache and the run record."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import write

REPO = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "src" / "twelvecheck" / "schemas" / "report-v1.schema.json").read_text())

# A worker run whole by a Procfile: imports on lines 1-2, its loop on line 6.
WORKER = "import time\nimport json\n\n\nprint(json.dumps({'started': True}))\nwhile True:\n    time.sleep(5)\n"
# A __main__ block (line 8) whose loop is in another function (line 4).
MAIN_BLOCK = ("import time\n\ndef serve():\n    while True:\n        time.sleep(1)\n\n\n"
              "if __name__ == '__main__':\n    serve()\n")


def report(run, *args: str) -> dict:
    proc = run("--format", "json", "--select", "TWC302", *args, ".")
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    return document


def test_a_module_run_whole_is_reported_at_its_loop_with_the_procfile_related(project, run):
    write(project, "Procfile", "web: gunicorn app:app\nworker: python worker.py\n")
    write(project, "worker.py", WORKER)
    [finding] = report(run)["findings"]
    assert (finding["path"], finding["line"]) == ("worker.py", 6)
    assert "(this while True loop)" in finding["message"]
    assert [(place["path"], place["line"], place["message"]) for place in finding["related_locations"]] == [
        ("worker.py", 1, "the entry point: process type 'worker' (Procfile) runs this module"),
        ("Procfile", 2, "declares process type 'worker' (Procfile)"),
    ]


def test_a_package_main_module_whose_loop_is_elsewhere_is_reported_at_its_run_call(project, run):
    write(project, "Procfile", "worker: python -m jobs\n")
    write(project, "jobs/__init__.py", "")
    write(project, "jobs/__main__.py", "import logging\nfrom jobs.poll import main\n\nlogging.basicConfig()\nmain()\n")
    write(project, "jobs/poll.py", "import time\n\n\ndef main():\n    while True:\n        time.sleep(1)\n")
    [finding] = report(run)["findings"]
    assert (finding["path"], finding["line"]) == ("jobs/__main__.py", 5)  # main(), its last call
    assert [(place["path"], place["line"]) for place in finding["related_locations"]] == [
        ("jobs/poll.py", 5), ("Procfile", 1)]


def test_a_main_block_keeps_its_place_and_relates_its_loop(project, run):
    write(project, "service.py", MAIN_BLOCK)
    [finding] = report(run)["findings"]
    assert (finding["line"], finding["related_locations"][0]["line"]) == (8, 4)
    assert finding["related_locations"][0]["message"] == "while True loop: what keeps the process alive"


def test_related_locations_survive_the_cache_and_the_run_record(project, run):
    write(project, "service.py", MAIN_BLOCK)
    cold = report(run)
    assert report(run) == cold  # answered from the run record
    assert report(run, "--no-cache") == cold


def test_sarif_has_the_related_locations(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", WORKER)
    proc = run("--format", "sarif", "--select", "TWC302", ".")
    [result] = json.loads(proc.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    related = [(place["id"], place["physicalLocation"]["artifactLocation"]["uri"],
                place["physicalLocation"]["region"]["startLine"], place["message"]["text"])
               for place in result["relatedLocations"]]
    assert related == [(0, "worker.py", 1, "the entry point: process type 'worker' (Procfile) runs this module"),
                       (1, "Procfile", 1, "declares process type 'worker' (Procfile)")]


def test_the_html_report_lists_the_related_places(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", WORKER)
    page = run("--format", "html", "--select", "TWC302", ".").stdout
    assert '<ul class="related" aria-label="Related places">' in page
    assert "<code>Procfile</code>, line 1: declares process type &#39;worker&#39; (Procfile)" in page


def test_a_suppression_at_the_module_start_still_silences_it(project, run):
    write(project, "Procfile", "worker: python worker.py\n")
    write(project, "worker.py", WORKER.replace("import time\n", "import time  # twelvecheck: ignore[TWC302]\n", 1))
    proc = run("--format", "json", "--select", "TWC302", ".")
    assert json.loads(proc.stdout)["findings"] == []
