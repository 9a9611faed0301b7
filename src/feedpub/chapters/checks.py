"""Chapters checked against each other and the audio, whatever file they came from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem
from ..model import Chapter
from ..spec import CUE_END_TOLERANCE
from ..timecode import exact_clock, ms


def check(chapters: Sequence[Chapter], duration: float | None,
          source: Path | str | None) -> list[Problem]:
    """Chapters must start in ascending order, never twice at once, and inside the audio."""
    problems: list[Problem] = []
    previous: Chapter | None = None
    for n, ch in enumerate(chapters, start=1):
        at = exact_clock(ch.start)
        if ch.start < 0:
            problems.append(Problem(source, f"chapter {n} starts before 0:00", ch.line))
        if previous is not None and ms(ch.start) == ms(previous.start):
            problems.append(Problem(source, f"chapter {n} starts at the same time as chapter "
                                    f"{n - 1} ({at})", ch.line,
                                    hint="remove one of them or change its start"))
        elif previous is not None and ms(ch.start) < ms(previous.start):
            problems.append(Problem(source, f"chapter {n} starts at {at}, before chapter "
                                    f"{n - 1} ({exact_clock(previous.start)})", ch.line,
                                    expected="chapters in ascending order of start"))
        if ch.end is not None and ms(ch.end) <= ms(ch.start):
            problems.append(Problem(source, f"chapter {n} ends at {exact_clock(ch.end)}, "
                                    f"not after its start ({at})", ch.line))
        if duration is not None and ch.start >= duration:
            problems.append(Problem(source, f"chapter {n} starts at {at}, after the end of "
                                    f"the audio ({exact_clock(duration)})", ch.line))
        elif (duration is not None and ch.end is not None
              and ch.end > duration + CUE_END_TOLERANCE):
            problems.append(Problem(source, f"chapter {n} ends at {exact_clock(ch.end)}, after "
                                    f"the end of the audio ({exact_clock(duration)})", ch.line))
        previous = ch
    return problems
