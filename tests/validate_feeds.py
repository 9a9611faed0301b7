"""Feeds written by hand for the validator tests: one clean feed, and knobs to break it.

``make_feed()`` returns a feed that must produce no errors and no warnings;
each test swaps one piece (``channel_extra``, ``item``…) for a broken one and
asserts the rule id and line.
"""

from __future__ import annotations

import email.utils
import uuid
from datetime import UTC, datetime, timedelta

FEED_URL = "https://podcast.example.org/show/feed.xml"
PODCAST_GUID = str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
                              "podcast.example.org/show/feed.xml"))
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
)


def rfc2822(dt: datetime) -> str:
    return email.utils.format_datetime(dt)


def make_item(n: int, *, base: str = "https://media.example.org/show",
              site: str = "https://podcast.example.org/show", extra: str = "",
              enclosure: str | None = None, length: int = 1_234_567,
              transcript: bool = True) -> str:
    """A complete, valid <item> (episode ``n``)."""
    date = rfc2822(NOW - timedelta(days=7 * n + 1))
    if enclosure is None:
        enclosure = (f'<enclosure url="{base}/episode-{n}.mp3" length="{length}" '
                     'type="audio/mpeg"/>')
    tr = ""
    if transcript:
        tr = (f'<podcast:transcript url="{site}/ep-{n}/transcript.vtt" type="text/vtt" '
              'language="en" rel="captions"/>\n'
              f'<podcast:chapters url="{site}/ep-{n}/chapters.json" '
              'type="application/json+chapters"/>\n')
    return f"""<item>
<title>A conversation about topic {n}</title>
<link>{site}/ep-{n}/</link>
<description><![CDATA[<p>Show notes for topic {n} with a <a href="{site}">link</a>.</p>]]></description>
<guid isPermaLink="false">urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/{n}")}</guid>
<pubDate>{date}</pubDate>
{enclosure}
<itunes:duration>{1800 + n}</itunes:duration>
<itunes:episode>{n}</itunes:episode>
<itunes:episodeType>full</itunes:episodeType>
<itunes:explicit>false</itunes:explicit>
{tr}<podcast:person role="host" group="cast">Ada Host</podcast:person>
<podcast:person role="guest">Grace Guest {n}</podcast:person>
{extra}</item>
"""


def make_feed(*, items: str | None = None, n_items: int = 3, channel_extra: str = "",
              channel: str | None = None, namespaces: str = NAMESPACES,
              feed_url: str = FEED_URL, artwork: str = "https://podcast.example.org/show/cover.jpg",
              declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
              podcast_guid: str = PODCAST_GUID, **item_kw: object) -> str:
    """A valid feed with ``n_items`` episodes unless a piece is replaced."""
    if items is None:
        items = "".join(make_item(n, **item_kw) for n in range(1, n_items + 1))  # type: ignore[arg-type]
    if channel is None:
        channel = f"""<title>The Example Show</title>
<link>https://podcast.example.org/show/</link>
<description>Two friends talk about how things work, one topic per episode.</description>
<language>en</language>
<copyright>Example Media</copyright>
<lastBuildDate>{rfc2822(NOW - timedelta(days=8))}</lastBuildDate>
<atom:link href="{feed_url}" rel="self" type="application/rss+xml"/>
<itunes:image href="{artwork}"/>
<itunes:category text="Technology"/>
<itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
<itunes:explicit>false</itunes:explicit>
<itunes:type>episodic</itunes:type>
<itunes:author>Ada Host</itunes:author>
<itunes:owner><itunes:name>Ada Host</itunes:name><itunes:email>ada@example.org</itunes:email></itunes:owner>
<podcast:guid>{podcast_guid}</podcast:guid>
<podcast:locked owner="ada@example.org">yes</podcast:locked>
<podcast:medium>podcast</podcast:medium>
<podcast:funding url="https://podcast.example.org/support">Support the show</podcast:funding>
<podcast:person role="host" group="cast" href="https://podcast.example.org/ada">Ada Host</podcast:person>
"""
    return (f"{declaration}<rss version=\"2.0\" {namespaces}>\n<channel>\n{channel}"
            f"{channel_extra}{items}</channel>\n</rss>\n")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line containing ``needle``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found")


#: an entity-expansion bomb ("billion laughs"), without an XML declaration so tests can put
#: comments or a declaration in front of it
ENTITY_BOMB = b"""<!DOCTYPE rss [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>&i;</title><description t="&i;">&i;</description>
</channel></rss>
"""
BILLION_LAUGHS = b'<?xml version="1.0"?>\n' + ENTITY_BOMB
