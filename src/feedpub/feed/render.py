"""Built model -> feed.xml bytes, assembled from the channel and one chunk per item.

The output depends on the input alone: ``lastBuildDate`` is the newest
episode's date, not the clock, so rebuilding unchanged sources gives a
byte-identical feed (and no needless re-fetch by apps and directories).

The channel is written by feedgen (the only module that drives it), with one
registered extension that writes the namespaced channel elements itself
(feedgen's bundled podcast extension would decide parts of our output:
``itunes:explicit`` only as yes/no/clean, silently dropped artwork).  Items are
written with lxml directly, each on its own: feedgen's per-item bookkeeping
(Atom and RSS fields kept side by side, format checks of every link) cost 5× the
XML itself on a large show, and a separately written item is what the build
caches and reuses (:mod:`.items`).  An item is serialised inside a wrapper at the
depth it has in the feed, so its bytes are exactly the ones a whole-document
pretty print gives (items indented by 4 spaces, CDATA left as written).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from html import escape

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..dates import zone
from ..markup import clean
from ..model import BuiltEpisode, Show
from ..spec import ascii_url
from . import ext_itunes, ext_podcast
from .xml import ITUNES, NAMESPACES, PODCAST, clark

EXTENSION = "feedpub"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
CONTENT_ENCODED = "{" + CONTENT_NS + "}encoded"
_SubElement = etree.SubElement
_ITUNES_EPISODE, _PODCAST_EPISODE = clark(ITUNES, "episode"), clark(PODCAST, "episode")
#: where an item's notes go while the rest is written (:meth:`ItemWriter.write_parts`)
NOTES_TAG = "feedpub-notes"
NOTES_MARK = b"      <feedpub-notes/>\n"
_ITEM_OPEN, _ITEM_CLOSE = b"    <item>\n", b"    </item>\n"
#: how the channel ends, after its last item
CLOSE = b"  </channel>\n</rss>\n"


class ShowExtension(BaseExtension):  # type: ignore[misc]  # feedgen ships no type hints
    """Channel-level elements; ``show`` and ``artwork_url`` are set before rendering."""

    show: Show | None = None
    artwork_url: str = ""

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        assert self.show is not None  # set by render_channel
        ext_itunes.channel(feed[0], self.show, self.artwork_url)
        ext_podcast.channel(feed[0], self.show)
        return feed


def ordered(episodes: list[BuiltEpisode]) -> list[BuiltEpisode]:
    """Newest first; ties broken by number then slug, so the order is stable."""
    return sorted(episodes, key=lambda b: (b.episode.pub_date, b.episode.number or 0, b.slug),
                  reverse=True)


def render_channel(show: Show, episodes: list[BuiltEpisode], artwork_url: str) -> bytes:
    """The feed up to its first item: the XML declaration, <rss> and the channel's own
    elements (the document goes on with the items, then :data:`CLOSE`)."""
    tz = zone(show.timezone)
    fg = FeedGenerator()
    fg.register_extension(EXTENSION, ShowExtension)
    ext = getattr(fg, EXTENSION)
    ext.show, ext.artwork_url = show, artwork_url
    fg.title(clean(show.title))
    # feedgen takes the channel <link> from the last link given: the site, not the feed.
    fg.link(href=ascii_url(show.feed_url), rel="self", type="application/rss+xml")
    fg.link(href=ascii_url(show.link), rel="alternate")
    fg.description(clean(show.description))
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.image(url=ascii_url(artwork_url), title=show.title, link=ascii_url(show.link))
    # No version number: upgrading feedpub must not change an otherwise identical feed.
    fg.generator("feedpub")
    newest = max(b.episode.pub_date for b in episodes).astimezone(tz)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    data = hex_lt(fg.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8"))
    # a channel without items closes as "<channel>...\n  </channel>\n</rss>\n"
    if not data.endswith(CLOSE):
        raise AssertionError("unexpected end of the channel's XML")
    return data[:-len(CLOSE)]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(moment: datetime) -> str:
    """``Tue, 13 May 2025 00:00:00 +0200`` (English names whatever the locale)."""
    return (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
            f"{moment:%Y %H:%M:%S %z}")


class ItemWriter:
    """Writes one ``<item>`` at a time, as bytes exactly as they appear in the feed."""

    def __init__(self, show: Show) -> None:
        self.tz: tzinfo = zone(show.timezone)
        self.show_explicit = show.explicit
        self.root = etree.Element("rss", nsmap={**NAMESPACES, "content": CONTENT_NS})
        self.channel = etree.SubElement(self.root, "channel")
        probe = etree.SubElement(self.channel, "item")
        empty = self._serialise()
        self.channel.remove(probe)
        self.start = empty.index(b"    <item/>")
        self.end = len(CLOSE)
        if not empty.endswith(CLOSE):
            raise AssertionError("unexpected wrapper XML")

    def _serialise(self) -> bytes:
        data: bytes = etree.tostring(self.root, pretty_print=True, encoding="UTF-8",
                                     xml_declaration=False)
        return data

    def write(self, built: BuiltEpisode) -> bytes:
        """The item's bytes, from its indentation to the newline after ``</item>``."""
        return self.write_parts(built)[0]

    def write_parts(self, built: BuiltEpisode, notes: bytes | None = None
                    ) -> tuple[bytes, int, int]:
        """The item's bytes, and where its notes lie in them (offset, size): the lines of
        its ``<description>`` and ``<content:encoded>``, which depend on the episode's
        notes and title alone.  ``notes``: those lines as an earlier write gave them for
        the same episode, used instead of writing them again (and of reading the notes)."""
        item = etree.SubElement(self.channel, "item")
        try:
            self._fill(item, built)
            data = self._serialise()
        finally:
            self.channel.remove(item)
        body = hex_lt(data[self.start:len(data) - self.end])
        at = body.index(NOTES_MARK)  # titles and links are escaped: only the mark is this
        if notes is None:
            notes = self.notes(built)
        return body[:at] + notes + body[at + len(NOTES_MARK):], at, len(notes)

    def notes(self, built: BuiltEpisode) -> bytes:
        """The item's notes lines, as they are in the item."""
        item = etree.SubElement(self.channel, "item")
        try:
            self._fill_notes(item, built)
            data = self._serialise()
        finally:
            self.channel.remove(item)
        return hex_lt(data[self.start + len(_ITEM_OPEN):len(data) - self.end - len(_ITEM_CLOSE)])

    def _fill_notes(self, item: etree._Element, built: BuiltEpisode) -> None:
        sub = _SubElement
        ep = built.measured.episode
        html = ep.description_html
        # Apps read <description> as HTML: the same sanitised HTML as content:encoded,
        # or the title escaped as HTML.  CDATA cannot hold "]]>": such notes are
        # entity-escaped instead.
        if html:
            text: str | etree.CDATA = html if "]]>" in html else etree.CDATA(html)
            sub(item, "description").text = text
            sub(item, CONTENT_ENCODED).text = text
        else:
            sub(item, "description").text = escape(clean(ep.title), quote=False)

    def _fill(self, item: etree._Element, built: BuiltEpisode) -> None:
        """Every element of the item, the notes as a mark (:meth:`write_parts`)."""
        sub = _SubElement
        measured = built.measured
        ep, audio = measured.episode, measured.audio
        sub(item, "title").text = clean(ep.title)
        if ep.link:
            sub(item, "link").text = ascii_url(ep.link)
        sub(item, NOTES_TAG)
        if ep.guid:
            sub(item, "guid", isPermaLink="true" if ep.guid_is_permalink else "false"
                ).text = ep.guid
        sub(item, "enclosure", url=ascii_url(built.enclosure_url), length=str(audio.size),
            type=audio.mime)
        sub(item, "pubDate").text = rfc2822(ep.pub_date.astimezone(self.tz))
        ext_itunes.item(item, built, self.show_explicit)
        if ep.season is not None:
            ext_itunes.numbering(item, built, "season")
            ext_podcast.numbering(item, built, "season")
        if ep.number is not None:
            number = str(ep.number)
            sub(item, _ITUNES_EPISODE).text = number
            sub(item, _PODCAST_EPISODE).text = number
        ext_podcast.item(item, built)


def render_feed(show: Show, episodes: list[BuiltEpisode], artwork_url: str) -> bytes:
    """The RSS document for ``show`` with its built ``episodes`` (nothing cached)."""
    writer = ItemWriter(show)
    items = ordered(episodes)
    return b"".join([render_channel(show, items, artwork_url),
                     *(writer.write(b) for b in items), CLOSE])


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)


def hex_lt(data: bytes) -> bytes:
    """Write '<' in text as &#x3C; rather than &lt; (outside CDATA), as the RSS Best
    Practices Profile advises: readers that decode plain text twice then still show
    "Use the <filename> placeholder" instead of dropping the words (W3C CharacterData).
    A chunk of the feed (the channel, one item) holds whole CDATA sections, so applying
    this to each chunk gives the bytes of applying it to the document."""
    if b"&lt;" not in data:
        return data
    parts = _CDATA.split(data)
    return b"".join(part if i % 2 else part.replace(b"&lt;", b"&#x3C;")
                    for i, part in enumerate(parts))
