"""An RSS podcast feed -> plain records (:class:`Channel`, :class:`Item`), streamed.

The parse is :func:`lxml.etree.iterparse` over :class:`~.safestream.SafeStream`
(entities, DTDs and network off; undefined HTML entities repaired), and each
``<item>`` is turned into a record and dropped from the tree as soon as it ends,
so memory stays flat however many items a feed has.  What each element means is
one table, :data:`ITEM_MAP` and :data:`CHANNEL_MAP` (element path -> field), in the
spirit of podcastparser's MAPPING; the converters below turn the raw text into
values, and say so (a :class:`Note` naming the item) whenever a value had to be
repaired or left out.  Nothing is guessed silently.

RFC 5005 paged feeds (``<atom:link rel="next">``) are followed, within
:attr:`~.fetch.Limits.max_pages`, loops refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..errors import FeedpubError, Problem
from ..timecode import lenient_seconds
from ..wording import counted
from .fetch import FetchError, Limits, file_chunks, is_url, open_url
from .safestream import SafeStream, UnsafeFeed

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PSC = "http://podlove.org/simple-chapters"
#: namespace URIs seen in the wild for the same vocabularies
NS_ALIASES = {
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": PODCAST,
    "http://podcastindex.org/namespace/1.0": PODCAST,
    "http://www.itunes.com/dtds/podcast-1.0.dtd": ITUNES,
    "https://www.itunes.com/dtds/podcast-1.0.dtd": ITUNES,
}


class ImportFailed(FeedpubError):
    """The feed cannot be imported (unreadable, refused, or missing what a show needs)."""


@dataclass(frozen=True)
class Note:
    """Something the import repaired, left out or refuses: ``where`` names the item."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def grouped(notes: list[Note], shown: int = 3) -> list[str]:
    """Notes as lines, the same message for many items said once with the first few items
    named (a 2,000-episode feed whose every item says ``explicit 'yes'`` gives one line)."""
    order: dict[str, list[str]] = {}
    for note in notes:
        order.setdefault(note.message, []).append(note.where)
    lines: list[str] = []
    for message, places in order.items():
        if len(places) <= shown:
            lines.extend(f"{where}: {message}" for where in places)
        else:
            more = len(places) - shown
            lines.append(f"{', '.join(places[:shown])} and {more} more: {message}")
    return lines


@dataclass(frozen=True)
class PersonRec:
    name: str
    role: str | None = None
    group: str | None = None
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class LinkRec:
    """A linked companion file: a transcript (with language and rel) or chapters."""

    url: str
    type: str | None = None
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True)
class InlineChapter:
    """A Podlove Simple Chapters ``<psc:chapter>`` (chapters written inside the feed)."""

    start: float
    title: str | None = None
    href: str | None = None
    image: str | None = None


@dataclass
class Item:
    index: int  # 1-based position in the (possibly paged) feed
    title: str = ""
    pub_date: datetime | None = None  # with the offset the feed wrote
    pub_date_text: str = ""
    guid: str = ""
    guid_is_permalink: bool | None = None  # None: attribute absent
    enclosure_url: str | None = None
    enclosure_length: int | None = None
    enclosure_type: str | None = None
    analytics_prefix: str | None = None  # e.g. "https://dts.podtrac.com/redirect.mp3/"
    duration: float | None = None  # seconds
    season: int | None = None
    number: int | None = None
    episode_type: str = "full"
    explicit: bool | None = None
    link: str | None = None
    image: str | None = None
    keywords: tuple[str, ...] = ()
    persons: tuple[PersonRec, ...] = ()
    transcripts: tuple[LinkRec, ...] = ()
    chapters: LinkRec | None = None
    inline_chapters: tuple[InlineChapter, ...] = ()
    description_html: str = ""

    @property
    def label(self) -> str:
        return f"item {self.index} {self.title!r}" if self.title else f"item {self.index}"


