"""A small, safe Markdown-to-HTML converter for the rule documents.

It knows what ``rules/*.md`` use: ATX headings, paragraphs, ``-``/``*``/``1.`` lists (with
indented continuation lines), fenced code blocks, inline code, ``**strong**``, ``*em*`` and
``[links](url)``. Everything is HTML-escaped first; raw HTML in the source stays text, and a
link whose URL is not http(s), mailto, a fragment or a relative path becomes plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^(\s*)\d{1,9}[.)]\s+(.*)$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|#|[\w./-])", re.I)

LinkRewriter = Callable[[str], str]


def _safe_url(url: str) -> bool:
    return bool(_SAFE_URL.match(url)) and not re.match(r"^\s*(javascript|data|vbscript):", url, re.I)


def inline(text: str, rewrite: LinkRewriter | None = None) -> str:
    """One line or paragraph of inline Markdown as escaped HTML."""
    pieces: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(_inline_text(text[position:match.start()], rewrite))
        pieces.append(f"<code>{escape(match.group(2).strip(), quote=False)}</code>")
        position = match.end()
    pieces.append(_inline_text(text[position:], rewrite))
    return "".join(pieces)


def _inline_text(text: str, rewrite: LinkRewriter | None) -> str:
    out: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        out.append(_emphasis(escape(text[position:match.start()], quote=False)))
        label, url = match.group(1), match.group(2)
        if rewrite:
            url = rewrite(url)
        label_html = _emphasis(escape(label, quote=False))
        if _safe_url(url):
            out.append(f'<a href="{escape(url, quote=True)}">{label_html}</a>')
        else:
            out.append(label_html)
        position = match.end()
    out.append(_emphasis(escape(text[position:], quote=False)))
    return "".join(out)


def _emphasis(html: str) -> str:
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    return _EM.sub(r"<em>\1</em>", html)


def to_html(markdown: str, *, rewrite: LinkRewriter | None = None, heading_offset: int = 0) -> str:
    """A Markdown document as HTML; headings are shifted down by ``heading_offset`` levels."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []  # the current list's items, each a list of lines
    list_tag = ""

    def flush_paragraph() -> None:
        if paragraph:
            out.append(f"<p>{inline(' '.join(line.strip() for line in paragraph), rewrite)}</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            rendered = "".join(f"<li>{inline(' '.join(item), rewrite)}</li>" for item in items)
            out.append(f"<{list_tag}>{rendered}</{list_tag}>")
            items.clear()
        list_tag = ""

    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line.strip()) if len(line) - len(line.lstrip()) <= 3 else None
        if fence:
            flush_paragraph()
            flush_list()
            marker, language = fence.group(1), fence.group(2)
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(marker):
                body.append(lines[index])
                index += 1
            index += 1  # the closing fence (or the end of the document)
            css = f' class="language-{escape(language)}"' if language else ""
            out.append(f"<pre><code{css}>{escape(chr(10).join(body), quote=False)}</code></pre>")
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        ordered = _ORDERED.match(line)
        if not line.strip():
            flush_paragraph()
            if items and index + 1 < len(lines) and lines[index + 1].startswith("  "):
                pass  # a blank line inside a list item
            else:
                flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            level = min(6, len(heading.group(1)) + heading_offset)
            out.append(f"<h{level}>{inline(heading.group(2), rewrite)}</h{level}>")
        elif bullet or ordered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append([(bullet or ordered).group(2)])
        elif items and (line.startswith(" ") or line.startswith("\t") or not paragraph):
            items[-1].append(line.strip())  # continuation of the current item
        else:
            paragraph.append(line)
        index += 1
    flush_paragraph()
    flush_list()
    return "\n".join(out)
