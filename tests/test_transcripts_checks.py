"""Every bad transcript input, with the exact message a podcaster will read."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedpub import transcripts
from feedpub.errors import TranscriptError
from feedpub.model import Segment, Speaker, Transcript
from feedpub.transcripts import check_language, check_timings


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths, so messages read as they would in a show folder."""
    monkeypatch.chdir(tmp_path)


def errors_of(name: str, content: str | bytes) -> list[str]:
    path = Path(name)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(TranscriptError) as info:
        transcripts.read(path, "en")
    return [str(p) for p in info.value.problems]


def transcript(name: str, content: str, language: str = "en") -> Transcript:
    Path(name).write_text(content, encoding="utf-8")
    return transcripts.read(Path(name), language)


def srt(*cues: tuple[str, str]) -> str:
    return "\n".join(f"{n}\n{timing}\n{text}\n" for n, (timing, text) in enumerate(cues, 1))


# ---------------------------------------------------------------- malformed files

def test_srt_malformed_timestamps_and_lines_are_all_reported() -> None:
    text = ("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n"
            "2\n00:00:02,000 --> 00:00:3,000\nbad end\n\n"
            "3\n00:00:04 --> 00:00:05,000\nbad start\n\n"
            "4\n00:00:05,000 - 00:00:06,000\nno arrow\n\n"
            "5\n00:01:75,000 --> 00:01:76,000\nseconds past 59\n")
    assert errors_of("transcript.srt", text) == [
        "transcript.srt:6: cue 2: malformed timestamp '00:00:3,000' (expected HH:MM:SS,mmm)",
        "transcript.srt:10: cue 3: malformed timestamp '00:00:04' (expected HH:MM:SS,mmm)",
        "transcript.srt:14: cue 4: malformed timing line '00:00:05,000 - 00:00:06,000' "
        "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
        "transcript.srt:18: cue 5: malformed timestamp '00:01:75,000' (expected HH:MM:SS,mmm)",
        "transcript.srt:18: cue 5: malformed timestamp '00:01:76,000' (expected HH:MM:SS,mmm)",
    ]


def test_srt_text_where_a_cue_number_belongs() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\nstray paragraph\n"
    assert errors_of("transcript.srt", text) == [
        "transcript.srt:5: cue 2: expected a cue number, found 'stray paragraph' "
        "(expected a number, then a timing line)"]


def test_srt_cue_without_timing_line() -> None:
    assert errors_of("transcript.srt", "1\n\n2\n00:00:01,000 --> 00:00:02,000\nHi\n") == [
        "transcript.srt:1: cue 1 has no timing line (expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"]


def test_srt_empty_cue() -> None:
    text = srt(("00:00:01,000 --> 00:00:02,000", "Hi"), ("00:00:02,000 --> 00:00:03,000", ""),
               ("00:00:03,000 --> 00:00:04,000", "<i> </i>"))
    assert errors_of("transcript.srt", text) == [
        "transcript.srt:6: cue 2 is empty (expected text after the timing line)",
        "transcript.srt:10: cue 3 is empty (expected text after the timing line)",
    ]


def test_srt_label_without_words_is_an_empty_cue() -> None:
    assert errors_of("transcript.srt", srt(("00:00:01,000 --> 00:00:02,000", "Ann:"))) == [
        "transcript.srt:2: cue 1 is empty (expected text after the timing line)"]


def test_vtt_without_header() -> None:
    assert errors_of("transcript.vtt", "00:01.000 --> 00:02.000\nHi\n") == [
        "transcript.vtt:1: missing WEBVTT header (expected 'WEBVTT' as the first line)"]
    assert errors_of("transcript.vtt", "\nWEBVTT\n\n00:01.000 --> 00:02.000\nHi\n") == [
        "transcript.vtt:1: missing WEBVTT header (expected 'WEBVTT' as the first line)"]


def test_vtt_header_glued_to_the_first_cue() -> None:
    assert errors_of("transcript.vtt", "WEBVTT\n00:01.000 --> 00:02.000\nHi\n") == [
        "transcript.vtt:2: no blank line between the WEBVTT header and the first cue "
        "(expected an empty line after the header)"]


