"""Show notes: HTML -> Markdown, only when feedpub renders the Markdown back to the same HTML.

The converter knows the few elements show notes are made of (paragraphs, line
breaks, bold, italics, links, lists, headings, code, rules).  Anything else —
images, tables, spans with styles, a bare URL that Markdown would turn into a
link — makes :func:`to_markdown` return None, and the importer keeps the HTML as
``description.html``.  The check is real: the Markdown is rendered with
:func:`feedpub.markup.markdown_to_html` and both documents are compared as
sequences of elements and normalised text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..markup import markdown_to_html

BLOCK = {"p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr",
         "pre", "div"}
SAME = {"b": "strong", "i": "em"}
INLINE_MD = {"strong": "**", "em": "*"}
SPACE = re.compile(r"[ \t\n\r\f]+")


class Unsupported(Exception):
    pass


class _Events(HTMLParser):
    """The HTML as (kind, name, attrs) events with HTML's whitespace rules applied."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = SAME.get(tag, tag)
        kept = tuple(sorted((k, v or "") for k, v in attrs if k == "href"))
        self.events.append(("start", tag, kept))
        if tag in ("br", "hr"):
            self.events.append(("end", tag, ()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if SAME.get(tag, tag) not in ("br", "hr"):
            self.events.append(("end", SAME.get(tag, tag), ()))

    def handle_endtag(self, tag: str) -> None:
        tag = SAME.get(tag, tag)
        if tag in ("br", "hr"):
            return
        self.events.append(("end", tag, ()))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data, ())
        else:
            self.events.append(("text", data, ()))


def canonical(html: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Events with whitespace collapsed and dropped at block and line-break edges."""
    parser = _Events()
    parser.feed(html)
    parser.close()
    out: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    events = parser.events
    for i, (kind, name, attrs) in enumerate(events):
        if kind != "text":
            out.append((kind, name, attrs))
            continue
        text = SPACE.sub(" ", name)
        before = events[i - 1] if i else None
        after = events[i + 1] if i + 1 < len(events) else None
        if before is None or before[1] in BLOCK or before[1] == "br":
            text = text.lstrip(" ")
        if after is None or after[1] in BLOCK or after[1] == "br":
            text = text.rstrip(" ")
        if text:
            out.append(("text", text, ()))
    return out


def round_trips(html: str, markdown: str) -> bool:
    return canonical(markdown_to_html(markdown)) == canonical(html)


class _Markdown(HTMLParser):
    """HTML -> Markdown for the supported subset; raises Unsupported otherwise."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list[int | str]] = []  # [kind, counter]
        self.href: list[str] = []
        self.items: list[str] = []  # of the open list, joined tight

    def flush(self) -> None:
        text = "".join(self.line).strip(" ")
        self.line = []
        if text:
            (self.items if self.lists else self.blocks).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = SAME.get(tag, tag)
        if tag == "p" or re.fullmatch(r"h[1-6]", tag):
            self.flush()
            if tag != "p":
                self.line.append("#" * int(tag[1]) + " ")
        elif tag == "br":
            self.line.append("\n")
        elif tag in INLINE_MD:
            self.line.append(INLINE_MD[tag])
        elif tag == "a":
            href = dict(attrs).get("href")
            if not href or any(c in href for c in " <>()"):
                raise Unsupported("link")
            self.href.append(href)
            self.line.append("[")
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                raise Unsupported("nested list")
            self.lists.append([tag, 0])
        elif tag == "li":
            if not self.lists:
                raise Unsupported("li")
            self.flush()
            kind = self.lists[-1]
            kind[1] = int(kind[1]) + 1
            marker = "-" if kind[0] == "ul" else f"{kind[1]}."
            self.line.append(marker + " ")
        elif tag == "hr":
            self.flush()
            self.blocks.append("---")
        elif tag == "code":
            self.line.append("`")
        else:
            raise Unsupported(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "hr"):
            raise Unsupported(tag)
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = SAME.get(tag, tag)
        if tag in ("p", "li") or re.fullmatch(r"h[1-6]", tag):
            self.flush()
        elif tag in INLINE_MD:
            self.line.append(INLINE_MD[tag])
        elif tag == "a":
            if not self.href:
                raise Unsupported("a")
            self.line.append(f"]({self.href.pop()})")
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            if self.lists:
                raise Unsupported("nested list")
            if self.items:
                self.blocks.append("\n".join(self.items))
                self.items = []
        elif tag == "code":
            self.line.append("`")

    def handle_data(self, data: str) -> None:
        text = SPACE.sub(" ", data)
        text = re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)
        if not "".join(self.line).strip():
            text = re.sub(r"^(\s*)([-+=])", r"\1\\\2", text)
            text = re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", text)
        self.line.append(text)


def to_markdown(html: str) -> str | None:
    """Markdown that renders back to ``html``, or None when there is none we trust."""
    if not html.strip():
        return None
    if not re.search(r"<[a-zA-Z/]", html):
        html = "<p>" + html.strip().replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"
    converter = _Markdown()
    try:
        converter.feed(html)
        converter.close()
        converter.flush()
    except Unsupported:
        return None
    blocks = [re.sub(r" *\n *", "\n", b) for b in converter.blocks]
    markdown = "\n\n".join(blocks).strip() + "\n"
    return markdown if round_trips(html, markdown) else None
