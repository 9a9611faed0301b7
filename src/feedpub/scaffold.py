"""``feedpub new``: a fresh episode folder with a guid fixed once and for all."""

from __future__ import annotations

import re
import tomllib
import unicodedata
import uuid
from datetime import datetime
from pathlib import Path

import tomlkit

from .config import load_show
from .dates import zone
from .episodes import DESCRIPTION_FILE, EPISODE_FILE, SLUG, episode_folders
from .errors import EpisodeError, Problem
from .source.toml import dump_episode
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


def new_episode(root: Path, title: str, slug: str | None = None,
                today: datetime | None = None) -> Path:
    """Create ``episodes/<slug>/`` and return it; an existing folder is never touched."""
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
    number = next_number(episode_folders(show))
    when = (today or datetime.now(zone(show.timezone))).date()
    folder.mkdir(parents=True)
    text = dump_episode({"title": title, "date": when, "number": number,
                         "type": "full", "guid": str(uuid.uuid4()), "audio": f"{slug}.mp3"},
                        hints=EPISODE_HINTS, notes=EPISODE_NOTES)
    write_atomic(folder / EPISODE_FILE, text.encode("utf-8"))
    write_atomic(folder / DESCRIPTION_FILE,
                 DESCRIPTION_TEMPLATE.format(title=title).encode("utf-8"))
    return folder
