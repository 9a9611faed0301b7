"""Speaker-labelled plain text, as hosting pages export it.

A turn starts with a line holding only the speaker's label (``Speaker #0``,
optionally bulleted, optionally followed by a colon) or with ``Label: text``
on one line; the following lines up to the next label are what they said.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem, TranscriptError
from ..model import Segment

LABEL_ALONE = re.compile(r"^\s*(?:[•*\-]\s*)?(Speaker\s*#?\s*\d+)\s*:?\s*$", re.IGNORECASE)
LABEL_INLINE = re.compile(r"^\s*(?:[•*\-]\s*)?(Speaker\s*#?\s*\d+)\s*:\s*(\S.*)$", re.IGNORECASE)
NAMED_INLINE = re.compile(r"^\s*(?:[•*\-]\s*)?([^\s:][^:]{0,40}?)\s*:\s+(\S.*)$")


def normal_label(label: str) -> str:
    """``speaker 1``, ``Speaker#1`` and ``Speaker # 1`` all mean ``Speaker #1``."""
    number = re.search(r"\d+", label)
    return f"Speaker #{number.group()}" if number else label.strip()


def read(text: str, path: Path) -> list[Segment]:
    segments: list[Segment] = []
    speaker: str | None = None
    start_line = 0
    lines: list[str] = []

    def close() -> None:
        if speaker is not None:
            body = " ".join(lines).strip()
            if not body:
                raise TranscriptError(Problem(path, f"turn of {speaker} has no text",
                                              start_line, expected="text after the label"))
            segments.append(Segment(text=body, speaker=speaker, line=start_line))

    has_labels = any(LABEL_ALONE.match(line) or LABEL_INLINE.match(line)
                     for line in text.splitlines())
    for number, line in enumerate(text.splitlines(), start=1):
        alone = LABEL_ALONE.match(line)
        inline = LABEL_INLINE.match(line) or (
            None if has_labels else NAMED_INLINE.match(line))
        if alone or inline:
            close()
            match = alone or inline
            assert match is not None
            speaker = normal_label(match.group(1)) if has_labels else match.group(1).strip()
            start_line = number
            lines = [inline.group(2)] if inline else []
        elif line.strip():
            if speaker is None:
                raise TranscriptError(Problem(
                    path, "text before the first speaker label", number,
                    expected="a line such as 'Speaker #0' or 'Name: text' first"))
            lines.append(line.strip())
    close()
    return segments
