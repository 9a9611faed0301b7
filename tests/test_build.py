"""End to end: the sample show and small shows built into feed.xml and parsed back."""

from __future__ import annotations

import email.utils
import io
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

from conftest import SAMPLE_SLUG
from feedpub.build import BuildError, build, write_outputs
from feedpub.config import podcast_guid
from feedpub.errors import ConfigError

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom",
      "content": "http://purl.org/rss/1.0/modules/content/"}
SAMPLE_TITLE = "Tech entre les lignes - La complexe chaine de valeur de l'iA"


def built(root: Path, out: Path) -> bytes:
    write_outputs(build(root), out)
    return (out / "feed.xml").read_bytes()


def test_sample_show_parsed_back_with_lxml(sample_show: Path, tmp_path: Path) -> None:
    data = built(sample_show, tmp_path / "public")
    rss = etree.fromstring(data)
    channel = rss.find("channel")
    assert channel.findtext("title") == "Trench Tech"
    assert channel.findtext("link") == "https://www.trench-tech.fr"
    assert channel.find("atom:link[@rel='self']", NS).get("href") == \
        "https://feeds.trench-tech.fr/feed.xml"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    categories = [(c.get("text"), [s.get("text") for s in c])
                  for c in channel.findall("itunes:category", NS)]
    assert categories == [("Technology", []), ("Society & Culture", ["Philosophy"])]
    assert channel.findtext("podcast:guid", namespaces=NS) == \
        podcast_guid("https://feeds.trench-tech.fr/feed.xml")
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    assert item.findtext("title") == SAMPLE_TITLE
    pub = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
    assert item.findtext("pubDate").startswith("Tue, 13 May 2025")
    assert (pub.year, pub.month, pub.day) == (2025, 5, 13)
    assert 240 <= int(item.findtext("itunes:duration", namespaces=NS)) <= 299
    audio = sample_show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3"
    enclosure = item.find("enclosure")
    assert int(enclosure.get("length")) == audio.stat().st_size
    assert enclosure.get("type") == "audio/mpeg"
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false" and guid.text
    tags = item.findall("podcast:transcript", NS)
    assert {t.get("type") for t in tags} == {"text/html", "text/plain"}
    for tag in tags:
        assert tag.get("language") == "fr"
        rel = tag.get("url").removeprefix("https://feeds.trench-tech.fr/")
        assert (tmp_path / "public" / rel).is_file()
    names = [p.text for p in item.findall("podcast:person", NS)]
    assert names == ["Julien Pillot", "Trench Tech", "Louis de Diesbach"]
    assert "🌍 Derrière l’IA" in item.findtext("description")
    assert '<a href="http://www.trench-tech.fr">' in item.findtext("content:encoded", namespaces=NS)


def test_sample_show_read_by_podcast_clients(sample_show: Path, tmp_path: Path) -> None:
    data = built(sample_show, tmp_path / "public")
    parsed = podcastparser.parse("https://feeds.trench-tech.fr/feed.xml", io.BytesIO(data))
    episode = parsed["episodes"][0]
    assert episode["title"] == SAMPLE_TITLE
    assert 240 <= episode["total_time"] <= 299
    assert episode["enclosures"][0]["file_size"] == 504144
    assert episode["guid"] == "6f1c2d0e-5b1a-4c1e-9a55-8d2b7e3f4a10"
    # podcastparser 0.6 only knows the namespace's old GitHub URI, so it sees no
    # transcript; feedparser reads the canonical one.
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.bozo_exception
    entry = feed.entries[0]
    assert entry.title == SAMPLE_TITLE
    assert entry.published_parsed[:3] == (2025, 5, 12)  # 00:00 Paris is 22:00 UTC the day before
    assert entry.published.startswith("Tue, 13 May 2025")
    assert entry.podcast_transcript["url"].endswith("/transcript.fr.txt")
    assert entry.itunes_duration == "252"