@dataclass
class Channel:
    title: str = ""
    description: str = ""
    link: str | None = None
    language: str | None = None
    author: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    artwork: str | None = None
    categories: list[tuple[str, str | None]] = field(default_factory=list)
    explicit: bool | None = None
    type: str = "episodic"
    copyright: str | None = None
    podcast_guid: str | None = None
    locked: bool | None = None
    locked_owner: str | None = None
    medium: str | None = None
    funding: list[tuple[str, str]] = field(default_factory=list)
    persons: list[PersonRec] = field(default_factory=list)
    new_feed_url: str | None = None
    self_url: str | None = None
    next_url: str | None = None


@dataclass
class Feed:
    source: str  # the URL or path given
    url: str | None  # the feed's URL (after redirects), None for a local file
    channel: Channel
    items: list[Item]
    notes: list[Note]
    pages: int = 1


Raw = dict[str, Any]

# -- the mapping: element path -> (field, how it is read) ------------------------------
# "text": the element's text; "attrs": its attributes (+ "_text"); "list": every
# occurrence's attributes; "children": the attributes of its child elements.
ITEM_MAP: dict[str, tuple[str, str]] = {
    "title": ("title", "html"),
    f"{{{ITUNES}}}title": ("itunes_title", "html"),
    "link": ("link", "text"),
    "guid": ("guid", "attrs"),
    "pubDate": ("pub_date", "text"),
    "enclosure": ("enclosure", "attrs"),
    "description": ("description", "html"),
    f"{{{CONTENT}}}encoded": ("content", "html"),
    f"{{{ITUNES}}}summary": ("summary", "html"),
    f"{{{ITUNES}}}duration": ("duration", "text"),
    f"{{{ITUNES}}}season": ("season", "text"),
    f"{{{ITUNES}}}episode": ("number", "text"),
    f"{{{PODCAST}}}season": ("p_season", "text"),
    f"{{{PODCAST}}}episode": ("p_number", "text"),
    f"{{{ITUNES}}}episodeType": ("episode_type", "text"),
    f"{{{ITUNES}}}explicit": ("explicit", "text"),
    f"{{{ITUNES}}}image": ("image", "attrs"),
    f"{{{ITUNES}}}keywords": ("keywords", "text"),
    f"{{{PODCAST}}}person": ("persons", "list"),
    f"{{{PODCAST}}}transcript": ("transcripts", "list"),
    f"{{{PODCAST}}}chapters": ("chapters", "attrs"),
    f"{{{PSC}}}chapters": ("psc", "children"),
}

CHANNEL_MAP: dict[str, tuple[str, str]] = {
    "title": ("title", "html"),
    "description": ("description", "html"),
    f"{{{ITUNES}}}summary": ("summary", "html"),
    "link": ("link", "text"),
    "language": ("language", "text"),
    "copyright": ("copyright", "text"),
    "image": ("rss_image", "children"),
    f"{{{ITUNES}}}author": ("author", "text"),
    f"{{{ITUNES}}}owner": ("owner", "children"),
    f"{{{ITUNES}}}image": ("artwork", "attrs"),
    f"{{{ITUNES}}}category": ("categories", "tree"),
    f"{{{ITUNES}}}explicit": ("explicit", "text"),
    f"{{{ITUNES}}}type": ("type", "text"),
    f"{{{ITUNES}}}new-feed-url": ("new_feed_url", "text"),
    f"{{{PODCAST}}}guid": ("podcast_guid", "text"),
    f"{{{PODCAST}}}locked": ("locked", "attrs"),
    f"{{{PODCAST}}}medium": ("medium", "text"),
    f"{{{PODCAST}}}funding": ("funding", "list"),
    f"{{{PODCAST}}}person": ("persons", "list"),
    f"{{{ATOM}}}link": ("atom_links", "list"),
}


