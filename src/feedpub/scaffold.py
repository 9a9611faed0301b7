"""``feedpub new``: a fresh episode folder with a guid fixed once and for all."""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomlkit

from .audio import probe
from .config import load_show
from .dates import DateProblem, parse_date, zone
from .episodes import DESCRIPTION_FILE, EPISODE_FILE, SLUG, episode_folders, load_episode
from .errors import EpisodeError, Problem, UsageError
from .model import Show
from .source.toml import dump_episode, episode_values
from .timecode import rounded_clock as clock  # a measured length: "45:12", "1:02:03"
from .writefile import write_atomic

#: comments written above keys of a new episode.toml
EPISODE_NOTES = {
    "guid": "A permanent id: never change it once the episode is published.",
    "audio": "The audio file beside this one, a path elsewhere, or an https:// URL.",
    "duration": "The length you announce; checked against the real audio "
                "(\"45min\", \"45:12\" or 2712).",
    "speakers": "Who speaks; \"label\" is how the transcript names them.",
}
#: optional keys shown commented out, as examples to fill in
EPISODE_HINTS = ("duration", "explicit", "speakers")

DESCRIPTION_TEMPLATE = "Show notes for *{title}*, in Markdown.\n"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (tomlkit escapes U+007F and the other controls)."""
    return tomlkit.string(text).as_string()


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "episode"


def next_number(folders: list[Path]) -> int:
    highest = 0
    for folder in folders:
        try:
            data = tomllib.loads((folder / EPISODE_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        number = data.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            highest = max(highest, number)
    return highest + 1


#: keys of a template episode that a new episode starts with (the rest is the episode's own)
TEMPLATE_KEYS = ("type", "explicit", "season", "image", "transcript_languages", "speakers")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class NewEpisode:
    """What ``feedpub new`` made, and what is left for the podcaster to fill in."""

    folder: Path
    audio: str  # the value written to `audio`
    duration: str | None  # measured from --audio, if given
    next_steps: tuple[str, ...]


def date_value(text: str, show: Show) -> date | str:
    """``--date``: any form episode.toml accepts, checked now; a plain date stays a TOML date."""
    try:
        parse_date(text, zone(show.timezone))
    except DateProblem as exc:
        raise UsageError(Problem(None, f"--date: {exc}",
                                 expected="YYYY-MM-DD, an ISO 8601 date-time or DD/MM/YYYY")
                         ) from None
    return date.fromisoformat(text) if ISO_DATE.match(text) else text


def template_values(show: Show, template: str) -> dict[str, Any]:
    """The :data:`TEMPLATE_KEYS` of an existing episode: its slug, folder or episode.toml."""
    path = Path(template)
    candidates = [show.root / show.episodes_dir / template, path, path.parent]
    folder = next((c for c in candidates if (c / EPISODE_FILE).is_file()), None)
    if folder is None:
        raise UsageError(Problem(None, f"--from-template: no episode {template!r}",
                                 expected="the slug of an episode, or its folder"))
    episode = load_episode(show, folder)
    values = episode_values(episode)
    return {key: values[key] for key in TEMPLATE_KEYS if values.get(key) not in (None, [])}


def audio_value(folder: Path, audio: Path, show: Show) -> str:
    """How episode.toml names ``audio``: its name when it is beside episode.toml or in
    media_dir, else its path relative to the episode folder."""
    audio = audio.resolve()
    if audio.parent == folder.resolve():
        return audio.name
    if show.media_dir is not None and audio.parent == show.media_dir.resolve():
        return audio.name
    return os.path.relpath(audio, folder.resolve())


def create_episode(root: Path, title: str, slug: str | None = None,
                   today: datetime | None = None, *, date_text: str | None = None,
                   audio: Path | None = None, template: str | None = None) -> NewEpisode:
    """Create ``episodes/<slug>/``; an existing folder is never touched.

    ``date_text`` is the publication date (default: today in the show's zone);
    ``audio`` a file measured now (its duration is written); ``template`` an
    episode whose type, explicit, season, image, transcript languages and speakers
    the new one starts with.  Everything is checked before anything is written.
    """
    show = load_show(root)
    title = " ".join(title.split())
    if not title:
        raise EpisodeError(Problem(None, "the title is empty", expected="the episode's title"))
    slug = slug or slugify(title)
    if not SLUG.match(slug):
        raise EpisodeError(Problem(None, f"slug {slug!r} is not usable in URLs",
                                   expected="lower-case ASCII letters, digits, '-', '_' or '.'"))
    folder = root / show.episodes_dir / slug
    if folder.exists():
        raise EpisodeError(Problem(folder, "episode folder already exists",
                                   hint="choose another title or pass --slug"))
    when: date | str = (date_value(date_text, show) if date_text is not None else
                        (today or datetime.now(zone(show.timezone))).date())
    values: dict[str, Any] = template_values(show, template) if template else {}
    duration = None
    audio_name = f"{slug}.mp3"
    if audio is not None:
        duration = clock(probe(audio).duration)  # an AudioError names the file
        audio_name = audio_value(folder, audio, show)
    values.update({"title": title, "date": when, "number": next_number(episode_folders(show)),
                   "guid": str(uuid.uuid4()), "audio": audio_name, "duration": duration})
    values.setdefault("type", "full")
    hints = [h for h in EPISODE_HINTS if values.get(h) in (None, [])]
    text = dump_episode(values, hints=hints, notes=EPISODE_NOTES)
    folder.mkdir(parents=True)
    write_atomic(folder / EPISODE_FILE, text.encode("utf-8"))
    write_atomic(folder / DESCRIPTION_FILE,
                 DESCRIPTION_TEMPLATE.format(title=title).encode("utf-8"))
    rel = folder.relative_to(root) if folder.is_relative_to(root) else folder
    steps = [f"write the show notes in {rel / DESCRIPTION_FILE}"]
    if audio is None:
        steps.insert(0, f"put the audio at {rel / audio_name} (or set audio in "
                        f"{rel / EPISODE_FILE} to its path or URL), and its length in duration")
    if not values.get("speakers"):
        steps.append(f"list who speaks under [[speakers]] in {rel / EPISODE_FILE}")
    steps.append("then run: feedpub build")
    return NewEpisode(folder, audio_name, duration, tuple(steps))


def new_episode(root: Path, title: str, slug: str | None = None,
                today: datetime | None = None) -> Path:
    """Create ``episodes/<slug>/`` and return it (see :func:`create_episode`)."""
    return create_episode(root, title, slug, today).folder
