"""The show as every stage sees it: frozen dataclasses, no I/O.

A build goes through three stages, each with its own type, so that mypy (not a
runtime assert) checks that no stage reads what an earlier one has not made:

* **read** -- :class:`Show` and :class:`Episode`: what podcast.toml and an
  episode folder say (loaded by config and episodes);
* **measured** -- :class:`MeasuredEpisode`: an episode with the facts of its
  audio and where they came from (:data:`Provenance`);
* **produced** -- :class:`BuiltEpisode`: a measured episode with its transcripts,
  chapters and the :class:`Output` files made for it.

The feed writer, the site and the publisher only read the produced stage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from .layout import Layout

EpisodeType = Literal["full", "trailer", "bonus"]
ShowType = Literal["episodic", "serial"]


@dataclass(frozen=True)
class Person:
    """A `podcast:person`: name plus role/group from the Podcast Taxonomy."""

    name: str
    role: str = "host"
    group: str = "cast"
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Speaker(Person):
    """A person who speaks in an episode, with the label the transcript uses.

    ``label`` is what the raw transcript calls them ("Speaker #0"); ``name``
    is what listeners see.
    """

    label: str | None = None


@dataclass(frozen=True)
class Owner:
    name: str
    email: str


@dataclass(frozen=True)
class Category:
    """An Apple Podcasts category with an optional subcategory."""

    name: str
    sub: str | None = None


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class Show:
    """Everything podcast.toml says about the show (the RSS channel)."""

    root: Path  # the show folder (where podcast.toml lives)
    title: str
    description: str
    link: str
    language: str
    author: str
    owner: Owner
    artwork: str  # absolute URL of the cover art
    categories: tuple[Category, ...]
    explicit: bool
    feed_url: str  # where feed.xml will be served (atom:link rel=self)
    media_base_url: str  # public URL that audio file names are appended to
    timezone: str = "Europe/Paris"
    type: ShowType = "episodic"
    copyright: str | None = None
    podcast_guid: str = ""
    locked: bool = True
    locked_owner: str | None = None
    funding: tuple[Funding, ...] = ()
    medium: str = "podcast"
    persons: tuple[Person, ...] = ()
    episodes_dir: str = "episodes"
    media_dir: Path | None = None  # where audio kept outside the repository is found
    #: checked values of the podcast.toml tables other modules declare ([publish], [site]…),
    #: for the tables the file has (see feedpub.source.schema)
    settings: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def layout(self) -> Layout:
        """Where the show's outputs live and are served (the one owner of paths and URLs)."""
        return Layout(self.feed_url, self.media_base_url)

    @property
    def artwork_is_url(self) -> bool:
        """False when ``artwork`` names an image file in the show folder."""
        return is_url(self.artwork)


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass(frozen=True)
class DeclaredDuration:
    """What episode.toml claims about the length, and how precise the claim is.

    ``04min`` means anything from 4:00 to 4:59, ``4:12`` means 252 s give or
    take the tolerance.
    """

    text: str
    low: float  # seconds
    high: float  # seconds
    line: int | None = field(default=None, compare=False)  # of the key in episode.toml

    def accepts(self, seconds: float) -> bool:
        return self.low <= seconds <= self.high


@dataclass(frozen=True)
class AudioFacts:
    """What probing the real file found (or what the lock file remembers)."""

    file: str  # name as given in episode.toml
    size: int  # bytes: the enclosure length
    duration: float  # seconds
    mime: str  # enclosure type
    sha256: str
    kind: str = ""  # container/codec family, e.g. "mp3", "opus"
    chapters: tuple[Chapter, ...] = ()  # chapters embedded in the file, if any
    bitrate: int | None = None  # bits per second, as the container states it
    sri: str | None = None  # "sha384-…" Subresource Integrity hash; alternate encodings only


@dataclass(frozen=True)
class Segment:
    """One cue or speaker turn of a transcript.

    Times are seconds (``None`` when the source has no timings); ``line`` is
    where it came from in the source file, for error messages.
    """

    text: str
    speaker: str | None = None
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass(frozen=True)
class Transcript:
    """A transcript in one language, independent of the file format it came from."""

    segments: tuple[Segment, ...]
    language: str | None = None
    source: Path | None = None

    @property
    def timed(self) -> bool:
        """True when every segment has a start and an end: timed formats may be written."""
        return bool(self.segments) and all(
            s.start is not None and s.end is not None for s in self.segments
        )

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.segments:
            if s.speaker:
                seen.setdefault(s.speaker)
        return tuple(seen)


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str | None = None
    end: float | None = None
    url: str | None = None
    img: str | None = None
    toc: bool = True
    line: int | None = field(default=None, compare=False)  # in the chapters file, for errors


