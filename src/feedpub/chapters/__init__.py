"""Chapters: ``chapters.toml``, a Podcasting 2.0 JSON chapters file, or the audio's own.

Whatever the source, chapters end up as :class:`~feedpub.model.Chapter` and
are published as one JSON chapters file (``application/json+chapters``),
the format the ``podcast:chapters`` tag points to.  Like the transcript
readers, the file readers take text plus a name for messages, so a
downloaded file (``feedpub validate``) is read without touching the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import Problem, TranscriptError
from ..model import Chapter
from ..tomlsrc import load as load_toml
from . import jsonfmt, tomlfmt
from .checks import check
from .embedded import from_audio, from_parsed
from .jsonfmt import JSON_MIME, JSON_VERSION
from .jsonfmt import write as write_json

__all__ = ["FILE_NAMES", "JSON_MIME", "JSON_VERSION", "READERS", "check",
           "from_audio", "from_parsed", "load", "read", "write_json"]

FILE_NAMES = ("chapters.toml", "chapters.json")

#: reader of a chapters file's text by extension (lower case, with the dot)
READERS: dict[str, Callable[[str, Path], tuple[Chapter, ...]]] = {
    ".toml": tomlfmt.read,
    ".json": jsonfmt.read,
}


def read(path: Path) -> tuple[Chapter, ...]:
    """Chapters from ``chapters.toml`` or ``chapters.json``, in file order (checked later)."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        src, problem = load_toml(path)  # tomlsrc's own messages for unreadable files
        if problem:
            raise TranscriptError(problem)
        assert src is not None
        return tomlfmt.from_source(src)
    if suffix == ".json":
        from ..transcripts import read_text  # the same UTF-8 check and message as transcripts

        return jsonfmt.read(read_text(path, "chapters"), path)
    raise TranscriptError(Problem(path, f"unknown chapters format {path.suffix!r}",
                                  expected="chapters.toml or chapters.json"))


def load(chapters_file: Path | None, embedded: Iterable[Chapter] = (),
         duration: float | None = None, audio: Path | str | None = None
         ) -> tuple[Chapter, ...]:
    """The episode's chapters: its chapters file if it has one, else the audio's own.

    ``audio`` names the audio file in messages about embedded chapters.
    Raises one TranscriptError listing every problem found.
    """
    chapters = read(chapters_file) if chapters_file else tuple(embedded)
    problems = check(chapters, duration, chapters_file or audio)
    if problems:
        raise TranscriptError(problems)
    return chapters
