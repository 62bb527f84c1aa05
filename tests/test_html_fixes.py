"""The HTML report shows each fixable finding's fix: its kind (safe or unsafe), the diff of
the fix alone, and the commands that show and apply it. The commands are run as the page
prints them, and must show the same lines and make the same change."""

from __future__ import annotations

import html
import json
import re
import shlex
import sys

from conftest import write

# A shop service: a Procfile that daemonizes its web process (a safe fix), a logging set-up
# with a file handler (an unsafe fix) and basicConfig(filename=) (a safe fix), each the only
# finding of its rule in its file, so applying a rule's fixes in the file applies this one.
PROCFILE = "web: gunicorn --daemon shop.wsgi:app --name '<script>shop</script>'\nworker: python -m shop.jobs\n"
SETUP = '''import logging
import os

LEVEL = os.environ.get("LOG_LEVEL", "INFO")


def prepare(name):
    log = logging.getLogger(name)
    log.addHandler(logging.FileHandler("/var/log/shop.log"))
    return log
'''
JOBS = '''import logging
import time

from shop.setup import prepare

logging.basicConfig(filename="jobs.log", level=logging.INFO)
log = prepare("jobs")

while True:
    log.info("tick")
    time.sleep(60)
'''

_FIX = re.compile(r'<div class="fix fix-(\w+)" data-fix="(\w+)">(.*?)</div>', re.S)
_ROW = re.compile(r'<span class="line (removed|added)" data-diff="\1">.*?<span class="sign">[-+]</span>(.*?)</span>\n?')


def _shop(project):
    write(project, "Procfile", PROCFILE)
    write(project, "shop/__init__.py", "")
    write(project, "shop/wsgi.py", "from shop.setup import prepare\n\napp = prepare('web')\n")
    write(project, "shop/setup.py", SETUP)
    write(project, "shop/jobs.py", JOBS)


def _fixes(page: str) -> list[dict]:
    """Each fix block of the page: kind, title, changed lines and the two commands."""
    found = []
    for kind, data, body in _FIX.findall(page):
        assert kind == data
        title = re.search(r'<p class="fix-title">(.*?)</p>', body, re.S).group(1)
        found.append({"kind": kind, "title": html.unescape(re.sub(r"<[^>]+>", "", title)),
                      "rows": [(sign, html.unescape(text)) for sign, text in _ROW.findall(body)],
                      "apply": html.unescape(re.search(r"<code data-fix-command>(.*?)</code>", body).group(1)),
                      "show": html.unescape(re.search(r"<code data-fix-preview>(.*?)</code>", body).group(1))})
    return found


def _run_printed(run, command: str):
    words = shlex.split(command)
    assert words[0] == "twelvecheck"
    return run(*words[1:])


def test_each_fixable_finding_shows_its_kind_diff_and_commands_that_do_what_it_shows(project, run):
    _shop(project)
    page = run("--format", "html").stdout
    report = json.loads(run("--format", "json").stdout)
    fixable = [f for f in report["findings"] if f.get("fix")]
    assert sorted((f["code"], f["fix"]["applicability"]) for f in fixable) == \
        [("TWC201", "unsafe"), ("TWC202", "safe"), ("TWC511", "safe")]
    assert page.count('class="fix ') == len(fixable)
    fixes = _fixes(page)
    by_message = {f["fix"]["message"]: f for f in fixable}
    for fix in fixes:
        kind, message = fix["title"].split(" fix: ", 1)
        finding = next(f for text, f in by_message.items() if message.startswith(text))
        assert kind.lower() == finding["fix"]["applicability"] == fix["kind"]
        assert ("review it before applying" in message) == (kind == "Unsafe")
        options = "--diff --unsafe-fixes" if kind == "Unsafe" else "--diff"
        assert fix["show"] == f"twelvecheck {options} --select {finding['code']} {finding['path']}"
        assert fix["apply"] == fix["show"].replace("--diff", "--fix")
        # What the preview command prints is the page's diff, line for line.
        printed = _run_printed(run, fix["show"]).stdout.splitlines()
        changed = [(line[0].replace("-", "removed").replace("+", "added"), line[1:]) for line in printed
                   if line[:1] in "-+" and not line.startswith(("---", "+++"))]
        assert changed == fix["rows"] and changed
    # Applying each as printed makes the page's change, and only it.
    for fix in fixes:
        path = project / shlex.split(fix["apply"])[-1]
        before = path.read_text(encoding="utf-8").splitlines()
        assert _run_printed(run, fix["apply"]).returncode in (0, 1)
        after = path.read_text(encoding="utf-8").splitlines()
        assert [line for line in before if line not in after] == [t for s, t in fix["rows"] if s == "removed"]
        assert [line for line in after if line not in before] == [t for s, t in fix["rows"] if s == "added"]
    assert "FileHandler" not in (project / "shop/setup.py").read_text(encoding="utf-8")


def test_the_diff_is_escaped_and_names_no_fix_where_there_is_none(project, run):
    _shop(project)
    page = run("--format", "html").stdout
    procfile_fix = next(f for f in _fixes(page) if "TWC511" in f["apply"])
    assert ("removed", PROCFILE.splitlines()[0]) in procfile_fix["rows"]
    assert "&lt;script&gt;shop&lt;/script&gt;" in page and page.count("<script") == 1
    articles = dict(re.findall(r'<article class="finding [^>]*data-code="(\w+)">(.*?)</article>', page, re.S))
    assert "TWC302" in articles  # the jobs loop, which no fix removes
    assert {code for code, article in articles.items() if 'class="fix ' in article} == {"TWC201", "TWC202", "TWC511"}
