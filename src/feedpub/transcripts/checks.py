"""Checks that need more than one file: timings against each other and the audio, languages.

Readers already reject what one cue can get wrong on its own (malformed
timestamps, empty text).  These run on the model, so they work the same
for SRT, VTT and JSON, and the build can pass in the probed audio duration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import Problem
from ..model import Transcript
from ..spec import CUE_END_TOLERANCE
from ..timecode import ms, stamp
from . import jsonfmt, vtt

#: how far past the probed duration a cue may end: durations of VBR files
#: without a Xing header are estimates, and a cue ending on the last word
#: commonly rounds up
DURATION_TOLERANCE = CUE_END_TOLERANCE

#: where a format may state its own language inside the file
SNIFFERS: dict[str, Callable[[str], tuple[str, int] | None]] = {
    ".vtt": vtt.content_language,
    ".json": jsonfmt.content_language,
}


def unit(source: Path | None) -> str:
    """What the format calls one entry, so messages use the podcaster's word."""
    suffix = source.suffix.lower() if source else ""
    return {".json": "segment", ".txt": "turn"}.get(suffix, "cue")


def check_timings(transcript: Transcript, duration: float | None) -> list[Problem]:
    """Cues that end before they start, go backwards, overlap, or outlast the audio."""
    problems: list[Problem] = []
    path, noun = transcript.source, unit(transcript.source)
    prev_start: float | None = None
    prev_end: float | None = None
    for n, seg in enumerate(transcript.segments, start=1):
        if seg.start is None:
            continue
        if seg.end is not None and ms(seg.end) < ms(seg.start):
            problems.append(Problem(path, f"{noun} {n} ends at {stamp(seg.end)}, before it "
                                    f"starts at {stamp(seg.start)}", seg.line))
        if prev_start is not None and ms(seg.start) < ms(prev_start):
            problems.append(Problem(
                path, f"{noun} {n} starts at {stamp(seg.start)}, before {noun} {n - 1} "
                f"(at {stamp(prev_start)})", seg.line,
                expected=f"{noun}s in time order"))
        elif prev_end is not None and ms(seg.start) < ms(prev_end):
            problems.append(Problem(
                path, f"{noun} {n} starts at {stamp(seg.start)}, before {noun} {n - 1} "
                f"ends (at {stamp(prev_end)})", seg.line,
                expected=f"{noun}s that do not overlap"))
        last = seg.end if seg.end is not None else seg.start
        if duration is not None and last > duration + DURATION_TOLERANCE:
            verb = "ends" if seg.end is not None else "starts"
            problems.append(Problem(
                path, f"{noun} {n} {verb} at {stamp(last)}, after the end of the audio "
                f"({stamp(duration)})", seg.line,
                hint="is this the transcript of another episode, or of an uncut recording?"))
        prev_start = seg.start
        prev_end = seg.end if seg.end is not None else seg.start
    return problems


def same_language(a: str, b: str) -> bool:
    """``en`` matches ``en-US``; ``en-GB`` does not match ``en-US``; case and ``_`` ignored."""
    x, y = (code.strip().lower().replace("_", "-") for code in (a, b))
    return x == y or x.split("-")[0] == y or y.split("-")[0] == x


def check_language(transcript: Transcript, show_language: str,
                   declared: tuple[str, ...] | list[str] = ()) -> list[Problem]:
    """A transcript whose language differs from the show's must say so where we can see it.

    ``transcript.language`` is what the file name says (``transcript.en.srt``)
    or, without a language part, the show's language.  Contradictions are
    errors: a language stated inside the file that disagrees with that, or
    a language missing from episode.toml's ``transcript_languages`` when
    the episode lists them.
    """
    problems: list[Problem] = []
    path = transcript.source
    language = transcript.language or show_language
    named = path is not None and len(path.name.split(".")) == 3
    origin = "the file name says" if named else "the show's language is"
    sniff = SNIFFERS.get(path.suffix.lower()) if path else None
    if path is not None and sniff is not None and path.exists():
        found = sniff(path.read_text(encoding="utf-8-sig", errors="replace"))
        if found and not same_language(found[0], language):
            problems.append(Problem(
                path, f"the file says its language is {found[0]!r}, but {origin} "
                f"{language!r}", found[1],
                hint=f"rename it transcript.{found[0]}{path.suffix}, or fix the language "
                "inside the file"))
    if declared and not any(same_language(language, d) for d in declared):
        problems.append(Problem(
            path, f"transcript language {language!r} is not listed in transcript_languages "
            f"({', '.join(declared)})", None,
            hint=f"add {language!r} to transcript_languages in episode.toml, or name the "
            "file transcript.<language>.<ext>"))
    return problems


def check(transcript: Transcript, duration: float | None, show_language: str,
          declared: tuple[str, ...] | list[str] = ()) -> list[Problem]:
    """Every cross-file check at once, for the build."""
    return check_timings(transcript, duration) + check_language(
        transcript, show_language, declared)
