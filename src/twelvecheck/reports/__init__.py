"""Every report format behind one call: ``render(format, result, context)``.

One module per format: text (``text.py``), json, sarif, github and gitlab (``ci.py``),
junit, html and markdown (``summary.py``: a job summary); their names are in
core/formats.py. The formats CI systems read (sarif, github, gitlab, junit, markdown) name
files relative to the repository root (the nearest folder above the working directory with
a ``.git``), which is what code scanning, annotations and merge-request widgets resolve
against; text, json and html keep the paths relative to the working directory.
"""

from __future__ import annotations

from twelvecheck.core.formats import REPORT_FORMATS
from twelvecheck.reports.context import ReportContext
from twelvecheck.reports.text import render_text
from twelvecheck.run.model import RunResult

__all__ = ["FORMATS", "ReportContext", "render"]

FORMATS = REPORT_FORMATS


def render(format_: str, result: RunResult, context: ReportContext) -> str:
    if format_ == "text":
        return render_text(result, color=context.color, statistics=context.statistics, quiet=context.quiet,
                           sources=context.sources if context.show_source else None)
    # The other formats are imported when asked for: xml.etree, jinja2 and html's entity
    # tables would cost every run, and json, sarif, github and gitlab 1.5 ms of a run answered
    # from its record (70 ms in all on Django) that prints text.
    if format_ == "json":
        from twelvecheck.reports.json import render_json

        return render_json(result)
    if format_ == "sarif":
        from twelvecheck.reports.sarif import render_sarif

        return render_sarif(result, context)
    if format_ in ("github", "gitlab"):
        from twelvecheck.reports.ci import render_github, render_gitlab

        return (render_github if format_ == "github" else render_gitlab)(result, context)
    if format_ == "markdown":
        from twelvecheck.reports.summary import render_markdown

        return render_markdown(result, context)
    if format_ == "junit":
        from twelvecheck.reports.junit import render_junit

        return render_junit(result, context)
    if format_ == "html":
        from twelvecheck.reports.html import render_html

        return render_html(result, context)
    raise ValueError(f"unknown report format {format_!r}; expected one of: {', '.join(FORMATS)}")
