"""Each offline rule: break one thing in a clean feed, expect exactly that rule at that line."""

from __future__ import annotations

import uuid

import pytest

from feedpub.validate import RULES, Finding, validate_bytes
from validate_feeds import FEED_URL, NOW, line_of, make_feed

CLEAN = make_feed(n_items=2)
ITEM2 = "<title>A conversation about topic 2</title>"
LONG = "x" * 4100

# (id, old text, new text, line needle (text or (text, nth)), rule, severity, other rules)
CASES: list[tuple[str, str, str, object, str, str, set[str]]] = [
    # document
    ("not-rss", '<rss version="2.0"', '<rss version="0.91"', "<rss", "rss-root", "error", set()),
    ("two-channels", "</channel>\n</rss>", "</channel>\n<channel></channel>\n</rss>", "<rss",
     "rss-root", "error", set()),
    ("podcast-ns", 'xmlns:podcast="https://podcastindex.org/namespace/1.0"',
     'xmlns:podcast="http://podcastindex.org/namespace/1.0"', "<rss", "podcast-namespace",
     "error", {"podcast-guid", "podcast-locked"}),
    # channel
    ("no-title", "<title>The Example Show</title>\n", "", "<channel>", "channel-title",
     "error", set()),
    ("padded-title", "<title>The Example Show</title>", "<title>The Example Show </title>",
     "The Example Show", "channel-title", "warning", set()),
    ("relative-link", "<link>https://podcast.example.org/show/</link>", "<link>/show/</link>",
     "<link>/show/", "channel-link", "error", set()),
    ("empty-description", "<description>Two friends talk about how things work, one topic "
     "per episode.</description>", "<description> </description>", "<description> ",
     "channel-description", "error", set()),
    ("placeholder", "Two friends talk about how things work, one topic per episode.",
     "Lorem ipsum dolor sit amet.", "Lorem", "placeholder-text", "error", set()),
    ("long-description", "one topic per episode.", LONG, LONG, "description-length",
     "warning", set()),
    ("underscore-language", "<language>en</language>", "<language>en_US</language>", "en_US",
     "channel-language", "error", set()),
    ("language-name", "<language>en</language>", "<language>English</language>", "English",
     "channel-language", "error", set()),
    ("no-language", "<language>en</language>\n", "", "<channel>", "channel-language", "error",
     set()),
    ("no-artwork", '<itunes:image href="https://podcast.example.org/show/cover.jpg"/>\n', "",
     "<channel>", "itunes-image", "error", set()),
    ("gif-artwork", "cover.jpg", "cover.gif", "cover.gif", "itunes-image", "error", set()),
    ("http-artwork", "https://podcast.example.org/show/cover.jpg",
     "http://podcast.example.org/show/cover.jpg", "cover.jpg", "https", "warning", set()),
    ("category-case", 'text="Technology"', 'text="technology"', "technology",
     "itunes-category", "error", set()),
    ("obsolete-category", 'text="Technology"', 'text="Games &amp; Hobbies"', "Hobbies",
     "itunes-category", "error", set()),
    ("wrong-subcategory", 'text="Documentary"', 'text="Podcasting"', "Podcasting",
     "itunes-category", "error", set()),
    ("no-category", '<itunes:category text="Technology"/>\n<itunes:category text="Society '
     '&amp; Culture"><itunes:category text="Documentary"/></itunes:category>\n', "",
     "<channel>", "itunes-category", "error", set()),
    ("explicit-yes", "<itunes:explicit>false</itunes:explicit>\n<itunes:type>",
     "<itunes:explicit>yes</itunes:explicit>\n<itunes:type>", "<itunes:explicit>yes",
     "itunes-explicit", "error", set()),
    ("explicit-case", "<itunes:explicit>false</itunes:explicit>\n<itunes:type>",
     "<itunes:explicit>False</itunes:explicit>\n<itunes:type>", "False", "itunes-explicit",
     "warning", set()),
    ("no-explicit", "<itunes:explicit>false</itunes:explicit>\n<itunes:type>", "<itunes:type>",
     "<channel>", "itunes-explicit", "error", set()),
    ("bad-type", "<itunes:type>episodic</itunes:type>", "<itunes:type>weekly</itunes:type>",
     "weekly", "itunes-type", "error", set()),
    ("serial-without-number", "<itunes:type>episodic</itunes:type>",
     "<itunes:type>serial</itunes:type>", None, "", "", set()),  # replaced below
    ("no-author", "<itunes:author>Ada Host</itunes:author>\n", "", "<channel>",
     "itunes-author", "warning", set()),
    ("no-owner", "<itunes:owner><itunes:name>Ada Host</itunes:name><itunes:email>"
     "ada@example.org</itunes:email></itunes:owner>\n", "", "<channel>", "itunes-owner",
     "warning", set()),
    ("owner-no-email", "<itunes:email>ada@example.org</itunes:email>", "", "<itunes:owner>",
     "itunes-owner", "error", set()),
    ("owner-bad-email", "<itunes:email>ada@example.org</itunes:email>",
     "<itunes:email>ada at example</itunes:email>", "ada at example", "itunes-owner", "error",
     set()),
    ("no-self", '<atom:link href="https://podcast.example.org/show/feed.xml" rel="self" '
     'type="application/rss+xml"/>\n', "", "<channel>", "atom-self", "warning", set()),
    ("relative-self", 'href="https://podcast.example.org/show/feed.xml"', 'href="feed.xml"',
     'href="feed.xml"', "atom-self", "error", set()),
    ("duplicate-language", "<language>en</language>", "<language>en</language>\n"
     "<language>fr</language>", "<language>fr", "duplicate-element", "error", set()),
    ("block-maybe", "<itunes:type>", "<itunes:block>maybe</itunes:block>\n<itunes:type>",
     "maybe", "itunes-yes", "warning", set()),
    ("new-feed-url", "<itunes:type>", "<itunes:new-feed-url>https://new.example.org/feed.xml"
     "</itunes:new-feed-url>\n<itunes:type>", "new-feed-url", "new-feed-url", "warning", set()),
    ("bad-new-feed-url", "<itunes:type>", "<itunes:new-feed-url>new feed</itunes:new-feed-url>"
     "\n<itunes:type>", "new-feed-url", "new-feed-url", "error", set()),
    ("long-subtitle", "<itunes:type>", f"<itunes:subtitle>{'s' * 300}</itunes:subtitle>\n"
     "<itunes:type>", "itunes:subtitle", "text-length", "warning", set()),
    ("build-date-weekday", "<lastBuildDate>Sat, 24 Oct 2026", "<lastBuildDate>Fri, 24 Oct 2026",
     "lastBuildDate", "date-weekday", "error", set()),
    ("build-date-iso", "<lastBuildDate>Sat, 24 Oct 2026 12:00:00 +0000",
     "<lastBuildDate>2026-10-24T12:00:00+00:00", "lastBuildDate", "date-format", "error", set()),
    ("build-date-future", "<lastBuildDate>Sat, 24 Oct 2026",
     "<lastBuildDate>Thu, 24 Dec 2026", "lastBuildDate", "date-future", "warning", set()),
    ("podcast-guid-not-uuid", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-017b3566b67d",
     "<podcast:guid>example-show", "podcast:guid", "podcast-guid", "error", set()),
    ("podcast-guid-v4", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-017b3566b67d",
     "<podcast:guid>cd55c2be-ffbf-4db3-ab93-017b3566b67d", "podcast:guid", "podcast-guid",
     "warning", set()),
    ("podcast-guid-other-url", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-017b3566b67d",
     f"<podcast:guid>{uuid.uuid5(uuid.UUID('ead4c236-bf58-58c6-a2c6-a6b28d128cb6'), 'x.org')}",
     "podcast:guid", "podcast-guid", "info", set()),
    ("podcast-guid-with-scheme", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-017b3566b67d",
     f"<podcast:guid>{uuid.uuid5(uuid.UUID('ead4c236-bf58-58c6-a2c6-a6b28d128cb6'), FEED_URL)}",
     "podcast:guid", "podcast-guid", "warning", set()),
    ("no-podcast-guid", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-017b3566b67d</podcast:guid>\n",
     "", "<channel>", "podcast-guid", "warning", set()),
    ("two-podcast-guids", "<podcast:medium>", "<podcast:guid>cd55c2be-ffbf-5db3-ab93-"
     "017b3566b67d</podcast:guid>\n<podcast:medium>", ("podcast:guid", 2),
     "podcast-placement", "error", set()),
    ("locked-true", ">yes</podcast:locked>", ">true</podcast:locked>", "podcast:locked",
     "podcast-locked", "error", set()),
    ("locked-owner", 'locked owner="ada@example.org"', 'locked owner="Ada"', "podcast:locked",
     "podcast-locked", "warning", set()),
    ("no-locked", '<podcast:locked owner="ada@example.org">yes</podcast:locked>\n', "",
     "<channel>", "podcast-locked", "warning", set()),
    ("medium-radio", "<podcast:medium>podcast", "<podcast:medium>radio", "podcast:medium",
     "podcast-medium", "error", set()),
    ("funding-http", 'funding url="https:', 'funding url="http:', "podcast:funding",
     "podcast-https", "error", set()),
    ("funding-no-url", '<podcast:funding url="https://podcast.example.org/support">',
     "<podcast:funding>", "podcast:funding", "podcast-required", "error", set()),
    ("person-role", 'role="host" group="cast" href', 'role="boss" group="cast" href',
     "boss", "podcast-person", "warning", set()),
    ("person-group", 'role="host" group="cast" href', 'role="host" group="band" href', "band",
     "podcast-person", "warning", set()),
    ("person-empty", ">Ada Host</podcast:person>\n<item>", "></podcast:person>\n<item>",
     "></podcast:person>", "podcast-text", "error", set()),
    ("transcript-in-channel", "<podcast:medium>", '<podcast:transcript url="https://x.org/t.vtt"'
     ' type="text/vtt"/>\n<podcast:medium>', "t.vtt", "podcast-placement", "error", set()),
    ("location-geo", "<podcast:medium>", '<podcast:location geo="48.8,2.3">Paris'
     "</podcast:location>\n<podcast:medium>", "Paris", "podcast-location", "warning", set()),
    ("trailer-date", "<podcast:medium>", '<podcast:trailer url="https://x.org/t.mp3" '
     'pubdate="2026-01-01">Trailer</podcast:trailer>\n<podcast:medium>', "Trailer",
     "date-format", "error", set()),
    ("license-custom", "<podcast:medium>", "<podcast:license>my-own-terms</podcast:license>\n"
     "<podcast:medium>", "my-own-terms", "podcast-required", "warning", set()),
    ("block-slug", "<podcast:medium>", '<podcast:block id="myspace">yes</podcast:block>\n'
     "<podcast:medium>", "myspace", "podcast-value", "warning", set()),
    ("podcast-unknown", "<podcast:medium>", "<podcast:mood>happy</podcast:mood>\n"
     "<podcast:medium>", "happy", "podcast-unknown", "info", set()),
    ("github-io", FEED_URL, "https://ada.github.io/show/feed.xml", "github.io", "feed-url-host",
     "warning", set()),
    ("placeholder-word", "Two friends talk about how things work, one topic per episode.",
     "TODO", "TODO", "placeholder-text", "error", set()),
    ("no-items", None, None, "<channel>", "no-episodes", "error", set()),  # replaced below
    # items
    ("item-no-title", ITEM2 + "\n", "", ("<item>", 2), "item-title", "error", set()),
    ("duplicate-title", ITEM2, "<title>A conversation about topic 1</title>",
     ("topic 1</title>", 2), "duplicate-title", "warning", set()),
    ("no-enclosure", '<enclosure url="https://media.example.org/show/episode-2.mp3" '
     'length="1234567" type="audio/mpeg"/>\n', "", ("<item>", 2), "enclosure", "error", set()),
    ("enclosure-no-length", 'episode-2.mp3" length="1234567"', 'episode-2.mp3"',
     "episode-2.mp3", "enclosure", "error", set()),
    ("enclosure-length-text", 'episode-2.mp3" length="1234567"',
     'episode-2.mp3" length="12 MB"', "episode-2.mp3", "enclosure-length", "error", set()),
    ("enclosure-length-zero", 'episode-2.mp3" length="1234567"', 'episode-2.mp3" length="0"',
     "episode-2.mp3", "enclosure-length", "warning", set()),
    ("enclosure-type-bad", 'episode-2.mp3" length="1234567" type="audio/mpeg"',
     'episode-2.mp3" length="1234567" type="mp3"', "episode-2.mp3", "enclosure-type", "error",
     set()),
    ("enclosure-ogg", 'episode-2.mp3" length="1234567" type="audio/mpeg"',
     'episode-2.ogg" length="1234567" type="audio/ogg"', "episode-2.ogg", "enclosure-type",
     "warning", set()),
    ("enclosure-type-mismatch", 'episode-2.mp3" length="1234567" type="audio/mpeg"',
     'episode-2.mp3" length="1234567" type="audio/x-m4a"', "episode-2.mp3", "enclosure-type",
     "warning", set()),
    ("enclosure-relative", 'url="https://media.example.org/show/episode-2.mp3"',
     'url="episode-2.mp3"', "episode-2.mp3", "enclosure-url", "error", set()),
    ("enclosure-non-ascii", "show/episode-2.mp3", "show/épisode-2.mp3", "épisode-2.mp3",
     "enclosure-url", "warning", set()),
    ("enclosure-http", "https://media.example.org/show/episode-2.mp3",
     "http://media.example.org/show/episode-2.mp3", "episode-2.mp3", "https", "warning", set()),
    ("enclosure-duplicate", "show/episode-2.mp3", "show/episode-1.mp3", ("episode-1.mp3", 2),
     "enclosure-duplicate", "error", set()),
    ("enclosure-multiple", "<itunes:duration>1802", '<enclosure url="https://media.example.org'
     '/show/episode-2.m4a" length="5" type="audio/x-m4a"/>\n<itunes:duration>1802',
     "episode-2.m4a", "enclosure-multiple", "warning", set()),
    ("no-guid", '<guid isPermaLink="false">urn:uuid:94d0edbc-05f5-58fe-86d4-645ab63dd816'
     "</guid>\n", "", ("<item>", 2), "guid-missing", "error", set()),
    ("guid-duplicate", "urn:uuid:94d0edbc-05f5-58fe-86d4-645ab63dd816",
     "urn:uuid:fac1ecba-b56d-59ca-a304-e6e0e479fa45", ("fac1ecba", 2), "guid-duplicate",
     "error", set()),
    ("guid-permalink-yes", '<guid isPermaLink="false">urn:uuid:94d0',
     '<guid isPermaLink="yes">urn:uuid:94d0', "urn:uuid:94d0", "guid-permalink", "error",
     set()),
    ("guid-permalink-default", '<guid isPermaLink="false">urn:uuid:94d0',
     "<guid>urn:uuid:94d0", "urn:uuid:94d0", "guid-permalink", "error", set()),
    ("guid-short", "urn:uuid:94d0edbc-05f5-58fe-86d4-645ab63dd816", "12", '">12</guid>',
     "guid-short", "warning", set()),
    ("no-pubdate", "<pubDate>Sat, 17 Oct 2026 12:00:00 +0000</pubDate>\n", "", ("<item>", 2),
     "item-pubdate", "error", set()),
    ("pubdate-weekday", "Sat, 17 Oct 2026", "Mon, 17 Oct 2026", "17 Oct 2026",
     "date-weekday", "error", set()),
    ("pubdate-garbage", "Sat, 17 Oct 2026 12:00:00 +0000", "last Tuesday", "last Tuesday",
     "date-format", "error", set()),
    ("pubdate-future", "Sat, 17 Oct 2026", "Thu, 17 Dec 2026", "17 Dec 2026", "date-future",
     "warning", set()),
    ("description-raw-html", "<description><![CDATA[<p>Show notes for topic 2",
     "<description><p>raw</p><![CDATA[<p>Show notes for topic 2", "<p>raw</p>",
     "description-html", "warning", set()),
    ("item-description-long", "Show notes for topic 2", "Show notes " + LONG, LONG,
     "description-length", "warning", set()),
    ("no-duration", "<itunes:duration>1802</itunes:duration>\n", "", ("<item>", 2),
     "itunes-duration", "warning", set()),
    ("duration-bad", "<itunes:duration>1802", "<itunes:duration>1:75", "1:75",
     "itunes-duration", "error", set()),
    ("duration-fraction", "<itunes:duration>1802", "<itunes:duration>1802.5", "1802.5",
     "itunes-duration", "error", set()),
    ("duration-hms", "<itunes:duration>1802", "<itunes:duration>00:30:02", "00:30:02",
     "itunes-duration", "info", set()),
    ("episode-zero", "<itunes:episode>2<", "<itunes:episode>0<", "<itunes:episode>0",
     "itunes-number", "error", set()),
    ("season-word", "<itunes:episode>2</itunes:episode>", "<itunes:episode>2</itunes:episode>"
     "<itunes:season>two</itunes:season>", "<itunes:season>two", "itunes-number", "error",
     set()),
    ("episode-type", "<itunes:episodeType>full</itunes:episodeType>\n<itunes:explicit>false"
     "</itunes:explicit>\n<podcast:transcript url=\"https://podcast.example.org/show/ep-2",
     "<itunes:episodeType>teaser</itunes:episodeType>\n<itunes:explicit>false"
     "</itunes:explicit>\n<podcast:transcript url=\"https://podcast.example.org/show/ep-2",
     "teaser", "itunes-episode-type", "error", set()),
    ("item-explicit", "<itunes:explicit>false</itunes:explicit>\n<podcast:transcript url=\""
     "https://podcast.example.org/show/ep-2", "<itunes:explicit>clean</itunes:explicit>\n"
     "<podcast:transcript url=\"https://podcast.example.org/show/ep-2", "clean",
     "itunes-explicit", "error", set()),
    ("item-image-webp", "<itunes:episode>2</itunes:episode>", "<itunes:episode>2"
     '</itunes:episode><itunes:image href="https://x.org/ep2.webp"/>', "ep2.webp",
     "itunes-image", "error", set()),
    ("title-number", ITEM2, "<title>Episode 2: topics</title>", "Episode 2:",
     "title-numbering", "info", set()),
    ("transcript-type", 'ep-2/transcript.vtt" type="text/vtt"',
     'ep-2/transcript.vtt" type="text/srt"', "ep-2/transcript.vtt", "podcast-transcript",
     "error", set()),
    ("transcript-srt-old", 'ep-2/transcript.vtt" type="text/vtt"',
     'ep-2/transcript.srt" type="application/srt"', "ep-2/transcript.srt",
     "podcast-transcript", "warning", set()),
    ("transcript-rel", 'language="en" rel="captions"/>\n<podcast:chapters url="https://'
     'podcast.example.org/show/ep-2', 'language="en" rel="subtitles"/>\n<podcast:chapters '
     'url="https://podcast.example.org/show/ep-2', "subtitles", "podcast-transcript", "error",
     set()),
    ("transcript-language", 'type="text/vtt" language="en" rel="captions"/>\n<podcast:chapters'
     ' url="https://podcast.example.org/show/ep-2', 'type="text/vtt" language="english" '
     'rel="captions"/>\n<podcast:chapters url="https://podcast.example.org/show/ep-2',
     "english", "podcast-transcript", "warning", set()),
    ("transcript-html-only", 'ep-2/transcript.vtt" type="text/vtt" language="en" '
     'rel="captions"', 'ep-2/transcript.html" type="text/html" language="en"',
     "ep-2/transcript.html", "podcast-transcript", "info", set()),
    ("transcript-no-type", 'ep-2/transcript.vtt" type="text/vtt"', 'ep-2/transcript.vtt"',
     "ep-2/transcript.vtt", "podcast-required", "error", set()),
    ("transcript-http", "https://podcast.example.org/show/ep-2/transcript.vtt",
     "http://podcast.example.org/show/ep-2/transcript.vtt", "ep-2/transcript.vtt",
     "podcast-https", "error", set()),
    ("chapters-type", 'ep-2/chapters.json" type="application/json+chapters"',
     'ep-2/chapters.json" type="application/json"', "ep-2/chapters.json", "podcast-chapters",
     "warning", set()),
    ("chapters-twice", "<podcast:person role=\"guest\">Grace Guest 2",
     '<podcast:chapters url="https://x.org/c.json" type="application/json+chapters"/>\n'
     "<podcast:person role=\"guest\">Grace Guest 2", "x.org/c.json", "podcast-placement",
     "error", set()),
    ("soundbite-long", "<podcast:person role=\"guest\">Grace Guest 2", '<podcast:soundbite '
     'startTime="10" duration="300"/>\n<podcast:person role="guest">Grace Guest 2',
     "soundbite", "podcast-soundbite", "warning", set()),
    ("soundbite-start", "<podcast:person role=\"guest\">Grace Guest 2", '<podcast:soundbite '
     'startTime="1m" duration="30"/>\n<podcast:person role="guest">Grace Guest 2',
     "soundbite", "podcast-soundbite", "error", set()),
    ("podcast-season", "<podcast:person role=\"guest\">Grace Guest 2", "<podcast:season>two"
     "</podcast:season>\n<podcast:person role=\"guest\">Grace Guest 2", "podcast:season",
     "podcast-number", "error", set()),
    ("podcast-episode", "<podcast:person role=\"guest\">Grace Guest 2", "<podcast:episode>2b"
     "</podcast:episode>\n<podcast:person role=\"guest\">Grace Guest 2", "podcast:episode",
     "podcast-number", "error", set()),
    ("alternate-no-source", "<podcast:person role=\"guest\">Grace Guest 2",
     '<podcast:alternateEnclosure type="audio/opus"/>\n<podcast:person role="guest">'
     "Grace Guest 2", "alternateEnclosure", "podcast-required", "error", set()),
    ("locked-in-item", "<podcast:person role=\"guest\">Grace Guest 2", "<podcast:locked>yes"
     "</podcast:locked>\n<podcast:person role=\"guest\">Grace Guest 2", ("podcast:locked", 2),
     "podcast-placement", "error", set()),
    ("item-duplicate-link", "<link>https://podcast.example.org/show/ep-2/</link>",
     "<link>https://podcast.example.org/show/ep-2/</link><link>https://x.org/</link>",
     "https://x.org/", "duplicate-element", "error", set()),
]


