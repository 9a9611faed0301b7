"""Per-episode units of work: an unchanged episode folder is taken whole from the cache.

A **unit** is what a build does for one episode folder -- load it (episode.toml, the show
notes), measure its audio, make its companions (transcripts, chapters) -- and its result,
a :class:`~feedpub.model.BuiltEpisode`.  Its **key** is a digest of everything those
stages read:

* every file under the folder, by name and SHA-256 of its bytes (a symlink also by its
  target); the SHA-256 comes from the file's stat fingerprint recorded with the unit, so
  an unchanged file costs one ``stat`` and a fresh clone (new mtimes) only hashes;
* the episode's entry in ``feedpub.lock`` (guid, audio facts, alternates);
* the show fields the stages read (:func:`context_of`), not the whole podcast.toml;
* feedpub's code hash and the environment that changes what is accepted;
* audio kept outside the folder (``media_dir``, an absolute path) and its other
  encodings, checked as dependencies of the unit.

A hit rebuilds the built episode from its record without reading a source again:
companion files stay in the cache as blobs (``Output.source``), and transcripts' segments
are read from their blob only when a stage asks for them (the site, for a page it renders
again).  Only a build that found no problem at all records its units (saved with the cache when
the build is written): an episode with an error is never cached, so it is rebuilt every
time.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .. import transcripts
from ..audio import AUDIO_EXTENSIONS, Listing, alternate_files, listing, sha256_of
from ..cache import Cache, code_hash, stamp
from ..episodes import load_episode
from ..markup import markdown_to_html
from ..model import (
    AudioFacts,
    BuiltEpisode,
    Chapter,
    DeclaredDuration,
    Episode,
    MeasuredEpisode,
    Output,
    Segment,
    Show,
    Speaker,
    Transcript,
)
from ..validate.hosts import ALLOW_TEST_HOSTS
from .lock import Entry, Lock
from .media import local_audio_path

KIND = "units"
FORMAT = 4  # the record's layout; a change makes every record a miss
#: a fingerprint taken this close to the build's start (ns) is not trusted next time: a
#: file changed again within the file system's timestamp granularity would keep it
RACY = 2_000_000_000

T = TypeVar("T")
Row = list[Any]  # a file under the folder: name, link target, stamp (see cache.stamp)
#: a record: [base key, files ([name, link, sha256]), deps, key, payload, folders (names),
#: stamps (of the folders, then the files, ";"-joined), the files' digest]
RECORD = 8


def _new(cls: type[T], values: dict[str, Any]) -> T:
    """A frozen dataclass instance from all its field values, without the per-field
    ``object.__setattr__`` of its generated ``__init__`` (the unit's records hold every
    field, and materialising thousands of episodes is on every build's path)."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


_FIELDS = {cls: tuple(f.name for f in fields(cls))
           for cls in (AudioFacts, Chapter, Segment, Speaker, Output, Episode,
                       MeasuredEpisode, BuiltEpisode, DeclaredDuration)}


def _check_fields() -> None:
    """The records' layout below names each field; a model change must change it too."""
    assert len(_FIELDS[AudioFacts]) == 9 and len(_FIELDS[Chapter]) == 7
    assert len(_FIELDS[Output]) == 13 and len(_FIELDS[Episode]) == 20
    assert len(_FIELDS[MeasuredEpisode]) == 7 and len(_FIELDS[BuiltEpisode]) == 7


_check_fields()


# -- the key ------------------------------------------------------------------------

def context_of(show: Show) -> str:
    """What the unit's stages read of the show and its environment: dates (time zone),
    serial numbering, derived guids, transcript languages, where audio is found, URLs."""
    fields_read = (FORMAT, code_hash(), str(show.root), show.episodes_dir, show.timezone,
                   show.type, show.podcast_guid, show.language,
                   str(show.media_dir) if show.media_dir else None, show.feed_url,
                   show.media_base_url, os.environ.get(ALLOW_TEST_HOSTS, ""))
    return hashlib.sha256(repr(fields_read).encode()).hexdigest()


def facts_key(a: AudioFacts | None) -> tuple[Any, ...] | None:
    if a is None:
        return None
    return (a.file, a.size, a.duration, a.mime, a.sha256, a.kind, a.bitrate, a.sri,
            tuple((c.start, c.title, c.end, c.url, c.img, c.toc) for c in a.chapters))


def entry_key(entry: Entry) -> str:
    """The lock entry as the probe reads it (not ``audio check``'s analysis)."""
    return repr((entry.guid, facts_key(entry.audio),
                 tuple(facts_key(a) for a in entry.alternates), entry.declared))


def walk(folder: Path, prefix: str = "", dirs: list[Row] | None = None
         ) -> tuple[list[Row], list[Row]] | None:
    """Every file under ``folder`` with its stamp, sorted by name, and the stamp of each
    folder (whose names it vouches for); None when something there is neither a regular
    file nor a folder (a unit is then not cached)."""
    rows: list[Row] = []
    dirs = [] if dirs is None else dirs
    try:
        if not prefix:
            dirs.append(["", stamp(os.stat(folder))])
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                link = None
                if entry.is_symlink():
                    link = os.readlink(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    dirs.append([name, stamp(entry.stat(follow_symlinks=False))])
                    below = walk(Path(entry.path), name + "/", dirs)
                    if below is None:
                        return None
                    rows += below[0]
                    continue
                st = entry.stat()
                if not stat.S_ISREG(st.st_mode):
                    return None
                rows.append([name, link, stamp(st)])
    except OSError:
        return None
    rows.sort()  # by name: names are unique
    return rows, dirs


def stamps_now(base: str, dirs: list[str], files: list[Any]) -> list[str] | None:
    """The stamps of the recorded folders and files now (one ``stat`` each, no listing);
    None if one is gone."""
    try:
        now = [stamp(os.stat(f"{base}/{d}", follow_symlinks=False) if d else os.stat(base))
               for d in dirs]
        now += [stamp(os.stat(f"{base}/{f[0]}")) for f in files]
    except (OSError, TypeError, IndexError):
        return None
    return now


def regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def settled(mark: str, started: int) -> str:
    """A stamp to record: one with a ctime close to the build's start is spoilt (the next
    build compares it in vain and looks at the file again)."""
    return mark if int(mark.split(":")[2]) < started - RACY else "-"


def valid(found: Any) -> list[Any]:
    """A record of the expected shape, else []."""
    if not (isinstance(found, list) and len(found) == RECORD and isinstance(found[1], list)
            and isinstance(found[5], list) and isinstance(found[6], str)
            and isinstance(found[7], str)):
        return []
    files, dirs = found[1], found[5]
    if all(isinstance(f, list) and len(f) == 3 and isinstance(f[0], str)
           and isinstance(f[2], str) for f in files) and \
            all(isinstance(d, str) for d in dirs) and \
            found[6].count(";") == len(dirs) + len(files) - 1:
        return found
    return []


def file_hash(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


# -- records ------------------------------------------------------------------------

def facts_row(a: AudioFacts) -> list[Any]:
    return [a.file, a.size, a.duration, a.mime, a.sha256, a.kind,
            [chapter_row(c) for c in a.chapters], a.bitrate, a.sri]


def facts_of(row: list[Any]) -> AudioFacts:
    values = dict(zip(_FIELDS[AudioFacts], row))
    values["chapters"] = tuple(chapter_of(c) for c in row[6])
    return _new(AudioFacts, values)


def chapter_row(c: Chapter) -> list[Any]:
    return [c.start, c.title, c.end, c.url, c.img, c.toc, c.line]


def chapter_of(row: list[Any]) -> Chapter:
    return _new(Chapter, dict(zip(_FIELDS[Chapter], row)))


def output_row(o: Output) -> list[Any]:
    return [o.kind, o.path, o.url, o.mime, o.size, o.sha256, o.cache, o.root,
            str(o.source) if o.source else None, o.language, o.rel]


def output_of(row: list[Any], source: Path | None = None) -> Output:
    values = dict(zip(("kind", "path", "url", "mime", "size", "sha256", "cache", "root"), row))
    values.update(content=None, keep=None,
                  source=source or (Path(row[8]) if row[8] else None),
                  language=row[9], rel=row[10])
    return _new(Output, values)


def below(folder: Path, source: str | None) -> Path | None:
    """``source`` (a path a record holds) as a path below ``folder`` when it is one: only
    its own part is parsed, not the whole path again (the episode's audio)."""
    if source is None:
        return None
    base = os.fspath(folder)
    if source.startswith(base) and source[len(base):len(base) + 1] == "/":
        return folder / source[len(base) + 1:]
    return Path(source)


def date_row(moment: datetime) -> list[Any]:
    """A date as its wall time and zone: exactly the datetime episode.toml gave."""
    if isinstance(moment.tzinfo, ZoneInfo):
        return [moment.replace(tzinfo=None).isoformat(), moment.tzinfo.key, moment.fold]
    return [moment.isoformat(), None, moment.fold]


def date_of(row: list[Any]) -> datetime:
    moment = datetime.fromisoformat(row[0])
    if row[1] is not None:
        moment = moment.replace(tzinfo=ZoneInfo(row[1]))
    return moment.replace(fold=row[2]) if row[2] else moment


def episode_row(ep: Episode) -> list[Any]:
    dd = ep.declared_duration
    return [ep.title, date_row(ep.pub_date), ep.guid, ep.audio_file,
            [dd.text, dd.low, dd.high] if dd else None, ep.season, ep.number,
            ep.episode_type, ep.explicit, None, None, ep.link,  # notes: in a blob
            ep.image, [[s.name, s.role, s.group, s.href, s.img, s.label] for s in ep.speakers],
            [p.name for p in ep.transcript_files], list(ep.transcript_languages),
            ep.chapters_file.name if ep.chapters_file else None, ep.guid_is_permalink]


def episode_of(row: list[Any], slug: str, folder: Path, notes: Callable[[], list[str]]
               ) -> Episode:
    dd = row[4]
    return _new(StoredEpisode, {
        "slug": slug, "folder": folder, "title": row[0], "pub_date": date_of(row[1]),
        "guid": row[2], "audio_file": row[3],
        "declared_duration": _new(DeclaredDuration, {"text": dd[0], "low": dd[1],
                                                     "high": dd[2]}) if dd else None,
        "season": row[5], "number": row[6], "episode_type": row[7], "explicit": row[8],
        "_notes": notes, "link": row[11],
        "image": row[12],
        "speakers": tuple(_new(Speaker, dict(zip(_FIELDS[Speaker], s))) for s in row[13]),
        "transcript_files": tuple(folder / name for name in row[14]),
        "transcript_languages": tuple(row[15]),
        "chapters_file": folder / row[16] if row[16] else None,
        "guid_is_permalink": row[17],
    })


class _Notes:
    """A show-notes field of a :class:`StoredEpisode`: read from the cache when asked."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> str:
        if obj is None:
            return ""
        found: str | None = obj.__dict__.get(self.name)
        if found is not None:
            return found
        return str(obj.__dict__["_notes"]()[self.index])

    def __set__(self, obj: Any, value: str) -> None:  # as __init__ and replace() do
        obj.__dict__[self.name] = value


class StoredEpisode(Episode):
    """An episode whose show notes stay in the cache until a stage asks for them (the feed
    item or the page of an unchanged episode comes from the cache too); read again on each
    access, not kept."""

    description_html = _Notes(0)
    description_text = _Notes(1)


def notes_json(ep: Episode) -> bytes:
    return json.dumps([ep.description_html, ep.description_text], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def notes_loader(cache: Cache, sha: str, show: Show, folder: Path
                 ) -> Callable[[], list[str]]:
    """The notes from their blob; if the cache went away meanwhile, from the folder."""
    def load() -> list[str]:
        data = cache.get_blob(sha)
        if data is not None:
            try:
                found = json.loads(data)
                if isinstance(found, list) and len(found) == 2:
                    return found
            except ValueError:
                pass
        ep = load_episode(show, folder, lambda text: cache.render(
            "markdown", text, markdown_to_html))
        return [ep.description_html, ep.description_text]
    return load


class StoredTranscript(Transcript):
    """A transcript whose segments stay in the cache until a stage asks for them (read
    again on each access, not kept: most builds never need them)."""

    def __init__(self, language: str | None, source: Path | None,
                 load: Callable[[], tuple[Segment, ...]]) -> None:
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "_load", load)

    @property
    def segments(self) -> tuple[Segment, ...]:
        load: Callable[[], tuple[Segment, ...]] = self.__dict__["_load"]
        return load()


def segments_json(tr: Transcript) -> bytes:
    return json.dumps([[s.text, s.speaker, s.start, s.end, s.line] for s in tr.segments],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def segments_loader(cache: Cache, sha: str, source: Path, language: str,
                    speakers: tuple[Speaker, ...]) -> Callable[[], tuple[Segment, ...]]:
    """The segments from their blob; if the cache went away meanwhile, from the source."""
    def load() -> tuple[Segment, ...]:
        data = cache.get_blob(sha)
        if data is not None:
            try:
                return tuple(_new(Segment, dict(zip(_FIELDS[Segment], row)))
                             for row in json.loads(data))
            except (ValueError, TypeError):
                pass
        return transcripts.name_speakers(transcripts.read(source, language),
                                         speakers).segments
    return load


@dataclass
class Unit:
    """One episode folder: its key, and its built episode when the cache had it."""

    folder: Path
    rows: list[Row] | None  # the folder's files (None: not cacheable)
    shas: list[str | None]  # each row's SHA-256
    files: str  # the digest of the folder's files and the show context ("": none)
    digest: str = ""  # the digest of the folder's files alone
    built: BuiltEpisode | None = None  # reused from the cache
    dirs: list[Row] = field(default_factory=list)  # the folders' own stamps
    rendered: list[str] = field(default_factory=list)  # the cache's keys of its notes' HTML

    @property
    def slug(self) -> str:
        return self.folder.name

    def with_entry(self, entry: Entry | None) -> str:
        """The unit's base key: its files with the lock entry it is built under."""
        text = f"{self.files}\0{entry_key(entry) if entry else None}"
        return hashlib.sha256(text.encode()).hexdigest()


class Units:
    """The units of one build: looked up before loading, recorded after a clean build."""

    def __init__(self, show: Show, lock: Lock, cache: Cache, reuse: bool = True) -> None:
        self.show, self.lock, self.cache, self.reuse = show, lock, cache, reuse
        self.context = context_of(show)
        self.started = time.time_ns()  # see RACY
        self.fresh: list[tuple[Unit, BuiltEpisode, str]] = []
        self.reused = 0
        self.listings: dict[Path, Listing] = {}  # folders of audio kept elsewhere

    # -- looking up ---------------------------------------------------------------
    def look(self, folder: Path) -> Unit:
        """The unit of ``folder``: its key, and its built episode if the cache has it.

        An unchanged folder costs one ``stat`` per folder and file and one comparison of
        their stamps with the record's; only a file whose stamp changed is hashed."""
        if not self.reuse:
            return Unit(folder, None, [], "")
        record = valid(self.cache.lookup(KIND, folder.name))
        now = stamps_now(os.fspath(folder), record[5], record[1]) if record else None
        same = now is not None and ";".join(now) == record[6]
        if now is not None and same:  # nothing changed: its rows only if it is rebuilt
            unit = Unit(folder, [], [], self.files_key(folder, record[7]), record[7])
        else:
            unit = self.unit_of(folder, record, now)
            if unit.rows is None:
                return unit
        if record and record[0] == unit.with_entry(self.lock.entries.get(folder.name)):
            try:
                unit.built = self.materialise(unit, record)
            except (LookupError, TypeError, ValueError, AttributeError):
                unit.built = None  # a damaged record: rebuilt
            if unit.built is not None and same:
                self.reused += 1
            elif unit.built is not None:
                self.reused += 1
                files, names, marks = self.fingerprints(unit)
                if marks != record[6]:  # looked at again: trust anew
                    self.cache.store(KIND, unit.slug, [record[0], files, *record[2:5], names,
                                                       marks, unit.digest])
        if unit.built is None:
            if now is not None and same:
                names = record[5]
                unit.dirs = [[d, mark] for d, mark in zip(names, now)]
                unit.rows = [[f[0], f[1], mark] for f, mark in zip(record[1], now[len(names):])]
                unit.shas = [f[2] for f in record[1]]
            self.remember_audio_hashes(unit)
        return unit

    def unit_of(self, folder: Path, record: list[Any], now: list[str] | None) -> Unit:
        """The unit of a folder whose stamps changed: listed again if one of its folders'
        did, each file whose own stamp changed hashed again."""
        names, files = (record[5], record[1]) if record else ([], [])
        old = record[6].split(";") if record else []
        known = {f[0]: (f, mark) for f, mark in zip(files, old[len(names):])}
        if now is not None and now[:len(names)] == old[:len(names)]:
            dirs = [[d, mark] for d, mark in zip(names, now)]  # the same names
            rows = [[f[0], f[1], mark] for f, mark in zip(files, now[len(dirs):])]
        else:
            walked = walk(folder)
            if walked is None:
                return Unit(folder, None, [], "")
            rows, dirs = walked
        shas: list[str | None] = []
        for row in rows:
            f, mark = known.get(row[0], (None, None))
            if f is not None and f[1] == row[1] and mark == row[2]:
                shas.append(f[2])
            else:
                path = folder / row[0]
                shas.append(file_hash(path) if regular(path) else None)
        if None in shas:
            return Unit(folder, None, [], "")
        digest = hashlib.sha256()
        for row, sha in zip(rows, shas):
            digest.update(f"\0{row[0]}\0{row[1]}\0{sha}".encode())
        return Unit(folder, rows, shas, self.files_key(folder, digest.hexdigest()),
                    digest=digest.hexdigest(), dirs=dirs)

    def files_key(self, folder: Path, files: str) -> str:
        """What a unit is built from apart from its lock entry: the digest of its files
        (names, link targets, SHA-256), the folder's name and the show context."""
        return hashlib.sha256(f"{self.context}\0{folder.name}\0{files}".encode()).hexdigest()

    def render_for(self, unit: Unit) -> Callable[[str], str]:
        """Markdown to HTML through the cache, for loading ``unit`` (the keys are kept
        with the unit, so the renderings outlive builds that reuse it whole)."""
        def render(text: str) -> str:
            unit.rendered.append(self.cache.render_key("markdown", text))
            return self.cache.render("markdown", text, markdown_to_html)
        return render

    def rendered_elsewhere(self, unit: Unit, text: str, html: str) -> None:
        """A rendering a worker process made for loading ``unit``, kept as
        :meth:`render_for` keeps its own."""
        unit.rendered.append(self.cache.render_key("markdown", text))
        self.cache.render("markdown", text, lambda _: html)

    def remember_audio_hashes(self, unit: Unit) -> None:
        """Hand the audio hashes to the probe, which would otherwise read the files again."""
        assert unit.rows is not None
        for row, sha in zip(unit.rows, unit.shas):
            if sha and Path(row[0]).suffix.lower() in AUDIO_EXTENSIONS:
                self.cache.remember_sha256(unit.folder / row[0], sha)

    def materialise(self, unit: Unit, record: list[Any]) -> BuiltEpisode | None:
        """The built episode of a record whose base key matched, or None if what it
        depends on outside the folder changed or a blob it names is gone or damaged."""
        deps, key, payload = record[2:5]
        if not self.deps_hold(deps):
            return None
        ep_row, m_row, b_row, rendered = payload
        folder, cache = unit.folder, self.cache
        # the notes and segments are read through get_blob (checked), and from the folder
        # if their blob is gone: only marked as used here
        if not cache.use_blob(ep_row[9]):
            return None
        for rendering in rendered:  # the notes' HTML, for a later build that loads them
            cache.keep_rendered(rendering)
        episode = episode_of(ep_row, unit.slug, folder,
                             notes_loader(cache, ep_row[9], self.show, folder))
        audio = facts_of(m_row[0])
        alternates = tuple(facts_of(a) for a in m_row[3])
        measured = _new(MeasuredEpisode, {
            "episode": episode, "audio": audio, "provenance": m_row[1],
            "media": output_of(m_row[2], below(folder, m_row[2][8])) if m_row[2] else None,
            "alternates": alternates,
            "alternate_media": tuple(output_of(o) for o in m_row[4]), "note": None})
        companions = []
        for row in b_row[3]:
            if cache.intact_blob(row[5]) != row[4]:
                return None  # gone or damaged
            companions.append(output_of(row, cache.blob_path(row[5])))
        stored = []
        files = {p.name: p for p in episode.transcript_files}
        for language, source, sha in b_row[1]:
            if not cache.use_blob(sha):
                return None
            path = files.get(source) or folder / source
            stored.append(StoredTranscript(language, path, segments_loader(
                cache, sha, path, language, episode.speakers)))
        facts = (audio, *alternates)
        return _new(BuiltEpisode, {
            "measured": measured, "enclosure_url": b_row[0], "transcripts": tuple(stored),
            "chapters": tuple(chapter_of(c) for c in b_row[2]),
            "companions": tuple(companions),
            "encodings": tuple((facts[i], url) for i, url in b_row[4]), "key": key})

    def deps_hold(self, deps: list[Any]) -> bool:
        """Audio outside the folder still has the bytes (and other encodings) recorded."""
        if not deps:
            return True
        path, sha, alternates = Path(deps[0]), deps[1], deps[2]
        if sha is None:
            return not path.exists()
        if self.sha_of(path) != sha:
            return False
        parent = path.parent
        if parent not in self.listings:
            self.listings[parent] = listing(parent)
        found = alternate_files(path, self.listings[parent])
        return [str(p) for p in found] == [a[0] for a in alternates] and all(
            self.sha_of(p) == a[1] for p, a in zip(found, alternates))

    def sha_of(self, path: Path) -> str | None:
        sha = self.cache.known_sha256(path) or file_hash(path)
        if sha is not None:
            self.cache.remember_sha256(path, sha)
        return sha

    # -- recording ----------------------------------------------------------------
    def keyed(self, unit: Unit, built: BuiltEpisode) -> BuiltEpisode:
        """A freshly built episode with its key, kept to be recorded if the build is clean.

        The key names the lock entry this build writes for the episode: the next build
        reads that entry, and gives this same episode -- unless the audio was measured
        from a URL (the next build takes the facts from the lock): that one waits."""
        m = built.measured
        if not unit.files or (m.provenance == "measured" and m.media is None):
            return built
        base = unit.with_entry(Entry(built.episode.guid, m.audio, m.alternates,
                                     declared=m.provenance == "declared"))
        deps = self.deps_of(unit.folder, built)
        key = hashlib.sha256(f"{base}\0{json.dumps(deps)}".encode()).hexdigest()
        built = replace(built, key=key)
        self.fresh.append((unit, built, base))
        return built

    def deps_of(self, folder: Path, built: BuiltEpisode) -> list[Any]:
        path = local_audio_path(self.show, built.episode)
        if path is None or inside(path, folder):
            return []
        if built.measured.media is None:
            return [str(path), None, []]
        return [str(path), built.audio.sha256,
                [[str(o.source), o.sha256] for o in built.measured.alternate_media]]

    def fingerprints(self, unit: Unit) -> tuple[list[Row], list[str], str]:
        """The unit's files (with their hashes), folders and stamps as a record keeps them."""
        assert unit.rows is not None
        started = self.started
        return ([[row[0], row[1], sha] for row, sha in zip(unit.rows, unit.shas)],
                [d[0] for d in unit.dirs],
                ";".join([*(settled(d[1], started) for d in unit.dirs),
                          *(settled(row[2], started) for row in unit.rows)]))

    def record_all(self) -> None:
        """Record the fresh units of a build that found no problem (the cache keeps them
        in memory until the build is written)."""
        cache = self.cache
        for unit, built, base in self.fresh:
            assert unit.rows is not None
            if any(tr.source is None for tr in built.transcripts):
                continue  # not one read from the folder: left uncached
            m = built.measured
            companions = []
            stored = []
            for o in built.companions:
                cache.put_blob(o.read(), defer=True)
                companions.append(output_row(o))
            for tr in built.transcripts:
                assert tr.source is not None
                sha = cache.put_blob(segments_json(tr), packed=True)
                stored.append([tr.language, tr.source.relative_to(unit.folder).as_posix(), sha])
            facts = [m.audio, *m.alternates]
            ep_row = episode_row(built.episode)
            ep_row[9] = cache.put_blob(notes_json(built.episode), packed=True)
            payload = [
                ep_row,
                [facts_row(m.audio), m.provenance, output_row(m.media) if m.media else None,
                 [facts_row(a) for a in m.alternates],
                 [output_row(o) for o in m.alternate_media]],
                [built.enclosure_url, stored, [chapter_row(c) for c in built.chapters],
                 companions, [[facts.index(a), url] for a, url in built.encodings]],
                unit.rendered,
            ]
            files, names, marks = self.fingerprints(unit)
            deps = self.deps_of(unit.folder, built)
            cache.store(KIND, unit.slug, [base, files, deps, built.key, payload, names, marks,
                                          unit.digest])


def inside(path: Path, folder: Path) -> bool:
    rel = os.path.relpath(os.path.normpath(path), os.path.normpath(folder))
    return not (rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel))


__all__ = ["KIND", "StoredEpisode", "StoredTranscript", "Unit", "Units", "context_of"]
