"""WebVTT in and out, speakers as ``<v Name>`` voice spans (what Apple Podcasts shows).

Hand-written rather than webvtt-py: that library drops line numbers and
stops at the first error, and the subset podcasts use is small.
"""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path

from ..errors import Problem, TranscriptError
from ..model import Segment, Transcript
from ..timecode import VTT_STAMP, stamp
from .cues import Block, add_cue, blocks, clean_lines, lines_of, parse_timing, payload
from .registry import Writer

EXPECTED = "HH:MM:SS.mmm"
HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
TAG = re.compile(r"<[^>]*>")
LANGUAGE = re.compile(r"^\s*language\s*:\s*(\S+)\s*$", re.IGNORECASE)
SKIPPED = ("NOTE", "STYLE", "REGION")


def is_skipped(block: Block) -> bool:
    """Comment, style and region blocks carry no cue text."""
    first = block.lines[0]
    return any(first == word or first.startswith((word + " ", word + "\t"))
               for word in SKIPPED)


def cue_text(lines: list[str]) -> tuple[str | None, str]:
    """Speaker and plain text of a cue payload; later voices keep their name as a prefix."""
    raw = "\n".join(lines)
    pieces = VOICE.split(raw)
    speaker: str | None = None
    text = TAG.sub("", pieces[0])
    for i in range(1, len(pieces), 2):
        name = unescape(pieces[i] or "").strip() or None
        piece = TAG.sub("", pieces[i + 1])
        if speaker is None and not text.strip():
            speaker = name
        elif name and name != speaker:
            piece = f"{name}: {piece.lstrip()}"
        text += piece
    return speaker, clean_lines([unescape(line) for line in text.split("\n")])


def read(text: str, path: Path) -> list[Segment]:
    problems: list[Problem] = []
    segments: list[Segment] = []
    all_blocks = blocks(text)
    if not all_blocks or all_blocks[0].first != 1 or not HEADER.match(all_blocks[0].lines[0]):
        raise TranscriptError(Problem(path, "missing WEBVTT header", 1,
                                      expected="'WEBVTT' as the first line"))
    stuck = next((n for n, line in enumerate(all_blocks[0].lines, start=1) if "-->" in line),
                 None)
    if stuck is not None:
        problems.append(Problem(path, "no blank line between the WEBVTT header and the first "
                                "cue", stuck, expected="an empty line after the header"))
    cue = 0
    for block in all_blocks[1:]:
        if is_skipped(block):
            continue
        cue += 1
        lines = block.lines
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            problems.append(Problem(path, f"cue {cue} has no timing line", block.first,
                                    expected=f"{EXPECTED} --> {EXPECTED}"))
            continue
        line_no = block.first + timing_at
        times = parse_timing(lines[timing_at], line_no, cue, path, VTT_STAMP, EXPECTED, problems)
        speaker, content = cue_text(lines[timing_at + 1:])
        add_cue(segments, problems, path, cue, line_no, times, speaker, content)
    if problems:
        raise TranscriptError(problems)
    return segments


def content_language(text: str) -> tuple[str, int] | None:
    """The ``Language:`` header some tools (YouTube, Whisper front-ends) write."""
    for number, line in enumerate(lines_of(text)[1:], start=2):
        if not line.strip():
            return None
        match = LANGUAGE.match(line)
        if match:
            return match.group(1), number
    return None


def write(transcript: Transcript, title: str = "") -> str:
    out = ["WEBVTT\n"]
    for number, seg in enumerate(transcript.segments, start=1):
        assert seg.start is not None and seg.end is not None
        # escape() turns "-->" into "--&gt;", which a cue's text may not contain raw.
        body = escape(payload(seg.text), quote=False)
        if seg.speaker:
            body = f"<v {escape(seg.speaker, quote=False)}>{body}"
        out.append(f"{number}\n{stamp(seg.start)} --> {stamp(seg.end)}\n{body}\n")
    return "\n".join(out)


WRITER = Writer(name="vtt", ext=".vtt", mime="text/vtt", timed=True, write=write,
                captions=True)
