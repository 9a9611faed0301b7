"""A number and its noun: "1 episode", "2 episodes" — messages never say "1 episodes"."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it needs (``plural`` for irregular nouns)."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def build_summary(feed: object, episodes: int, scheduled: int, rebuilt: int, reused: int,
                  probed: int, written: int, removed: int) -> str:
    """The last line of ``feedpub build`` (also when it answers from the saved state)."""
    later = f" ({scheduled} scheduled for later)" if scheduled else ""
    return (f"{feed}: {counted(episodes, 'episode')}{later}, {rebuilt} rebuilt, "
            f"{reused} reused, {probed} probed, {counted(written, 'file')} written, "
            f"{removed} removed")
