"""The two shapes a transcript format plugs in as."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import Segment, Transcript

#: parse a file's text (already decoded) into segments; ``path`` is for error messages
Reader = Callable[[str, Path], list[Segment]]


@dataclass(frozen=True)
class Writer:
    name: str  # short format name, also the CLI's word for it
    ext: str  # file extension, with the dot
    mime: str  # the podcast:transcript type
    timed: bool  # only for transcripts with timings
    write: Callable[[Transcript, str], str]
    captions: bool = False  # announce with rel="captions"
