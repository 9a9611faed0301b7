"""The model in stages: what was read, what was measured (and how), what was produced."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from feedpub.build import build, write_outputs


def test_guid_is_permalink_as_the_source_declares_it(make_show) -> None:  # type: ignore[no-untyped-def]
    make_show.episode("perma", date="2025-02-01", extra='guid = "https://example.org/show/perma"\n'
                                                      'guid_is_permalink = true\n')
    make_show.episode("plain", date="2025-01-01", extra='guid = "urn:plain"\n')
    rss = etree.fromstring(build(make_show.root).feed)
    guids = [(g.text, g.get("isPermaLink")) for g in rss.iter("guid")]
    assert guids == [("https://example.org/show/perma", "true"), ("urn:plain", "false")]


def test_audio_facts_say_where_they_came_from(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = make_show.episode("ep")
    first = build(make_show.root)
    measured = first.episodes[0].measured
    assert measured.provenance == "measured" and measured.media is not None
    assert measured.media.sha256 == measured.audio.sha256
    write_outputs(first, tmp_path / "out")  # records the lock
    (folder / "ep.mp3").unlink()
    again = build(make_show.root).episodes[0].measured
    assert again.provenance == "lock" and again.media is None
    assert again.audio == measured.audio
