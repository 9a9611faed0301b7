"""episodes/<slug>/ folders -> :class:`~feedpub.model.Episode` objects.

Only the sources are read here (episode.toml, the show notes, the names of
transcript and chapters files); audio and transcripts are probed later.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import safeio, transcripts
from ..dates import DateProblem, parse_date, parse_duration, zone
from ..errors import EpisodeError, Problem
from ..markup import markdown_to_html, notes_text
from ..model import Episode, Show, Speaker
from ..tomlsrc import load
from .check import check
from .notes import read_notes
from .schema import schema_for

EPISODE_FILE = "episode.toml"
DESCRIPTION_FILE = "description.md"
CHAPTER_FILES = ("chapters.toml", "chapters.json")
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


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


def load_episodes(show: Show, render: Callable[[str], str] = markdown_to_html
                  ) -> tuple[list[Episode], list[Problem]]:
    """The episodes that loaded, and the problems of those that did not.

    Both are returned so that later stages can still check the good ones and
    a single run reports everything.
    """
    problems: list[Problem] = []
    episodes = []
    for folder in episode_folders(show):
        try:
            episodes.append(load_episode(show, folder, render))
        except EpisodeError as err:
            problems.extend(err.problems)
    return episodes, problems


def speaker(values: dict[str, Any]) -> Speaker:
    return Speaker(values["name"], values["role"], values["group"], values["href"],
                   values["img"], values["label"])


def load_episode(show: Show, folder: Path,
                 render: Callable[[str], str] = markdown_to_html) -> Episode:
    """One episode folder; ``render`` turns Markdown notes into HTML (the build passes
    a cached one)."""
    slug = folder.name
    path = folder / EPISODE_FILE
    if not os.path.lexists(path):  # a pipe or a device is reported by the reader
        raise EpisodeError(Problem(path, "episode folder has no episode.toml",
                                   hint='create one with: feedpub new "Title"'))
    src, syntax = load(path)
    if syntax:
        raise EpisodeError(syntax)
    assert src is not None
    v = check(schema_for(EPISODE_FILE), src)
    pub_date = None
    if v["date"] is not None:
        try:
            pub_date = parse_date(v["date"], zone(show.timezone))
        except DateProblem as exc:
            src.problem("date", str(exc), "YYYY-MM-DD, an ISO 8601 date-time or DD/MM/YYYY")
    # Apple numbers a serial show's full episodes; trailers and bonus episodes may go without
    if show.type == "serial" and "number" not in src.data and v["type"] in (None, "full"):
        src.missing("number", "an episode number: serial shows need one on every episode")
    problems = sorted(src.problems, key=lambda p: (p.line is None, p.line or 0))
    if not SLUG.match(slug):
        problems.insert(0, Problem(folder, f"folder name {slug!r} is not usable in URLs",
                                   expected="lower-case ASCII letters, digits, '-', '_' or '.'"))
    elif (why := safeio.not_portable(slug)) is not None:
        problems.insert(0, Problem(folder, f"folder name {why}: a clone of the show fails on "
                                   "Windows", expected="another folder name",
                                   hint=f"rename it, e.g. to {slug.rstrip('. ')}-episode"))
    notes = read_notes(folder, problems)
    if problems:
        raise EpisodeError(problems)
    assert pub_date is not None and notes is not None
    html = notes.html if notes.html is not None else render(notes.text)
    return Episode(
        slug=slug,
        folder=folder,
        title=v["title"].strip(),
        pub_date=pub_date,
        guid=(v["guid"] or derived_guid(show, slug)).strip(),
        guid_is_permalink=v["guid_is_permalink"],
        audio_file=v["audio"],
        declared_duration=replace(parse_duration(v["duration"]), line=src.line_of("duration"))
        if v["duration"] is not None else None,
        season=v["season"],
        number=v["number"],
        episode_type=v["type"],
        explicit=v["explicit"],
        description_html=html,
        description_text=notes_text(html),
        link=v["link"],
        image=v["image"],
        speakers=tuple(speaker(s) for s in v["speakers"]),
        transcript_files=tuple(sorted(p for p in folder.iterdir()
                                      if transcripts.is_transcript(p))),
        transcript_languages=tuple(v["transcript_languages"] or ()),
        chapters_file=next((folder / n for n in CHAPTER_FILES
                            if os.path.lexists(folder / n)), None),
    )
