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
from collections.abc import Callable
from functools import lru_cache
from html import escape, unescape
from html.parser import HTMLParser

import cmarkgfm
import mdurl
import nh3
from cmarkgfm.cmark import Options
from linkify_it import LinkifyIt

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


#: raw HTML kept (the sanitiser decides what stays); a line break in a paragraph is one
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_HARDBREAKS
#: the start of anything in cmark's HTML that is not its own text: a tag it wrote, or raw
#: HTML of the notes passed through (a tag, a comment, ``<?…``, ``<!…``)
_RAW = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)?")
#: cmark's HTML as tags (quoted attribute values may hold ">") and the text between them
_PIECES = re.compile(r"""(<(?:"[^"]*"|'[^']*'|[^'">])*>)""")
_PIECE_TAG = re.compile(r"<(/?)([a-z]+)")
#: text that may hold a link for linkify-it: a scheme's "//" or "mailto:", an "@", or a
#: dot between a letter or digit and a letter (a host name and its top-level domain)
_MAY_LINK = re.compile(r"[^\W_]\.[^\W\d_]|@|//|mailto:", re.IGNORECASE)
_NO_LINKS = {"a", "code", "pre"}
#: where a URL's scheme may start (RFC 3986: a letter, then letters, digits, "+-.")
_SCHEME = re.compile(r"(?<![a-z0-9.+-])[a-z][a-z0-9.+-]*(?=://)", re.IGNORECASE)
#: a link left without its target (``javascript:``) by the sanitiser: shown as its text
_DEAD_LINK = re.compile(r'<a(?: title="[^"]*")?>(.*?)</a>', re.S)


def _as_text(match: re.Match[str]) -> str:
    """HTML written in the notes is kept if it is an HTML element (the sanitiser decides
    what stays); what only looks like a tag ("Use the <filename> placeholder"), a comment
    or a declaration is shown as written."""
    name = match.group(2)
    if name is not None and name.lower() in _HTML_ELEMENTS:
        return match.group(0)
    return "&lt;" + match.group(1) + (name or "")


def render(text: str) -> str:
    """CommonMark to HTML (GitHub's cmark-gfm), before the sanitiser: raw HTML that is no
    element becomes text, and bare URLs, e-mail addresses and host names become links."""
    html: str = cmarkgfm.markdown_to_html(text, options=OPTIONS)
    # cmark escapes every "<" of the text it renders: the others start a tag
    return linkify(_RAW.sub(_as_text, html))


@lru_cache(maxsize=1)
def _linkifier() -> LinkifyIt:
    return LinkifyIt()


def linkify(html: str) -> str:
    """Bare links in the text of ``html`` made links, outside links and code, as
    markdown-it-py's linkify rule does (linkify-it-py finds them)."""
    if _MAY_LINK.search(html) is None:
        return html
    pieces = _PIECES.split(html)
    inside = 0  # depth in elements whose text is not linked
    for i, piece in enumerate(pieces):
        if i % 2:  # a tag
            tag = _PIECE_TAG.match(piece)
            if tag is not None and tag.group(2) in _NO_LINKS:
                inside += -1 if tag.group(1) else 1
                inside = max(inside, 0)
        elif inside == 0 and _MAY_LINK.search(piece) is not None:
            pieces[i] = _linked(piece)
    return "".join(pieces)


def _linked(escaped: str) -> str:
    """The links in one piece of text, found as markdown-it-py's two linkify rules did: a
    URL with a scheme wherever its scheme starts ("👉https://…"), then in the text
    between them whatever linkify-it finds (host names, e-mail addresses)."""
    text = unescape(escaped)
    out: list[str] = []
    last = 0
    for scheme in _SCHEME.finditer(text):
        if scheme.start() < last:
            continue
        link = _linkifier().match_at_start(text[scheme.start():])
        if link is None:
            continue
        url = link.url.rstrip("*")  # markdown-it-py leaves a "*" to emphasis
        out += [_fuzzy(text[last:scheme.start()]), _anchor(url, _normalize_text(url))]
        last = scheme.start() + len(url)
    if not out:
        return _fuzzy(text, escaped)
    out.append(_fuzzy(text[last:]))
    return "".join(out)