def test_vtt_malformed_timestamps_and_empty_cues() -> None:
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n"
            "00:02,000 --> 00:03.000\nSRT comma\n\n"
            "id-3\n00:03.000 --> 00:04.000\n<v Ann></v>\n\n"
            "just text\n\n"
            "1:00:05.000 --> 00:06.00\nshort parts\n")
    assert errors_of("transcript.vtt", text) == [
        "transcript.vtt:6: cue 2: malformed timestamp '00:02,000' (expected HH:MM:SS.mmm)",
        "transcript.vtt:10: cue 3 is empty (expected text after the timing line)",
        "transcript.vtt:13: cue 4 has no timing line (expected HH:MM:SS.mmm --> HH:MM:SS.mmm)",
        "transcript.vtt:15: cue 5: malformed timestamp '1:00:05.000' (expected HH:MM:SS.mmm)",
        "transcript.vtt:15: cue 5: malformed timestamp '00:06.00' (expected HH:MM:SS.mmm)",
    ]
    # hours need two digits in WebVTT, unlike SRT
    assert errors_of("transcript.vtt", "WEBVTT\n\n1:00:05.000 --> 01:00:06.000\nx\n") == [
        "transcript.vtt:3: cue 1: malformed timestamp '1:00:05.000' (expected HH:MM:SS.mmm)"]


def test_json_not_json() -> None:
    assert errors_of("transcript.json", '{"version": "1.0.0",\n "segments": [}\n') == [
        "transcript.json:2: not valid JSON: Expecting value\n  hint: column 15"]


def test_json_shape_problems() -> None:
    assert errors_of("transcript.json", "[]") == [
        'transcript.json:1: JSON transcript is not an object '
        '(expected {"version": "1.0.0", "segments": [...]})']
    assert errors_of("transcript.json", '{"version": 1, "segments": {}}') == [
        'transcript.json:1: "version" must be a string (expected "version": "1.0.0")',
        'transcript.json:1: "segments" is not an array '
        '(expected {"version": "1.0.0", "segments": [...]})']
    assert errors_of("transcript.json", '{"segments": []}') == [
        'transcript.json:1: missing "version" (expected "version": "1.0.0")']
    assert errors_of("transcript.json", '{"version": "1.0.0"}') == [
        'transcript.json:1: "segments" is missing '
        '(expected {"version": "1.0.0", "segments": [...]})']


def test_json_bad_segments_are_located_by_line() -> None:
    text = """{
  "version": "1.0.0",
  "segments": [
    {"startTime": 0, "endTime": 1, "body": "fine"},
    {"endTime": 2, "body": "no start"},
    {"startTime": "0:03", "endTime": true, "body": "strings"},
    {"startTime": 4, "endTime": 5},
    {"startTime": 5, "endTime": 6, "body": "  "},
    {"startTime": 6, "endTime": 7, "body": 42, "speaker": 3},
    {"startTime": -1, "endTime": 7, "body": "negative"},
    "text"
  ]
}"""
    assert errors_of("transcript.json", text) == [
        "transcript.json:5: segment 2: startTime is missing (expected seconds as a number, "
        "e.g. 12.5)",
        'transcript.json:6: segment 3: startTime must be a number of seconds, not "0:03" '
        "(expected seconds as a number, e.g. 12.5)",
        "transcript.json:6: segment 3: endTime must be a number of seconds, not true "
        "(expected seconds as a number, e.g. 12.5)",
        "transcript.json:7: segment 4: body is missing (expected the spoken text as a string)",
        "transcript.json:8: segment 5 is empty (expected the spoken text in body)",
        "transcript.json:9: segment 6: body must be a string "
        "(expected the spoken text as a string)",
        "transcript.json:9: segment 6: speaker must be a string",
        "transcript.json:10: segment 7: startTime must be a number of seconds, not -1 "
        "(expected seconds as a number, e.g. 12.5)",
        'transcript.json: segment 8 is not an object (expected {"startTime": 0.0, "body": "..."})',
    ]


def test_empty_file_and_unknown_format() -> None:
    assert errors_of("transcript.srt", "\n\n") == [
        "transcript.srt:1: transcript is empty (expected at least one speaker turn or cue)"]
    assert errors_of("transcript.docx", "x") == [
        "transcript.docx: unknown transcript format '.docx' "
        "(expected one of .json, .srt, .txt, .vtt)"]


