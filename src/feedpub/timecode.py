"""Times: seconds to and from the text podcast files write them in.

One copy of every time helper: clock times (``1:02:03``) in messages and
HTML, SRT and VTT stamps (``00:01:02,500``), chapter and duration clocks,
and Apple's ``itunes:duration``.  Times are floats of seconds, exact to the
millisecond.  How far a measured duration may be from a claim is a format
fact: :data:`feedpub.spec.CUE_END_TOLERANCE` and ``DECLARED_DURATION_TOLERANCE``.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: a time beyond this (about 115 days) is a typo, not an episode
MAX_SECONDS = 1e7

#: ``[H:]MM:SS[.mmm]``: groups hours (optional), minutes, seconds, fraction (optional)
CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$")
#: SRT stamps: hours optional and "." tolerated for ",", both common in files found in the wild
SRT_STAMP = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)[,.](\d{3})$")
#: WebVTT stamps: ``[HH:]MM:SS.mmm``
VTT_STAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
SECONDS = re.compile(r"^\d+(?:\.\d+)?$")
ITUNES_DURATION = re.compile(r"\d+(:[0-5]\d(:[0-5]\d)?)?")
#: durations as feeds in the wild write them: minutes up to 999, a fraction after "." or ","
LENIENT_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,3}):(\d{1,2}(?:[.,]\d+)?)$")


# ---------------------------------------------------------------- numbers

def is_seconds(value: object) -> bool:
    """A usable number of seconds: not a bool (a bool is an int to Python), not NaN or
    Infinity (Python's json accepts them), not absurdly large."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and abs(value) < MAX_SECONDS)


def ms(seconds: float) -> int:
    """Whole milliseconds: times are compared at the precision SRT and VTT can store, so
    float noise (0.30000000000000004 against 0.3) is never an overlap."""
    return round(seconds * 1000)


def milliseconds(seconds: float) -> float:
    """A time rounded to the millisecond, the finest step SRT and VTT can store."""
    return round(seconds * 1000) / 1000


# ---------------------------------------------------------------- formatting

def split_ms(seconds: float) -> tuple[int, int, int, int]:
    hours, rest = divmod(ms(seconds), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return hours, minutes, secs, millis


def clock(seconds: float) -> str:
    """``M:SS`` or ``H:MM:SS`` (milliseconds dropped), as the HTML transcript shows times."""
    hours, minutes, secs, _ = split_ms(seconds)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def rounded_clock(seconds: float) -> str:
    """:func:`clock` of the nearest whole second: durations in build messages."""
    return clock(round(seconds))


def exact_clock(seconds: float) -> str:
    """:func:`clock` plus milliseconds when there are some: for error messages."""
    millis = split_ms(seconds)[3]
    return clock(seconds) + (f".{millis:03d}" if millis else "")


def stamp(seconds: float, decimal: str = ".") -> str:
    """``HH:MM:SS.mmm`` (VTT) or ``HH:MM:SS,mmm`` (SRT): milliseconds, never more."""
    hours, minutes, secs, millis = split_ms(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


# ---------------------------------------------------------------- parsing

def clock_seconds(match: re.Match[str]) -> float | None:
    """Seconds of a :data:`CLOCK` match; None if out of range (``1:75``, ``1:60:00``)."""
    hours, minutes, secs, frac = match.groups()
    if int(secs) > 59 or (hours is not None and int(minutes) > 59):
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + float(f"0.{frac or 0}")


def parse_time(value: Any) -> float | None:
    """Seconds from a number or a ``[H:]MM:SS[.mmm]`` or ``12.5`` string; None if malformed.

    What chapters (``chapters.toml``, Vorbis ``CHAPTERnnn`` comments) accept.
    """
    if is_seconds(value):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if SECONDS.match(text):
        seconds = float(text)
        return seconds if seconds < MAX_SECONDS else None
    match = CLOCK.match(text)
    return clock_seconds(match) if match else None


def parse_stamp(text: str, pattern: re.Pattern[str]) -> float | None:
    """Seconds (exact to the millisecond) from a stamp matching ``pattern``, else None.

    ``pattern`` (:data:`SRT_STAMP`, :data:`VTT_STAMP`) has groups hours (optional),
    minutes, seconds, milliseconds.
    """
    match = pattern.match(text)
    if not match:
        return None
    hours, minutes, secs, millis = match.groups()
    total = ((int(hours or 0) * 60 + int(minutes)) * 60 + int(secs)) * 1000 + int(millis)
    return total / 1000


def lenient_seconds(text: str) -> float | None:
    """Seconds from a duration as imported feeds write it: ``5711``, ``5711.0``, ``1:02:03``,
    ``62:03`` or ``01:02:03.250``; None when it is none of them or implausible."""
    seconds: float | None = None
    if SECONDS.match(text):
        seconds = float(text)
    elif (match := LENIENT_CLOCK.match(text)) is not None:
        hours, minutes = int(match.group(1) or 0), int(match.group(2))
        secs = float(match.group(3).replace(",", "."))
        if secs < 60 and (match.group(1) is None or minutes < 60):
            seconds = hours * 3600 + minutes * 60 + secs
    if seconds is None or not 0 < seconds < MAX_SECONDS:
        return None
    return seconds


def itunes_seconds(text: str) -> int | None:
    """Seconds of an ``itunes:duration`` in one of Apple's formats, or None if malformed."""
    if ITUNES_DURATION.fullmatch(text) is None:
        return None
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total
