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
