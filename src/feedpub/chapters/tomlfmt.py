"""``chapters.toml``: ``[[chapters]]`` tables with a start, a title and optional extras."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ..errors import Problem, TranscriptError
from ..model import Chapter
from ..timecode import parse_time
from ..tomlsrc import TomlSource, parse

TOML_KEYS = {"start", "title", "end", "url", "img", "toc"}
TIME_EXPECTED = 'seconds (12.5) or a clock time ("1:02:03.5")'


def read(text: str, path: Path) -> tuple[Chapter, ...]:
    """Chapters from the text of a ``chapters.toml``; ``path`` names it in messages."""
    src, problem = parse(text, path)
    if problem:
        raise TranscriptError(problem)
    assert src is not None
    return from_source(src)


def from_source(src: TomlSource) -> tuple[Chapter, ...]:
    path = src.path
    raw = src.data.get("chapters")
    if not isinstance(raw, list) or not raw:
        raise TranscriptError(Problem(path, "no [[chapters]] tables", 1,
                                      expected='[[chapters]] with start = "0:00" and a title'))
    problems: list[Problem] = []
    for key in sorted(set(src.data) - {"chapters"}):
        problems.append(Problem(path, f"unknown key {key!r}", src.line_of(key),
                                "only [[chapters]] tables", _suggestion(key, {"chapters"})))
    # the line of each [[chapters]] header (or inline table), from the TOML scanner
    chapters = [c for i, item in enumerate(raw)
                if (c := toml_chapter(src, item, i, src.line_at(("chapters", i)),
                                      problems)) is not None]
    if problems:
        raise TranscriptError(problems)
    return tuple(chapters)


def _suggestion(key: str, known: set[str]) -> str | None:
    """"did you mean 'title'?" for a misspelt key (as the show's files get)."""
    close = difflib.get_close_matches(key.lower(), sorted(known), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None


def toml_chapter(src: TomlSource, item: Any, i: int, head: int | None,
                 problems: list[Problem]) -> Chapter | None:
    """One ``[[chapters]]`` table; ``head`` is its header line, for keys that are missing."""
    n, path = i + 1, src.path

    def bad(key: str, message: str, expected: str, hint: str | None = None) -> None:
        line = src.line_of(f"chapters.{i}.{key}") if key in item else head
        problems.append(Problem(path, f"chapter {n}: {message}", line, expected, hint))

    if not isinstance(item, dict):
        problems.append(Problem(path, f"chapter {n} is not a table", None,
                                expected="[[chapters]] tables"))
        return None
    found = len(problems)
    for key in sorted(set(item) - TOML_KEYS):
        bad(key, f"unknown key {key!r}", "one of " + ", ".join(sorted(TOML_KEYS)),
            _suggestion(key, TOML_KEYS))
    times: dict[str, float | None] = {}
    for key in ("start", "end"):
        if key not in item:
            if key == "start":
                bad(key, "start is missing", TIME_EXPECTED)
            times[key] = None
            continue
        times[key] = parse_time(item[key])
        if times[key] is None:
            bad(key, f"malformed {key} time {item[key]!r}", TIME_EXPECTED)
    for key in ("title", "url", "img"):
        if key in item and not isinstance(item[key], str):
            bad(key, f"{key} must be a string, not {item[key]!r}", "a quoted string")
    if "toc" in item and not isinstance(item["toc"], bool):
        bad("toc", f"toc must be true or false, not {item['toc']!r}", "true or false")
    if len(problems) > found:
        return None
    start = times["start"]
    assert start is not None
    return Chapter(start=start, title=item.get("title"), end=times["end"], url=item.get("url"),
                   img=item.get("img"), toc=item.get("toc", True),
                   line=src.line_of(f"chapters.{i}.start") or head)
