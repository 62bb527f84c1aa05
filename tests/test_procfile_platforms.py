"""The platform table replays the 28 edge cases of ../shared/corpus/procfiles/PARSERS.md,
where ten real Procfile parsers were run: same process types, same commands, same failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twelvecheck.deploy.platforms import PLATFORMS, read_as

PARSERS_MD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "procfiles" / "PARSERS.md"

# The inputs of the 28 cases, rebuilt from their names and the parsers' answers.
CASES = {
    "01_basic": "web: gunicorn app:app\nworker: celery -A x worker\n",
    "02_leading_ws": "  web: gunicorn app\n",
    "03_no_space_after_colon": "web:gunicorn app\n",
    "04_space_before_colon": "web : gunicorn app\n",
    "05_no_colon": "web gunicorn app\n",
    "06_dot_in_name": "web.1: gunicorn\n",
    "07_upper_underscore": "Web_Worker: x\n",
    "08_hyphen_name": "web-admin: x\n",
    "09_comment_line": "# a comment\nweb: bar\n",
    "10_indented_comment": "  # a comment\nweb: bar\n",
    "11_slash_comment": "// a comment\nweb: bar\n",
    "12_midline_hash": "web: gunicorn app # comment\n",
    "13_empty_cmd": "web:\n",
    "14_ws_only_cmd": "web:  \n",
    "15_crlf": "web: gunicorn app\r\nworker: celery\r\n",
    "16_crlf_blank_line": "web: a\r\n\r\nworker: b\r\n",
    "17_bare_cr": "web: a\rworker: b\r",
    "18_bom": "\ufeffweb: gunicorn\nworker: celery\n",
    "19_duplicate": "web: a\nweb: b\n",
    "20_trailing_ws_cmd": "web: gunicorn app   \n",
    "21_tab_after_colon": "web:\tgunicorn\n",
    "22_name_64_chars": "a" * 64 + ": x\n",
    "23_ws_only_line": "web: a\n   \nworker: b\n",
    "24_garbage_line": "web: a\ngarbage!\nworker: b\n",
    "25_colon_space_in_cmd": "web: socat system:\"echo 'Connection: close'\"\n",
    "26_quoted_cmd": "web: \"python app.py\"\n",
    "27_no_trailing_newline": "web: a",
    "28_empty_file": "",
}
_ENTRY_RE = re.compile(r"([^\s=,]+)='((?:[^'\\]|\\.)*)'")


def _expected(cell: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    cell = cell.strip()
    failed = "ERR:" in cell
    entries = tuple((name, value.encode().decode("unicode_escape")) for name, value in _ENTRY_RE.findall(cell.split("ERR:")[0]))
    return entries, failed


def _table() -> list[tuple[str, str, str]]:
    if not PARSERS_MD.is_file():
        return []
    rows = [line.strip().strip("|").split(" | ") for line in PARSERS_MD.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| case")]
    header = [cell.strip() for cell in PARSERS_MD.read_text(encoding="utf-8").splitlines()[0].strip("|").split("|")]
    return [(row[0].strip(), header[index], cell) for row in rows for index, cell in enumerate(row) if index]


@pytest.mark.skipif(not PARSERS_MD.is_file(), reason="../shared/corpus is not checked out next to this repository")
@pytest.mark.parametrize(("case", "platform", "cell"), _table(), ids=lambda v: v if len(v) < 30 else None)
def test_platform_reads_the_case_like_the_real_parser(case, platform, cell):
    reading = read_as(platform, CASES[case])
    expected_entries, expected_failure = _expected(cell)
    listed, failed = reading.verdict()
    exact = tuple((n, c) for n, c, line in reading.entries if reading.error is None or
                  (reading.platform.partial and line < reading.error[0]))
    if reading.error is None:
        exact = tuple(reading.process_types)
    assert failed == expected_failure, (reading.error, cell)
    assert exact == expected_entries, cell


def test_every_platform_of_the_table_is_in_parsers_md():
    if not PARSERS_MD.is_file():
        pytest.skip("../shared/corpus is not checked out next to this repository")
    assert {platform for _, platform, _ in _table()} == set(PLATFORMS)
