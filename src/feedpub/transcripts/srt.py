"""SubRip (SRT) in and out.

Hand-written rather than the ``srt`` library: we need the line of every
faulty cue and every problem at once, not the first exception.

Speakers follow the namespace's SRT convention: a ``Name:`` prefix on the
cue where the speaker changes; cues without a prefix continue the previous
speaker.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem, TranscriptError
from ..model import Segment, Transcript
from ..timecode import SRT_STAMP, stamp
from .cues import add_cue, blocks, clean_lines, parse_timing, payload
from .registry import Writer

EXPECTED = "HH:MM:SS,mmm"

#: a speaker label: up to four words, no sentence punctuation, not starting lower-case
PREFIX = re.compile(r"^([^\s:,;?!\"\[\]{}][^:,;?!\"\[\]{}]{0,39}?)\s*:(?:\s+(.*))?$")
#: the formatting tags SRT players understand; other "<" is text
FORMAT_TAG = re.compile(r"</?(?:i|b|u|s|font)(?:\s[^>]*)?>", re.IGNORECASE)


def split_speaker(first_line: str) -> tuple[str, str] | None:
    """``("Alice", "Hello")`` for ``Alice: Hello``, None when the line has no label."""
    match = PREFIX.match(first_line)
    if not match:
        return None
    name, rest = match.group(1).strip(), match.group(2) or ""
    if name[0].islower() or len(name.split()) > 4:
        return None
    return name, rest


def read(text: str, path: Path) -> list[Segment]:
    problems: list[Problem] = []
    segments: list[Segment] = []
    speaker: str | None = None
    for cue, block in enumerate(blocks(text), start=1):
        lines = block.lines
        timing_at = 0
        if lines[0].strip().isdigit():
            timing_at = 1
        elif "-->" not in lines[0]:
            problems.append(Problem(path, f"cue {cue}: expected a cue number, found "
                                    f"{lines[0].strip()!r}", block.first,
                                    expected="a number, then a timing line"))
            continue
        if timing_at >= len(lines):
            problems.append(Problem(path, f"cue {cue} has no timing line", block.first,
                                    expected=f"{EXPECTED} --> {EXPECTED}"))
            continue
        line_no = block.first + timing_at
        times = parse_timing(lines[timing_at], line_no, cue, path, SRT_STAMP, EXPECTED, problems)
        body = [FORMAT_TAG.sub("", line) for line in lines[timing_at + 1:]]
        if body:
            labelled = split_speaker(body[0].strip())
            if labelled:
                speaker, body[0] = labelled
        content = clean_lines(body)
        add_cue(segments, problems, path, cue, line_no, times, speaker, content)
    if problems:
        raise TranscriptError(problems)
    return segments


def write(transcript: Transcript, title: str = "") -> str:
    out: list[str] = []
    previous: str | None = None
    for number, seg in enumerate(transcript.segments, start=1):
        assert seg.start is not None and seg.end is not None
        text = payload(seg.text)
        # Name the speaker when it changes, and also when the text itself starts like a
        # label, so a reader cannot mistake "Note: ..." for a new speaker.
        if seg.speaker and (seg.speaker != previous or split_speaker(text.split("\n")[0])):
            text = f"{seg.speaker}: {text}"
        previous = seg.speaker or previous
        out.append(f"{number}\n{stamp(seg.start, ',')} --> {stamp(seg.end, ',')}\n{text}\n")
    return "\n".join(out)


WRITER = Writer(name="srt", ext=".srt", mime="application/x-subrip", timed=True,
                write=write, captions=True)
