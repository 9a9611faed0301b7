"""Chapters: ``chapters.toml``, a Podcasting 2.0 JSON chapters file, or the audio's own.

Whatever the source, chapters end up as :class:`~feedpub.model.Chapter` and
are published as one JSON chapters file (``application/json+chapters``),
the format the ``podcast:chapters`` tag points to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import jsonpos
from .errors import AudioError, Problem, TranscriptError
from .model import Chapter
from .tomlsrc import TomlSource
from .tomlsrc import load as load_toml
from .transcripts.checks import ms
from .transcripts.timefmt import exact_clock, milliseconds

JSON_MIME = "application/json+chapters"
JSON_VERSION = "1.2.0"
FILE_NAMES = ("chapters.toml", "chapters.json")
#: as for transcripts: probed durations of some files are estimates
DURATION_TOLERANCE = 0.5

TOML_KEYS = {"start", "title", "end", "url", "img", "toc"}
CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$")
TOML_HEADER = re.compile(r"^\s*\[\[\s*chapters\s*\]\]\s*(?:#.*)?$")
SECONDS = re.compile(r"^\d+(?:\.\d+)?$")
TIME_EXPECTED = 'seconds (12.5) or a clock time ("1:02:03.5")'


def read(path: Path) -> tuple[Chapter, ...]:
    """Chapters from ``chapters.toml`` or ``chapters.json``, in file order (checked later)."""
    if path.suffix.lower() == ".toml":
        return read_toml(path)
    if path.suffix.lower() == ".json":
        return read_json(path)
    raise TranscriptError(Problem(path, f"unknown chapters format {path.suffix!r}",
                                  expected="chapters.toml or chapters.json"))


def parse_time(value: Any) -> float | None:
    """Seconds from a TOML number or a ``[H:]MM:SS[.mmm]`` string; None if malformed."""
    if jsonpos.is_number(value):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if SECONDS.match(text):
        seconds = float(text)
        return seconds if seconds < jsonpos.MAX_SECONDS else None
    match = CLOCK.match(text)
    if not match:
        return None
    hours, minutes, secs, frac = match.groups()
    if int(secs) > 59 or (hours is not None and int(minutes) > 59):
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + float(f"0.{frac or 0}")


def read_toml(path: Path) -> tuple[Chapter, ...]:
    src, problem = load_toml(path)
    if problem:
        raise TranscriptError(problem)
    assert src is not None
    raw = src.data.get("chapters")
    if not isinstance(raw, list) or not raw:
        raise TranscriptError(Problem(path, "no [[chapters]] tables", 1,
                                      expected='[[chapters]] with start = "0:00" and a title'))
    problems: list[Problem] = []
    heads = [n for n, line in enumerate(src.text.splitlines(), start=1)
             if TOML_HEADER.match(line)]
    chapters = [c for i, item in enumerate(raw)
                if (c := toml_chapter(src, item, i, heads[i] if i < len(heads) else None,
                                      problems)) is not None]
    if problems:
        raise TranscriptError(problems)
    return tuple(chapters)


def toml_chapter(src: TomlSource, item: Any, i: int, head: int | None,
                 problems: list[Problem]) -> Chapter | None:
    """One ``[[chapters]]`` table; ``head`` is its header line, for keys that are missing."""
    n, path = i + 1, src.path

    def bad(key: str, message: str, expected: str) -> None:
        line = src.line_of(f"chapters.{i}.{key}") if key in item else head
        problems.append(Problem(path, f"chapter {n}: {message}", line, expected))

    if not isinstance(item, dict):
        problems.append(Problem(path, f"chapter {n} is not a table", None,
                                expected="[[chapters]] tables"))
        return None
    found = len(problems)
    for key in sorted(set(item) - TOML_KEYS):
        bad(key, f"unknown key {key!r}", "one of " + ", ".join(sorted(TOML_KEYS)))
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


def read_json(path: Path) -> tuple[Chapter, ...]:
    from .transcripts import read_text  # the same UTF-8 check and message as transcripts

    data, problem = jsonpos.loads(read_text(path), path)
    if problem:
        raise TranscriptError(problem)
    shape = '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "..."}]}'
    if not isinstance(data, dict):
        raise TranscriptError(Problem(path, "JSON chapters file is not an object", 1,
                                      expected=shape))
    problems: list[Problem] = []
    if not isinstance(data.get("version"), str):
        what = "missing" if "version" not in data else "not a string"
        problems.append(Problem(path, f'"version" is {what}', 1,
                                expected=f'"version": "{JSON_VERSION}"'))
    raw = data.get("chapters")
    if not isinstance(raw, list):
        what = "missing" if raw is None else "not an array"
        problems.append(Problem(path, f'"chapters" is {what}', 1, expected=shape))
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
        elif value is not None and (not jsonpos.is_number(value) or value < 0):
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


def from_audio(path: Path) -> tuple[Chapter, ...]:
    """Chapters embedded in the audio: ID3 CHAP/CTOC, MP4 chapters, Vorbis CHAPTERnnn comments.

    Returns ``()`` when the file has none; sorted by start time, since
    neither ID3 nor Vorbis comments promise any order.
    """
    import mutagen

    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise AudioError(Problem(path, f"cannot read chapters: {exc}")) from None
    if audio is None:
        raise AudioError(Problem(path, "cannot read chapters: not an audio file mutagen knows"))
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


def check(chapters: Sequence[Chapter], duration: float | None,
          source: Path | str | None) -> list[Problem]:
    """Chapters must start in ascending order, never twice at once, and inside the audio."""
    problems: list[Problem] = []
    previous: Chapter | None = None
    for n, ch in enumerate(chapters, start=1):
        at = exact_clock(ch.start)
        if ch.start < 0:
            problems.append(Problem(source, f"chapter {n} starts before 0:00", ch.line))
        if previous is not None and ms(ch.start) == ms(previous.start):
            problems.append(Problem(source, f"chapter {n} starts at the same time as chapter "
                                    f"{n - 1} ({at})", ch.line,
                                    hint="remove one of them or change its start"))
        elif previous is not None and ms(ch.start) < ms(previous.start):
            problems.append(Problem(source, f"chapter {n} starts at {at}, before chapter "
                                    f"{n - 1} ({exact_clock(previous.start)})", ch.line,
                                    expected="chapters in ascending order of start"))
        if ch.end is not None and ms(ch.end) <= ms(ch.start):
            problems.append(Problem(source, f"chapter {n} ends at {exact_clock(ch.end)}, "
                                    f"not after its start ({at})", ch.line))
        if duration is not None and ch.start >= duration:
            problems.append(Problem(source, f"chapter {n} starts at {at}, after the end of "
                                    f"the audio ({exact_clock(duration)})", ch.line))
        elif (duration is not None and ch.end is not None
              and ch.end > duration + DURATION_TOLERANCE):
            problems.append(Problem(source, f"chapter {n} ends at {exact_clock(ch.end)}, after "
                                    f"the end of the audio ({exact_clock(duration)})", ch.line))
        previous = ch
    return problems


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


def write_json(chapters: Iterable[Chapter], title: str | None = None) -> str:
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
