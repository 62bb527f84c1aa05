"""A small, safe Markdown-to-HTML converter for the rule documents.

It knows what ``rules/*.md`` use: ATX headings, paragraphs, ``-``/``*``/``1.`` lists (items
may hold more lines, paragraphs and nested lists, indented to the item's text as in
CommonMark), fenced code blocks, inline code, ``**strong**``, ``*em*`` and ``[links](url)``.
Anything else is a paragraph of text. A dependency (markdown-it-py) would do more, but the
rule documents are ours and this subset is all they need. Everything is HTML-escaped first; raw HTML in the source stays text, and a
link whose URL is not http(s), mailto, a fragment or a relative path becomes plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# An item marker: up to 3 spaces, the marker, at least one space (or the end of the line).
_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])(?: +|$)(.*)$")
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
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")
    return "\n".join(_Blocks(rewrite, heading_offset).render(lines, tight=False))


def _kind(marker: str) -> str:
    return "ol" if marker[0].isdigit() else "ul"


class _Blocks:
    def __init__(self, rewrite: LinkRewriter | None, heading_offset: int) -> None:
        self.rewrite = rewrite
        self.offset = heading_offset

    def render(self, lines: list[str], tight: bool) -> list[str]:
        """Block-level HTML of ``lines``; in a tight list item paragraphs lose their ``<p>``."""
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if not line.strip():
                index += 1
                continue
            fence = _FENCE.match(line.strip()) if _indent(line) <= 3 else None
            if fence:
                index = self._code(lines, index, fence, out)
            elif _HEADING.match(line):
                heading = _HEADING.match(line)
                level = min(6, len(heading.group(1)) + self.offset)
                out.append(f"<h{level}>{inline(heading.group(2), self.rewrite)}</h{level}>")
                index += 1
            elif _ITEM.match(line):
                index = self._list(lines, index, out)
            else:
                end = index + 1
                while end < len(lines) and lines[end].strip() and not self._interrupts(lines[end]):
                    end += 1
                text = inline(" ".join(part.strip() for part in lines[index:end]), self.rewrite)
                out.append(text if tight else f"<p>{text}</p>")
                index = end
        return out

    @staticmethod
    def _interrupts(line: str) -> bool:
        """A line that ends a paragraph without a blank line before it."""
        return bool(_HEADING.match(line) or _ITEM.match(line)
                    or (_indent(line) <= 3 and _FENCE.match(line.strip())))

    def _code(self, lines: list[str], index: int, fence: re.Match, out: list[str]) -> int:
        marker, language = fence.group(1), fence.group(2)
        indent = _indent(lines[index])
        body: list[str] = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(marker):
            body.append(lines[index][min(indent, _indent(lines[index])):])
            index += 1
        css = f' class="language-{escape(language)}"' if language else ""
        out.append(f"<pre><code{css}>{escape(chr(10).join(body), quote=False)}</code></pre>")
        return index + 1  # past the closing fence (or the end of the document)

    def _list(self, lines: list[str], index: int, out: list[str]) -> int:
        first = _ITEM.match(lines[index])
        kind = _kind(first.group(2))
        items: list[list[str]] = []
        loose = False
        while index < len(lines):
            item = _ITEM.match(lines[index])
            if not item or _kind(item.group(2)) != kind:
                break
            width = len(item.group(1)) + len(item.group(2)) + 1  # where the item's text starts
            body = [item.group(3)]
            index += 1
            while index < len(lines):
                line = lines[index]
                if not line.strip():
                    following = next((l for l in lines[index + 1:] if l.strip()), "")
                    if _indent(following) < width:
                        break  # the item ends here; a next item makes the list loose
                    body.append("")
                    loose = True
                elif _indent(line) >= width:
                    body.append(line[width:])
                elif body[-1].strip() and not self._interrupts(line):
                    body.append(line.strip())  # a lazy continuation of the item's paragraph
                else:
                    break
                index += 1
            items.append(body)
            if index < len(lines) and not lines[index].strip():
                following = index
                while following < len(lines) and not lines[following].strip():
                    following += 1
                next_item = _ITEM.match(lines[following]) if following < len(lines) else None
                if not next_item or _kind(next_item.group(2)) != kind:
                    break
                loose = True
                index = following
        rendered = "".join(f"<li>{chr(10).join(self.render(body, tight=not loose))}</li>" for body in items)
        out.append(f"<{kind}>{rendered}</{kind}>")
        return index


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
