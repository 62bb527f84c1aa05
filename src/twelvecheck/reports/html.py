"""``--format html``: one self-contained page a person reads in a browser.

Rendered by jinja2 with autoescaping from ``templates/report.html.j2``; the stylesheet and
the script (filters) are inlined and allowed by a Content-Security-Policy that names their
SHA-256 hashes and nothing else, so the page cannot load anything from the network. Source
lines around each finding are read from the checked files (escaped like everything else);
rule explanations are rendered from ``rules/`` by ``reports.markdown``.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup

from twelvecheck import __version__
from twelvecheck.core.findings import Finding
from twelvecheck.files.ignoring import repository_root
from twelvecheck.core.fixhints import fix_kinds, rule_fix_hint
from twelvecheck.reports.context import ReportContext
from twelvecheck.reports.fixdiff import fix_view
from twelvecheck.reports.provenance import git_commit
from twelvecheck.reports.markdown import to_html
from twelvecheck.reports.sources import ContextLine, context as source_context
from twelvecheck.core.ruledocs import DOCS_BASE_URI, FAMILIES, RuleDoc, load_rule_docs
from twelvecheck.run.model import RunResult

TEMPLATES = Path(__file__).with_name("templates")
SEVERITIES = ("error", "warning", "info")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _segments(line: ContextLine, finding: Finding) -> list[tuple[str, bool]]:
    """The line cut into (text, highlighted) pieces: the finding's columns are highlighted."""
    text = line.text
    if not line.marked:
        return [(text, False)]
    span = finding.span
    # On the lines after the first, the indentation is not part of what the finding points at.
    start = span.column - 1 if line.number == span.line else len(text) - len(text.lstrip())
    end = span.end_column - 1 if line.number == span.end_line else len(text)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return [(text, False)]
    return [piece for piece in ((text[:start], False), (text[start:end], True), (text[end:], False)) if piece[0]]


def _rule_html(doc: RuleDoc, on_page: set[str]) -> Markup:
    def rewrite(url: str) -> str:
        if url.startswith(("http://", "https://", "mailto:", "#")):
            return url
        code = url.rsplit("/", 1)[-1].removesuffix(".md")
        if code in on_page:
            return f"#rule-{code}"
        return urljoin(DOCS_BASE_URI, url)

    lines = doc.body.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # the page shows its own heading for the rule
    return Markup(to_html("\n".join(lines), rewrite=rewrite, heading_offset=2))


def _processes(result: RunResult) -> list[dict[str, Any]]:
    """Each app (a folder with a Procfile, app.json or deployment descriptors) with its
    process types, the formation's quantity for each, formation entries for types the
    Procfile does not declare, and the processes each descriptor declares (with where they
    are declared, their replicas and whether their code could be followed)."""
    model = result.process_model
    if model is None:
        return []
    # A process type's findings were collected before a baseline removed the known ones.
    shown = {id(finding) for finding in result.findings}
    apps = []
    for app in model.apps:
        rows = [{"name": ptype.name, "command": ptype.command, "quantity": ptype.quantity,
                 "source": ptype.source, "scheduler": ptype.scheduler, "declared_in": None, "local": False,
                 "not_analysed": None, "findings": sum(1 for finding in ptype.findings if id(finding) in shown)}
                for ptype in app.types]
        declared = {ptype.name for ptype in app.types}
        rows += [{"name": name, "command": None, "quantity": planned.quantity, "source": planned.source,
                  "scheduler": None, "declared_in": None, "local": False, "not_analysed": None, "findings": None}
                 for name, planned in app.formation.items.items() if name not in declared]
        rows += [{"name": ptype.name, "command": ptype.command or "", "quantity": ptype.quantity,
                  "source": ptype.source, "scheduler": ptype.scheduler,
                  "declared_in": f"{ptype.declared_in}:{ptype.line}", "local": ptype.local,
                  "not_analysed": None if ptype.runs() else ptype.why_not_analysed(),
                  "findings": sum(1 for finding in ptype.findings if id(finding) in shown)}
                 for ptype in app.declared]
        apps.append({"directory": app.directory, "procfile": app.procfile, "descriptors": list(app.descriptors),
                     "formation": list(app.formation.sources), "rows": rows})
    return apps


def _repository_of(context: ReportContext) -> Path | None:
    """The repository the checked paths are in (the first path's), else the working
    directory's; None when there is none."""
    first = Path(context.paths[0]) if context.paths and context.paths[0] != "-" else Path(".")
    start = first if first.is_absolute() else context.cwd / first
    for folder in (start.resolve(), context.cwd.resolve()):
        root = repository_root(folder if folder.is_dir() else folder.parent)
        if (root / ".git").exists():
            return root
    return None


def build_view(result: RunResult, context: ReportContext) -> dict[str, Any]:
    docs = load_rule_docs()
    findings = result.findings
    codes_found = sorted({f.code for f in findings})
    by_severity = Counter(str(f.severity) for f in findings)
    by_family = Counter(f.family for f in findings)
    by_code = Counter(f.code for f in findings)
    families = sorted({docs[c].family for c in result.enabled if c in docs} | set(by_family),
                      key=lambda name: list(FAMILIES).index(name) if name in FAMILIES else 99)

    files: dict[str, list[dict[str, Any]]] = {}
    reached = None
    if result.process_model is not None and result.process_model.process_types():
        from twelvecheck.deploy.reach import label, process_types_by_finding  # loaded by the run already

        reached = process_types_by_finding(result.process_model)
    for number, finding in enumerate(findings, 1):
        lines = source_context(context.sources, finding)
        files.setdefault(finding.path, []).append({
            "id": f"finding-{number}",
            "finding": finding,
            "severity": str(finding.severity),
            "reached": None if reached is None else [label(p) for p in reached.get(id(finding), [])],
            "fix": fix_view(context.sources, finding),
            "lines": [{"number": line.number, "marked": line.marked, "segments": _segments(line, finding)}
                      for line in lines],
        })
    return {
        "version": __version__,
        "checked": {"paths": list(context.paths), "commit": git_commit(_repository_of(context))},
        "summary": {
            "files": result.files_scanned,
            "findings": len(findings),
            "errors": len(result.errors),
            "by_severity": [(name, by_severity.get(name, 0)) for name in SEVERITIES],
            "by_family": [(name, by_family.get(name, 0), FAMILIES.get(name, "")) for name in families],
            "by_code": [(code, docs[code].name if code in docs else code, by_code[code]) for code in codes_found],
            "baseline": getattr(result, "baseline", None),
            "passed_over": [(count, role) for role, count in sorted(result.passed_over.items()) if count],
        },
        "files": [{"path": path, "id": f"file-{index}", "findings": items, "role": result.roles.get(path)}
                  for index, (path, items) in enumerate(files.items(), 1)],
        "filters": {
            "severity": [name for name in SEVERITIES if by_severity.get(name)],
            "family": [name for name in families if by_family.get(name)],
            "code": codes_found,
        },
        "rules": [{"doc": docs[code], "html": _rule_html(docs[code], set(codes_found)),
                   "fix": fix_kinds(docs[code].fix), "fix_hint": rule_fix_hint(docs[code].fix)}
                  for code in codes_found if code in docs],
        "errors": result.errors,
        "apps": _processes(result),
    }


def render_html(result: RunResult, context: ReportContext) -> str:
    env = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    policy = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
              "base-uri 'none'; form-action 'none'")
    view = build_view(result, context)
    return env.get_template("report.html.j2").render(
        css=Markup(css), script=Markup(script), csp=policy, silenced=result.silenced, **view)
