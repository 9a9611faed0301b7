"""Transcripts and chapters as the build publishes them, parsed back from the feed."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedpub.build import BuildError, build, write_outputs
from transcript_samples import make_mp3_with_chapters, write_timed_srt

NS = {"podcast": "https://podcastindex.org/namespace/1.0"}
BASE = "https://feeds.example.org/show/"
SPEAKERS = """
[[speakers]]
label = "Speaker #0"
name = "Ada Host"
role = "host"

[[speakers]]
label = "Speaker #1"
name = "Grace Guest"
role = "guest"
"""


def publish(root: Path, out: Path) -> etree._Element:
    write_outputs(build(root), out)
    return etree.fromstring((out / "feed.xml").read_bytes())


def test_speakers_become_persons_and_names_in_every_format(make_show, tmp_path: Path) -> None:
    # (every format and language: test_transcripts_publish.py; here the speaker mapping)
    folder = make_show.episode("timed", seconds=16, extra=SPEAKERS)
    write_timed_srt(folder)
    out = tmp_path / "out"
    rss = publish(make_show.root, out)
    persons = [(p.text, p.get("role")) for p in rss.findall("channel/item/podcast:person", NS)]
    assert persons == [("Ada Host", "host"), ("Grace Guest", "guest")]
    doc = json.loads((out / "timed" / "transcript.fr.json").read_text(encoding="utf-8"))
    assert [s["speaker"] for s in doc["segments"]] == ["Ada Host", "Ada Host", "Grace Guest",
                                                      "Ada Host"]
    vtt = (out / "timed" / "transcript.fr.vtt").read_text(encoding="utf-8")
    assert "<v Ada Host>" in vtt and "<v Grace Guest>" in vtt and "Speaker #" not in vtt
    entry = feedparser.parse(etree.tostring(rss)).entries[0]
    assert entry.podcast_transcript["url"].startswith(BASE + "timed/transcript.fr.")


def test_unknown_speaker_label_is_an_error(make_show) -> None:
    only_host = SPEAKERS[: SPEAKERS.index("[[speakers]]", 10)]
    folder = make_show.episode("ep", seconds=16, extra=only_host)
    write_timed_srt(folder)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert "episodes/ep/transcript.srt:10: unknown speaker 'Speaker #1'" in str(info.value)


def test_embedded_chapters_are_published_and_remembered(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("chap", seconds=None)
    make_mp3_with_chapters(folder / "chap.mp3", 30)
    out = tmp_path / "a"
    rss = publish(make_show.root, out)
    tag = rss.find("channel/item/podcast:chapters", NS)
    assert tag.get("url") == BASE + "chap/chapters.json"
    assert tag.get("type") == "application/json+chapters"
    doc = json.loads((out / "chap" / "chapters.json").read_text(encoding="utf-8"))
    assert doc["version"] == "1.2.0"
    starts = [c["startTime"] for c in doc["chapters"]]
    assert starts == sorted(starts) == [0, 10, 22.5]
    assert doc["chapters"][1]["title"] == "Café & <news>"
    # without the audio, the lock file still knows the chapters
    (folder / "chap.mp3").unlink()
    write_outputs(build(make_show.root), tmp_path / "b")
    assert (tmp_path / "b" / "feed.xml").read_bytes() == (out / "feed.xml").read_bytes()
    assert (tmp_path / "b" / "chap" / "chapters.json").read_bytes() == \
        (out / "chap" / "chapters.json").read_bytes()


def test_timed_source_wins_over_untimed_in_the_same_language(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("both", seconds=16)
    write_timed_srt(folder, "transcript.srt")
    (folder / "transcript.txt").write_text("Speaker #0\nUntimed words.\n", encoding="utf-8")
    publish(make_show.root, tmp_path / "out")
    html = (tmp_path / "out" / "both" / "transcript.fr.html").read_text(encoding="utf-8")
    assert "<time>0:00</time>" in html and "Untimed words." not in html
