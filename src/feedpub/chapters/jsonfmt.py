"""The Podcasting 2.0 JSON chapters file, read and written (what ``podcast:chapters`` links)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import jsonpos
from ..errors import Problem, TranscriptError
from ..model import Chapter
from ..spec import CHAPTERS_TYPE
from ..timecode import is_seconds, milliseconds

JSON_MIME = CHAPTERS_TYPE
JSON_VERSION = "1.2.0"
SHAPE = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "..."}]}'


def read(text: str, path: Path) -> tuple[Chapter, ...]:
    """Chapters from the text of a JSON chapters file; ``path`` names it in messages."""
    data, problem = jsonpos.loads(text, path)
    if problem:
        raise TranscriptError(problem)
    if not isinstance(data, dict):
        raise TranscriptError(Problem(path, "JSON chapters file is not an object", 1,
                                      expected=SHAPE))
    problems: list[Problem] = []
    if not isinstance(data.get("version"), str):
        what = "missing" if "version" not in data else "not a string"
        problems.append(Problem(path, f'"version" is {what}', 1,
                                expected=f'"version": "{JSON_VERSION}"'))
    raw = data.get("chapters")
    if not isinstance(raw, list):
        what = "missing" if raw is None else "not an array"
        problems.append(Problem(path, f'"chapters" is {what}', 1, expected=SHAPE))
        raise TranscriptError(problems)
    chapters = [c for n, item in enumerate(raw, start=1)
                if (c := json_chapter(path, item, n, problems)) is not None]
    if problems:
        raise TranscriptError(problems)
    return tuple(chapters)


def json_chapter(path: Path, item: Any, n: int, problems: list[Problem]) -> Chapter | None:
    line = jsonpos.line_of(item)
    if not isinstance(item, dict):
        problems.append(Problem(path, f"chapter {n} is not an object", line,
                                expected='{"startTime": 0, "title": "..."}'))
        return None
    found = len(problems)
    for key in ("startTime", "endTime"):
        value = item.get(key)
        if value is None and key == "startTime":
            problems.append(Problem(path, f"chapter {n}: startTime is missing", line,
                                    expected="seconds as a number"))
        elif value is not None and (not is_seconds(value) or value < 0):
            problems.append(Problem(path, f"chapter {n}: {key} must be a number of seconds, "
                                    f"not {json.dumps(value, ensure_ascii=False)}", line,
                                    expected="seconds as a number"))
    for key in ("title", "url", "img"):
        if key in item and not isinstance(item[key], str):
            problems.append(Problem(path, f"chapter {n}: {key} must be a string", line))
    if "toc" in item and not isinstance(item["toc"], bool):
        problems.append(Problem(path, f"chapter {n}: toc must be true or false", line))
    if len(problems) > found:
        return None
    end = item.get("endTime")
    return Chapter(start=float(item["startTime"]), title=item.get("title"),
                   end=None if end is None else float(end), url=item.get("url"),
                   img=item.get("img"), toc=item.get("toc", True), line=line)


def write(chapters: Iterable[Chapter], title: str | None = None) -> str:
    """The Podcasting 2.0 JSON chapters document (what ``podcast:chapters`` points to)."""
    items = []
    for ch in chapters:
        item: dict[str, Any] = {"startTime": number(ch.start)}
        if ch.end is not None:
            item["endTime"] = number(ch.end)
        for key in ("title", "url", "img"):
            if getattr(ch, key):
                item[key] = getattr(ch, key)
        if not ch.toc:
            item["toc"] = False
        items.append(item)
    doc: dict[str, Any] = {"version": JSON_VERSION}
    if title:
        doc["title"] = title
    doc["chapters"] = items
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def number(seconds: float) -> int | float:
    """``12`` rather than ``12.0``: tidier, and both are JSON numbers."""
    rounded = milliseconds(seconds)
    return int(rounded) if rounded == int(rounded) else rounded
