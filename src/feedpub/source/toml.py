"""TOML out: the show's files written from their schema, and edited in place.

Written with tomlkit, which escapes what TOML requires (U+007F and the other
control characters, quotes, backslashes) and, when a file is edited, keeps its
comments, blank lines and key order.  Keys come out in the schema's order;
``None`` values and empty arrays of tables are left out.

- :func:`dump_show`, :func:`dump_episode`, :func:`dump_chapters`: a new file's text;
  ``hints`` adds commented-out examples (from the schema) for keys left out;
- :func:`show_values`, :func:`episode_values`: a model object back to values
  (what ``import`` writes from a feed, and the property test reads back);
- :func:`update_file`: change keys of an existing file, checked against the schema
  before it is written (atomically).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT

from ..errors import ConfigError, EpisodeError, FeedpubError
from ..model import Episode, Person, Show
from ..writefile import write_atomic
from .schema import Field, FileSchema, Table, schema_for

__all__ = ["dump", "dump_show", "dump_episode", "dump_chapters", "show_values",
           "episode_values", "update_file"]


def _item(value: Any) -> Any:
    """A tomlkit item for a value: multi-line strings stay readable.

    A carriage return would be read back as a plain line end inside a multi-line
    string, so text containing one is written as one escaped line.
    """
    if isinstance(value, str) and "\n" in value and "\r" not in value:
        return tomlkit.string(value, multiline=True)
    if isinstance(value, (list, tuple)):
        array = tomlkit.array()
        array.extend(value)
        return array
    return tomlkit.item(value)


def _comment(f: Field) -> str:
    return f"{f.key} = {f.example}    # {f.doc}" if f.example else f"{f.key}: {f.doc}"


def _fill(schema: FileSchema, table: Table, values: Mapping[str, Any],
          into: Any, hints: set[str], prefix: str, notes: Mapping[str, str]) -> None:
    for f in table.fields:
        dotted = f"{prefix}{f.key}"
        value = values.get(f.key)
        if value is not None or dotted in hints:
            for line in notes.get(dotted, "").splitlines():
                into.add(tomlkit.comment(line))
        if value is not None:
            into.add(f.key, _item(value))
        elif dotted in hints:
            into.add(tomlkit.comment(_comment(f)))
    for child in schema.children(table.name):
        dotted = f"{prefix}{child.key}"
        raw = values.get(child.key)
        if child.array:
            items = list(raw or ())
            if items:
                aot = tomlkit.aot()
                for entry in items:
                    sub = tomlkit.table()
                    _fill(schema, child, entry, sub, hints, f"{dotted}.", notes)
                    aot.append(sub)
                into.add(child.key, aot)
            elif dotted in hints:
                into.add(tomlkit.nl())
                for line in notes.get(dotted, "").splitlines():
                    into.add(tomlkit.comment(line))
                into.add(tomlkit.comment(f"{child.header}    # {child.doc}"))
                for f in child.fields:
                    into.add(tomlkit.comment(f"{f.key} = {f.example}" if f.example else f.key))
        elif raw:
            sub = tomlkit.table()
            _fill(schema, child, raw, sub, hints, f"{dotted}.", notes)
            if len(sub):
                into.add(child.key, sub)


def dump(name: str, values: Mapping[str, Any], hints: Iterable[str] = (),
         notes: Mapping[str, str] | None = None, header: str | None = None) -> str:
    """``values`` (shaped as :func:`feedpub.source.check.check` returns them) as TOML text.

    ``hints`` are dotted keys (``duration``, ``speakers``) written, when they have no
    value, as commented-out examples; ``notes`` maps a dotted key to a comment written
    above it; ``header`` is a comment for the top of the file.
    """
    schema = schema_for(name)
    doc = tomlkit.document()
    if header:
        for line in header.splitlines():
            doc.add(tomlkit.comment(line))
    _fill(schema, schema.tables[""], values, doc, set(hints), "", notes or {})
    return tomlkit.dumps(doc)


def dump_show(values: Mapping[str, Any], hints: Iterable[str] = (),
              notes: Mapping[str, str] | None = None) -> str:
    """A podcast.toml; ``values["owner"]`` and ``values["podcast"]`` are its tables."""
    return dump("podcast.toml", values, hints, notes)


def dump_episode(values: Mapping[str, Any], hints: Iterable[str] = (),
                 notes: Mapping[str, str] | None = None) -> str:
    """An episode.toml; ``values["speakers"]`` is a list of tables."""
    return dump("episode.toml", values, hints, notes)


def dump_chapters(chapters: Iterable[Mapping[str, Any]]) -> str:
    return dump("chapters.toml", {"chapters": list(chapters)})


def _person(p: Person) -> dict[str, Any]:
    return {"name": p.name, "role": p.role, "group": p.group, "href": p.href, "img": p.img}


def show_values(show: Show) -> dict[str, Any]:
    """The values of a podcast.toml that loads back as ``show``."""
    categories = [c.name + (f" > {c.sub}" if c.sub else "") for c in show.categories]
    values: dict[str, Any] = {
        "title": show.title, "description": show.description, "link": show.link,
        "language": show.language, "author": show.author, "artwork": show.artwork,
        "categories": categories, "explicit": show.explicit, "type": show.type,
        "copyright": show.copyright, "timezone": show.timezone, "feed_url": show.feed_url,
        "media_base_url": show.media_base_url,
        "media_dir": str(show.media_dir) if show.media_dir else None,
        "owner": {"name": show.owner.name, "email": show.owner.email},
        "podcast": {
            "guid": show.podcast_guid, "locked": show.locked,
            "locked_owner": show.locked_owner if show.locked_owner != show.owner.email else None,
            "medium": show.medium,
            "funding": [{"url": f.url, "text": f.text} for f in show.funding],
            "persons": [_person(p) for p in show.persons],
        },
    }
    values.update(dict(show.settings))
    return values


def episode_values(episode: Episode, duration: str | None = None) -> dict[str, Any]:
    """The values of an episode.toml that loads back as ``episode`` (notes aside)."""
    return {
        "title": episode.title, "date": episode.pub_date, "audio": episode.audio_file,
        "duration": duration if duration is not None else (
            episode.declared_duration.text if episode.declared_duration else None),
        "type": episode.episode_type, "explicit": episode.explicit, "guid": episode.guid,
        "guid_is_permalink": episode.guid_is_permalink or None,
        "season": episode.season, "number": episode.number, "link": episode.link,
        "image": episode.image,
        "transcript_languages": list(episode.transcript_languages) or None,
        "speakers": [{"label": s.label, **_person(s)} for s in episode.speakers],
    }


def _set(doc: Any, parts: list[str], value: Any) -> None:
    """Set (or with ``None`` remove) ``parts`` in a tomlkit document, keeping the rest."""
    *tables, key = parts
    here = doc
    for part in tables:
        if part.isdigit():
            here = here[int(part)]
            continue
        if part not in here:
            if value is None:
                return
            here.add(part, tomlkit.table())
        here = here[part]
    if value is None:
        if key in here:
            del here[key]
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        aot = AoT([])
        for entry in value:
            sub = tomlkit.table()
            for k, v in entry.items():
                if v is not None:
                    sub.add(k, _item(v))
            aot.append(sub)
        here[key] = aot
    else:
        here[key] = _item(value)


def update_file(path: Path, changes: Mapping[str, Any]) -> str:
    """Apply ``changes`` (dotted key -> new value, None to remove) to a TOML file.

    Comments, blank lines and the order of untouched keys survive.  The result
    is checked against the file's schema (``podcast.toml``, ``episode.toml`` or
    ``chapters.toml``); only a file that passes is written, atomically.  Returns
    the new text.
    """
    from ..tomlsrc import TomlSource
    from .check import check

    text = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(text)
    for dotted, value in changes.items():
        _set(doc, dotted.split("."), value)
    new = tomlkit.dumps(doc)
    src = TomlSource(path, tomllib.loads(new), new)
    check(schema_for(path.name), src)
    if src.problems:
        error: type[FeedpubError] = ConfigError if path.name == "podcast.toml" else EpisodeError
        raise error(sorted(src.problems, key=lambda p: (p.line is None, p.line or 0)))
    write_atomic(path, new.encode("utf-8"))
    return new
