"""episodes/<slug>/ folders -> :class:`~feedpub.model.Episode` objects.

Only the sources are read here (episode.toml, description.md, the names of
transcript and chapters files); audio and transcripts are probed later.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from . import transcripts
from .dates import DateProblem, parse_date, parse_duration, zone
from .errors import EpisodeError, Problem
from .config import check_url, person_fields
from .markup import html_to_text, markdown_to_html
from .model import Episode, Show, Speaker
from .tomlsrc import TomlSource, get, load

EPISODE_FILE = "episode.toml"
DESCRIPTION_FILE = "description.md"
CHAPTER_FILES = ("chapters.toml", "chapters.json")
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
EPISODE_TYPES = ("full", "trailer", "bonus")
MAX_NUMBER = 1_000_000


def derived_guid(show: Show, slug: str) -> str:
    """The guid of an episode that declares none: UUIDv5 of the slug under the show's guid.

    Stable as long as the folder keeps its name; feedpub.lock remembers it so
    that a rename is caught.  ``feedpub new`` writes an explicit guid instead.
    """
    return str(uuid.uuid5(uuid.UUID(show.podcast_guid), slug))


def episode_folders(show: Show) -> list[Path]:
    base = show.root / show.episodes_dir
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_episodes(show: Show) -> tuple[list[Episode], list[Problem]]:
    """The episodes that loaded, and the problems of those that did not.

    Both are returned so that later stages can still check the good ones and
    a single run reports everything.
    """
    problems: list[Problem] = []
    episodes = []
    for folder in episode_folders(show):
        try:
            episodes.append(load_episode(show, folder))
        except EpisodeError as err:
            problems.extend(err.problems)
    return episodes, problems


def load_episode(show: Show, folder: Path) -> Episode:
    slug = folder.name
    path = folder / EPISODE_FILE
    if not path.is_file():
        raise EpisodeError(Problem(path, "episode folder has no episode.toml",
                                   hint=f'create one with: feedpub new "Title"'))
    src, syntax = load(path)
    if syntax:
        raise EpisodeError(syntax)
    assert src is not None
    d = src.data
    if not SLUG.match(slug):
        src.problems.append(Problem(folder, f"folder name {slug!r} is not usable in URLs",
                                    expected="lower-case ASCII letters, digits, '-', '_' or '.'"))
    title = get(src, d, "title", "title", str, "the episode title", required=True)
    pub_date = None
    raw_date = d.get("date")
    if raw_date is None:
        src.missing("date", "the publication date, e.g. 2025-05-13 or 13/05/2025")
    else:
        try:
            pub_date = parse_date(raw_date, zone(show.timezone))
        except DateProblem as exc:
            src.problem("date", str(exc), "YYYY-MM-DD, an ISO 8601 date-time or DD/MM/YYYY")
    declared = None
    if "duration" in d:
        try:
            declared = parse_duration(d["duration"])
        except DateProblem as exc:
            src.problem("duration", str(exc), "seconds (252), a clock (4:12) or '04min'")
    season = positive_int(src, d, "season")
    number = positive_int(src, d, "number")
    episode_type = get(src, d, "type", "type", str, "full, trailer or bonus", default="full")
    if episode_type not in EPISODE_TYPES:
        src.problem("type", f"got {episode_type!r}", "full, trailer or bonus")
    explicit = get(src, d, "explicit", "explicit", bool, "true or false")
    guid = get(src, d, "guid", "guid", str, "a permanent unique id (a UUID is best)")
    if guid is not None and not guid.strip():
        src.problem("guid", "is empty", "a permanent unique id")
    audio = get(src, d, "audio", "audio", str, "the audio file name or its URL", required=True)
    link = check_url(src, "link", get(src, d, "link", "link", str, "the episode's web page URL"))
    image = check_url(src, "image",
                      get(src, d, "image", "image", str, "episode artwork URL (JPEG or PNG)"))
    speakers = load_speakers(src, d)
    languages = get(src, d, "transcript_languages", "transcript_languages", list,
                    'a list of language codes such as ["fr", "en"]', default=[])
    if not all(isinstance(code, str) for code in languages):
        src.problem("transcript_languages", f"got {languages!r}", "a list of language codes")
        languages = []
    if show.type == "serial" and number is None and "number" not in d:
        src.missing("number", "an episode number: serial shows need one on every episode")

    description_md = read_description(folder / DESCRIPTION_FILE, src.problems)

    if src.problems:
        raise EpisodeError(src.problems)
    assert title is not None and pub_date is not None and audio is not None
    html = markdown_to_html(description_md)
    return Episode(
        slug=slug,
        folder=folder,
        title=title.strip(),
        pub_date=pub_date,
        guid=(guid or derived_guid(show, slug)).strip(),
        audio_file=audio,
        declared_duration=declared,
        season=season,
        number=number,
        episode_type=episode_type,
        explicit=explicit,
        description_html=html,
        description_text=html_to_text(html),
        link=link or None,
        image=image or None,
        speakers=speakers,
        transcript_files=tuple(sorted(p for p in folder.iterdir()
                                      if transcripts.is_transcript(p))),
        transcript_languages=tuple(languages),
        chapters_file=next((folder / n for n in CHAPTER_FILES if (folder / n).is_file()), None),
    )


def read_description(path: Path, problems: list[Problem]) -> str:
    """The Markdown show notes; a missing, unreadable or empty file is a problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(path, "missing description.md", expected="show notes in Markdown"))
        return ""
    except OSError as exc:
        problems.append(Problem(path, f"cannot read: {exc.strerror}"))
        return ""
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, "file is not UTF-8", line, "UTF-8 text"))
        return ""
    if not text:
        problems.append(Problem(path, "description is empty", expected="show notes in Markdown"))
    return text


def positive_int(src: TomlSource, d: dict[str, Any], key: str) -> int | None:
    value: int | None = get(src, d, key, key, int, "a whole number above 0")
    if value is not None and not 1 <= value <= MAX_NUMBER:
        src.problem(key, f"got {value}", f"a whole number from 1 to {MAX_NUMBER:,}")
        return None
    return value


def load_speakers(src: TomlSource, d: dict[str, Any]) -> tuple[Speaker, ...]:
    raw = get(src, d, "speakers", "speakers", list, "[[speakers]] tables", default=[])
    speakers = []
    for i, item in enumerate(raw):
        fields = person_fields(src, item, f"speakers.{i}", "speaker")
        if fields:
            label = get(src, item, "label", f"speakers.{i}.label", str, "the transcript's label")
            speakers.append(Speaker(label=label, **fields))
    return tuple(speakers)