def _line(feed: str, needle: object) -> int:
    if isinstance(needle, tuple):
        return line_of(feed, needle[0], needle[1])
    return line_of(feed, str(needle))


def _not_info(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings if f.severity != "info"}


def test_clean_feed_has_no_errors_or_warnings() -> None:
    findings = validate_bytes(CLEAN.encode(), now=NOW)
    assert _not_info(findings) == set()
    assert [(f.rule, f.line) for f in findings] == [("category-count", 13)]


@pytest.mark.parametrize("case", [c for c in CASES if c[3] is not None and c[1] is not None],
                         ids=lambda c: c[0])
def test_rule(case: tuple) -> None:
    name, old, new, needle, rule, severity, others = case
    assert old in CLEAN, f"{name}: {old!r} not in the clean feed"
    feed = CLEAN.replace(old, new, 1)
    findings = validate_bytes(feed.encode(), now=NOW)
    hits = [(f.severity, f.line) for f in findings if f.rule == rule]
    assert (severity, _line(feed, needle)) in hits, [str(f) for f in findings]
    expected = ({rule} if severity != "info" else set()) | others
    assert _not_info(findings) == expected, [str(f) for f in findings]
    assert rule in RULES and all(f.rule in RULES for f in findings)


def test_serial_show_needs_episode_numbers() -> None:
    feed = CLEAN.replace("<itunes:type>episodic", "<itunes:type>serial").replace(
        "<itunes:episode>2</itunes:episode>\n", "")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert [(f.rule, f.line) for f in findings if f.severity == "error"] == [
        ("itunes-type", line_of(feed, "<item>", 2))]


