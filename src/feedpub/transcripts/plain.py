"""Plain text out: one paragraph a turn, the speaker's name first."""

from __future__ import annotations

from ..model import Transcript
from ..timecode import clock
from .registry import Writer


def write(transcript: Transcript, title: str = "") -> str:
    out = []
    for seg in transcript.segments:
        head = []
        if seg.start is not None:
            head.append(f"[{clock(seg.start)}]")
        if seg.speaker:
            head.append(f"{seg.speaker}:")
        out.append(" ".join(head + [seg.text]))
    return "\n\n".join(out) + "\n"


WRITER = Writer(name="text", ext=".txt", mime="text/plain", timed=False, write=write)
