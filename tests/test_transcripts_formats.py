"""Transcript formats: every reader, every writer, and round trips between them."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from feedpub import transcripts
from feedpub.model import Segment, Speaker, Transcript
from feedpub.transcripts import html, jsonfmt, srt, vtt
from transcript_samples import TIMED_CUES, TIMED_SRT, write_timed_srt


def cues(t: Transcript) -> list[tuple[str | None, int | None, int | None, str]]:
    """What must survive a round trip: speaker, times in milliseconds, text."""
    return [(s.speaker, None if s.start is None else round(s.start * 1000),
             None if s.end is None else round(s.end * 1000), s.text) for s in t.segments]


def parse(reader_ext: str, text: str) -> Transcript:
    reader = transcripts.READERS[reader_ext]
    return Transcript(tuple(reader(text, Path("transcript" + reader_ext))), "en")


def expected_cues() -> list[tuple[str | None, int | None, int | None, str]]:
    return [(who, round(a * 1000), round(b * 1000), text) for who, a, b, text in TIMED_CUES]


def test_srt_reader_follows_the_namespace_speaker_convention(tmp_path: Path) -> None:
    t = transcripts.read(write_timed_srt(tmp_path), "fr")
    assert cues(t) == expected_cues()
    assert t.timed and t.language == "fr"
    assert [s.line for s in t.segments] == [2, 6, 10, 15]


def test_srt_to_vtt_to_json_to_srt_keeps_every_cue() -> None:
    first = parse(".srt", TIMED_SRT)
    as_vtt = parse(".vtt", vtt.write(first))
    as_json = parse(".json", jsonfmt.write(as_vtt))
    back = parse(".srt", srt.write(as_json))
    assert cues(as_vtt) == cues(as_json) == cues(back) == expected_cues()
    assert srt.write(back) == srt.write(first)


def test_vtt_output_uses_voice_spans_and_escapes() -> None:
    out = vtt.write(parse(".srt", TIMED_SRT))
    assert out.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.200\n"
                          "<v Speaker #0>Bienvenue — welcome to the show.\n")
    assert "<v Speaker #0>Today, accents, émojis 🎙 and &lt;tags&gt; &amp; ampersands.\n" in out


def test_srt_output_names_the_speaker_when_it_changes_or_text_looks_like_a_label() -> None:
    out = srt.write(parse(".srt", TIMED_SRT))
    assert out.split("\n\n")[:3] == [
        "1\n00:00:00,000 --> 00:00:03,200\nSpeaker #0: Bienvenue — welcome to the show.",
        "2\n00:00:03,200 --> 00:00:06,750\n"
        "Today, accents, émojis 🎙 and <tags> & ampersands.",
        "3\n00:00:06,750 --> 00:00:10,000\nSpeaker #1: Thanks for having me.\n"
        "It's great to be here.",
    ]


def test_srt_output_repeats_the_speaker_when_text_starts_like_a_label() -> None:
    t = Transcript((Segment("Hi", "Ann", 0, 1), Segment("Note: later", "Ann", 1, 2)))
    assert srt.write(t).split("\n\n")[1] == "2\n00:00:01,000 --> 00:00:02,000\nAnn: Note: later\n"
    assert cues(parse(".srt", srt.write(t)))[1] == ("Ann", 1000, 2000, "Note: later")


def test_json_output_is_a_podcasting20_transcript() -> None:
    doc = json.loads(jsonfmt.write(parse(".srt", TIMED_SRT)))
    assert doc["version"] == "1.0.0"
    assert doc["segments"][2] == {"speaker": "Speaker #1", "startTime": 6.75, "endTime": 10.0,
                                  "body": "Thanks for having me.\nIt's great to be here."}
    for seg in doc["segments"]:
        assert isinstance(seg["startTime"], float) and isinstance(seg["endTime"], float)


def test_vtt_reader_handles_what_real_files_contain() -> None:
    text = (
        "\ufeffWEBVTT - made by hand\nKind: captions\nLanguage: en\n\n"
        "STYLE\n::cue { color: yellow }\n\n"
        "NOTE a comment\nover two lines\n\n"
        "intro\n00:01.000 --> 00:04.500 align:start position:10%\n"
        "<v.loud Ann Dupré>Hello <i>there</i>, <c.yellow>friend</c> &amp; co &lt;3</v>\n\n"
        "00:04.500 --> 01:00:05.250\n<v Ann Dupré>One<00:00:05.000> word</v>\n"
        "<v Bob>Two words\n\n"
        "3\n01:00:06.000 --> 01:00:07.000\nno voice &gt; at all\n"
    )
    t = parse(".vtt", text.lstrip("\ufeff"))
    assert cues(t) == [
        ("Ann Dupré", 1000, 4500, "Hello there, friend & co <3"),
        ("Ann Dupré", 4500, 3605250, "One word\nBob: Two words"),
        (None, 3606000, 3607000, "no voice > at all"),
    ]
    assert [s.line for s in t.segments] == [12, 15, 20]


def test_srt_reader_is_lenient_where_files_in_the_wild_differ() -> None:
    text = ("00:00:01.000 --> 00:00:02,000\r\n<i>No</i> number, dot <b>separator</b>\r\n\r\n"
            "7\r\n0:00:02,000 --> 0:00:03,000\r\n<font color=\"red\">Ann:</font> Hi & <3\r\n")
    assert cues(parse(".srt", text)) == [
        (None, 1000, 2000, "No number, dot separator"),
        ("Ann", 2000, 3000, "Hi & <3"),
    ]


def test_srt_label_detection_is_conservative() -> None:
    assert srt.split_speaker("Jean-Luc Picard: Engage.") == ("Jean-Luc Picard", "Engage.")
    assert srt.split_speaker("Speaker #2:") == ("Speaker #2", "")
    assert srt.split_speaker("so here's the thing: no") is None
    assert srt.split_speaker("It is 12:30 now") is None
    assert srt.split_speaker("One two three four five: no") is None


def test_json_reader_accepts_the_spec_example_shape() -> None:
    text = json.dumps({"version": "1.0.0", "segments": [
        {"speaker": "Darth Vader", "startTime": 0.5, "endTime": 0.75, "body": "I\n"},
        {"startTime": 0.75, "endTime": 1, "body": "am"},
        {"speaker": "", "startTime": 1, "endTime": 1.25, "body": "your father."},
    ]}, indent=1)
    t = parse(".json", text)
    assert cues(t) == [("Darth Vader", 500, 750, "I"), (None, 750, 1000, "am"),
                       (None, 1000, 1250, "your father.")]
    assert [s.line for s in t.segments] == [4, 10, 15]


def test_json_without_end_times_is_untimed_and_published_as_html_and_text_only() -> None:
    t = parse(".json", '{"version": "1.0.0", "segments": [{"startTime": 1, "body": "Hi"}]}')
    assert not t.timed
    assert [w.name for w, _ in transcripts.render(t, "Ep")] == ["html", "text"]


def test_render_timed_gives_every_format_with_its_feed_attributes() -> None:
    rendered = transcripts.render(parse(".srt", TIMED_SRT), "Ep 1")
    assert [(w.name, w.ext, w.mime, w.captions) for w, _ in rendered] == [
        ("vtt", ".vtt", "text/vtt", True),
        ("srt", ".srt", "application/x-subrip", True),
        ("json", ".json", "application/json", False),
        ("html", ".html", "text/html", False),
        ("text", ".txt", "text/plain", False),
    ]
    for writer, text in rendered[:3]:
        assert cues(parse(writer.ext, text)) == expected_cues()


def test_render_untimed_speaker_text_gives_html_and_text_only() -> None:
    t = parse(".txt", "Speaker #0\nBonjour à tous.\n\nSpeaker #1\nSalut !\n")
    assert [w.name for w, _ in transcripts.render(t, "Ép")] == ["html", "text"]


def test_declared_names_reach_json_and_html() -> None:
    t = transcripts.name_speakers(parse(".srt", TIMED_SRT), (
        Speaker(name="Élodie Martin", label="Speaker #0"),
        Speaker(name="Sam O'Neil", label="Speaker #1", role="guest")))
    doc = json.loads(jsonfmt.write(t))
    assert [s["speaker"] for s in doc["segments"]] == [
        "Élodie Martin", "Élodie Martin", "Sam O'Neil", "Élodie Martin"]
    page = html.write(t, "Ep")
    assert "<cite>Sam O&#x27;Neil:</cite>\n<time>0:06</time>" in page


def test_blank_lines_inside_a_json_body_do_not_break_cues() -> None:
    t = parse(".json", json.dumps({"version": "1.0.0", "segments": [
        {"speaker": "Ann", "startTime": 0, "endTime": 1, "body": "one\n\n  two \r\n\nthree"},
        {"startTime": 1, "endTime": 2, "body": "four"}]}))
    for writer in (vtt, srt):
        assert cues(parse("." + writer.WRITER.name, writer.write(t))) == [
            ("Ann", 0, 1000, "one\ntwo\nthree"), ("Ann" if writer is srt else None, 1000, 2000,
                                                  "four")]


def test_writer_for_picks_by_extension() -> None:
    assert transcripts.writer_for(Path("a.VTT")) is vtt.WRITER
    assert transcripts.writer_for(Path("a.txt")).name == "text"  # type: ignore[union-attr]
    assert transcripts.writer_for(Path("a.doc")) is None


# ---------------------------------------------------------------- property tests

#: printable text: letters with accents, emoji, symbols, and the characters
#: markup formats must escape; no control characters or Unicode line separators
CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
LINE = st.text(CHARS.filter(lambda c: c not in "\x85"), min_size=1, max_size=30).map(
    str.strip).filter(bool)
TRICKY = st.sampled_from(["<b>", "a & b", "x < y > z", "--> not a timing", "&amp;", "é",
                          "🎙️", "Ünïcödé", "naïve café", "<v Bob>", "1", "Note: this"])
TEXT = st.lists(st.one_of(LINE, TRICKY), min_size=1, max_size=3).map("\n".join)
NAMES = st.sampled_from(["Élodie", "Zoë Ångström", "Speaker #0", "李 雷", "Bob 🎙", "O'Neil",
                         "Ana & Co", "Dr. <Who>"])


@st.composite
def timed_transcripts(draw: st.DrawFn, all_named: bool) -> Transcript:
    count = draw(st.integers(1, 6))
    t, segments = 0, []
    for _ in range(count):
        t += draw(st.integers(0, 5000))
        length = draw(st.integers(1, 10_000_000))
        who = draw(NAMES) if all_named else None
        segments.append(Segment(draw(TEXT), who, t / 1000, (t + length) / 1000))
        t += length
    return Transcript(tuple(segments), "fr")


def srt_representable(t: Transcript) -> bool:
    """SRT cannot tell "no speaker" from "Label:"-like text, nor strip-free <i> from markup."""
    return all(s.speaker or not srt.split_speaker(s.text.split("\n")[0]) for s in t.segments) \
        and not any(srt.FORMAT_TAG.search(s.text) for s in t.segments)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans().flatmap(lambda named: timed_transcripts(named)))
def test_round_trip_keeps_text_speakers_and_milliseconds(t: Transcript) -> None:
    assume(srt_representable(t))
    as_srt = parse(".srt", srt.write(t))
    as_vtt = parse(".vtt", vtt.write(as_srt))
    as_json = parse(".json", jsonfmt.write(as_vtt))
    back = parse(".srt", srt.write(as_json))
    assert cues(as_srt) == cues(as_vtt) == cues(as_json) == cues(back) == cues(t)


@settings(max_examples=150)
@given(st.booleans().flatmap(lambda named: timed_transcripts(named)))
def test_vtt_and_json_round_trip_anything(t: Transcript) -> None:
    assert cues(parse(".vtt", vtt.write(t))) == cues(t)
    assert cues(parse(".json", jsonfmt.write(t))) == cues(t)


class TurnParser(HTMLParser):
    """Reads back the <cite>/<time>/<p> turns of our HTML transcripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.turns: list[dict[str, str]] = []
        self.current: str | None = None
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("cite", "time", "p", "title"):
            self.current = tag
            if tag == "cite" or (tag != "title" and (not self.turns or "p" in self.turns[-1])):
                if tag != "title":
                    self.turns.append({})
            if tag != "title":
                self.turns[-1][tag] = ""
        elif tag == "br" and self.current == "p":
            self.turns[-1]["p"] += "\n"
        else:
            raise AssertionError(f"unexpected tag <{tag}> in the body: text was not escaped")

    def handle_endtag(self, tag: str) -> None:
        self.current = None

    def handle_data(self, data: str) -> None:
        if self.current == "title":
            self.title += data
        elif self.current:
            self.turns[-1][self.current] += data


