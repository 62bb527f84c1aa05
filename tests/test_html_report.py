"""``--format html``: one self-contained, escaped page, checked as text and in a real Chromium.

The text tests read the page with ``html.parser``. The browser tests drive Debian's
``chromium`` through Playwright's Python package (never a downloaded browser: CI has no
network but the package registries); they skip, saying why, when either is missing. One
browser serves the whole module.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FILE_HANDLER, write
from test_report_formats import REPO, in_repo

from twelvecheck.reports.markdown import to_html
from twelvecheck.core.ruledocs import load_rule_docs

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Payloads for every place a repository's text reaches the page: file names, source lines,
# messages (they quote Procfile commands and app.json keys) and the process-type summary.
# Any of them that ran would set window.__pwned or open an alert dialog.
PWN = "<script>window.__pwned=1</script>"
ATTR = '"onerror="window.__pwned=2'
IMG = '"><img src=x onerror="window.__pwned=3">'


class _Page(HTMLParser):
    """Every element's tag and attributes, and the text inside <style> and <script>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self._open: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._open = tag if tag in self.inline else None

    def handle_data(self, data):
        if self._open:
            self.inline[self._open].append(data)

    def handle_endtag(self, tag):
        self._open = None


@pytest.fixture(scope="module")
def fixtures_reports(tmp_path_factory) -> tuple[Path, dict]:
    """The HTML and the JSON report of fixtures/, from two runs of the command line."""
    folder = tmp_path_factory.mktemp("fixtures-report")
    html = folder / "report.html"
    assert in_repo("--format", "html", "-o", str(html), "fixtures").returncode == 1
    proc = in_repo("--format", "json", "fixtures")
    assert proc.returncode == 1, proc.stderr
    return html, json.loads(proc.stdout)


def hostile_project(project: Path) -> None:
    write(project, f"x{IMG}.py", FILE_HANDLER)
    write(project, "<svg onload=window.__pwned=4>.py", f"{PWN} {ATTR}\n")  # TWC001, quoting it
    write(project, "app.py", f'import logging\n# {PWN}{IMG}\nlogging.FileHandler("{PWN}{ATTR}.log")\n')
    write(project, "Procfile", f"web: gunicorn -D app:app --log-file '{PWN}' '{ATTR}'\n"
                               f"worker: celery worker \"{IMG}\n")  # TWC511, TWC513, TWC505
    formation = {PWN: {"quantity": 2}, "web": {"quantity": IMG}}  # TWC601, TWC602
    write(project, "app.json", json.dumps({"formation": formation}))


# --- the page as text ----------------------------------------------------------------------

def test_the_page_loads_nothing_and_external_links_are_plain_links_from_the_rule_docs(fixtures_reports):
    page = _Page(fixtures_reports[0].read_text(encoding="utf-8"))
    docs = load_rule_docs().values()
    allowed = {doc.help_uri for doc in docs}
    allowed |= {url for doc in docs for url in re.findall(r"\]\((https?://[^)\s]+)\)", doc.body)}
    tags = Counter(tag for tag, _ in page.elements)
    for tag in ("link", "img", "iframe", "object", "embed", "base", "source", "video", "audio", "frame"):
        assert tag not in tags
    assert tags["script"] == 1 and tags["style"] == 1
    external = []
    for tag, attrs in page.elements:
        assert "src" not in attrs and "srcset" not in attrs, (tag, attrs)
        for name, value in attrs.items():
            if re.match(r"\s*(https?:|//)", value):
                assert (tag, name) == ("a", "href"), (tag, attrs)
                assert value in allowed, value
                external.append(value)
    assert any(url.startswith("https://12factor.net/") for url in external)
    assert any(url in {doc.help_uri for doc in docs} for url in external)
    css, script = "".join(page.inline["style"]), "".join(page.inline["script"])
    assert "url(" not in css and "@import" not in css
    for word in ("http", "fetch(", "XMLHttpRequest", "import(", "WebSocket", "eval("):
        assert word not in script


