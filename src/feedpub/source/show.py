"""podcast.toml -> :class:`~feedpub.model.Show`, with every problem reported at once."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from .. import spec
from ..errors import ConfigError, Problem
from ..model import Category, Funding, Owner, Person, Show
from ..tomlsrc import load
from .check import check
from .schema import schema_for

CONFIG_NAME = "podcast.toml"
#: the namespace UUID the Podcasting 2.0 spec uses to derive podcast:guid
PODCAST_GUID_NAMESPACE = uuid.UUID(spec.PODCAST_GUID_NAMESPACE)
#: the tables the Show model itself carries; any other table's values go to Show.settings
BUILT_IN_TABLES = ("", "owner", "podcast", "podcast.funding", "podcast.persons")


podcast_guid = spec.podcast_guid


def category(text: str) -> Category:
    name, _, sub = (part.strip() for part in text.partition(">"))
    return Category(name, sub or None)


def person(values: dict[str, Any]) -> Person:
    return Person(values["name"], values["role"], values["group"], values["href"],
                  values["img"])


def read_show(root: Path) -> tuple[dict[str, Any], list[Problem], dict[str, Any]]:
    """The checked values of ``root/podcast.toml``, its problems, and the raw data."""
    path = root / CONFIG_NAME
    if not os.path.lexists(path):  # a pipe or a device is reported by the reader
        raise ConfigError(Problem(path, "no podcast.toml here",
                                  hint="run feedpub in the show folder, or pass -C DIR"))
    src, syntax = load(path)
    if syntax:
        raise ConfigError(syntax)
    assert src is not None
    values = check(schema_for(CONFIG_NAME), src)
    artwork = values["artwork"]
    if artwork and "://" not in artwork and not (root / artwork).is_file():
        # a file of the show, published with the site
        src.problem("artwork", f"{artwork!r}: no such file in the show folder",
                    "an image URL, or the name of an image file beside podcast.toml")
    return values, src.problems, src.data


def settings(values: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The values of tables other modules declared, for the tables the file has."""
    schema = schema_for(CONFIG_NAME)
    out: dict[str, Any] = {}
    for table in schema:
        if table.name in BUILT_IN_TABLES or table.parent not in ("",):
            continue
        if table.key in data:
            out[table.key] = values[table.key]
    return out


def load_show(root: Path) -> Show:
    """Read ``root/podcast.toml``; raise ConfigError listing every problem."""
    values, problems, data = read_show(root)
    if problems:
        raise ConfigError(sorted(problems, key=lambda p: (p.line is None, p.line or 0)))
    pc, owner = values["podcast"], values["owner"]
    media = values["media_base_url"]
    if not media.endswith("/"):
        media += "/"
    media_dir = values["media_dir"]
    return Show(
        root=root,
        title=values["title"].strip(),
        description=values["description"].strip(),
        link=values["link"],
        language=values["language"],
        author=values["author"],
        owner=Owner(owner["name"], owner["email"]),
        artwork=values["artwork"],
        categories=tuple(category(c) for c in values["categories"]),
        explicit=values["explicit"],
        feed_url=values["feed_url"],
        media_base_url=media,
        timezone=values["timezone"],
        type=values["type"],
        copyright=values["copyright"],
        podcast_guid=pc["guid"] or podcast_guid(values["feed_url"]),
        locked=pc["locked"],
        locked_owner=pc["locked_owner"] or owner["email"],
        funding=tuple(Funding(f["url"], f["text"]) for f in pc["funding"]),
        medium=pc["medium"],
        persons=tuple(person(p) for p in pc["persons"]),
        media_dir=(root / Path(media_dir).expanduser()) if media_dir else None,
        settings=settings(values, data),
    )