def clark(tag: str) -> str:
    """The tag with its namespace URI normalised (aliases and case of known ones)."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        canonical = NS_ALIASES.get(uri.lower(), uri)
        return f"{{{canonical}}}{local}"
    return tag


def element_text(elem: etree._Element) -> str:
    return "".join(elem.itertext())


def element_html(elem: etree._Element) -> str:
    """The markup inside an element: CDATA/escaped HTML as text, raw child elements kept."""
    if len(elem) == 0:
        return elem.text or ""
    inner = [elem.text or ""]
    for child in elem:
        inner.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", "".join(inner))


def raw_of(elem: etree._Element, kind: str) -> Any:
    if kind == "text":
        return element_text(elem)
    if kind == "html":
        return element_html(elem)
    if kind in ("attrs", "list"):
        return {**{clark(k): v for k, v in elem.attrib.items()}, "_text": element_text(elem)}
    if kind == "children":
        return [(clark(c.tag), {**dict(c.attrib), "_text": element_text(c)})
                for c in elem if isinstance(c.tag, str)]
    if kind == "tree":  # itunes:category with nested subcategories
        return (elem.get("text"), [c.get("text") for c in elem
                                   if isinstance(c.tag, str) and clark(c.tag) == elem.tag])
    raise ValueError(kind)


def collect(elem: etree._Element, table: dict[str, tuple[str, str]], raw: Raw) -> None:
    """Store what ``table`` says about the direct child ``elem`` into ``raw``."""
    entry = table.get(clark(elem.tag))
    if entry is None:
        return
    name, kind = entry
    value = raw_of(elem, kind)
    if kind in ("list", "tree"):
        raw.setdefault(name, []).append(value)
    elif name not in raw:  # the first occurrence counts, as apps read it
        raw[name] = value


# -- reading pages -------------------------------------------------------------------

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def read_feed(source: str, *, limits: Limits = Limits(), progress: Progress = _quiet) -> Feed:
    """Read a feed URL or file, following RFC 5005 ``next`` pages; raise ImportFailed."""
    notes: list[Note] = []
    items: list[Item] = []
    seen_guids: set[str] = set()
    url: str | None = None
    channel: Channel | None = None
    current: str | None = source
    visited: list[str] = []
    pages = 0
    while current is not None:
        if current in visited:
            notes.append(Note("feed", f"page {current} links back to an earlier page "
                              "(rel=\"next\" loop); stopped there"))
            break
        if pages >= limits.max_pages:
            notes.append(Note("feed", f"more than {limits.max_pages} pages; the rest "
                              f"(from {current}) was not read"))
            break
        visited.append(current)
        pages += 1
        page_url, page_channel, page_items = read_page(current, len(items), limits, notes)
        if channel is None:
            channel, url = page_channel, page_url
        for item in page_items:
            if item.guid and item.guid in seen_guids:
                notes.append(Note(item.label, f"guid {item.guid!r} repeats an earlier item; "
                                  "this copy was left out"))
                continue
            seen_guids.add(item.guid)
            items.append(item)
        if len(items) > limits.max_items:
            raise ImportFailed(Problem(source, f"more than {limits.max_items:,} items; refused"))
        progress(f"read page {pages}: {counted(len(page_items), 'item')}")
        nxt = page_channel.next_url
        if nxt is not None and page_url is None and not is_url(nxt):
            notes.append(Note("feed", f"rel=\"next\" {nxt!r} is relative to a local file; "
                              "not followed"))
            nxt = None
        current = urljoin(page_url, nxt) if (nxt and page_url) else nxt
    assert channel is not None
    return Feed(source, url, channel, items, notes, pages)


def read_page(source: str, first_index: int, limits: Limits,
              notes: list[Note]) -> tuple[str | None, Channel, list[Item]]:
    """One page: (its URL or None for a file, its channel, its items)."""
    page_url: str | None
    try:
        if is_url(source):
            resp = open_url(source, max_bytes=limits.max_feed, deadline=limits.feed_deadline,
                            limits=limits, what="feed")
            page_url = resp.url
            chunks: Iterator[bytes] = resp.chunks()
        else:
            path = Path(source)
            if not path.is_file():
                raise ImportFailed(Problem(source, "no such file",
                                           expected="a feed file or an http(s):// URL"))
            page_url = None
            chunks = file_chunks(path, limits.max_feed)
        return (page_url,) + parse_page(chunks, source, page_url, first_index, notes)
    except FetchError as exc:
        raise ImportFailed(Problem(None, str(exc))) from None


def parse_page(chunks: Iterator[bytes], source: str, base: str | None, first_index: int,
               notes: list[Note]) -> tuple[Channel, list[Item]]:
    """Stream-parse one feed document."""
    stream = SafeStream(chunks)
    parser = etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    channel_raw: Raw = {}
    items: list[Item] = []
    depth = 0
    in_channel = False
    try:
        for event, elem in parser:
            if event == "start":
                depth += 1
                if depth == 1 and elem.tag != "rss":
                    raise ImportFailed(Problem(source, f"not an RSS feed (the document is "
                                               f"<{etree.QName(elem).localname}>)",
                                               expected="<rss version=\"2.0\"> with a "
                                                        "<channel>"))
                if depth == 2:
                    in_channel = elem.tag == "channel"
                continue
            if depth == 3 and in_channel and isinstance(elem.tag, str):
                if elem.tag == "item":
                    raw: Raw = {}
                    for child in elem:
                        if isinstance(child.tag, str):
                            collect(child, ITEM_MAP, raw)
                    items.append(make_item(first_index + len(items) + 1, raw, base, notes))
                else:
                    collect(elem, CHANNEL_MAP, channel_raw)
                    if base is None and clark(elem.tag) == f"{{{ATOM}}}link" and \
                            elem.get("rel") == "self" and is_url(elem.get("href") or ""):
                        base = elem.get("href")  # a saved file: resolve against its URL
                parent = elem.getparent()
                elem.clear()
                if parent is not None:
                    parent.remove(elem)
            depth -= 1
    except UnsafeFeed as exc:
        raise ImportFailed(Problem(source, str(exc))) from None
    except etree.XMLSyntaxError as exc:
        line = (exc.lineno or 0) + stream.line_offset or None
        raise ImportFailed(Problem(source, f"not well-formed XML: {exc.msg}", line)) from None
    notes[:0] = [Note(source, w) for w in stream.warnings()]
    if not channel_raw and not items:
        raise ImportFailed(Problem(source, "the feed has no <channel>",
                                   expected="<rss><channel>…</channel></rss>"))
    return make_channel(channel_raw, base, source, notes), items


# -- converters ----------------------------------------------------------------------

class _TagStripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def plain_title(text: str, where: str, notes: list[Note], what: str = "title") -> str:
    """A title as plain text: markup and (double-)escaped entities removed, with a note."""
    original = text
    if HTML_TAG.search(text):
        stripper = _TagStripper()
        stripper.feed(text)
        stripper.close()
        text = "".join(stripper.parts)
    elif ENTITY.search(text):
        text = unescape(text)
    text = " ".join(text.split())
    if text != " ".join(original.split()):
        notes.append(Note(where, f"{what} contains HTML; imported as the text "
                          f"{text!r}"))
    return text


def absolute(url: str | None, base: str | None, where: str, what: str,
             notes: list[Note]) -> str | None:
    """An absolute http(s) URL; a relative one is resolved against the feed's URL."""
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        return url
    if url.startswith("//"):
        joined = "https:" + url
    elif base is not None and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        joined = urljoin(base, url)
    else:
        notes.append(Note(where, f"{what} {url!r} is not an absolute http(s) URL and has no "
                          "feed URL to resolve against; left out"))
        return None
    notes.append(Note(where, f"{what} {url!r} is relative; resolved to {joined}"))
    return joined


