"""What readers make of text and HTML in a feed: the W3C validator's HTML rules, offline.

RSS has two kinds of text.  Titles, authors, subtitles and keywords are plain
text: a reader that renders them as HTML (many do) turns ``<b>`` into bold and
``<filename>`` into nothing.  Descriptions and ``content:encoded`` are HTML:
text in them must survive an HTML parser (``2 < 3`` does not), tags must be ones
apps render safely (no ``<script>``, no ``onerror=``, no ``javascript:``), and
links must be absolute, since a podcast app has no page to resolve them against.

Scanning is done with regular expressions over the tags only (never over the
text between them), so ``?ref_src=`` in a plain URL is not mistaken for a
``src`` attribute; it runs once per item on large feeds, so it stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: elements of HTML (current and obsolete); anything else in a description is not HTML
HTML_TAGS = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo big
blockquote body br button canvas caption center cite code col colgroup data datalist dd
del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form
frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd
label legend li link main map mark menu meta meter nav noframes noscript object ol optgroup
option output p param picture pre progress q rp rt ruby s samp script search section
select slot small source span strike strong style sub summary sup table tbody td template
textarea tfoot th thead time title tr track tt u ul var video wbr
""".split())
#: elements that run code, load other documents or restyle the app showing the notes
UNSAFE_TAGS = frozenset("""
applet base basefont body embed frame frameset head html iframe link meta noframes object
param script style template title
""".split())

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_LT = re.compile(r"<(?!/?[A-Za-z]|!--|!\[CDATA\[|!DOCTYPE)", re.IGNORECASE)
_END_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]*)\s*>")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_STYLE_CODE = re.compile(r"expression|url\s*\(|javascript:", re.IGNORECASE)
_CODE_URL = re.compile(r"(?:java|vb)script:|data:text/html", re.IGNORECASE)
_URL_ATTRS = frozenset(("href", "src", "poster", "cite", "action", "background", "srcset"))


@dataclass(frozen=True)
class HtmlFacts:
    """What one HTML fragment contains that a reader would trip on."""

    not_html: str | None  # the first piece of text an HTML parser does not read as written
    unsafe: str | None  # the first element, attribute or URL that can run code
    relative: str | None  # the first link or image without an absolute address
    links: tuple[str, ...]  # every absolute href/src, for the host checks


#: one attribute: its name, then (when it has a value) "=…" and the value in whichever
#: of the three quotings it was written (an attribute without "=" has no value)
_ATTR_PARTS = re.compile(
    r"""([^\s"'>/=]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
#: a bare tag of an element that is HTML and safe has nothing to report
_PLAIN_TAGS = HTML_TAGS - UNSAFE_TAGS
#: the answer for text with no tag and no '<' at all (most plain show notes)
NOTHING = HtmlFacts(None, None, None, ())
#: HTML made only of the tags rendered show notes consist of (bare tags of safe elements,
#: ``<br />``, ``<a href="https://…">``): every '<' starts one of them, so none is stray,
#: unknown, unsafe or carries other attributes -- one match decides what the tag scan would
_COMMON = ("p|a|li|ul|ol|em|strong|br|code|pre|blockquote|b|i|h[1-6]|span|div|hr|sup|sub|s|u"
           "|small|del|ins|dl|dt|dd|table|thead|tbody|tr|th|td|figure|figcaption|cite|q|mark"
           "|abbr|kbd|var|samp|time")
_SIMPLE = re.compile(r'[^<]*(?:<(?:/?(?:' + _COMMON + r')|(?:br|hr) ?/|a href="https?://[^"<>\s]*")>'
                     r'[^<]*)*')
_HREF = re.compile(r'<a href="([^"]*)">')


def _attrs(text: str) -> list[tuple[str, str | None]]:
    """The attributes of a tag's rest, lower-case names, None for one without a value."""
    return [(name.lower(), (double or single or bare) if eq else None)
            for name, eq, double, single, bare in _ATTR_PARTS.findall(text)]


@lru_cache(maxsize=1024)
def check_html(text: str) -> HtmlFacts:
    """Scan an HTML fragment (a description or content:encoded).

    Memoised: an item's description and content:encoded are usually the same HTML.
    Only a ``<`` can start a tag or a stray bracket, so text without one is answered at
    once (an entity such as ``&lt;b&gt;`` is text to an HTML parser, never a tag)."""
    if "<" not in text:
        return NOTHING
    if _SIMPLE.fullmatch(text) is not None:
        hrefs = _HREF.findall(text)
        return HtmlFacts(None, None, None, tuple(hrefs)) if hrefs else NOTHING
    not_html = unsafe = relative = None
    links: list[str] = []
    lt = _LT.search(text)
    if lt is not None:
        not_html = repr(text[lt.start():lt.start() + 12]) + " (a '<' that starts no tag)"
    # findall: tuples, not match objects -- this loop runs for every tag of every item
    for closing, written, rest in _TAG.findall(text):
        if not rest and written in _PLAIN_TAGS:
            continue  # <p>, </li>: the bulk of every note, with nothing to report
        name = written if written in HTML_TAGS else written.lower()
        if name not in HTML_TAGS:
            not_html = not_html or f"<{written}> (not an HTML element)"
            continue
        if name in UNSAFE_TAGS:
            unsafe = unsafe or f"<{name}>"
        if closing or not rest or rest.isspace() or rest == "/" or rest == " /":
            continue
        if rest.startswith(' href="') and rest.count('"') == 2 and rest[-1] == '"':
            url = rest[7:-1].strip()  # <a href="…">, how every note links: one attribute
            if url.startswith(("https://", "http://")):
                links.append(url)
                continue
        for attr, value in _attrs(rest):
            if attr.startswith("on"):
                unsafe = unsafe or f"the {attr} attribute of <{name}>"
            elif attr == "style" and value and _STYLE_CODE.search(value):
                unsafe = unsafe or f"the style attribute of <{name}>"
            if attr not in _URL_ATTRS or value is None:
                continue
            url = value.strip()
            if _CODE_URL.match(url.replace("\t", "")):
                unsafe = unsafe or f"a {url.split(':', 1)[0]}: URL in <{name} {attr}>"
            elif _SCHEME.match(url):
                links.append(url)
            elif url.startswith("#") and name == "a":
                continue  # a link to a spot on the same page: harmless
            elif attr != "srcset":
                relative = relative or f'<{name} {attr}="{url}">'
    if not_html is None and unsafe is None and relative is None and not links:
        return NOTHING
    return HtmlFacts(not_html, unsafe, relative, tuple(links))


def markup_in_text(text: str) -> str | None:
    """For plain-text elements: the markup a reader would render, or None.

    Reports a closing tag of a real HTML element first (W3C ``ContainsHTML``), then any
    ``<`` followed by a letter or ``/`` (what W3C's ``CharacterData`` warns about).
    """
    if "<" not in text:
        return None
    for m in _END_TAG.finditer(text):
        if m.group(1).lower() in HTML_TAGS:
            return m.group(0)
    m2 = re.search(r"<[/A-Za-z][^<>\s]{0,20}>?", text)
    return m2.group(0) if m2 else None
