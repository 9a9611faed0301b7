"""Show notes: Markdown to the HTML of content:encoded and the text of description."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt

BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
#: characters XML 1.0 forbids even as references
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=1)
def renderer() -> MarkdownIt:
    # Raw HTML is escaped: apps accept only a few tags, and a stray <div>
    # in show notes should show up as text rather than break a feed reader.
    md = MarkdownIt("commonmark", {"linkify": True, "breaks": True, "html": False})
    return md.enable("linkify")


def markdown_to_html(text: str) -> str:
    html: str = renderer().render(clean(text))
    return html.strip()


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