def truthy_explicit(value: str | None, where: str, notes: list[Note]) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("true", "false"):
        return text == "true"
    if text in ("yes", "explicit"):
        notes.append(Note(where, f"itunes:explicit {value.strip()!r} read as true"))
        return True
    if text in ("no", "clean"):
        notes.append(Note(where, f"itunes:explicit {value.strip()!r} read as false"))
        return False
    if text:
        notes.append(Note(where, f"itunes:explicit {value.strip()!r} is not true/false; "
                          "left out"))
    return None


def parse_duration(value: str | None, where: str, notes: list[Note]) -> float | None:
    """Seconds from ``5711``, ``5711.0``, ``1:02:03``, ``62:03`` or ``01:02:03.250``."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    seconds = lenient_seconds(text)
    if seconds is None:
        notes.append(Note(where, f"itunes:duration {text!r} is not a duration; left out"))
        return None
    return seconds


def positive(value: str | None, what: str, where: str, notes: list[Note]) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{1,7}", text) and int(text) > 0:
        return int(text)
    notes.append(Note(where, f"{what} {text!r} is not a whole number above 0; left out"))
    return None


FULL_DAYS = {"monday": "Mon", "tuesday": "Tue", "wednesday": "Wed", "thursday": "Thu",
             "friday": "Fri", "saturday": "Sat", "sunday": "Sun"}
FULL_MONTHS = {"january": "Jan", "february": "Feb", "march": "Mar", "april": "Apr",
               "june": "Jun", "july": "Jul", "august": "Aug", "september": "Sep",
               "sept": "Sep", "october": "Oct", "november": "Nov", "december": "Dec"}
ZONE_NAMES = {"CET": "+0100", "CEST": "+0200", "BST": "+0100", "EET": "+0200",
              "EEST": "+0300", "WET": "+0000", "WEST": "+0100", "AEST": "+1000",
              "AEDT": "+1100", "JST": "+0900"}
RFC_DAY = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun),")


def parse_pub_date(value: str | None, where: str,
                   notes: list[Note]) -> datetime | None:
    """The instant and the offset the feed wrote; non-RFC 2822 forms with a note."""
    if value is None or not value.strip():
        notes.append(Note(where, "no pubDate"))
        return None
    text = " ".join(value.split())
    parsed = _rfc2822(text)
    if parsed is not None:
        day = RFC_DAY.match(text)
        if day and day.group(1) != parsed.strftime("%a"):
            notes.append(Note(where, f"pubDate {text!r} names the wrong weekday "
                              f"({parsed.strftime('%a')}); the date itself was kept"))
    else:
        parsed = _lenient(text)
        if parsed is None:
            notes.append(Note(where, f"pubDate {text!r} is not a date"))
            return None
        notes.append(Note(where, f"pubDate {text!r} is not RFC 2822; read as "
                          f"{parsed.isoformat()}"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
        notes.append(Note(where, f"pubDate {text!r} has no time zone; read as UTC"))
    if not 1970 <= parsed.year <= 9000:
        notes.append(Note(where, f"pubDate {text!r} is not a plausible publication date"))
        return None
    return parsed


def _rfc2822(text: str) -> datetime | None:
    if not RFC_DAY.match(text) and not re.match(r"^\d{1,2} [A-Z][a-z]{2} \d{4} ", text):
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None and not re.search(r"-0000$", text):
        return None  # an unknown zone name: let the lenient reader say so
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # -0000: UTC, "no local offset"
    return parsed


def _lenient(text: str) -> datetime | None:
    iso = text.replace("Z", "+00:00") if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    if iso is not None:
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            pass
    words = re.sub(r"[A-Za-z]+", lambda m: FULL_DAYS.get(m.group(0).lower())
                   or FULL_MONTHS.get(m.group(0).lower())
                   or ZONE_NAMES.get(m.group(0).upper()) or m.group(0), text)
    words = re.sub(r"^(\w{3})(?=\s)", r"\1,", words)  # "Tue 13 May…" -> "Tue, 13 May…"
    words = re.sub(r"(\d{1,2}:\d{2}(?::\d{2})?)\s+([+-]\d{2}):?(\d{2})$", r"\1 \2\3", words)
    try:
        parsed = parsedate_to_datetime(words)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None and not words.endswith("-0000"):
        has_zone = re.search(r"(?:[+-]\d{4}|\b(?:GMT|UTC?|[ECMP][SD]T|Z))$", words)
        if not has_zone:
            return parsed  # naive: the caller says "read as UTC"
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


MIME_FIXES = {
    "audio/mp3": "audio/mpeg", "audio/x-mp3": "audio/mpeg", "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg", "audio/x-mpeg-3": "audio/mpeg", "x-audio/mp3": "audio/mpeg",
    "audio/mpg": "audio/mpeg", "audio/m4a": "audio/x-m4a", "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav", "audio/x-flac": "audio/flac", "audio/opus": "audio/ogg",
}
MIME_BY_EXT = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4",
               ".m4v": "video/x-m4v", ".ogg": "audio/ogg", ".oga": "audio/ogg",
               ".opus": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav",
               ".mov": "video/quicktime", ".pdf": "application/pdf"}
KNOWN_TYPES = set(MIME_BY_EXT.values()) | {"audio/mp4", "audio/aac", "video/mp4"}

#: analytics redirectors that put the real media URL after their own path
PREFIXES = [re.compile(p, re.IGNORECASE) for p in (
    r"^(?:https?://)?(?:dts|www)\.podtrac\.com/(?:pts/)?redirect\.[a-z0-9]{2,4}/",
    r"^(?:https?://)?op3\.dev/e(?:,[^/]*)?/",
    r"^(?:https?://)?(?:chrt\.fm|chtbl\.com)/track/[^/]+/",
    r"^(?:https?://)?pdst\.fm/e/",
    r"^(?:https?://)?pfx\.vpixl\.com/[^/]+/",
    r"^(?:https?://)?mgln\.ai/e/[^/]+/",
    r"^(?:https?://)?arttrk\.com/p/[^/]+/",
    r"^(?:https?://)?(?:verifi\.podscribe\.com|pscrb\.fm)/rss/p/",
    r"^(?:https?://)?prfx\.byspotify\.com/e/",
    r"^(?:https?://)?claritaspod\.com/measure/",
    r"^(?:https?://)?tracking\.swap\.fm/track/[^/]+/",
    r"^(?:https?://)?pdcn\.co/e/",
    r"^(?:https?://)?www\.podtrac\.com/pts/redirect\.[a-z0-9]{2,4}/",
    r"^(?:https?://)?anchor\.fm/s/[^/]+/podcast/play/[^/]+/",
)]


def analytics_prefix(url: str) -> str | None:
    """The chain of tracking prefixes in front of the media URL, if any."""
    consumed = 0
    for _ in range(5):
        rest = url[consumed:]
        for pattern in PREFIXES:
            m = pattern.match(rest)
            if m:
                consumed += m.end()
                break
        else:
            break
    return url[:consumed] or None


def enclosure(raw: Raw, item: Item, base: str | None, notes: list[Note]) -> None:
    attrs = raw.get("enclosure")
    where = item.label
    if not attrs or not attrs.get("url", "").strip():
        notes.append(Note(where, "no enclosure (no audio)"))
        return
    url = absolute(attrs.get("url"), base, where, "enclosure URL", notes)
    if url is None:
        return
    if re.search(r"\s", url) or not url.isascii():
        notes.append(Note(where, f"enclosure URL {url!r} has spaces or non-ASCII "
                          "characters; kept as published"))
    item.enclosure_url = url
    item.analytics_prefix = analytics_prefix(url)
    if item.analytics_prefix:
        notes.append(Note(where, f"enclosure goes through the analytics prefix "
                          f"{item.analytics_prefix}; kept as published"))
    length = (attrs.get("length") or "").strip()
    if re.fullmatch(r"\d{1,15}", length) and int(length) > 0:
        item.enclosure_length = int(length)
    else:
        shown = f"{length!r}" if length else "missing"
        notes.append(Note(where, f"enclosure length {shown} is not a byte count; the first "
                          "build measures the audio (or use --download-audio)"))
    mime = (attrs.get("type") or "").strip().lower()
    ext = Path(urlsplit(url).path).suffix.lower()
    if mime in MIME_FIXES:
        notes.append(Note(where, f"enclosure type {mime!r} is not a registered type; "
                          f"written as {MIME_FIXES[mime]!r}"))
        mime = MIME_FIXES[mime]
    elif not mime:
        guessed = MIME_BY_EXT.get(ext)
        if guessed:
            notes.append(Note(where, f"enclosure has no type; {guessed!r} from its "
                              f"extension {ext}"))
            mime = guessed
        else:
            notes.append(Note(where, "enclosure has no type and its URL no known "
                              "extension; the first build measures the audio"))
    elif mime not in KNOWN_TYPES:
        notes.append(Note(where, f"enclosure type {mime!r} is not one Apple lists; kept"))
    item.enclosure_type = mime or None


def person(raw: dict[str, str], base: str | None, where: str,
           notes: list[Note]) -> PersonRec | None:
    name = " ".join(raw.get("_text", "").split())
    if not name:
        notes.append(Note(where, "podcast:person without a name; left out"))
        return None
    return PersonRec(name, (raw.get("role") or "").strip().lower() or None,
                     (raw.get("group") or "").strip().lower() or None,
                     absolute(raw.get("href"), base, where, "podcast:person href", notes),
                     absolute(raw.get("img"), base, where, "podcast:person img", notes))


def psc_time(text: str) -> float | None:
    m = re.fullmatch(r"(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2}(?:\.\d+)?)", text.strip())
    if not m:
        return None
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3))


def make_item(index: int, raw: Raw, base: str | None, notes: list[Note]) -> Item:
    item = Item(index)
    label = f"item {index}"
    title = raw.get("title") or raw.get("itunes_title") or ""
    title_notes: list[Note] = []
    item.title = plain_title(title, label, title_notes)
    where = item.label
    notes.extend(Note(where, n.message) for n in title_notes)
    if not item.title:
        notes.append(Note(where, "no title"))
    guid = raw.get("guid")
    if guid is not None:
        text = guid["_text"]
        item.guid = text.strip()
        if item.guid != text:
            notes.append(Note(where, f"guid {text!r} has spaces around it; apps strip them, "
                              f"so {item.guid!r} was kept"))
        permalink = (guid.get("isPermaLink") or "").strip().lower()
        if permalink in ("true", "false"):
            item.guid_is_permalink = permalink == "true"
        elif permalink:
            notes.append(Note(where, f"guid isPermaLink {permalink!r} is not true/false"))
    item.pub_date_text = (raw.get("pub_date") or "").strip()
    item.pub_date = parse_pub_date(raw.get("pub_date"), where, notes)
    enclosure(raw, item, base, notes)
    if not item.guid:
        if item.enclosure_url:
            item.guid = item.enclosure_url
            notes.append(Note(where, "no guid; apps know such an episode by its enclosure "
                              "URL, which was kept as its guid"))
        else:
            notes.append(Note(where, "no guid and no enclosure"))
    item.duration = parse_duration(raw.get("duration"), where, notes)
    item.season = positive(raw.get("season") or raw.get("p_season"), "season", where, notes)
    item.number = positive(raw.get("number") or raw.get("p_number"), "episode number",
                           where, notes)
    kind = (raw.get("episode_type") or "full").strip().lower()
    if kind not in ("full", "trailer", "bonus"):
        notes.append(Note(where, f"itunes:episodeType {kind!r} is not full, trailer or "
                          "bonus; imported as full"))
        kind = "full"
    item.episode_type = kind
    item.explicit = truthy_explicit(raw.get("explicit"), where, notes)
    item.link = absolute(raw.get("link"), base, where, "link", notes)
    image = raw.get("image")
    item.image = absolute(image.get("href") if image else None, base, where, "itunes:image",
                          notes)
    keywords = raw.get("keywords") or ""
    item.keywords = tuple(k.strip() for k in keywords.split(",") if k.strip())
    item.persons = tuple(p for r in raw.get("persons", [])
                         if (p := person(r, base, where, notes)) is not None)
    transcripts = []
    for t in raw.get("transcripts", []):
        url = absolute(t.get("url"), base, where, "podcast:transcript", notes)
        if url:
            transcripts.append(LinkRec(url, (t.get("type") or "").strip().lower() or None,
                                       (t.get("language") or "").strip() or None,
                                       (t.get("rel") or "").strip() or None))
    item.transcripts = tuple(transcripts)
    chapters = raw.get("chapters")
    if chapters:
        url = absolute(chapters.get("url"), base, where, "podcast:chapters", notes)
        if url:
            item.chapters = LinkRec(url, (chapters.get("type") or "").strip() or None)
    inline = []
    for tag, attrs in raw.get("psc", []):
        start = psc_time(attrs.get("start", ""))
        if tag != f"{{{PSC}}}chapter":
            continue
        if start is None:
            notes.append(Note(where, f"psc:chapter start {attrs.get('start')!r} is not a "
                              "time; that chapter was left out"))
            continue
        inline.append(InlineChapter(start, attrs.get("title"),
                                    absolute(attrs.get("href"), base, where, "chapter href",
                                             notes),
                                    absolute(attrs.get("image"), base, where,
                                             "chapter image", notes)))
    item.inline_chapters = tuple(inline)
    item.description_html = (raw.get("content") or raw.get("description")
                             or raw.get("summary") or "").strip()
    return item


def make_channel(raw: Raw, base: str | None, source: str, notes: list[Note]) -> Channel:
    ch = Channel()
    where = "channel"
    ch.title = plain_title(raw.get("title") or "", where, notes)
    ch.description = (raw.get("description") or raw.get("summary") or "").strip()
    ch.link = absolute(raw.get("link"), base, where, "link", notes)
    language = (raw.get("language") or "").strip().replace("_", "-")
    ch.language = language.lower() or None
    ch.author = " ".join((raw.get("author") or "").split()) or None
    for tag, attrs in raw.get("owner", []):
        text = " ".join(attrs["_text"].split())
        if tag == f"{{{ITUNES}}}name":
            ch.owner_name = text or None
        elif tag == f"{{{ITUNES}}}email":
            ch.owner_email = text or None
    art = raw.get("artwork")
    ch.artwork = absolute(art.get("href") if art else None, base, where, "itunes:image",
                          notes)
    if ch.artwork is None:
        for tag, attrs in raw.get("rss_image", []):
            if tag == "url":
                ch.artwork = absolute(attrs["_text"], base, where, "image url", notes)
    for name, subs in raw.get("categories", []):
        if not name:
            continue
        if any(subs):
            ch.categories.extend((name, sub) for sub in subs if sub)
        else:
            ch.categories.append((name, None))
    ch.explicit = truthy_explicit(raw.get("explicit"), where, notes)
    kind = (raw.get("type") or "episodic").strip().lower()
    if kind not in ("episodic", "serial"):
        notes.append(Note(where, f"itunes:type {kind!r} is not episodic or serial; "
                          "imported as episodic"))
        kind = "episodic"
    ch.type = kind
    ch.copyright = " ".join((raw.get("copyright") or "").split()) or None
    ch.podcast_guid = (raw.get("podcast_guid") or "").strip() or None
    locked = raw.get("locked")
    if locked is not None:
        value = locked["_text"].strip().lower()
        ch.locked = value == "yes" if value in ("yes", "no") else None
        ch.locked_owner = (locked.get("owner") or "").strip() or None
    ch.medium = (raw.get("medium") or "").strip().lower() or None
    for f in raw.get("funding", []):
        url = absolute(f.get("url"), base, where, "podcast:funding", notes)
        if url:
            ch.funding.append((url, " ".join(f["_text"].split()) or "Support the show"))
    ch.persons = [p for r in raw.get("persons", [])
                  if (p := person(r, base, where, notes)) is not None]
    ch.new_feed_url = (raw.get("new_feed_url") or "").strip() or None
    for link in raw.get("atom_links", []):
        rel = (link.get("rel") or "alternate").strip().lower()
        href = (link.get("href") or "").strip()
        if rel == "self" and href and ch.self_url is None:
            ch.self_url = href
        elif rel == "next" and href and ch.next_url is None:
            ch.next_url = href
    return ch