def test_transcript_html_names_speakers(sample_show: Path, tmp_path: Path) -> None:
    built(sample_show, tmp_path / "public")
    html = (tmp_path / "public" / SAMPLE_SLUG / "transcript.fr.html").read_text(encoding="utf-8")
    doc = etree.fromstring(html.encode(), etree.HTMLParser())
    cites = [c.text for c in doc.iter("cite")]
    assert cites[:3] == ["Julien Pillot:", "Trench Tech:", "Louis de Diesbach:"]
    assert len(cites) == 19
    assert "Speaker #" not in html
    text = (tmp_path / "public" / SAMPLE_SLUG / "transcript.fr.txt").read_text(encoding="utf-8")
    assert text.startswith("Julien Pillot: La tech entre les lignes. Louis,")


def test_two_builds_are_byte_identical(sample_show: Path, tmp_path: Path) -> None:
    first = built(sample_show, tmp_path / "a")
    second = built(sample_show, tmp_path / "b")
    assert first == second
    for rel in ("transcript.fr.html", "transcript.fr.txt"):
        assert (tmp_path / "a" / SAMPLE_SLUG / rel).read_bytes() == \
            (tmp_path / "b" / SAMPLE_SLUG / rel).read_bytes()


def test_build_without_audio_uses_the_lock_file(sample_show: Path, tmp_path: Path) -> None:
    with_audio = built(sample_show, tmp_path / "a")
    (sample_show / "episodes" / SAMPLE_SLUG / f"{SAMPLE_SLUG}.mp3").unlink()
    assert built(sample_show, tmp_path / "b") == with_audio


def test_repository_lock_matches_the_sample_audio(sample_show: Path) -> None:
    result = build(sample_show)
    assert result.lock.to_json() == (sample_show / "feedpub.lock").read_text(encoding="utf-8")


def test_failed_build_leaves_old_feed_untouched(sample_show: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    old = built(sample_show, out)
    toml = sample_show / "episodes" / SAMPLE_SLUG / "episode.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"13/05/2025"', '"31/02/2025"'),
                    encoding="utf-8")
    with pytest.raises(BuildError):
        write_outputs(build(sample_show), out)
    assert (out / "feed.xml").read_bytes() == old
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_episodes_newest_first_and_last_build_date_from_newest(make_show, tmp_path: Path) -> None:
    make_show.episode("one", date="2025-01-10", title="One")
    make_show.episode("two", date="2025-03-02T18:30:00+01:00", title="Two")
    make_show.episode("three", date="02/02/2025", title="Three")
    rss = etree.fromstring(built(make_show.root, tmp_path / "out"))
    titles = [i.findtext("title") for i in rss.iter("item")]
    assert titles == ["Two", "Three", "One"]
    assert rss.find("channel").findtext("lastBuildDate") == "Sun, 02 Mar 2025 18:30:00 +0100"


def test_missing_guid_is_derived_deterministically(make_show, tmp_path: Path) -> None:
    make_show.episode("ep-1")
    first = etree.fromstring(built(make_show.root, tmp_path / "a"))
    guid = first.find("channel/item/guid").text
    import uuid
    show_guid = podcast_guid("https://feeds.example.org/show/feed.xml")
    assert guid == str(uuid.uuid5(uuid.UUID(show_guid), "ep-1"))


def test_all_problems_reported_together(make_show) -> None:
    make_show.episode("a", date="31/02/2025")
    make_show.episode("b", extra='season = 0\n')
    make_show.episode("c", seconds=None)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    text = str(info.value)
    assert "episodes/a/episode.toml:2: date: '31/02/2025' is not a real date" in text
    assert "episodes/b/episode.toml:4: season: got 0 (expected a whole number from 1 to 1,000,000)" in text
    assert "episodes/c/c.mp3: audio file not found, and feedpub.lock has no record" in text