@pytest.mark.parametrize(("data", "found", "line"), [
    ("1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 cr\xe8me\n".encode("cp1252"),
     "Windows-1252", 3),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nhé\n".encode("utf-16"), "UTF-16", 1),
])
def test_non_utf8_says_which_encoding_was_found(data: bytes, found: str, line: int) -> None:
    name = "transcript.srt" if found != "UTF-16" else "transcript.vtt"
    assert errors_of(name, data) == [
        f"{name}:{line}: file is not UTF-8 (looks like {found}) (expected UTF-8 text)\n"
        f"  hint: convert it, e.g. iconv -f {found} -t UTF-8"]


def test_utf8_with_bom_is_fine() -> None:
    t = transcript("transcript.vtt", "\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\nhé\n")
    assert t.segments[0].text == "hé"


# ---------------------------------------------------------------- timings

def test_timings_going_backwards_overlapping_and_inverted() -> None:
    t = transcript("transcript.srt", srt(
        ("00:00:01,000 --> 00:00:04,000", "one"),
        ("00:00:03,500 --> 00:00:05,000", "overlaps one"),
        ("00:00:02,000 --> 00:00:02,500", "goes back"),
        ("00:00:09,000 --> 00:00:08,000", "inverted"),
    ))
    assert [str(p) for p in check_timings(t, None)] == [
        "transcript.srt:6: cue 2 starts at 00:00:03.500, before cue 1 ends (at 00:00:04.000) "
        "(expected cues that do not overlap)",
        "transcript.srt:10: cue 3 starts at 00:00:02.000, before cue 2 (at 00:00:03.500) "
        "(expected cues in time order)",
        "transcript.srt:14: cue 4 ends at 00:00:08.000, before it starts at 00:00:09.000",
    ]


def test_touching_cues_are_fine() -> None:
    t = transcript("transcript.srt", srt(("00:00:01,000 --> 00:00:02,000", "a"),
                                         ("00:00:02,000 --> 00:00:03,000", "b")))
    assert check_timings(t, 3.0) == []


def test_cues_beyond_the_audio() -> None:
    t = transcript("transcript.vtt", "WEBVTT\n\n00:01.000 --> 00:29.900\nin\n\n"
                                     "00:29.900 --> 00:30.400\nwithin tolerance\n\n"
                                     "00:30.400 --> 00:31.000\nafter\n")
    assert [str(p) for p in check_timings(t, 30.0)] == [
        "transcript.vtt:9: cue 3 ends at 00:00:31.000, after the end of the audio "
        "(00:00:30.000)\n"
        "  hint: is this the transcript of another episode, or of an uncut recording?"]
    assert check_timings(t, None) == []


def test_json_timing_problems_speak_of_segments() -> None:
    t = transcript("transcript.json", '{"version": "1.0.0", "segments": [\n'
                   '{"startTime": 5, "endTime": 6, "body": "a"},\n'
                   '{"startTime": 4, "body": "no end"}]}')
    assert [str(p) for p in check_timings(t, 4.0)] == [
        "transcript.json:2: segment 1 ends at 00:00:06.000, after the end of the audio "
        "(00:00:04.000)\n"
        "  hint: is this the transcript of another episode, or of an uncut recording?",
        "transcript.json:3: segment 2 starts at 00:00:04.000, before segment 1 "
        "(at 00:00:05.000) (expected segments in time order)",
    ]


# ---------------------------------------------------------------- speakers

def test_unknown_speaker_when_a_mapping_is_declared() -> None:
    t = transcript("transcript.srt", srt(("00:00:01,000 --> 00:00:02,000", "Speaker #0: hi"),
                                         ("00:00:02,000 --> 00:00:03,000", "Speaker #2: yo")))
    with pytest.raises(TranscriptError) as info:
        transcripts.name_speakers(t, (Speaker(name="Ann", label="Speaker #0"),
                                      Speaker(name="Bob", label="Speaker #1")))
    assert [str(p) for p in info.value.problems] == [
        "transcript.srt:6: unknown speaker 'Speaker #2' (expected a label or name listed "
        "under [[speakers]] in episode.toml: Ann, Bob, Speaker #0, Speaker #1)"]


