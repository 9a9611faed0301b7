"""What a long command reports while it works, and what a build did: no printing here.

A :class:`Progress` receives notes (lines worth keeping, such as a scheduled episode) and
stages counted item by item (``stage("audio", 10_000)``, then ``advance()`` per item).  This
base class drops everything, as a quiet run does; the command line (``cli.py``) draws a
self-updating line on a terminal and keeps CI logs to the notes and one summary line.

:class:`BuildStats` counts what a build did, for that summary line: the stages that do the
work fill it in (probing counts ``probed``/``hashed``, reuse of cached episodes ``reused``).
"""

from __future__ import annotations

from dataclasses import dataclass


class Progress:
    """A sink for progress; calling it with a message is a note (as a plain function was)."""

    def __call__(self, message: str) -> None:
        """A line worth keeping in a log (not one per episode)."""

    def stage(self, name: str, total: int = 0) -> None:
        """A long step starts: ``total`` items to go (0: not counted)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""

    def end(self) -> None:
        """The command is done with progress (the last stage is over)."""


class Notes(Progress):
    """Notes passed to a plain ``message -> None`` function; stages ignored."""

    def __init__(self, say: object) -> None:
        assert callable(say)
        self.say = say

    def __call__(self, message: str) -> None:
        self.say(message)


def as_progress(progress: object) -> Progress:
    """A :class:`Progress` from one, or from a plain function that takes notes."""
    return progress if isinstance(progress, Progress) else Notes(progress)


@dataclass
class BuildStats:
    """What a build did, episode by episode, for the summary line."""

    episodes: int = 0  # episodes built (in the feed or scheduled)
    reused: int = 0  # of those, taken whole from the build cache (nothing rendered again)
    probed: int = 0  # audio files parsed (mutagen): new or changed audio
    hashed: int = 0  # audio files read whole to prove them unchanged (a fresh checkout)

    @property
    def rebuilt(self) -> int:
        """Episodes rendered again (not reused)."""
        return self.episodes - self.reused


__all__ = ["BuildStats", "Notes", "Progress", "as_progress"]
