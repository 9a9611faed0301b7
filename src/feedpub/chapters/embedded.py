"""Chapters the audio file carries: ID3 CHAP/CTOC, MP4 chapters, Vorbis CHAPTERnnn comments."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import AudioError, Problem
from ..model import Chapter
from ..timecode import milliseconds, parse_time


def from_audio(path: Path) -> tuple[Chapter, ...]:
    """Chapters embedded in the audio file at ``path`` (opened here with mutagen)."""
    import mutagen

    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise AudioError(Problem(path, f"cannot read chapters: {exc}")) from None
    if audio is None:
        raise AudioError(Problem(path, "cannot read chapters: not an audio file mutagen knows"))
    return from_parsed(audio)


def from_parsed(audio: Any) -> tuple[Chapter, ...]:
    """Chapters of an audio file mutagen has already parsed (a ``mutagen.FileType``).

    Returns ``()`` when the file has none; sorted by start time, since
    neither ID3 nor Vorbis comments promise any order.
    """
    found: list[Chapter] = []
    tags = audio.tags
    if tags is not None and hasattr(tags, "getall"):
        found = id3_chapters(tags)
    elif getattr(audio, "chapters", None):
        found = [Chapter(start=milliseconds(c.start), title=c.title or None)
                 for c in audio.chapters]
    elif tags is not None:
        found = vorbis_chapters(tags)
    return tuple(sorted(found, key=lambda c: c.start))


def id3_chapters(tags: Any) -> list[Chapter]:
    """CHAP frames; with a top-level CTOC, chapters it does not list are hidden (toc=false)."""
    in_toc: set[str] | None = None
    for ctoc in tags.getall("CTOC"):
        if in_toc is None:
            in_toc = set()
        in_toc.update(ctoc.child_element_ids)
    out = []
    for chap in tags.getall("CHAP"):
        sub = chap.sub_frames
        title = str(sub["TIT2"].text[0]) if "TIT2" in sub and sub["TIT2"].text else None
        urls = [f.url for f in sub.values() if getattr(f, "FrameID", "") in ("WXXX", "WOAR")]
        end = None if chap.end_time in (0xFFFFFFFF, 0) else chap.end_time / 1000
        out.append(Chapter(start=chap.start_time / 1000, title=title, end=end,
                           url=urls[0] if urls else None,
                           toc=in_toc is None or chap.element_id in in_toc))
    return out


def vorbis_chapters(tags: Any) -> list[Chapter]:
    """``CHAPTER001=00:01:02.500`` and ``CHAPTER001NAME=Title``, as Ogg and FLAC files carry."""
    values = {k.upper(): v[0] if isinstance(v, list) else v for k, v in tags.items()}
    out = []
    for key, value in values.items():
        if re.fullmatch(r"CHAPTER\d+", key):
            start = parse_time(value)
            if start is None:
                continue
            out.append(Chapter(start=milliseconds(start), title=values.get(key + "NAME")))
    return out