def read_html(page: str) -> TurnParser:
    parser = TurnParser()
    body = page.split("<body>\n", 1)[1].rsplit("</body>", 1)[0]
    parser.feed(page.split("<body>", 1)[0].split("<title>", 1)[1].join(["<title>", ""]))
    parser.feed(body)
    return parser


@settings(max_examples=150)
@given(st.booleans().flatmap(lambda named: timed_transcripts(named)), TEXT)
def test_html_is_escaped_and_reads_back_as_the_same_turns(t: Transcript, title: str) -> None:
    page = html.write(t, title.replace("\n", " "))
    parsed = read_html(page)
    assert parsed.title == title.replace("\n", " ")
    assert [(turn.get("cite"), turn["p"]) for turn in parsed.turns] == [
        (f"{s.speaker}:" if s.speaker else None, s.text) for s in t.segments]


def test_html_parses_with_lxml_to_the_same_text() -> None:
    lxml_html = pytest.importorskip("lxml.html")
    t = parse(".srt", TIMED_SRT)
    doc = lxml_html.document_fromstring(html.write(t, "Ep & <1>"))
    assert doc.findtext(".//title") == "Ep & <1>"
    assert [p.text_content() for p in doc.iter("p")][1] == \
        "Today, accents, émojis 🎙 and <tags> & ampersands."
    assert [c.text for c in doc.iter("cite")] == ["Speaker #0:", "Speaker #0:", "Speaker #1:",
                                                  "Speaker #0:"]
