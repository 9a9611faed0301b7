"""Model -> feed.xml bytes.  The only module that drives feedgen.

The output depends on the input alone: ``lastBuildDate`` is the newest
episode's date, not the clock, so rebuilding unchanged sources gives a
byte-identical feed (and no needless re-fetch by apps and directories).
"""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from .dates import zone
from .feed_ext import EpisodeExtension, ShowExtension
from .markup import clean
from .model import Episode, Show

EXTENSION = "feedpub"


def ordered(episodes: list[Episode]) -> list[Episode]:
    """Newest first; ties broken by number then slug, so the order is stable."""
    return sorted(episodes, key=lambda e: (e.pub_date, e.number or 0, e.slug), reverse=True)


def render_feed(show: Show, episodes: list[Episode]) -> bytes:
    """The RSS document for ``show`` with ``episodes`` (audio facts already probed)."""
    tz = zone(show.timezone)
    fg = FeedGenerator()
    fg.register_extension(EXTENSION, ShowExtension, EpisodeExtension)
    getattr(fg, EXTENSION).show = show
    fg.title(clean(show.title))
    # feedgen takes the channel <link> from the last link given: the site, not the feed.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=show.link, rel="alternate")
    fg.description(clean(show.description))
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.image(url=show.artwork, title=show.title, link=show.link)
    # No version number: upgrading feedpub must not change an otherwise identical feed.
    fg.generator("feedpub")
    items = ordered(episodes)
    newest = max(e.pub_date for e in items).astimezone(tz)
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    # feedgen prepends by default; append keeps our order.
    for ep in items:
        fe = fg.add_entry(order="append")
        ext = getattr(fe, EXTENSION)
        ext.episode, ext.show = ep, show
        fe.title(clean(ep.title))
        if ep.link:
            fe.link(href=ep.link)
        fe.guid(ep.guid, permalink=False)
        fe.pubDate(ep.pub_date.astimezone(tz))
        assert ep.audio is not None
        fe.enclosure(ep.enclosure_url(show), str(ep.audio.size), ep.audio.mime)
        fe.description(ep.description_text or ep.title)
        if ep.description_html:
            html = ep.description_html
            # CDATA cannot hold "]]>"; such notes are entity-escaped instead.
            fe.content(html, type=None if "]]>" in html else "CDATA")
    data: bytes = fg.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8")
    return data

