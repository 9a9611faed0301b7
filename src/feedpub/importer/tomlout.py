"""The TOML text of an imported podcast.toml and episode.toml, through the schema's writer.

:mod:`feedpub.source.toml` (tomlkit) writes every key the schema declares, in its
order; what the import has to say about a value (an analytics prefix, a key the
feed fills in but this feedpub does not read yet, a required value the feed lacks)
becomes a comment, so nothing the feed said is lost and no build fails on it.
"""

from __future__ import annotations

from typing import Any

from ..source import toml
from ..source.schema import EPISODE_TOML, PODCAST_TOML

SHOW_HEADER = ("Imported by feedpub import. feed_url is where the old host served the feed:\n"
               "change it to the new address when you move (podcast:guid is pinned below).")
REQUIRED_SHOW = ("title", "description", "link", "language", "author", "artwork",
                 "categories", "feed_url")


def known(schema: Any, table: str) -> set[str]:
    return {f.key for f in schema.tables[table].fields} | {
        t.key for t in schema.children(table)}


def dump_show(values: dict[str, Any]) -> str:
    """podcast.toml; required values the feed lacks are left as commented examples."""
    owner = values.get("owner") or {}
    values = {**values, "owner": {k: v for k, v in owner.items() if v}}
    hints = [k for k in REQUIRED_SHOW if not values.get(k)]
    hints += [f"owner.{k}" for k in ("name", "email") if not owner.get(k)]
    notes = dict.fromkeys(hints, "the feed gives none: fill it in")
    moved = values.pop("new_feed_url", None)
    if moved:
        notes["feed_url"] = (f"the old feed declares itunes:new-feed-url {moved}: it has "
                             "moved there already")
    return toml.dump("podcast.toml", values, hints, notes, header=SHOW_HEADER)


def dump_episode(values: dict[str, Any], prefix: str | None = None) -> str:
    """episode.toml; keys the schema does not declare are kept as comments at the top."""
    keys = known(EPISODE_TOML, "")
    kept = {k: v for k, v in values.items() if k in keys}
    extra = [f"{k} = {v!r} (from the feed; not read by this feedpub)"
             for k, v in values.items() if k not in keys]
    notes = {"audio": f"the audio URL goes through the analytics prefix {prefix}"} \
        if prefix else {}
    return toml.dump("episode.toml", kept, (), notes, header="\n".join(extra) or None)


__all__ = ["dump_show", "dump_episode", "PODCAST_TOML"]
