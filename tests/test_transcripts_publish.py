"""End to end: a show with a timed SRT, a VTT in another language and chapters in the MP3.

Builds it, then reads every announced file back the way a podcast app would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from feedpub import transcripts
from feedpub.build import BuildError, build, write_outputs
from feedpub.transcripts import vtt
from transcript_samples import TIMED_CUES, TIMED_SRT, add_id3_chapters, write_timed_srt

NS = {"podcast": "https://podcastindex.org/namespace/1.0"}
BASE = "https://feeds.example.org/show/"
SPEAKERS = '''
[[speakers]]
label = "Speaker #0"
name = "Élodie Martin"

[[speakers]]
label = "Speaker #1"
name = "Sam O'Neil"
role = "guest"
'''
NAMES = {"Speaker #0": "Élodie Martin", "Speaker #1": "Sam O'Neil"}


def timed_episode(make_show, slug: str = "timed", seconds: float = 20.0) -> Path:  # type: ignore[no-untyped-def]
    folder: Path = make_show.episode(slug, seconds=seconds, extra=SPEAKERS)
    write_timed_srt(folder)
    english = transcripts.read(folder / "transcript.srt", "en")
    (folder / "transcript.en.vtt").write_text(vtt.write(english), encoding="utf-8")
    add_id3_chapters(folder / f"{slug}.mp3", [(0.0, 8.0, "Intro"), (8.0, 19.5, "Entretien")])
    return folder


def test_timed_transcripts_are_published_in_every_format(make_show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    timed_episode(make_show)
    out = tmp_path / "public"
    write_outputs(build(make_show.root), out)
    item = etree.parse(str(out / "feed.xml")).getroot().find("channel/item")
    tags = [(t.get("url").removeprefix(BASE), t.get("type"), t.get("language"), t.get("rel"))
            for t in item.findall("podcast:transcript", NS)]
    expected = []
    for lang in ("en", "fr"):
        expected += [
            (f"timed/transcript.{lang}.vtt", "text/vtt", lang, "captions"),
            (f"timed/transcript.{lang}.srt", "application/x-subrip", lang, "captions"),
            (f"timed/transcript.{lang}.json", "application/json", lang, None),
            (f"timed/transcript.{lang}.html", "text/html", lang, None),
            (f"timed/transcript.{lang}.txt", "text/plain", lang, None),
        ]
    assert sorted(tags, key=str) == sorted(expected, key=str)

    want = [(NAMES[who], round(a * 1000), round(b * 1000), text) for who, a, b, text in TIMED_CUES]
    for rel, _mime, lang, _ in expected:
        path = out / rel
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".vtt", ".srt", ".json"):
            segments = transcripts.READERS[path.suffix](text, path)
            assert [(s.speaker, round(s.start * 1000), round(s.end * 1000), s.text)
                    for s in segments] == want, rel
        elif path.suffix == ".html":
            doc = lxml_html.document_fromstring(text)
            assert doc.get("lang") == lang
            assert [c.text for c in doc.iter("cite")][:3] == [
                "Élodie Martin:", "Élodie Martin:", "Sam O'Neil:"]
            assert [p.text_content() for p in doc.iter("p")][1] == TIMED_CUES[1][3]

    chapters_tag = item.find("podcast:chapters", NS)
    assert chapters_tag.get("type") == "application/json+chapters"
    doc = json.loads((out / chapters_tag.get("url").removeprefix(BASE)).read_text("utf-8"))
    assert doc["version"] == "1.2.0"
    starts = [c["startTime"] for c in doc["chapters"]]
    assert starts == [0, 8] and all(isinstance(s, (int, float)) for s in starts)
    assert [c["title"] for c in doc["chapters"]] == ["Intro", "Entretien"]


def test_srt_sample_matches_its_cue_list() -> None:
    assert TIMED_SRT.count("-->") == len(TIMED_CUES)


def test_transcript_and_chapter_problems_stop_the_build(make_show) -> None:  # type: ignore[no-untyped-def]
    folder = timed_episode(make_show, seconds=12.0)
    (folder / "transcript.de.vtt").write_text(
        "WEBVTT\nLanguage: fr\n\n00:01.000 --> 00:02.000\nHallo\n", encoding="utf-8")
    (folder / "chapters.toml").write_text('[[chapters]]\nstart = 0\ntitle = "A"\n\n'
                                          '[[chapters]]\nstart = "0:30"\ntitle = "B"\n',
                                          encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(make_show.root)
    text = str(info.value)
    assert "episodes/timed/transcript.srt:15: cue 4 ends at 00:00:14.480, after the end of " \
        "the audio (00:00:12." in text
    assert "episodes/timed/transcript.de.vtt:2: the file says its language is 'fr', but the " \
        "file name says 'de'" in text
    assert "episodes/timed/chapters.toml:6: chapter 2 starts at 0:30, after the end of the " \
        "audio (0:12." in text
