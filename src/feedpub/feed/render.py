"""Built model -> feed.xml bytes.  The only module that drives feedgen.

The output depends on the input alone: ``lastBuildDate`` is the newest
episode's date, not the clock, so rebuilding unchanged sources gives a
byte-identical feed (and no needless re-fetch by apps and directories).

feedgen's bundled podcast extension would decide parts of our output
(``itunes:explicit`` only as yes/no/clean, silently dropped artwork), so one
registered extension writes every namespaced element itself, from
:mod:`.ext_itunes` and :mod:`.ext_podcast`.
"""

from __future__ import annotations

import re
from html import escape

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..dates import zone
from ..markup import clean
from ..model import BuiltEpisode, Show
from ..spec import ascii_url
from . import ext_itunes, ext_podcast
from .xml import NAMESPACES

EXTENSION = "feedpub"


class ShowExtension(BaseExtension):  # type: ignore[misc]  # feedgen ships no type hints
    """Channel-level elements; ``show`` and ``artwork_url`` are set before rendering."""

    show: Show | None = None
    artwork_url: str = ""

    def extend_ns(self) -> dict[str, str]:
        return dict(NAMESPACES)

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        assert self.show is not None  # set by render_feed
        ext_itunes.channel(feed[0], self.show, self.artwork_url)
        ext_podcast.channel(feed[0], self.show)
        return feed


class EpisodeExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level elements; ``built`` is set by render_feed."""

    built: BuiltEpisode | None = None
    show_explicit: bool = False

    def extend_rss(self, item: etree._Element) -> etree._Element:
        built = self.built
        assert built is not None  # set by render_feed
        html = built.episode.description_html
        description = item.find("description")
        if description is not None and html and "]]>" not in html:
            description.text = etree.CDATA(html)
        ext_itunes.item(item, built, self.show_explicit)
        for kind in ("season", "episode"):
            ext_itunes.numbering(item, built, kind)
            ext_podcast.numbering(item, built, kind)
        ext_podcast.item(item, built)
        return item


def ordered(episodes: list[BuiltEpisode]) -> list[BuiltEpisode]:
    """Newest first; ties broken by number then slug, so the order is stable."""
    return sorted(episodes, key=lambda b: (b.episode.pub_date, b.episode.number or 0, b.slug),
                  reverse=True)


def render_feed(show: Show, episodes: list[BuiltEpisode], artwork_url: str) -> bytes:
    """The RSS document for ``show`` with its built ``episodes``."""
    tz = zone(show.timezone)
    fg = FeedGenerator()
    fg.register_extension(EXTENSION, ShowExtension, EpisodeExtension)
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
    items = ordered(episodes)
    newest = max(b.episode.pub_date for b in items).astimezone(tz)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    # feedgen prepends by default; append keeps our order.
    for built in items:
        ep = built.episode
        fe = fg.add_entry(order="append")
        getattr(fe, EXTENSION).built = built
        getattr(fe, EXTENSION).show_explicit = show.explicit
        fe.title(clean(ep.title))
        if ep.link:
            fe.link(href=ascii_url(ep.link))
        fe.guid(ep.guid, permalink=ep.guid_is_permalink)
        fe.pubDate(ep.pub_date.astimezone(tz))
        fe.enclosure(ascii_url(built.enclosure_url), str(built.audio.size), built.audio.mime)
        # Apps read <description> as HTML: the same sanitised HTML as content:encoded
        # (in CDATA, set by the extension), or the title escaped as HTML.
        fe.description(ep.description_html or escape(clean(ep.title), quote=False))
        if ep.description_html:
            html = ep.description_html
            # CDATA cannot hold "]]>"; such notes are entity-escaped instead.
            fe.content(html, type=None if "]]>" in html else "CDATA")
    data: bytes = fg.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8")
    return hex_lt(data)


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)


def hex_lt(data: bytes) -> bytes:
    """Write '<' in text as &#x3C; rather than &lt; (outside CDATA), as the RSS Best
    Practices Profile advises: readers that decode plain text twice then still show
    "Use the <filename> placeholder" instead of dropping the words (W3C CharacterData)."""
    parts = _CDATA.split(data)
    return b"".join(part if i % 2 else part.replace(b"&lt;", b"&#x3C;")
                    for i, part in enumerate(parts))
