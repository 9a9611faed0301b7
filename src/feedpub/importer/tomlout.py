"""The TOML text of an imported podcast.toml and episode.toml.

A small writer of our own for the values an import produces (strings, booleans,
integers, offset date-times, lists of strings, tables and arrays of tables);
every string is a TOML basic string with every control character escaped, so
``tomllib`` reads back exactly what was written.  Keys the loader does not know
yet are written as comments rather than dropped, so nothing the feed said is
lost and no build fails on them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

#: keys of episode.toml this version of feedpub reads (others become comments)
SHOW_ORDER = ("title", "description", "link", "language", "author", "artwork", "categories",
              "explicit", "type", "copyright", "timezone", "feed_url", "media_base_url")
EPISODE_ORDER = ("title", "date", "guid", "guid_is_permalink", "audio", "duration", "type",
                 "explicit", "season", "number", "link", "image", "keywords")
REQUIRED_SHOW = {"title", "description", "link", "language", "author", "artwork",
                 "categories", "feed_url"}


def episode_keys() -> set[str] | None:
    """The top-level keys the episode schema declares (None: no schema, all keys kept)."""
    try:
        from ..source.schema import EPISODE_TOML
    except ImportError:  # pragma: no cover - a feedpub without the schema module
        return None
    top = EPISODE_TOML.tables.get("")
    return {f.key for f in top.fields} if top is not None else None


def string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} as TOML")


def pairs(values: dict[str, Any], order: tuple[str, ...] = ()) -> list[str]:
    keys = [k for k in order if k in values] + [k for k in values if k not in order]
    return [f"{k} = {value(values[k])}" for k in keys
            if values[k] is not None and not isinstance(values[k], dict)
            and not (isinstance(values[k], list) and values[k]
                     and isinstance(values[k][0], dict))]


def dump_show(values: dict[str, Any]) -> str:
    lines = ["# Imported by feedpub import. feed_url is where the old host served the feed:",
             "# change it to the new address when you move (podcast:guid is pinned below).",
             ""]
    for key in SHOW_ORDER:
        if values.get(key) is None and key in REQUIRED_SHOW:
            lines.append(f"# {key} = …   (the feed gives none: fill it in)")
    lines += pairs(values, SHOW_ORDER)
    owner = values.get("owner") or {}
    lines += ["", "[owner]"] + pairs(owner)
    for key in ("name", "email"):
        if not owner.get(key):
            lines.append(f"# {key} = …   (the feed gives none: fill it in)")
    podcast = dict(values.get("podcast") or {})
    funding = podcast.pop("funding", [])
    persons = podcast.pop("persons", [])
    lines += ["", "[podcast]"] + pairs(podcast)
    for fund in funding:
        lines += ["", "[[podcast.funding]]"] + pairs(fund)
    for person in persons:
        lines += ["", "[[podcast.persons]]"] + pairs(person)
    return "\n".join(lines) + "\n"


def dump_episode(values: dict[str, Any], prefix: str | None = None) -> str:
    known = episode_keys()
    values = dict(values)
    speakers = values.pop("speakers", [])
    lines: list[str] = []
    unknown = {k: v for k, v in values.items() if known is not None and k not in known}
    for key in unknown:
        del values[key]
    lines += pairs(values, EPISODE_ORDER)
    if prefix:
        lines.append(f"# the audio URL goes through the analytics prefix {prefix}")
    for key, v in unknown.items():
        lines.append(f"# {key} = {value(v)}   (from the feed; not read by this feedpub)")
    for speaker in speakers:
        lines += ["", "[[speakers]]"] + pairs(speaker)
    return "\n".join(lines) + "\n"
