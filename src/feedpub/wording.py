"""A number and its noun: "1 episode", "2 episodes" — messages never say "1 episodes"."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it needs (``plural`` for irregular nouns)."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
