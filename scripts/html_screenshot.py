"""Write docs/html-report.png: the HTML report of fixtures/ as headless Chromium shows it, and
docs/html-report-fix.png beside it: the first finding whose fix the report shows.

    python scripts/html_screenshot.py [OUTPUT.png]

Needs Playwright's Python package (in the test extra) and a system Chromium (Debian:
``apt-get install chromium``); like the tests, it never downloads a browser. Run it from
anywhere: the report is made from this checkout's fixtures/ with paths relative to it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "html-report.png"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.html"
        proc = subprocess.run([sys.executable, "-m", "twelvecheck", "--format", "html", "-o", str(report),
                               "fixtures"], cwd=REPO, capture_output=True, text=True)
        if proc.returncode not in (0, 1):  # 1: fixtures/ has findings, as it should
            sys.stderr.write(proc.stderr)
            return proc.returncode
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(report.as_uri())
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
            fixed = output.with_name(output.stem + "-fix" + output.suffix)
            page.locator("article[data-finding]:has([data-fix])").first.screenshot(path=str(fixed))
            browser.close()
    print(f"wrote {output} and {fixed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