def _fuzzy(text: str, escaped: str | None = None) -> str:
    """``text`` escaped, with what linkify-it finds in it made links."""
    found = _linkifier().match(text) if _MAY_LINK.search(text) else None
    if not found:
        return escape(text, quote=False) if escaped is None else escaped
    out, last = [], 0
    for link in found:
        if link.schema:
            shown = _normalize_text(link.text)
        else:  # a host name: shown without the "http://" linkify-it adds to its URL
            shown = _normalize_text("http://" + link.text).removeprefix("http://")
        out += [escape(text[last:link.index], quote=False), _anchor(link.url, shown)]
        last = link.last_index
    out.append(escape(text[last:], quote=False))
    return "".join(out)


def _anchor(url: str, shown: str) -> str:
    return f'<a href="{escape(_normalize_link(url))}">{escape(shown, quote=False)}</a>'


def _hosts(url: str, label: Callable[[str], str]) -> str:
    """``url`` (as mdurl parses it) with each label of its host name mapped."""
    parsed = mdurl.parse(url, slashes_denote_host=True)
    if parsed.hostname and (not parsed.protocol or parsed.protocol in ("http:", "https:",
                                                                        "mailto:")):
        try:
            host = ".".join(label(part) for part in parsed.hostname.split("."))
            parsed = parsed._replace(hostname=host)
        except UnicodeError:
            pass
    return str(mdurl.format(parsed))


def _normalize_link(url: str) -> str:
    """A link's target as markdown-it-py writes it: the host in punycode, the rest
    percent-encoded."""
    return str(mdurl.encode(_hosts(url, lambda part: "xn--" + part.encode("punycode").decode()
                                   if not part.isascii() else part)))


def _normalize_text(url: str) -> str:
    """A link's text as markdown-it-py writes it: the host in Unicode, the rest decoded."""
    return str(mdurl.decode(_hosts(url, lambda part: part[4:].lower().encode().decode(
        "punycode") if part.startswith("xn--") else part), mdurl.DECODE_DEFAULT_CHARS + "%"))


def sanitize(html: str) -> str:
    """Only the tags, attributes and URL schemes apps render; scripts and their text gone.

    The one sanitiser of show notes: rendered Markdown and ``description.html`` alike."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel=None,
                     clean_content_tags=set(DROPPED_CONTENT))


def markdown_to_html(text: str) -> str:
    """Show notes in Markdown as the safe HTML of the feed and the site."""
    return _DEAD_LINK.sub(r"\1", sanitize(render(clean(text)))).strip()


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
    return _tidy("".join(parser.out))


#: the sanitiser's HTML, token by token: a tag (its name, its attributes, self-closed or
#: not) or the text up to the next tag.  nh3 writes every "<" of text as "&lt;" and
#: quotes every attribute value, so this reads its output as an HTML parser would.
_TOKEN = re.compile(r'<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[^\s"\'=<>/]+(?:\s*=\s*"[^"]*")?)*)'
                    r'\s*(/?)>|([^<]+)')
_HREF = re.compile(r'\shref\s*=\s*"([^"]*)"')
_LINE_BREAK = re.compile(r"\s*\n\s*")


def notes_text(html: str) -> str:
    """:func:`html_to_text` of HTML the sanitiser wrote (:func:`sanitize`), the same text
    without Python's HTML parser: a few regular expressions over nh3's regular output."""
    out: list[str] = []
    href: str | None = None
    link_text: list[str] = []
    for closing, tag, attrs, self_closed, data in _TOKEN.findall(html):
        if not tag:
            if "&" in data:
                data = unescape(data)
            if "\n" in data:
                data = _LINE_BREAK.sub(" ", data)
            out.append(data)
            if href is not None:
                link_text.append(data)
            continue
        tag = tag.lower()
        if not closing:
            if tag == "br":
                out.append("\n")
            elif tag == "li":
                out.append("• ")
            elif tag == "a":
                found = _HREF.search(attrs)
                href = unescape(found.group(1)) if found else None
                link_text = []
            if not self_closed:
                continue
        if tag == "a" and href:
            shown = "".join(link_text).strip()
            if href not in (shown, f"http://{shown}", f"https://{shown}", f"mailto:{shown}"):
                out.append(f" ({href})")
            href = None
        elif tag in BLOCKS:
            out.append("\n" if tag == "li" else "\n\n")
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