def test_duplicate_guids_and_enclosures_are_errors(make_show) -> None:
    make_show.episode("a", audio="same.mp3", extra='guid = "same"\n')
    make_show.episode("b", audio="same.mp3", extra='guid = "same"\n')
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    text = str(info.value)
    assert "episodes/b/episode.toml: guid 'same' is also used by episode 'a'" in text
    assert ("episodes/b/episode.toml: audio URL https://media.example.org/audio/same.mp3 "
            "is also used by episode 'a'") in text


def test_special_characters_survive(make_show, tmp_path: Path) -> None:
    make_show.episode("ep", title="Tom & Jerry <live> \\u00e9t\\u00e9 🎙",
                      description="A ]]> trap & <b>raw</b> html\x07")
    rss = etree.fromstring(built(make_show.root, tmp_path / "o"))
    item = rss.find("channel/item")
    assert item.findtext("title") == "Tom & Jerry <live> été 🎙"
    content = item.findtext("content:encoded", namespaces=NS)
    # <b> is HTML apps render, so it is kept (sanitised); <live> is not HTML: text
    assert content == "<p>A ]]&gt; trap &amp; <b>raw</b> html</p>"


def test_sample_feed_passes_the_offline_rules(sample_show: Path) -> None:
    from feedpub.validate import validate_bytes

    findings = validate_bytes(build(sample_show).feed)
    assert [f.severity for f in findings if f.severity != "info"] == []


def test_build_refuses_a_feed_the_validator_rejects(make_show, tmp_path: Path) -> None:
    # The feed rules refuse placeholder descriptions; the loader applies the same rule,
    # so the podcaster is sent to the line of podcast.toml, not to the unwritten feed.
    make_show.edit_show('description = "A show made by the test suite."',
                        'description = "Lorem ipsum dolor sit amet"')
    make_show.episode("ep")
    with pytest.raises(ConfigError) as info:
        write_outputs(build(make_show.root), tmp_path / "out")
    assert str(info.value).startswith(
        "podcast.toml:2: description: 'Lorem ipsum dolor sit amet' looks like a placeholder")
    assert "feed.xml (not written)" not in str(info.value)
    assert not (tmp_path / "out").exists()


def test_validator_warnings_reach_the_build_result(make_show) -> None:
    make_show.episode("ep", audio="ep.flac")  # Apple lists only MP3 and AAC for audio
    warnings = build(make_show.root).warnings
    assert warnings and all(w.severity == "warning" for w in warnings)
    assert any("flac" in w.message.lower() for w in warnings)


# -- what a build imports --------------------------------------------------------------

#: modules a feed-only build never needs: the site's rendering, publishing, the network
NOT_FOR_A_FEED = ("jinja2", "babel", "requests", "urllib3", "ssl", "urllib.request",
                  "feedpub.audiocheck", "statistics",
                  "http.client", "feedpub.site.render", "feedpub.site.search",
                  "feedpub.publish.run", "feedpub.publish.notify", "feedpub.publish.targets",
                  "feedpub.validate.network")


def imported_by_build(root: Path, *args: str) -> set[str]:
    """The modules a ``feedpub build`` run in a fresh process has loaded at its end."""
    import json
    import os
    import subprocess
    import sys

    code = ("import json, sys\nfrom feedpub.cli import cli\n"
            "cli.main(sys.argv[1:], standalone_mode=False)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code, "-C", str(root), "build", "-q", *args],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"})
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_a_feed_only_build_imports_no_site_publish_or_network_module(make_show) -> None:
    make_show.episode("ep", seconds=1.0, description="Notes *en* Markdown.")
    root = make_show.root
    cold = imported_by_build(root, "--no-site")
    assert "feedpub.build" in cold and not cold & set(NOT_FOR_A_FEED), cold & set(NOT_FOR_A_FEED)
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text().replace("A show made by the test suite.", "Edited."))
    rebuilt = imported_by_build(root, "--no-site")  # nothing reused is rendered again
    assert "feedpub.feed" in rebuilt and not rebuilt & set(NOT_FOR_A_FEED)
    with_site = imported_by_build(root)  # the same check sees the site when it is built
    assert {"jinja2", "feedpub.site.render"} <= with_site
