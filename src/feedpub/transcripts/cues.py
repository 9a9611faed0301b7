"""What SRT and WebVTT share: blank-line separated blocks and ``start --> end`` timing lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..model import Segment
from ..timecode import parse_stamp

TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")


@dataclass
class Block:
    """Consecutive non-blank lines; ``first`` is the file line number of ``lines[0]``."""

    first: int
    lines: list[str]


def lines_of(text: str) -> list[str]:
    """Split on CR, LF or CRLF only: a U+2028 inside a cue is text, not a line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines_of(text), start=1):
        if line.strip():
            if current is None:
                current = Block(number, [])
                out.append(current)
            current.lines.append(line)
        else:
            current = None
    return out


def parse_timing(line: str, number: int, cue: int, path: Path, pattern: re.Pattern[str],
                 expected: str, problems: list[Problem]) -> tuple[float, float] | None:
    """The (start, end) of a timing line, or None after recording what is wrong with it."""
    match = TIMING.match(line)
    if not match:
        problems.append(Problem(path, f"cue {cue}: malformed timing line {line.strip()!r}",
                                number, expected=f"{expected} --> {expected}"))
        return None
    times = []
    for raw in match.groups():
        seconds = parse_stamp(raw, pattern)
        if seconds is None:
            problems.append(Problem(path, f"cue {cue}: malformed timestamp {raw!r}", number,
                                    expected=expected))
        times.append(seconds)
    start, end = times
    if start is None or end is None:
        return None
    return start, end


def add_cue(segments: list[Segment], problems: list[Problem], path: Path, cue: int,
            line: int, times: tuple[float, float] | None, speaker: str | None,
            content: str) -> None:
    """The end of reading one SRT or VTT cue: an empty cue is an error, a timed one a segment."""
    if not content:
        problems.append(Problem(path, f"cue {cue} is empty", line,
                                expected="text after the timing line"))
    elif times:
        segments.append(Segment(content, speaker, times[0], times[1], line))


def clean_lines(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines).strip()


def payload(text: str) -> str:
    """Text fit for a cue: SRT and VTT end a cue at a blank line, so blank lines must go.

    A JSON body may hold ``"a\n\nb"``; as a cue that becomes ``"a\nb"``.
    """
    return "\n".join(line.strip() for line in lines_of(text) if line.strip())