def test_the_content_security_policy_allows_exactly_the_inline_style_and_script(fixtures_reports):
    text = fixtures_reports[0].read_text(encoding="utf-8")
    page = _Page(text)
    policy = next(a["content"] for tag, a in page.elements if a.get("http-equiv") == "Content-Security-Policy")

    def digest(body: str) -> str:
        return base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()

    assert "default-src 'none'" in policy
    assert f"style-src 'sha256-{digest(''.join(page.inline['style']))}'" in policy
    assert f"script-src 'sha256-{digest(''.join(page.inline['script']))}'" in policy


def test_repository_text_is_escaped_everywhere(project, run):
    hostile_project(project)
    proc = run("--format", "html")
    assert proc.returncode == 1, proc.stderr
    page = _Page(proc.stdout)
    assert [tag for tag, _ in page.elements].count("script") == 1
    assert [tag for tag, _ in page.elements].count("img") == 0
    handlers = [(tag, name) for tag, attrs in page.elements for name in attrs if name.startswith("on")]
    assert handlers == []
    # Each payload reached the page, as text: the file names, the source, the messages.
    assert proc.stdout.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") >= 5
    assert "x&#34;&gt;&lt;img src=x onerror=&#34;window.__pwned=3&#34;&gt;.py" in proc.stdout
    assert "&lt;svg onload=window.__pwned=4&gt;.py" in proc.stdout


def test_each_finding_shows_its_source_marked_and_links_to_its_rule_explanation(project, run):
    write(project, "pkg/logs.py", "import logging\n\n\nhandler = logging.FileHandler('app.log')\nx = 1\n")
    text = run("--format", "html").stdout
    assert '<span class="line hit"><span class="ln" aria-hidden="true">4</span>handler = ' \
           "<mark>logging.FileHandler(&#39;app.log&#39;)</mark></span>" in text
    assert '<span class="ln" aria-hidden="true">2</span>' in text and 'aria-hidden="true">5</span>x = 1' in text
    assert '<a class="rule-link" href="#rule-TWC201">TWC201 file-log-handler</a>' in text
    rule = text.split('id="rule-TWC201"', 1)[1].split("</article>", 1)[0]
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
        assert f"<h4>{heading}</h4>" in rule
    assert '<a href="https://12factor.net/logs">' in rule


def test_process_types_and_formation_are_summarized(project, run):
    write(project, "Procfile", "web: gunicorn app:app\nworker: celery -A app worker -B\n")
    write(project, "app.json", json.dumps({"formation": {"web": {"quantity": 3}, "clock": {"quantity": 1}}}))
    text = run("--format", "html").stdout
    table = text.split('<table class="processes"', 1)[1].split("</table>", 1)[0]
    assert "<code>Procfile</code>" in table and "formation from app.json" in table
    rows = re.findall(r'<tr data-process-type="(\w+)">\s*<th scope="row">\w+</th>\s*<td>(.*?)</td>\s*'
                      r'<td class="num">(.*?)</td>', table, re.S)
    assert rows == [("web", "<code>gunicorn app:app</code>", "3"),
                    ("worker", '<code>celery -A app worker -B</code> <span class="muted">(a scheduler: it runs celery '
                               'worker with an embedded scheduler)</span>', '<span class="muted">not set</span>'),
                    ("clock", '<span class="muted">not in the Procfile</span>', "1")]


def test_no_process_table_without_a_procfile(project, run):
    write(project, "a.py", FILE_HANDLER)
    assert 'class="processes"' not in run("--format", "html").stdout


def test_a_baseline_is_summarized_and_its_findings_left_out(project, run):
    write(project, "a.py", FILE_HANDLER)
    assert run("--write-baseline", "baseline.json").returncode == 0
    write(project, "b.py", FILE_HANDLER)
    text = run("--format", "html", "--baseline", "baseline.json").stdout
    assert '<span data-count="baselined">1</span> known finding not shown' in text
    assert len(re.findall(r"<article [^>]*data-finding", text)) == 1 and '<h3 id="file-1-heading" class="path">b.py' in text


