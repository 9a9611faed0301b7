"""Reading feeds for import: every field, the messy conventions, the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedpub.importer.read_feed import ImportFailed, analytics_prefix, read_feed

HEAD = ('<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:psc="http://podlove.org/simple-chapters">')


def feed(tmp_path: Path, items: str, channel: str = "<title>Show</title>",
         prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> Path:
    path = tmp_path / "feed.xml"
    path.write_text(f"{prolog}{HEAD}<channel>{channel}{items}</channel></rss>",
                    encoding="utf-8")
    return path


def notes_of(f: object) -> str:
    return "\n".join(str(n) for n in f.notes)  # type: ignore[attr-defined]


def test_channel_fields(tmp_path: Path) -> None:
    path = feed(tmp_path, "", channel="""
      <title>Trench Tech</title><link>https://www.example.fr</link>
      <description><![CDATA[<p>Le talkshow</p>]]></description>
      <language>fr-FR</language><copyright>Trench Tech</copyright>
      <itunes:author>Trench Tech</itunes:author>
      <itunes:owner><itunes:name>Owner</itunes:name><itunes:email>o@example.fr</itunes:email></itunes:owner>
      <itunes:image href="https://img.example.fr/cover.jpg"/>
      <itunes:category text="Technology"/>
      <itunes:category text="Society &amp; Culture"><itunes:category text="Philosophy"/></itunes:category>
      <itunes:explicit>false</itunes:explicit><itunes:type>serial</itunes:type>
      <podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
      <podcast:locked owner="lock@example.fr">yes</podcast:locked>
      <podcast:medium>podcast</podcast:medium>
      <podcast:funding url="https://fund.example.fr/">Soutenir</podcast:funding>
      <podcast:person role="host" img="https://img.example.fr/p.jpg">Louise</podcast:person>
      <itunes:new-feed-url>https://new.example.fr/feed.xml</itunes:new-feed-url>
      <atom:link rel="self" href="https://old.example.fr/feed.xml"/>
    """)
    ch = read_feed(str(path)).channel
    assert (ch.title, ch.link, ch.language, ch.author) == (
        "Trench Tech", "https://www.example.fr", "fr-fr", "Trench Tech")
    assert ch.description == "<p>Le talkshow</p>"
    assert (ch.owner_name, ch.owner_email) == ("Owner", "o@example.fr")
    assert ch.artwork == "https://img.example.fr/cover.jpg"
    assert ch.categories == [("Technology", None), ("Society & Culture", "Philosophy")]
    assert ch.explicit is False and ch.type == "serial" and ch.copyright == "Trench Tech"
    assert ch.podcast_guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert ch.locked is True and ch.locked_owner == "lock@example.fr"
    assert ch.funding == [("https://fund.example.fr/", "Soutenir")]
    assert ch.persons[0].name == "Louise" and ch.persons[0].role == "host"
    assert ch.new_feed_url == "https://new.example.fr/feed.xml"
    assert ch.self_url == "https://old.example.fr/feed.xml"


def test_item_fields(tmp_path: Path) -> None:
    path = feed(tmp_path, """<item>
      <title>Épisode 1</title><link>https://www.example.fr/ep1</link>
      <guid isPermaLink="true">https://www.example.fr/ep1</guid>
      <pubDate>Tue, 13 May 2025 07:00:00 +0200</pubDate>
      <enclosure url="https://media.example.fr/ep1.mp3" length="12345" type="audio/mpeg"/>
      <itunes:duration>01:02:03</itunes:duration><itunes:season>2</itunes:season>
      <itunes:episode>12</itunes:episode><itunes:episodeType>Bonus</itunes:episodeType>
      <itunes:explicit>true</itunes:explicit><itunes:image href="https://img.example.fr/e.png"/>
      <itunes:keywords>tech, éthique,ia</itunes:keywords>
      <podcast:person role="guest" href="https://p.example.fr">Julien</podcast:person>
      <podcast:transcript url="https://t.example.fr/1.vtt" type="text/vtt" language="fr" rel="captions"/>
      <podcast:chapters url="https://t.example.fr/1.json" type="application/json+chapters"/>
      <content:encoded><![CDATA[<p>Notes <b>riches</b></p>]]></content:encoded>
      <description>Notes riches</description>
    </item>""")
    it = read_feed(str(path)).items[0]
    assert it.title == "Épisode 1" and it.link == "https://www.example.fr/ep1"
    assert it.guid == "https://www.example.fr/ep1" and it.guid_is_permalink is True
    assert it.pub_date == datetime(2025, 5, 13, 7, tzinfo=timezone(timedelta(hours=2)))
    assert it.pub_date.utcoffset() == timedelta(hours=2)
    assert (it.enclosure_url, it.enclosure_length, it.enclosure_type) == (
        "https://media.example.fr/ep1.mp3", 12345, "audio/mpeg")
    assert it.duration == 3723 and it.season == 2 and it.number == 12
    assert it.episode_type == "bonus" and it.explicit is True
    assert it.image == "https://img.example.fr/e.png"
    assert it.keywords == ("tech", "éthique", "ia")
    assert it.persons[0].name == "Julien" and it.persons[0].role == "guest"
    assert it.transcripts[0].url == "https://t.example.fr/1.vtt"
    assert (it.transcripts[0].type, it.transcripts[0].language, it.transcripts[0].rel) == (
        "text/vtt", "fr", "captions")
    assert it.chapters is not None and it.chapters.url == "https://t.example.fr/1.json"
    assert it.description_html == "<p>Notes <b>riches</b></p>"


def test_messy_values_are_repaired_with_notes_naming_the_item(tmp_path: Path) -> None:
    path = feed(tmp_path, prolog='\n\n<?xml version="1.0" encoding="UTF-8"?>\n',
                channel="<title>Caf&eacute;&nbsp;show</title>"
                        '<atom:link rel="self" href="https://feeds.example.org/show/rss"/>',
                items="""
      <item><title>Yes &amp; <b>bold</b></title><guid>g1</guid>
        <pubDate>Tuesday, 13 May 2025 07:00:00 CEST</pubDate>
        <enclosure url="https://dts.podtrac.com/redirect.mp3/media.example.org/a.mp3"
                   type="audio/mp3"/>
        <itunes:duration>5711.0</itunes:duration><itunes:explicit>yes</itunes:explicit></item>
      <item><title>Two</title><guid isPermaLink="false">g2</guid>
        <pubDate>2025-05-14T10:00:00Z</pubDate>
        <enclosure url="../audio/b.mp3" length="" type="x-audio/mp3"/>
        <itunes:duration>1:02:03</itunes:duration><itunes:explicit>clean</itunes:explicit>
        <itunes:season>zero</itunes:season></item>
      <item><title>Three</title><guid>g3</guid><pubDate>Wed, 14 May 2025 10:00:00 +0000</pubDate>
        <enclosure url="https://media.example.org/c.m4a" length="10"/>
        <itunes:duration>about an hour</itunes:duration></item>""")
    f = read_feed(str(path))
    a, b, c = f.items
    text = notes_of(f)
    assert f.channel.title == "Café show"
    assert "text before the XML declaration was ignored" in text
    assert "&eacute;" in text and "&nbsp;" in text
    assert a.title == "Yes & bold" and "item 1 'Yes & bold': title contains HTML" in text
    assert a.pub_date == datetime(2025, 5, 13, 7, tzinfo=timezone(timedelta(hours=2)))
    assert "item 1 'Yes & bold': pubDate 'Tuesday, 13 May 2025 07:00:00 CEST' is not RFC" in text
    assert a.enclosure_type == "audio/mpeg" and a.enclosure_length is None
    assert a.analytics_prefix == "https://dts.podtrac.com/redirect.mp3/"
    assert a.enclosure_url == "https://dts.podtrac.com/redirect.mp3/media.example.org/a.mp3"
    assert "analytics prefix https://dts.podtrac.com/redirect.mp3/; kept" in text
    assert a.duration == 5711 and a.explicit is True
    assert "item 1 'Yes & bold': itunes:explicit 'yes' read as true" in text
    assert b.enclosure_url == "https://feeds.example.org/audio/b.mp3"
    assert "item 2 'Two': enclosure URL '../audio/b.mp3' is relative" in text
    assert b.enclosure_type == "audio/mpeg" and "'x-audio/mp3' is not a registered" in text
    assert b.pub_date == datetime(2025, 5, 14, 10, tzinfo=UTC)
    assert b.duration == 3723 and b.explicit is False and b.season is None
    assert "item 2 'Two': season 'zero' is not a whole number" in text
    assert c.enclosure_type == "audio/x-m4a" and "no type; 'audio/x-m4a' from its" in text
    assert c.duration is None
    assert "item 3 'Three': itunes:duration 'about an hour' is not a duration" in text


def test_dates_keep_their_offset_and_wrong_weekdays_are_noted(tmp_path: Path) -> None:
    path = feed(tmp_path, """
      <item><title>A</title><guid>a</guid><pubDate>Mon, 13 May 2025 07:00:00 -0500</pubDate></item>
      <item><title>B</title><guid>b</guid><pubDate>13 May 2025 07:00 GMT</pubDate></item>
      <item><title>C</title><guid>c</guid><pubDate>yesterday</pubDate></item>""")
    f = read_feed(str(path))
    a, b, c = f.items
    assert a.pub_date is not None and a.pub_date.utcoffset() == timedelta(hours=-5)
    assert "item 1 'A': pubDate 'Mon, 13 May 2025 07:00:00 -0500' names the wrong weekday" \
        in notes_of(f)
    assert b.pub_date == datetime(2025, 5, 13, 7, tzinfo=UTC)
    assert c.pub_date is None and "item 3 'C': pubDate 'yesterday' is not a date" in notes_of(f)


def test_guid_as_published(tmp_path: Path) -> None:
    path = feed(tmp_path, """
      <item><title>A</title><guid isPermaLink="false"><![CDATA[Buzzsprout-123]]></guid></item>
      <item><title>B</title><guid>https://example.org/?p=12</guid></item>
      <item><title>C</title><enclosure url="https://m.example.org/c.mp3" length="1" type="audio/mpeg"/></item>
      <item><title>D</title><guid>a</guid></item>
      <item><title>E</title><guid>a</guid></item>""")
    f = read_feed(str(path))
    assert [(i.guid, i.guid_is_permalink) for i in f.items] == [
        ("Buzzsprout-123", False), ("https://example.org/?p=12", None),
        ("https://m.example.org/c.mp3", None), ("a", None)]
    assert "item 3 'C': no guid; apps know such an episode by its enclosure URL" in notes_of(f)
    assert "item 5 'E': guid 'a' repeats an earlier item" in notes_of(f)


def test_podlove_inline_chapters(tmp_path: Path) -> None:
    path = feed(tmp_path, """<item><title>A</title><guid>a</guid>
      <psc:chapters version="1.2"><psc:chapter start="0" title="Intro"/>
      <psc:chapter start="3:07" title="Deux" href="https://example.org/2"/>
      <psc:chapter start="01:08:26.250" title="Trois"/>
      <psc:chapter start="later" title="Bad"/></psc:chapters></item>""")
    f = read_feed(str(path))
    chapters = f.items[0].inline_chapters
    assert [(c.start, c.title) for c in chapters] == [(0, "Intro"), (187, "Deux"),
                                                      (4106.25, "Trois")]
    assert chapters[1].href == "https://example.org/2"
    assert "psc:chapter start 'later' is not a time" in notes_of(f)


@pytest.mark.parametrize("url,prefix", [
    ("https://dts.podtrac.com/redirect.mp3/media.example.org/a.mp3",
     "https://dts.podtrac.com/redirect.mp3/"),
    ("https://op3.dev/e/https://media.example.org/a.mp3", "https://op3.dev/e/"),
    ("https://op3.dev/e,pg=abc/pdst.fm/e/media.example.org/a.mp3",
     "https://op3.dev/e,pg=abc/pdst.fm/e/"),
    ("https://anchor.fm/s/1a2b/podcast/play/99/https%3A%2F%2Fcdn.example.net%2Fa.mp3",
     "https://anchor.fm/s/1a2b/podcast/play/99/"),
    ("https://media.example.org/a.mp3", None),
])
def test_analytics_prefixes(url: str, prefix: str | None) -> None:
    assert analytics_prefix(url) == prefix


def test_entity_bomb_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    lol = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in
                  range(1, 12))
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
                    '<rss version="2.0"><channel><title>&l11;</title></channel></rss>')
    with pytest.raises(ImportFailed, match="DOCTYPE declares entities"):
        read_feed(str(path))


def test_external_entity_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text('<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ENTITY x SYSTEM '
                    '"file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title>'
                    '</channel></rss>')
    with pytest.raises(ImportFailed, match="DOCTYPE declares entities"):
        read_feed(str(path))


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<title>A & B'
                    '</title></channel></rss>')
    with pytest.raises(ImportFailed) as err:
        read_feed(str(path))
    problem = err.value.problems[0]
    assert problem.line == 3 and "not well-formed XML" in problem.message


def test_not_rss(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text('<html><body>Hello</body></html>')
    with pytest.raises(ImportFailed, match="not an RSS feed"):
        read_feed(str(path))


def test_unknown_entity_stays_visible(tmp_path: Path) -> None:
    path = feed(tmp_path, "<item><title>A &bogus; B</title><guid>a</guid></item>")
    f = read_feed(str(path))
    assert f.items[0].title == "A &bogus; B"
    assert "&bogus;" in notes_of(f)


def test_entities_inside_cdata_are_left_alone(tmp_path: Path) -> None:
    path = feed(tmp_path, "<item><title>A</title><guid>a</guid><description><![CDATA["
                          "<p>caf&eacute; &amp; co</p>]]></description></item>")
    assert read_feed(str(path)).items[0].description_html == "<p>caf&eacute; &amp; co</p>"


def test_two_thousand_items_stream(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>Episode {n}</title><guid isPermaLink=\"false\">id-{n}</guid>"
        f"<pubDate>Tue, 13 May 2025 07:00:00 +0000</pubDate>"
        f"<enclosure url=\"https://m.example.org/{n}.mp3\" length=\"{n + 1}\" type=\"audio/mpeg\"/>"
        f"<description><![CDATA[<p>{'x' * 500}</p>]]></description></item>" for n in range(2000))
    f = read_feed(str(feed(tmp_path, items)))
    assert len(f.items) == 2000
    assert f.items[-1].guid == "id-1999" and f.items[-1].enclosure_length == 2000


def test_the_same_note_for_many_items_is_one_line(tmp_path: Path) -> None:
    from feedpub.importer.read_feed import grouped

    items = "".join(f"<item><title>E{n}</title><guid>g{n}</guid><itunes:explicit>yes"
                    f"</itunes:explicit></item>" for n in range(50))
    lines = grouped(read_feed(str(feed(tmp_path, items))).notes)
    explicit = [line for line in lines if "itunes:explicit 'yes' read as true" in line]
    assert explicit == ["item 1 'E0', item 2 'E1', item 3 'E2' and 47 more: "
                        "itunes:explicit 'yes' read as true"]
