"""Show notes: Markdown (which may contain HTML) to safe HTML, and to plain text.

The HTML goes into both ``<description>`` and ``content:encoded``: apps read
``<description>`` as HTML whatever it holds, so plain text there loses every
``<word>`` and ``2 < 3`` to the HTML parser, while the same sanitised HTML in
both reads the same everywhere.  HTML written in the notes is kept when it is an
element apps render, passed through nh3 (the Ammonia sanitiser) with the tags
Apple and podcast apps render; scripts, event handlers and ``javascript:`` links
never reach a feed.  Text that only looks like a tag (``<filename>``) is shown as
written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

#: what podcast apps render in show notes (Apple: p, ol, ul, li, a; the rest degrades to
#: text where unsupported)
ALLOWED_TAGS = frozenset(("p", "br", "a", "ul", "ol", "li", "strong", "em", "b", "i", "u",
                          "blockquote", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                          "hr", "sub", "sup", "del", "s"))
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset(("http", "https", "mailto"))
#: elements dropped with everything inside them (not only their tags)
DROPPED_CONTENT = frozenset(("script", "style", "template", "iframe", "object"))
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
#: every element of HTML: a "<word>" that is none of them is text (a placeholder name)
_HTML_ELEMENTS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol
optgroup option output p param picture pre progress q rp rt ruby s samp script search
section select slot small source span strong style sub summary sup table tbody td template
textarea tfoot th thead time title tr track u ul var video wbr center font strike tt big
""".split())

BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
#: characters XML 1.0 forbids even as references
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _raw_html(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """HTML written in the notes: kept if it is HTML (the sanitiser decides what stays),
    shown as text if it only looks like a tag ("Use the <filename> placeholder")."""
    content = tokens[idx].content
    m = _HTML_TAG.match(content.lstrip())
    if m is not None and m.group(1).lower() in _HTML_ELEMENTS:
        return content
    return escape(content, quote=False)


@lru_cache(maxsize=1)
def renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "breaks": True, "html": True})
    md.add_render_rule("html_inline", _raw_html)
    md.add_render_rule("html_block", _raw_html)
    return md.enable("linkify")


def sanitize(html: str) -> str:
    """Only the tags, attributes and URL schemes apps render; scripts and their text gone.

    The one sanitiser of show notes: rendered Markdown and ``description.html`` alike."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel=None,
                     clean_content_tags=set(DROPPED_CONTENT))


def markdown_to_html(text: str) -> str:
    html: str = renderer().render(clean(text))
    return sanitize(html).strip()


def clean(text: str) -> str:
    """Drop the control characters XML cannot carry."""
    return CONTROL.sub("", text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.href: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("• ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            shown = "".join(self.link_text).strip()
            if self.href not in (shown, f"http://{shown}", f"https://{shown}",
                                 f"mailto:{shown}"):
                self.out.append(f" ({self.href})")
            self.href = None
        elif tag in BLOCKS:
            self.out.append("\n\n" if tag not in ("li",) else "\n")

    def handle_data(self, data: str) -> None:
        # As in a browser, source line breaks are spaces; <br> and blocks make lines.
        data = re.sub(r"\s*\n\s*", " ", data)
        self.out.append(data)
        if self.href is not None:
            self.link_text.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text: paragraphs kept, links spelled out where their text hides them."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
