"""Transcripts and chapters as the build publishes them, parsed back from the feed."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedpub.build import BuildError, build, write_outputs
from feedpub.transcripts import read
from transcript_samples import TIMED_CUES, make_mp3_with_chapters, write_timed_srt

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


def test_timed_srt_publishes_every_format(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("timed", seconds=16, extra=SPEAKERS)
    write_timed_srt(folder)
    out = tmp_path / "out"
    rss = publish(make_show.root, out)
    tags = rss.findall("channel/item/podcast:transcript", NS)
    announced = {t.get("type"): t for t in tags}
    assert list(announced) == ["text/vtt", "application/x-subrip", "application/json",
                               "text/html", "text/plain"]
    for mime, tag in announced.items():
        assert tag.get("language") == "fr"
        assert tag.get("rel") == ("captions" if mime in ("text/vtt", "application/x-subrip")
                                  else None)
        assert tag.get("url").startswith(BASE + "timed/transcript.fr.")
    # every timed file parses back to the same cues, with the names in place of labels
    for ext in (".vtt", ".srt", ".json"):
        back = read(out / "timed" / f"transcript.fr{ext}", "fr")
        assert [(s.speaker, s.start, s.end, s.text) for s in back.segments] == [
            ({"Speaker #0": "Ada Host", "Speaker #1": "Grace Guest"}[sp], a, b, text)
            for sp, a, b, text in TIMED_CUES]
    doc = json.loads((out / "timed" / "transcript.fr.json").read_text(encoding="utf-8"))
    assert doc["segments"][0]["speaker"] == "Ada Host"
    assert isinstance(doc["segments"][0]["startTime"], (int, float))
    html = (out / "timed" / "transcript.fr.html").read_text(encoding="utf-8")
    assert "&lt;tags&gt; &amp; ampersands" in html
    persons = [(p.text, p.get("role")) for p in rss.findall("channel/item/podcast:person", NS)]
    assert persons == [("Ada Host", "host"), ("Grace Guest", "guest")]
    entry = feedparser.parse(etree.tostring(rss)).entries[0]
    assert entry.podcast_transcript["url"].startswith(BASE)


def test_transcripts_in_two_languages(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("bi", seconds=16)
    write_timed_srt(folder, "transcript.srt")
    write_timed_srt(folder, "transcript.en.srt")
    rss = publish(make_show.root, tmp_path / "out")
    langs = {t.get("language") for t in rss.findall("channel/item/podcast:transcript", NS)}
    assert langs == {"fr", "en"}
    assert (tmp_path / "out" / "bi" / "transcript.en.vtt").is_file()


def test_cue_past_the_audio_is_an_error(make_show) -> None:
    folder = make_show.episode("short", seconds=8)
    write_timed_srt(folder)
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert "episodes/short/transcript.srt:10: cue 3 ends at 00:00:10.000, after the end of " \
        "the audio" in str(info.value)


def test_unknown_speaker_label_is_an_error(make_show) -> None:
    folder = make_show.episode("ep", seconds=16, extra=SPEAKERS.split("[[speakers]]")[0]
                               + "[[speakers]]" + SPEAKERS.split("[[speakers]]")[1])
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


def test_chapters_file_beyond_the_audio(make_show) -> None:
    folder = make_show.episode("ep", seconds=5)
    (folder / "chapters.toml").write_text(
        '[[chapters]]\nstart = 0\ntitle = "Intro"\n\n[[chapters]]\nstart = "0:09"\n'
        'title = "Late"\n', encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    assert str(info.value).startswith("episodes/ep/chapters.toml:6: chapter 2 starts at 0:09, after the end of the audio (0:05.")


def test_timed_source_wins_over_untimed_in_the_same_language(make_show, tmp_path: Path) -> None:
    folder = make_show.episode("both", seconds=16)
    write_timed_srt(folder, "transcript.srt")
    (folder / "transcript.txt").write_text("Speaker #0\nUntimed words.\n", encoding="utf-8")
    publish(make_show.root, tmp_path / "out")
    html = (tmp_path / "out" / "both" / "transcript.fr.html").read_text(encoding="utf-8")
    assert "<time>0:00</time>" in html and "Untimed words." not in html