def test_no_mapping_keeps_labels() -> None:
    t = Transcript((Segment("hi", "Speaker #5", 0, 1),))
    assert transcripts.name_speakers(t, ()) is t


# ---------------------------------------------------------------- languages

VTT_DE = "WEBVTT\nLanguage: de\n\n00:01.000 --> 00:02.000\nHallo\n"
JSON_DE = '{\n  "version": "1.0.0",\n  "language": "de",\n  "segments": [\n' \
          '{"startTime": 1, "endTime": 2, "body": "Hallo"}]}'


def language_errors(name: str, content: str, show: str = "fr",
                    declared: tuple[str, ...] = ()) -> list[str]:
    path = Path(name)
    t = transcript(name, content, transcripts.language_of(path, show))
    return [str(p) for p in check_language(t, show, declared)]


def test_file_name_declares_the_language() -> None:
    assert language_errors("transcript.en.srt", srt(("00:00:01,000 --> 00:00:02,000", "Hi"))
                           ) == []
    assert language_errors("transcript.de.vtt", VTT_DE) == []
    assert language_errors("transcript.de-DE.json", JSON_DE) == []


def test_content_language_contradicting_the_show_language() -> None:
    assert language_errors("transcript.vtt", VTT_DE) == [
        "transcript.vtt:2: the file says its language is 'de', but the show's language is "
        "'fr'\n  hint: rename it transcript.de.vtt, or fix the language inside the file"]
    assert language_errors("transcript.json", JSON_DE) == [
        "transcript.json:3: the file says its language is 'de', but the show's language is "
        "'fr'\n  hint: rename it transcript.de.json, or fix the language inside the file"]


def test_content_language_contradicting_the_file_name() -> None:
    assert language_errors("transcript.en.vtt", VTT_DE) == [
        "transcript.en.vtt:2: the file says its language is 'de', but the file name says "
        "'en'\n  hint: rename it transcript.de.vtt, or fix the language inside the file"]


def test_language_missing_from_transcript_languages() -> None:
    text = srt(("00:00:01,000 --> 00:00:02,000", "Hi"))
    assert language_errors("transcript.en.srt", text, declared=("fr", "es")) == [
        "transcript.en.srt: transcript language 'en' is not listed in transcript_languages "
        "(fr, es)\n  hint: add 'en' to transcript_languages in episode.toml, or name the "
        "file transcript.<language>.<ext>"]
    assert language_errors("transcript.srt", text, show="en-US", declared=("en",)) == []


def test_check_combines_timing_and_language() -> None:
    t = transcript("transcript.vtt", VTT_DE, "fr")
    assert [p.message for p in transcripts.check(t, 1.0, "fr")] == [
        "cue 1 ends at 00:00:02.000, after the end of the audio (00:00:01.000)",
        "the file says its language is 'de', but the show's language is 'fr'"]


def test_float_noise_is_not_an_overlap(tmp_path: Path) -> None:
    from feedpub.transcripts import check_timings, read

    path = tmp_path / "transcript.json"
    path.write_text('{"version": "1.0.0", "segments": ['
                    '{"startTime": 0, "endTime": 0.30000000000000004, "body": "a"},'
                    '{"startTime": 0.3, "endTime": 1.0004, "body": "b"},'
                    '{"startTime": 1.0001, "endTime": 2, "body": "c"}]}', encoding="utf-8")
    assert check_timings(read(path, "fr"), None) == []


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "1e300"])
def test_json_times_must_be_finite_and_plausible(tmp_path: Path, value: str) -> None:
    from feedpub.errors import TranscriptError
    from feedpub.transcripts import read

    path = tmp_path / "transcript.json"
    path.write_text('{"version": "1.0.0", "segments": [{"startTime": ' + str(value)
                    + ', "endTime": 1, "body": "a"}]}', encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read(path, "fr")
    assert "segment 1: startTime must be a number of seconds" in str(info.value)


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path) -> None:
    from feedpub.errors import TranscriptError
    from feedpub.transcripts import read

    path = tmp_path / "transcript.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read(path, "fr")
    assert str(info.value) == f"{path}:1: not usable JSON: nested too deeply"
