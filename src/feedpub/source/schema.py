"""The schema of the show's files: one declarative table per TOML table.

Every key of ``podcast.toml``, ``episode.toml`` and ``chapters.toml`` is one
:class:`Field` — its key, TOML type, required or default, value rules and a
one-line description.  From these tables come the loaders (type checks,
unknown keys with a suggestion, every problem at its ``file:line``), the TOML
writer (:mod:`feedpub.source.toml`) and the README's key reference
(:func:`feedpub.source.reference.markdown`).

Adding a table (``[publish]``, ``[site]``, ``[audio]`` …) from another module
takes one declaration::

    # src/feedpub/publish/settings.py
    from feedpub.source.schema import PODCAST_TOML, Field, Table, rules

    PUBLISH = PODCAST_TOML.add(Table("publish", "Where `feedpub publish` uploads.", (
        Field("target", "text", "the destination: sftp://host/dir, s3://bucket/prefix",
              required=True, example="sftp://example.org/var/www/feed"),
        Field("keep_old", "bool", "keep files no longer produced", default=False),
    )))

then list the module in :data:`EXTENSION_MODULES` below, so the loader imports
it before it reads a show (otherwise ``[publish]`` would be an unknown key).
The checked values arrive in ``Show.settings["publish"]`` (a dict with every
default filled in), and the README reference gains the table the next time
``python -m feedpub.source.reference --write`` runs (a test fails until then).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from . import rules
from .rules import Rule

__all__ = ["Field", "Table", "FileSchema", "PODCAST_TOML", "EPISODE_TOML", "CHAPTERS_TOML",
           "EXTENSION_MODULES", "rules", "schema_for"]

#: TOML types a field may have: text is a string, texts a list of strings, date a
#: TOML date or date-time or a string, duration and time a number or a string
Kind = Literal["text", "bool", "int", "number", "texts", "date", "duration", "time"]

KIND_NAMES: dict[str, str] = {
    "text": "string", "bool": "boolean", "int": "integer", "number": "number",
    "texts": "list of strings", "date": "date", "duration": "duration", "time": "time",
}


@dataclass(frozen=True)
class Field:
    """One key: ``rules`` check the value once its type is right (each item for ``texts``)."""

    key: str
    kind: Kind
    doc: str  # one line, for the README reference and `expected` when none is given
    expected: str = ""  # what an error message says was expected; defaults to doc
    required: bool = False
    default: Any = None
    rules: tuple[Rule, ...] = ()
    example: str | None = None  # a TOML value, for the README reference
    nonempty: bool = False  # a list that must have at least one item

    @property
    def what(self) -> str:
        return self.expected or self.doc


@dataclass(frozen=True)
class Table:
    """A TOML table (``name`` dotted, "" for the top level) or an array of tables."""

    name: str
    doc: str
    fields: tuple[Field, ...]
    array: bool = False  # [[name]]: a list of tables
    required: bool = False

    @property
    def parent(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def key(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def header(self) -> str:
        """How the table is written: ``[owner]``, ``[[podcast.funding]]``, or "top level"."""
        if not self.name:
            return "top level"
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass
class FileSchema:
    """All tables of one file, in the order the reference lists them."""

    name: str  # "podcast.toml"
    doc: str
    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        """Add a table (its parent must exist already); returns it, for a module constant."""
        if table.name in self.tables:
            raise ValueError(f"{self.name} already has a table {table.header}")
        if table.name and table.parent not in self.tables:
            raise ValueError(f"{self.name} has no table [{table.parent}] to put "
                             f"{table.header} in")
        parent = self.tables.get(table.parent) if table.name else None
        if parent is not None and parent.field(table.key) is not None:
            raise ValueError(f"{parent.header} already has a key {table.key!r}")
        self.tables[table.name] = table
        return table

    def children(self, name: str) -> list[Table]:
        return [t for t in self.tables.values() if t.name and t.parent == name]

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables.values())


#: modules that add tables to the schemas (see the module docstring); imported once,
#: before the first file is checked
EXTENSION_MODULES: tuple[str, ...] = (
    "feedpub.audiotargets",  # [audio]
    "feedpub.site.options",  # [site]
    "feedpub.publish.config",  # [publish]
)
_extensions_loaded = False


def load_extensions() -> None:
    global _extensions_loaded
    if not _extensions_loaded:
        _extensions_loaded = True
        for module in EXTENSION_MODULES:
            importlib.import_module(module)


def person_fields(who: str) -> tuple[Field, ...]:
    """name, role, group, href and img: a podcast:person."""
    return (
        Field("name", "text", f"the {who}'s name", required=True, example='"Ada Lovelace"'),
        Field("role", "text", "a Podcast Taxonomy role", default="host", example='"guest"'),
        Field("group", "text", "a Podcast Taxonomy group", default="cast", example='"cast"'),
        Field("href", "text", "a web page about them", "a URL", rules=(rules.https_url,),
              example='"https://example.org/ada"'),
        Field("img", "text", "a picture of them", "an image URL", rules=(rules.https_url,),
              example='"https://example.org/ada.jpg"'),
    )


PODCAST_TOML = FileSchema("podcast.toml", "The show: one file, the RSS channel.")
PODCAST_TOML.add(Table("", "The show's channel.", (
    Field("title", "text", "the show's title", required=True, example='"Trench Tech"'),
    Field("description", "text", "a description of the show", required=True,
          rules=(rules.not_placeholder,), example='"Talks about tech ethics."'),
    Field("link", "text", "the show's website", "the show's website URL", required=True,
          rules=(rules.url,), example='"https://www.trench-tech.fr"'),
    Field("language", "text", "ISO 639 code, optional region: \"en-us\"",
          "a language code such as 'fr' or 'en-us'", required=True,
          rules=(rules.language,), example='"fr"'),
    Field("author", "text", "the show's author or network", required=True,
          example='"Trench Tech"'),
    Field("artwork", "text", "the cover art (JPEG or PNG): a URL, or a file beside podcast.toml",
          required=True, rules=(rules.image_ref,),
          example='"https://media.example.org/cover.jpg"'),
    Field("categories", "texts", "Apple categories; a subcategory is \"Parent > Sub\"",
          "a list such as [\"Technology\"]", required=True, nonempty=True,
          rules=(rules.category,), example='["Technology", "Society & Culture > Philosophy"]'),
    Field("explicit", "bool", "whether the show is explicit", "true or false", required=True,
          example="false"),
    Field("type", "text", "episodic, or serial (then every episode needs a number)",
          "'episodic' or 'serial'", default="episodic",
          rules=(rules.one_of(*rules.SHOW_TYPES, expected="'episodic' or 'serial'"),),
          example='"episodic"'),
    Field("copyright", "text", "a copyright line", example='"© 2025 Trench Tech"'),
    Field("timezone", "text", "the zone of dates written without a time",
          "an IANA time zone", default="Europe/Paris", rules=(rules.time_zone,),
          example='"Europe/Paris"'),
    Field("feed_url", "text", "where feed.xml is served", "the public URL of feed.xml",
          required=True, rules=(rules.url,), example='"https://feeds.example.org/feed.xml"'),
    Field("media_base_url", "text", "the URL audio file names are appended to",
          "the public URL audio files are served from", required=True, rules=(rules.url,),
          example='"https://media.example.org/episodes/"'),
    Field("media_dir", "text", "where audio kept outside git is found",
          "a folder path for audio kept outside the repository", example='"../media"'),
)))
PODCAST_TOML.add(Table("owner", "itunes:owner; Spotify sends its verification code here.", (
    Field("name", "text", "the owner's name", required=True, example='"Trench Tech"'),
    Field("email", "text", "the owner's email", required=True, rules=(rules.email,),
          example='"podcast@example.org"'),
), required=True))
PODCAST_TOML.add(Table("podcast", "Podcasting 2.0 channel tags.", (
    Field("guid", "text", "podcast:guid; derived from feed_url when absent", "a UUID",
          rules=(rules.uuid_text,), example='"917393e3-1b1e-5cef-ace4-edaa54e1f810"'),
    Field("locked", "bool", "podcast:locked: other hosts may not import the feed",
          "true or false", default=True, example="true"),
    Field("locked_owner", "text", "the e-mail a host asks before a move (default owner.email)",
          "an email", rules=(rules.email,), example='"podcast@example.org"'),
    Field("medium", "text", "podcast:medium", "a medium", default="podcast",
          rules=(rules.one_of(*rules.MEDIUMS),), example='"podcast"'),
)))
PODCAST_TOML.add(Table("podcast.funding", "podcast:funding: where listeners support the show.", (
    Field("url", "text", "the support page", "a URL", required=True, rules=(rules.https_url,),
          example='"https://example.org/support"'),
    Field("text", "text", "a short label", default="Support us", example='"Support the show"'),
), array=True))
PODCAST_TOML.add(Table("podcast.persons", "podcast:person on the channel.",
                       person_fields("person"), array=True))

EPISODE_TOML = FileSchema("episode.toml", "One episode: episodes/<slug>/episode.toml.")
EPISODE_TOML.add(Table("", "The episode's item.", (
    Field("title", "text", "the episode title", required=True, example='"Episode 12"'),
    Field("date", "date", "publication date: 2025-05-13, a date-time or DD/MM/YYYY",
          "the publication date, e.g. 2025-05-13 or 13/05/2025", required=True,
          example="2025-05-13"),
    Field("audio", "text", "the audio file, a path elsewhere, or an https:// URL",
          "the audio file name or its URL", required=True, example='"ep-12.mp3"'),
    Field("duration", "duration", "the length you announce; checked against the audio",
          "seconds (252), a clock (4:12) or '04min'", rules=(rules.duration,),
          example='"45min"'),
    Field("type", "text", "full, trailer or bonus", default="full",
          rules=(rules.one_of(*rules.EPISODE_TYPES, expected="full, trailer or bonus"),),
          example='"full"'),
    Field("explicit", "bool", "whether the episode is explicit (default: not said)",
          "true or false", example="false"),
    Field("guid", "text", "the permanent id; derived from the folder name when absent",
          "a permanent unique id (a UUID is best)",
          rules=(rules.not_blank("a permanent unique id"),),
          example='"6f1c2d0e-5b1a-4c1e-9a55-8d2b7e3f4a10"'),
    Field("guid_is_permalink", "bool", "the guid is the episode's URL (isPermaLink=\"true\")",
          "true or false", default=False, example="false"),
    Field("season", "int", "season number", "a whole number above 0",
          rules=(rules.whole_number,), example="2"),
    Field("number", "int", "episode number (required in a serial show)",
          "a whole number above 0", rules=(rules.whole_number,), example="12"),
    Field("link", "text", "the episode's web page", "the episode's web page URL",
          rules=(rules.url,), example='"https://example.org/ep-12"'),
    Field("image", "text", "episode artwork (JPEG or PNG)", "episode artwork URL (JPEG or PNG)",
          rules=(rules.image_url,), example='"https://example.org/ep-12.jpg"'),
    Field("transcript_languages", "texts", "the languages its transcripts must be in",
          'a list of language codes such as ["fr", "en"]', rules=(rules.language,),
          example='["fr", "en"]'),
)))
EPISODE_TOML.add(Table("speakers", "podcast:person tags, and names in transcripts.", (
    Field("label", "text", "how the transcript calls them", "the transcript's label",
          example='"Speaker #0"'),
) + person_fields("speaker"), array=True))

CHAPTERS_TOML = FileSchema("chapters.toml", "An episode's chapters: episodes/<slug>/chapters.toml.")
CHAPTERS_TOML.add(Table("", "The file holds only [[chapters]] tables.", ()))
CHAPTERS_TOML.add(Table("chapters", "One chapter.", (
    Field("start", "time", 'when it starts: "M:SS", "H:MM:SS.mmm", or seconds (75.5)',
          'seconds (12.5) or a clock time ("1:02:03.5")', required=True,
          rules=(rules.seconds,), example='"12:30"'),
    Field("title", "text", "the chapter's title", example='"Sponsor"'),
    Field("end", "time", "when it ends", 'seconds (12.5) or a clock time ("1:02:03.5")',
          rules=(rules.seconds,), example='"15:00"'),
    Field("url", "text", "a web page about it", "a URL", example='"https://example.org"'),
    Field("img", "text", "an image for it", "an image URL",
          example='"https://example.org/art.jpg"'),
    Field("toc", "bool", "false: a silent chapter, not in the table of contents",
          "true or false", default=True, example="false"),
), array=True, required=True))

SCHEMAS = {s.name: s for s in (PODCAST_TOML, EPISODE_TOML, CHAPTERS_TOML)}
#: the tables declared here; the others come from EXTENSION_MODULES
BUILT_IN = {s.name: tuple(s.tables) for s in SCHEMAS.values()}


def ordered(schema: FileSchema) -> list[Table]:
    """The tables in a stable order: those declared here, then the other modules' tables
    by name (import order varies), each after its parent."""
    own = BUILT_IN.get(schema.name, ())
    return sorted(schema, key=lambda t: (t.name not in own,
                                         own.index(t.name) if t.name in own else 0,
                                         t.name.split(".")[0], t.name.count(".")))


def schema_for(name: str) -> FileSchema:
    """The schema of ``podcast.toml``, ``episode.toml`` or ``chapters.toml``, extensions in."""
    load_extensions()
    return SCHEMAS[name]
