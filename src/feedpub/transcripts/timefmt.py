"""Seconds to the clock strings transcript formats use."""

from __future__ import annotations


def split_ms(seconds: float) -> tuple[int, int, int, int]:
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return hours, minutes, secs, ms


def clock(seconds: float) -> str:
    """``M:SS`` or ``H:MM:SS``, as the HTML transcript convention shows times."""
    hours, minutes, secs, _ = split_ms(seconds)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def stamp(seconds: float, decimal: str = ".") -> str:
    """``HH:MM:SS.mmm`` (VTT) or ``HH:MM:SS,mmm`` (SRT): milliseconds, never more."""
    hours, minutes, secs, ms = split_ms(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{ms:03d}"


def exact_clock(seconds: float) -> str:
    """:func:`clock` plus milliseconds when there are some: for error messages."""
    _, _, _, ms = split_ms(seconds)
    return clock(seconds) + (f".{ms:03d}" if ms else "")


def milliseconds(seconds: float) -> float:
    """A time rounded to the millisecond, the finest step SRT and VTT can store."""
    return round(seconds * 1000) / 1000