def test_no_items() -> None:
    feed = make_feed(items="")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert _not_info(findings) == {"no-episodes"}
    assert findings[-1].line == line_of(feed, "<channel>")


def test_wrong_itunes_namespace() -> None:
    feed = CLEAN.replace("http://www.itunes.com/dtds/podcast-1.0.dtd",
                         "http://www.itunes.com/DTDs/Podcast-1.0.dtd")
    findings = validate_bytes(feed.encode(), now=NOW)
    assert ("itunes-namespace", 2) in {(f.rule, f.line) for f in findings}
    assert {"itunes-image", "itunes-category", "itunes-explicit"} <= _not_info(findings)


def test_github_alias_of_podcast_namespace_is_accepted() -> None:
    alias = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
    nested = ('<podcast:alternateEnclosure type="audio/opus" length="5">'
              '<podcast:source uri="https://x.org/a.opus"/></podcast:alternateEnclosure>\n'
              '<podcast:person role="guest">Grace Guest 2')
    feed = CLEAN.replace('<podcast:person role="guest">Grace Guest 2', nested).replace(
        "https://podcastindex.org/namespace/1.0", alias)
    assert _not_info(validate_bytes(feed.encode(), now=NOW)) == set()
    broken = feed.replace('type="text/vtt"', 'type="text/srt"', 1)
    assert "podcast-transcript" in _not_info(validate_bytes(broken.encode(), now=NOW))


