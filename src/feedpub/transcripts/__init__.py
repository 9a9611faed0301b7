"""Transcripts: many formats in, one :class:`~feedpub.model.Transcript` model, many out.

Readers turn a file's text into a Transcript; writers turn a Transcript into
the text of a published file.  Adding a format means adding one reader or
one writer to the registries below; the build never looks at formats itself.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import safeio
from ..errors import Problem, TranscriptError
from ..model import Segment, Speaker, Transcript
from . import html, jsonfmt, plain, speakertext, srt, vtt
from .checks import check, check_language, check_timings
from .registry import Reader, Writer

#: reader by file extension (lower case, with the dot)
READERS: dict[str, Reader] = {
    ".txt": speakertext.read,
    ".srt": srt.read,
    ".vtt": vtt.read,
    ".json": jsonfmt.read,
}

#: writers, in the order their files are announced in the feed
WRITERS: list[Writer] = [
    vtt.WRITER,  # first: Apple prefers VTT when several are announced
    srt.WRITER,
    jsonfmt.WRITER,
    html.WRITER,
    plain.WRITER,
]

#: extensions (after an optional language part) that name a transcript file
TRANSCRIPT_STEM = "transcript"


def read_text(path: Path, kind: str = "transcript") -> str:
    """A transcript or chapters file's text; unreadable, oversized, special (a pipe, a
    device) or non-UTF-8 files are errors, and so are control characters."""
    try:
        data = safeio.read_bytes(path, kind)
    except safeio.SourceError as err:
        raise TranscriptError(err.problems) from None
    except OSError as exc:
        raise TranscriptError(Problem(path, f"cannot read: {exc.strerror}")) from None
    text = decode(path, data)
    bad = safeio.control_characters(text) if kind == "transcript" else []
    if bad:
        line, char = bad[0]
        raise TranscriptError(Problem(path, f"contains the control character {char}", line,
                                      expected="text without control characters",
                                      hint="remove it; players would show it as garbage"))
    return text


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text of a transcript, or an error that says what the bytes look like."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found = guess_encoding(data)
        raise TranscriptError(Problem(
            path, f"file is not UTF-8 (looks like {found})", line,
            expected="UTF-8 text",
            hint=f"convert it, e.g. iconv -f {found} -t UTF-8",
        )) from None


def guess_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    try:
        data.decode("cp1252")
        return "Windows-1252"
    except UnicodeDecodeError:
        return "Latin-1"


def language_of(path: Path, default: str) -> str:
    """``transcript.en.srt`` is English; ``transcript.srt`` is in the show's language."""
    parts = path.name.split(".")
    if len(parts) == 3 and parts[0] == TRANSCRIPT_STEM:
        return parts[1]
    return default


def is_transcript(path: Path) -> bool:
    parts = path.name.split(".")
    return (parts[0] == TRANSCRIPT_STEM and len(parts) in (2, 3)
            and path.suffix.lower() in READERS)


def read(path: Path, language: str) -> Transcript:
    """Read any supported transcript file."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise TranscriptError(Problem(
            path, f"unknown transcript format {path.suffix!r}",
            expected="one of " + ", ".join(sorted(READERS))))
    segments = reader(read_text(path), path)
    if not segments:
        raise TranscriptError(Problem(path, "transcript is empty", 1,
                                      expected="at least one speaker turn or cue"))
    return Transcript(segments=tuple(segments), language=language, source=path)


def name_speakers(transcript: Transcript, speakers: tuple[Speaker, ...]) -> Transcript:
    """Replace raw labels ("Speaker #0") by the names declared in episode.toml.

    When the episode declares speakers, a label it does not know is an error:
    a typo there would otherwise publish a wrong name.
    """
    if not speakers:
        return transcript
    names = {}
    for s in speakers:
        names[s.name] = s.name
        if s.label:
            names[s.label] = s.name
    problems = []
    segments: list[Segment] = []
    for seg in transcript.segments:
        if seg.speaker is None:
            segments.append(seg)
        elif seg.speaker in names:
            segments.append(replace(seg, speaker=names[seg.speaker]))
        else:
            problems.append(Problem(
                transcript.source, f"unknown speaker {seg.speaker!r}", seg.line,
                expected="a label or name listed under [[speakers]] in episode.toml: "
                + ", ".join(sorted(names))))
    if problems:
        raise TranscriptError(problems)
    return replace(transcript, segments=tuple(segments))


def render(transcript: Transcript, title: str = "") -> list[tuple[Writer, str]]:
    """Every file this transcript can honestly be written as.

    Timed formats are skipped for untimed transcripts: timings are never invented.
    """
    return [(w, w.write(transcript, title)) for w in WRITERS
            if transcript.timed or not w.timed]


def writer_for(path: Path) -> Writer | None:
    """The writer whose extension ``path`` has (``.txt`` means plain text)."""
    return next((w for w in WRITERS if w.ext == path.suffix.lower()), None)


__all__ = ["READERS", "WRITERS", "Reader", "Writer", "read", "render", "name_speakers",
           "language_of", "is_transcript", "decode", "writer_for", "check", "check_timings",
           "check_language"]
