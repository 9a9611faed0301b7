"""The Podcasting 2.0 JSON transcript.

``{"version", "segments": [{speaker, startTime, endTime, body}]}``.

Segments need a numeric ``startTime`` and a ``body``; ``endTime`` is "if
available", and a segment without it makes the transcript untimed (we never
guess where a cue ends).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import jsonpos
from ..errors import Problem, TranscriptError
from ..model import Segment, Transcript
from ..timecode import is_seconds, milliseconds
from .registry import Writer

VERSION = "1.0.0"
SHAPE = '{"version": "1.0.0", "segments": [...]}'


def read(text: str, path: Path) -> list[Segment]:
    data, problem = jsonpos.loads(text, path)
    if problem:
        raise TranscriptError(problem)
    if not isinstance(data, dict):
        raise TranscriptError(Problem(path, "JSON transcript is not an object", 1,
                                      expected=SHAPE))
    problems: list[Problem] = []
    if "version" not in data:
        problems.append(Problem(path, 'missing "version"', 1, expected='"version": "1.0.0"'))
    elif not isinstance(data["version"], str):
        problems.append(Problem(path, '"version" must be a string', 1,
                                expected='"version": "1.0.0"'))
    raw = data.get("segments")
    if not isinstance(raw, list):
        what = "missing" if raw is None else "not an array"
        problems.append(Problem(path, f'"segments" is {what}', 1, expected=SHAPE))
        raise TranscriptError(problems)
    segments = [seg for n, item in enumerate(raw, start=1)
                if (seg := read_segment(item, n, path, problems)) is not None]
    if problems:
        raise TranscriptError(problems)
    return segments


def read_segment(item: Any, n: int, path: Path, problems: list[Problem]) -> Segment | None:
    line = jsonpos.line_of(item)
    if not isinstance(item, dict):
        problems.append(Problem(path, f"segment {n} is not an object", line,
                                expected='{"startTime": 0.0, "body": "..."}'))
        return None
    found = len(problems)
    start, end = item.get("startTime"), item.get("endTime")
    if start is None:
        problems.append(Problem(path, f"segment {n}: startTime is missing", line,
                                expected="seconds as a number, e.g. 12.5"))
    elif not is_seconds(start) or start < 0:
        problems.append(Problem(path, f"segment {n}: startTime must be a number of seconds, "
                                f"not {json.dumps(start, ensure_ascii=False)}", line,
                                expected="seconds as a number, e.g. 12.5"))
    if end is not None and (not is_seconds(end) or end < 0):
        problems.append(Problem(path, f"segment {n}: endTime must be a number of seconds, "
                                f"not {json.dumps(end, ensure_ascii=False)}", line,
                                expected="seconds as a number, e.g. 12.5"))
    body, speaker = item.get("body"), item.get("speaker")
    if not isinstance(body, str):
        problems.append(Problem(path, f"segment {n}: body is missing" if body is None
                                else f"segment {n}: body must be a string", line,
                                expected="the spoken text as a string"))
    elif not body.strip():
        problems.append(Problem(path, f"segment {n} is empty", line,
                                expected="the spoken text in body"))
    if speaker is not None and not isinstance(speaker, str):
        problems.append(Problem(path, f"segment {n}: speaker must be a string", line))
    if len(problems) > found:
        return None
    assert isinstance(body, str) and start is not None
    return Segment(text=body.strip(), speaker=(speaker or "").strip() or None,
                   start=float(start), end=None if end is None else float(end), line=line)


def content_language(text: str) -> tuple[str, int] | None:
    """A top-level ``"language"`` field, which some exporters add (not in the spec)."""
    data, problem = jsonpos.loads(text, None)
    if problem or not isinstance(data, dict) or not isinstance(data.get("language"), str):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if '"language"' in line:
            return data["language"], number
    return data["language"], 1


def write(transcript: Transcript, title: str = "") -> str:
    segments = []
    for seg in transcript.segments:
        assert seg.start is not None and seg.end is not None
        item: dict[str, Any] = {}
        if seg.speaker:
            item["speaker"] = seg.speaker
        item["startTime"] = milliseconds(seg.start)
        item["endTime"] = milliseconds(seg.end)
        item["body"] = seg.text
        segments.append(item)
    return json.dumps({"version": VERSION, "segments": segments}, ensure_ascii=False,
                      indent=2) + "\n"


WRITER = Writer(name="json", ext=".json", mime="application/json", timed=True, write=write)