def test_any_prefix_for_the_podcast_namespace() -> None:
    feed = CLEAN.replace("xmlns:podcast=", "xmlns:pc=").replace("<podcast:", "<pc:").replace(
        "</podcast:", "</pc:")
    assert _not_info(validate_bytes(feed.encode(), now=NOW)) == set()


def test_feed_size_warning() -> None:
    findings = validate_bytes(CLEAN.encode(), now=NOW, size_warning=1000)
    assert [(f.rule, f.severity, f.line) for f in findings if f.severity != "info"] == [
        ("feed-too-large", "warning", 1)]


def test_every_finding_names_a_documented_rule() -> None:
    broken = CLEAN
    for _, old, new, *_ in CASES:
        if old and old in broken and old != new:
            broken = broken.replace(old, new, 1)
    findings = validate_bytes(broken.encode(), now=NOW)
    assert findings and all(f.rule in RULES for f in findings)


def test_spanish_todo_is_not_a_placeholder() -> None:
    feed = CLEAN.replace("Two friends talk about how things work, one topic per episode.",
                         "Todo sobre tecnología: dos amigos, un tema por episodio.")
    assert _not_info(validate_bytes(feed.encode(), now=NOW)) == set()


def test_timezone_names_and_offsets() -> None:
    for date in ("Sat, 17 Oct 2026 08:00:00 EDT", "17 Oct 2026 12:00 GMT",
                 "Sat, 17 Oct 2026 14:00:00 +0200"):
        feed = CLEAN.replace("Sat, 17 Oct 2026 12:00:00 +0000", date)
        assert _not_info(validate_bytes(feed.encode(), now=NOW)) == set(), date