def test_markdown_renders_nested_lists_and_escapes_what_it_does_not_know():
    html = to_html("# T\n\n- **a** `x<y>`\n  more\n  - b [c](javascript:void)\n  - d\n\n  after\n- e\n\n"
                   "<script>alert(1)</script>\n\n```py\nif a < b:\n```\n", heading_offset=2)
    assert html == (
        "<h3>T</h3>\n"
        "<ul><li><p><strong>a</strong> <code>x&lt;y&gt;</code> more</p>\n<ul><li>b c</li><li>d</li></ul>\n"
        "<p>after</p></li><li><p>e</p></li></ul>\n"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        '<pre><code class="language-py">if a &lt; b:</code></pre>')
    assert to_html("1. one\n2. [two](TWC201.md)\n", rewrite=lambda url: "#rule-TWC201") == \
        '<ol><li>one</li><li><a href="#rule-TWC201">two</a></li></ol>'


# --- the page in Chromium ------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed "
                                   "(pip install playwright; the test extra has it)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed ({CHROMIUM} not found; Debian: apt-get install chromium, "
                    "which .ci/run does)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM)
        yield instance
        instance.close()


def open_page(browser, path: Path, **options):
    """A fresh page on ``path``, and the problems it reported: console errors, uncaught errors,
    dialogs (a dialog would be a payload's alert)."""
    context = browser.new_context(**options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


VISIBLE = "els => els.filter(e => e.getClientRects().length > 0).map(e => e.id)"


def test_counts_on_the_page_equal_the_json_report_and_nothing_is_logged(browser, fixtures_reports):
    html, report = fixtures_reports
    page, problems = open_page(browser, html)
    counts = page.eval_on_selector_all("[data-count]", "els => els.map(e => [e.dataset.count, e.textContent])")
    counts = {name: int(value) for name, value in counts}
    summary = report["summary"]
    assert counts["files"] == summary["files_scanned"] and counts["findings"] == summary["findings"] > 20
    assert {name: counts[name] for name in summary["by_severity"]} == summary["by_severity"]
    assert {code: counts[f"code-{code}"] for code in summary["by_code"]} == summary["by_code"]
    families = Counter(finding["family"] for finding in report["findings"])
    assert {name: counts[f"family-{name}"] for name in families} == families
    listed = page.eval_on_selector_all("[data-finding]", "els => els.map(e => [e.dataset.code, e.dataset.severity])")
    assert listed == [[f["code"], f["severity"]] for f in report["findings"]]
    assert page.locator("[data-file]").count() == len({f["path"] for f in report["findings"]})
    assert page.locator("#shown-count").inner_text() == str(summary["findings"])
    assert problems == []


def test_filters_hide_exactly_the_findings_they_should_by_mouse_and_keyboard(browser, fixtures_reports):
    html, report = fixtures_reports
    sync_api = pytest.importorskip("playwright.sync_api")
    page, problems = open_page(browser, html)
    ids = page.eval_on_selector_all("[data-finding]", "els => els.map(e => e.id)")
    findings = list(zip(ids, report["findings"]))

    def expect(keep) -> None:
        wanted = [id_ for id_, finding in findings if keep(finding)]
        # "Show all" applies the filters once the form is reset, in a moment.
        sync_api.expect(page.locator("#shown-count")).to_have_text(str(len(wanted)))
        assert page.eval_on_selector_all("[data-finding]", VISIBLE) == wanted

    expect(lambda f: True)
    page.locator('input[name="severity"][value="warning"]').click()
    expect(lambda f: f["severity"] != "warning")
    # Keyboard: a native checkbox takes focus and toggles with Space.
    page.focus('input[name="code"][value="TWC102"]')
    page.keyboard.press("Space")
    expect(lambda f: f["severity"] != "warning" and f["code"] != "TWC102")
    # A file with nothing left to show is hidden, and so is its entry in the file list.
    visible_files = page.eval_on_selector_all("[data-file]", VISIBLE)
    assert len(visible_files) == len({f["path"] for _, f in findings if f["severity"] != "warning"
                                      and f["code"] != "TWC102"})
    page.locator('input[name="family"][value="logging"]').click()  # logging findings are warnings already
    expect(lambda f: f["severity"] != "warning" and f["code"] != "TWC102")
    page.get_by_role("button", name="Show all").click()
    expect(lambda f: True)
    assert problems == []


def test_screenshot_phone_width_and_print(browser, fixtures_reports, tmp_path):
    html, _ = fixtures_reports
    page, problems = open_page(browser, html, viewport={"width": 1280, "height": 900})
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    phone, phone_problems = open_page(browser, html, viewport={"width": 375, "height": 800}, is_mobile=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.evaluate("window.innerWidth") == 375
    # Print: the controls go, every finding and its source stay.
    page.emulate_media(media="print")
    hidden = page.eval_on_selector_all(".skip-link, .sections, .filters, .toc",
                                       "els => els.map(e => getComputedStyle(e).display)")
    assert set(hidden) == {"none"}
    assert len(page.eval_on_selector_all("[data-finding]", VISIBLE)) == page.locator("[data-finding]").count()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert problems == [] and phone_problems == []


def test_without_javascript_every_finding_shows_and_the_filters_stay_away(browser, fixtures_reports):
    html, report = fixtures_reports
    page, problems = open_page(browser, html, java_script_enabled=False)
    assert len(page.eval_on_selector_all("[data-finding]", VISIBLE)) == len(report["findings"])
    assert not page.locator("#filters").is_visible()
    assert page.get_by_text("filtering needs JavaScript").is_visible()
    script_on, _ = open_page(browser, html)
    assert not script_on.get_by_text("filtering needs JavaScript").is_visible()
    assert problems == []


CONTRAST = """() => {
  const rgb = (c) => { const p = c.match(/[\\d.]+/g).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                       return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                           if (c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className} "${node.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def test_landmarks_keyboard_and_contrast(browser, fixtures_reports):
    html, _ = fixtures_reports
    page, problems = open_page(browser, html)
    for role in ("banner", "main", "navigation", "contentinfo"):
        assert page.get_by_role(role).count() >= 1, role
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    unlabelled = page.eval_on_selector_all("input, button", "els => els.filter(e => !e.labels?.length "
                                           "&& !e.textContent.trim()).length")
    assert unlabelled == 0
    assert page.evaluate(CONTRAST) == []
    page.emulate_media(media="print")
    assert page.evaluate(CONTRAST) == []
    assert problems == []


def test_no_repository_text_runs_as_script(browser, project, run):
    hostile_project(project)
    assert run("--format", "html", "-o", "report.html").returncode == 1
    text = (project / "report.html").read_text(encoding="utf-8")
    # Without the Content-Security-Policy too: escaping alone must hold.
    without_policy = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    assert without_policy != text
    (project / "no-policy.html").write_text(without_policy, encoding="utf-8")
    for name in ("report.html", "no-policy.html"):
        page, problems = open_page(browser, project / name)
        page.wait_for_timeout(200)  # an <img onerror> fires after the failed load
        assert page.evaluate("window.__pwned") is None, name
        assert problems == [], name
        body = page.inner_text("body")
        assert PWN in body and IMG in body and f"x{IMG}.py" in body
        assert page.locator("[data-process-type]").first.get_attribute("data-process-type") == "web"


# --- the README's Reports section ----------------------------------------------------------

def test_readme_shows_the_screenshot_and_its_ci_examples_run(project, run):
    section = (REPO / "README.md").read_text(encoding="utf-8").split("\n## Reports\n", 1)[1].split("\n## ", 1)[0]
    for image in ("html-report.png", "html-report-fix.png"):
        assert f"](docs/{image})" in section
        assert (REPO / "docs" / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    github, gitlab = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.+?)```", section, re.S))
    job = github["jobs"]["twelvecheck"]
    assert job["permissions"]["security-events"] == "write"
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    gitlab_job = gitlab["twelvecheck"]
    commands = [step["run"] for step in job["steps"] if "twelvecheck --" in step.get("run", "")]
    commands += [line for line in gitlab_job["script"] if line.startswith("twelvecheck ")]
    write(project, "a.py", FILE_HANDLER)
    for command in commands:
        assert run(*shlex.split(command)[1:]).returncode == 1, command
    assert json.loads((project / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))["version"] == "2.1.0"
    quality = json.loads((project / gitlab_job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert [issue["check_name"] for issue in quality] == ["TWC201 file-log-handler"]
    for path in gitlab_job["artifacts"]["paths"]:
        assert "data-finding" in (project / path).read_text(encoding="utf-8")