OutputKind = Literal["feed", "transcript", "chapters", "page", "asset", "artwork", "media",
                     "host-config"]
CacheClass = Literal["feed", "media", "companion", "page"]
RootName = Literal["site", "media"]


@dataclass(frozen=True)
class Output:
    """One file a build produces, as ``build``, the site and ``publish`` all see it.

    ``path`` is relative to its ``root`` (see :mod:`feedpub.layout`): the site root
    (the feed's folder) or the media root (``media_base_url``).  The bytes are either
    in ``content`` or in the file at ``source`` (audio and artwork are not read into
    memory).  ``cache`` decides the Cache-Control a publish sets.
    """

    kind: OutputKind
    path: str
    url: str
    mime: str
    size: int
    sha256: str
    cache: CacheClass
    root: RootName = "site"
    content: bytes | None = field(default=None, repr=False, compare=False)
    source: Path | None = None
    #: what keeps ``source`` there while this output is used (a build's streamed feed,
    #: :class:`feedpub.cache.StreamedBlob`), or None
    keep: Any = field(default=None, repr=False, compare=False)
    language: str | None = None  # transcripts
    rel: str | None = None  # "captions" for timed transcripts

    @classmethod
    def of_bytes(cls, kind: OutputKind, path: str, url: str, mime: str, data: bytes,
                 cache: CacheClass, **extra: Any) -> Output:
        return cls(kind, path, url, mime, len(data), hashlib.sha256(data).hexdigest(), cache,
                   content=data, **extra)

    def read(self) -> bytes:
        """The bytes, from memory or from the source file."""
        if self.content is not None:
            return self.content
        assert self.source is not None, self.path
        return self.source.read_bytes()


@dataclass(frozen=True)
class Episode:
    """One episode folder, loaded and checked."""

    slug: str
    folder: Path
    title: str
    pub_date: datetime  # timezone-aware
    guid: str
    audio_file: str  # path relative to the episode folder, absolute path, or URL
    declared_duration: DeclaredDuration | None = None
    season: int | None = None
    number: int | None = None
    episode_type: EpisodeType = "full"
    explicit: bool | None = None
    description_html: str = ""
    description_text: str = ""
    link: str | None = None
    image: str | None = None
    speakers: tuple[Speaker, ...] = ()
    transcript_files: tuple[Path, ...] = ()
    transcript_languages: tuple[str, ...] = ()  # declared in episode.toml, if any
    chapters_file: Path | None = None
    guid_is_permalink: bool = False  # as the source declares it (an imported feed may)

    @property
    def audio_is_url(self) -> bool:
        return is_url(self.audio_file)


#: where an episode's audio facts came from: probed in this build, read from
#: feedpub.lock (the audio is not here), or declared by an import (not measured)
Provenance = Literal["measured", "lock", "declared"]


@dataclass(frozen=True)
class MeasuredEpisode:
    """Stage 2: an episode and the facts of its audio."""

    episode: Episode
    audio: AudioFacts
    provenance: Provenance
    media: Output | None = None  # the local audio file, when it is here to publish
    #: other encodings of the same audio (podcast:alternateEnclosure)
    alternates: tuple[AudioFacts, ...] = ()
    alternate_media: tuple[Output, ...] = ()  # those of them that are here to publish
    note: str | None = None  # what measuring declared facts changed (build --measure)

    @property
    def slug(self) -> str:
        return self.episode.slug


@dataclass(frozen=True)
class BuiltEpisode:
    """Stage 3: a measured episode with everything produced for it."""

    measured: MeasuredEpisode
    enclosure_url: str
    transcripts: tuple[Transcript, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    companions: tuple[Output, ...] = ()  # transcript and chapters files, feed order
    #: (facts, URL) of every encoding when there are alternates: the enclosure first
    encodings: tuple[tuple[AudioFacts, str], ...] = ()
    #: a digest of everything the episode was built from (its folder's files, its lock
    #: entry, the show fields and code the stages read): what later stages key their
    #: cached work on; "" when unknown (they then digest what they read themselves)
    key: str = field(default="", compare=False)

    @property
    def episode(self) -> Episode:
        return self.measured.episode

    @property
    def audio(self) -> AudioFacts:
        return self.measured.audio

    @property
    def slug(self) -> str:
        return self.measured.episode.slug
