"""Chapters: every source in, JSON chapters out, checked against each other and the audio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedpub import chapters
from feedpub.errors import AudioError, TranscriptError
from feedpub.model import Chapter
from transcript_samples import (
    add_id3_chapters,
    make_m4a_with_chapters,
    make_mp3,
    make_mp3_with_chapters,
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def errors(name: str, text: str) -> list[str]:
    with pytest.raises(TranscriptError) as info:
        chapters.read(write(name, text))
    return [str(p) for p in info.value.problems]


def accept_like_partytime(doc: object) -> list[float]:
    """What a Podcasting 2.0 JSON chapters reader insists on; returns the start times."""
    assert isinstance(doc, dict)
    assert isinstance(doc["version"], str) and doc["version"]
    assert isinstance(doc["chapters"], list) and doc["chapters"]
    starts = []
    for ch in doc["chapters"]:
        assert isinstance(ch["startTime"], (int, float)) and not isinstance(ch["startTime"], bool)
        assert ch["startTime"] >= 0
        for key in ("title", "img", "url"):
            assert key not in ch or isinstance(ch[key], str)
        assert "toc" not in ch or isinstance(ch["toc"], bool)
        starts.append(ch["startTime"])
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    return starts


TOML = '''\
# chapters of episode 12
[[chapters]]
start = "0:00"
title = "Intro"

[[chapters]]
start = 75.5
title = "Café & <news>"
url = "https://example.org/news"
img = "https://example.org/news.jpg"

[[chapters]]
start = "1:02:03.25"
end = "1:05:00"
title = "Sponsor"
toc = false
'''


def test_toml_chapters() -> None:
    got = chapters.read(write("chapters.toml", TOML))
    assert got == (
        Chapter(0.0, "Intro"),
        Chapter(75.5, "Café & <news>", url="https://example.org/news",
                img="https://example.org/news.jpg"),
        Chapter(3723.25, "Sponsor", end=3900.0, toc=False),
    )
    assert [c.line for c in got] == [3, 7, 13]


def test_readers_take_text_and_a_name_for_messages() -> None:
    """Nothing is read from disk: validate checks downloaded chapters without a temp file."""
    assert chapters.READERS[".toml"](TOML, Path("gone/chapters.toml")) == chapters.read(
        write("chapters.toml", TOML))
    json_text = chapters.write_json(chapters.read(Path("chapters.toml")))
    assert chapters.READERS[".json"](json_text, Path("nowhere.json")) == chapters.read(
        Path("chapters.toml"))
    with pytest.raises(TranscriptError) as info:
        chapters.READERS[".json"]('{"version": "1.2.0",\n "chapters": 3}', Path("dl.json"))
    assert str(info.value).startswith('dl.json:1: "chapters" is not an array')
    assert not Path("gone").exists() and not Path("nowhere.json").exists()


def test_toml_chapter_problems_are_all_reported_with_lines() -> None:
    text = ('[[chapters]]\nstart = "0:00"\ntittle = "Intro"\n\n'
            '[[chapters]]\nstart = "1:75"\ntitle = 3\n\n'
            '[[chapters]]\ntitle = "no start"\ntoc = "no"\n\n'
            '[[chapters]]\nstart = -4\nend = "soon"\n')
    assert errors("chapters.toml", text) == [
        "chapters.toml:3: chapter 1: unknown key 'tittle' "
        "(expected one of end, img, start, title, toc, url)\n  hint: did you mean 'title'?",
        "chapters.toml:6: chapter 2: malformed start time '1:75' "
        '(expected seconds (12.5) or a clock time ("1:02:03.5"))',
        "chapters.toml:7: chapter 2: title must be a string, not 3 (expected a quoted string)",
        "chapters.toml:9: chapter 3: start is missing "
        '(expected seconds (12.5) or a clock time ("1:02:03.5"))',
        "chapters.toml:11: chapter 3: toc must be true or false, not 'no' "
        "(expected true or false)",
        "chapters.toml:14: chapter 4: malformed start time -4 "
        '(expected seconds (12.5) or a clock time ("1:02:03.5"))',
        "chapters.toml:15: chapter 4: malformed end time 'soon' "
        '(expected seconds (12.5) or a clock time ("1:02:03.5"))',
    ]


def test_toml_syntax_error_and_no_chapters() -> None:
    assert errors("chapters.toml", '[[chapters]]\nstart = "0:00\n')[0].startswith(
        "chapters.toml:2: invalid TOML: Illegal character")
    assert errors("chapters.toml", 'title = "x"\n') == [
        "chapters.toml:1: no [[chapters]] tables "
        "(expected [[chapters]] with start = \"0:00\" and a title)"]


JSON = '''{
  "version": "1.2.0",
  "chapters": [
    {"startTime": 0, "title": "Intro"},
    {"startTime": 61.5, "endTime": 90, "title": "Part 2", "toc": false,
     "img": "https://example.org/2.jpg", "location": {"name": "Paris", "geo": "geo:48.8,2.3"}}
  ]
}'''


def test_json_chapters() -> None:
    got = chapters.read(write("chapters.json", JSON))
    assert got == (Chapter(0.0, "Intro"),
                   Chapter(61.5, "Part 2", end=90.0, img="https://example.org/2.jpg", toc=False))
    assert [c.line for c in got] == [4, 5]


def test_json_chapter_problems() -> None:
    assert errors("chapters.json", '{"chapters": {}}') == [
        'chapters.json:1: "version" is missing (expected "version": "1.2.0")',
        'chapters.json:1: "chapters" is not an array (expected {"version": "1.2.0", '
        '"chapters": [{"startTime": 0, "title": "..."}]})']
    text = ('{"version": "1.2.0", "chapters": [\n{"title": "x"},\n'
            '{"startTime": "0:10", "title": 5},\n{"startTime": 20, "toc": "yes"},\n7]}')
    assert errors("chapters.json", text) == [
        "chapters.json:2: chapter 1: startTime is missing (expected seconds as a number)",
        'chapters.json:3: chapter 2: startTime must be a number of seconds, not "0:10" '
        "(expected seconds as a number)",
        "chapters.json:3: chapter 2: title must be a string",
        "chapters.json:4: chapter 3: toc must be true or false",
        'chapters.json: chapter 4 is not an object '
        '(expected {"startTime": 0, "title": "..."})',
    ]
    assert errors("chapters.json", '{"version": "1.2.0",\n"chapters": [,]}') == [
        "chapters.json:2: not valid JSON: Expecting value\n  hint: column 14"]


def test_chapters_file_must_be_utf8() -> None:
    Path("chapters.json").write_bytes('{"version": "1.2.0", "chapters": [{"startTime": 0, '
                                      '"title": "Caf\xe9"}]}'.encode("cp1252"))
    with pytest.raises(TranscriptError) as info:
        chapters.read(Path("chapters.json"))
    assert str(info.value) == ("chapters.json:1: file is not UTF-8 (looks like Windows-1252) "
                               "(expected UTF-8 text)\n"
                               "  hint: convert it, e.g. iconv -f Windows-1252 -t UTF-8")


def test_chapter_checks() -> None:
    got = chapters.read(write("chapters.toml", '''\
[[chapters]]
start = 0
title = "A"
[[chapters]]
start = "0:30"
title = "B"
[[chapters]]
start = 30
title = "B again"
[[chapters]]
start = 20
end = 20
title = "C"
[[chapters]]
start = "5:00"
title = "D"
[[chapters]]
start = 50
end = 400.25
title = "E"
'''))
    assert [str(p) for p in chapters.check(got, 120.0, Path("chapters.toml"))] == [
        "chapters.toml:8: chapter 3 starts at the same time as chapter 2 (0:30)\n"
        "  hint: remove one of them or change its start",
        "chapters.toml:11: chapter 4 starts at 0:20, before chapter 3 (0:30) "
        "(expected chapters in ascending order of start)",
        "chapters.toml:11: chapter 4 ends at 0:20, not after its start (0:20)",
        "chapters.toml:15: chapter 5 starts at 5:00, after the end of the audio (2:00)",
        "chapters.toml:18: chapter 6 starts at 0:50, before chapter 5 (5:00) "
        "(expected chapters in ascending order of start)",
        "chapters.toml:18: chapter 6 ends at 6:40.250, after the end of the audio (2:00)",
    ]
    assert chapters.check(got[:2], None, "chapters.toml") == []


def test_load_prefers_the_file_and_raises_every_problem() -> None:
    embedded = (Chapter(0.0, "From audio"),)
    assert chapters.load(None, embedded, 30.0) == embedded
    with pytest.raises(TranscriptError) as info:
        chapters.load(None, embedded + (Chapter(0.0, "again"),), 30.0, audio="ep.mp3")
    assert str(info.value) == ("ep.mp3: chapter 2 starts at the same time as chapter 1 (0:00)"
                               "\n  hint: remove one of them or change its start")
    path = write("chapters.toml", '[[chapters]]\nstart = 40\ntitle = "late"\n')
    with pytest.raises(TranscriptError) as info:
        chapters.load(path, embedded, 30.0)
    assert str(info.value) == ("chapters.toml:2: chapter 1 starts at 0:40, after the end of "
                               "the audio (0:30)")


def test_mp3_with_id3_chapters_publishes_json_chapters_readers_accept() -> None:
    path = make_mp3_with_chapters(Path("ep.mp3"), seconds=30.0)
    got = chapters.from_audio(path)
    assert got == (Chapter(0.0, "Intro", end=10.0), Chapter(10.0, "Café & <news>", end=22.5),
                   Chapter(22.5, "Outro 🎙", end=30.0))
    import mutagen

    assert chapters.check(got, mutagen.File(path).info.length, path) == []
    doc = json.loads(chapters.write_json(got, title="Episode 1"))
    assert accept_like_partytime(doc) == [0, 10, 22.5]
    assert doc == {"version": "1.2.0", "title": "Episode 1", "chapters": [
        {"startTime": 0, "endTime": 10, "title": "Intro"},
        {"startTime": 10, "endTime": 22.5, "title": "Café & <news>"},
        {"startTime": 22.5, "endTime": 30, "title": "Outro 🎙"}]}
    assert chapters.JSON_MIME == "application/json+chapters"


def test_id3_chapters_outside_the_ctoc_are_hidden_and_urls_kept() -> None:
    path = make_mp3(Path("ep.mp3"), seconds=12.0)
    # written out of order: ID3 does not promise any
    add_id3_chapters(path, [(6.0, 12.0, "Ad"), (0.0, 6.0, "Start")], hidden=(0,),
                     url="https://example.org/ad")
    got = chapters.from_audio(path)
    assert got == (Chapter(0.0, "Start", end=6.0),
                   Chapter(6.0, "Ad", end=12.0, url="https://example.org/ad", toc=False))
    doc = json.loads(chapters.write_json(got))
    assert doc["chapters"][1] == {"startTime": 6, "endTime": 12, "title": "Ad",
                                  "url": "https://example.org/ad", "toc": False}


def test_audio_without_chapters() -> None:
    assert chapters.from_audio(make_mp3(Path("plain.mp3"), seconds=2.0)) == ()


def test_mp4_chapters() -> None:
    path = make_m4a_with_chapters(Path("ep.m4a"))
    assert chapters.from_audio(path) == (Chapter(0.0, "Intro"), Chapter(10.0, "Café"))


def test_vorbis_comment_chapters() -> None:
    sf = pytest.importorskip("soundfile")
    import numpy as np
    from mutagen.oggvorbis import OggVorbis

    sf.write("ep.ogg", np.zeros(16000 * 3, dtype=np.float32), 16000, format="OGG",
             subtype="VORBIS")
    tags = OggVorbis("ep.ogg")
    tags["CHAPTER001"] = "00:00:00.000"
    tags["CHAPTER001NAME"] = "Début"
    tags["CHAPTER002"] = "00:00:01.500"
    tags["CHAPTER002NAME"] = "Suite"
    tags.save()
    assert chapters.from_audio(Path("ep.ogg")) == (Chapter(0.0, "Début"), Chapter(1.5, "Suite"))


def test_unreadable_audio() -> None:
    Path("fake.mp3").write_bytes(b"not audio at all" * 10)
    with pytest.raises(AudioError) as info:
        chapters.from_audio(Path("fake.mp3"))
    assert str(info.value).startswith("fake.mp3: cannot read chapters: ")


# ---------------------------------------------------------------- property test

TITLES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@st.composite
def chapter_lists(draw: st.DrawFn) -> tuple[Chapter, ...]:
    starts = sorted(set(draw(st.lists(st.integers(0, 10_000_000), min_size=1, max_size=8))))
    return tuple(Chapter(start=ms / 1000, title=draw(st.none() | TITLES.filter(bool)),
                         url=draw(st.none() | st.just("https://example.org/a?b=1&c=<d>")),
                         toc=draw(st.booleans())) for ms in starts)


@settings(max_examples=100)
@given(chapter_lists())
def test_json_chapters_round_trip_and_stay_acceptable(got: tuple[Chapter, ...]) -> None:
    text = chapters.write_json(got)
    accept_like_partytime(json.loads(text))
    path = Path("chapters.json")
    path.write_text(text, encoding="utf-8")
    assert chapters.read(path) == got
    assert chapters.check(chapters.read(path), 10_001.0, path) == []


@pytest.mark.parametrize("text", ['[[chapters]]\nstart = inf\ntitle = "A"\n',
                                  '[[chapters]]\nstart = nan\ntitle = "A"\n',
                                  '[[chapters]]\nstart = "99999999999"\ntitle = "A"\n'])
def test_toml_chapter_times_must_be_finite(text: str) -> None:
    problems = errors("chapters.toml", text)
    assert len(problems) == 1 and problems[0].startswith("chapters.toml:2: chapter 1: ")


def test_json_chapters_reject_nan() -> None:
    problems = errors("chapters.json", '{"version": "1.2.0", "chapters": [{"startTime": NaN}]}')
    assert len(problems) == 1 and "startTime" in problems[0]


def test_probe_takes_embedded_chapters_from_its_own_parse() -> None:
    """audio.probe parses each file once; its chapters are those a separate read finds."""
    from feedpub.audio import probe

    mp3 = make_mp3_with_chapters(Path("ep.mp3"), seconds=30.0)
    m4a = make_m4a_with_chapters(Path("ep.m4a"))
    plain = make_mp3(Path("plain.mp3"), seconds=2.0)
    for path in (mp3, m4a, plain):
        assert probe(path).chapters == chapters.from_audio(path)
    assert len(probe(mp3).chapters) == 3 and len(probe(m4a).chapters) == 2
