"""Records of a feed -> the show's files: podcast.toml, episodes/<slug>/, feedpub.lock.

Everything is prepared in memory first (TOML text, notes, downloaded transcripts
and chapters), then written file by file atomically, ``feedpub.lock`` last, so a
failed import writes nothing.  Every path is made here from a fixed file name and
a slug this module derived (never from a URL or a title as given), and checked to
lie inside the target folder before anything is written.

A re-run adds the episodes whose guid is new; a file that exists and differs from
what the import would write (a local edit, or a change on the old host) is kept
and reported, unless ``force`` is set.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from .. import spec
from ..build.lock import Entry, load_lock
from ..errors import Problem
from ..markup import html_to_text
from ..model import AudioFacts, Chapter
from ..writefile import write_atomic
from . import htmlmd, media, tomlout
from .fetch import FetchError, Limits, fetch_bytes
from .read_feed import Feed, ImportFailed, Item, Note

EPISODES = "episodes"
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}
FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o",
                      "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ð": "d"})
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
#: transcript types feedpub reads, and the extension each is saved with
TRANSCRIPT_EXT = {"text/vtt": ".vtt", "application/x-subrip": ".srt", "application/srt": ".srt",
                  "text/srt": ".srt", "application/json": ".json"}
#: zones tried, in order, for the show's timezone (the first that fits every date wins)
ZONES = ("UTC", "Europe/Paris", "Europe/London", "America/New_York", "America/Chicago",
         "America/Denver", "America/Los_Angeles", "Europe/Berlin", "Europe/Madrid",
         "America/Sao_Paulo", "America/Toronto", "Australia/Sydney", "Asia/Tokyo",
         "Asia/Kolkata", "Europe/Helsinki", "Africa/Johannesburg")


@dataclass(frozen=True)
class Options:
    force: bool = False  # overwrite files that differ from the feed
    i_own_this_feed: bool = False  # import a feed with podcast:locked yes
    download_audio: bool = False  # fetch the media into the episode folders
    dry_run: bool = False  # report only
    limits: Limits = Limits()


@dataclass
class Report:
    root: Path
    feed: Feed
    created: list[str] = field(default_factory=list)  # episode slugs
    kept: list[str] = field(default_factory=list)  # files that differ, left as they are
    overwritten: list[str] = field(default_factory=list)
    unchanged: int = 0  # episodes already there, identical
    skipped: list[str] = field(default_factory=list)  # items not imported (why in notes)
    notes: list[Note] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


# -- names ---------------------------------------------------------------------------

def slug_of(title: str) -> str:
    """Lower-case ASCII words joined by '-', accents folded; never a Windows device name."""
    folded = unicodedata.normalize("NFKD", title.translate(FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")
    if not slug:
        slug = "episode"
    if slug in RESERVED or slug.split(".")[0] in RESERVED:
        slug += "-episode"
    return slug


def existing_episodes(root: Path) -> dict[str, str]:
    """guid -> folder name of the episodes already in the show (unreadable ones skipped)."""
    found: dict[str, str] = {}
    base = root / EPISODES
    if not base.is_dir():
        return found
    for folder in sorted(base.iterdir()):
        try:
            data = tomllib.loads((folder / "episode.toml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        guid = data.get("guid")
        if isinstance(guid, str):
            found[guid.strip()] = folder.name
    return found


def assign_slugs(items: list[Item], root: Path, known: dict[str, str]) -> dict[int, str]:
    """A folder name per item: the existing one for a known guid, else a new unique one.

    Oldest first, so the first episode of a title gets the plain slug and reruns (which
    find the earlier ones by guid) give every new episode the same name again.
    """
    base = root / EPISODES
    # a folder holding only the .part of an interrupted --download-audio is free to resume
    taken = {p.name.lower() for p in base.iterdir()
             if not p.is_dir() or not all(f.name.endswith(".part") for f in p.iterdir())
             } if base.is_dir() else set()
    taken |= {s.lower() for s in known.values()}
    slugs: dict[int, str] = {}
    order = sorted(items, key=lambda i: (i.pub_date or datetime.min.replace(
        tzinfo=ZoneInfo("UTC")), i.index))
    for item in order:
        if item.guid in known:
            slugs[item.index] = known[item.guid]
            continue
        stem = slug_of(item.title)
        slug, n = stem, 1
        while slug.lower() in taken:
            n += 1
            slug = f"{stem}-{n}"
        taken.add(slug.lower())
        slugs[item.index] = slug
    return slugs


def inside(root: Path, path: Path, real_root: Path | None = None) -> Path:
    """``path`` if it resolves inside ``root`` (symlinks included); else refuse."""
    real_root = real_root or root.resolve()
    real = path.resolve()
    if real != real_root and real_root not in real.parents:
        raise ImportFailed(Problem(path, "would be written outside the show folder; refused"))
    return path


def write_new(path: Path, data: bytes) -> None:
    """Atomic (temp file, then rename) but not synced one by one: :func:`write_show`
    syncs once at the end, so thousands of episodes import in seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.import.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- values ----------------------------------------------------------------------------

def choose_timezone(items: list[Item]) -> str:
    """The first zone in :data:`ZONES` whose offset matches every pubDate as published."""
    dated = [i.pub_date for i in items if i.pub_date is not None]
    for name in ZONES:
        zone = ZoneInfo(name)
        if all(d.utcoffset() == d.astimezone(zone).utcoffset() for d in dated):
            return name
    return "UTC"


def media_base(items: list[Item], fallback: str) -> str:
    for item in items:
        if item.enclosure_url:
            real = item.enclosure_url[len(item.analytics_prefix or ""):]
            if not re.match(r"^https?://", real, re.IGNORECASE):
                real = "https://" + real
            return urljoin(real, "./")
    return urljoin(fallback, "./")


def clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def show_values(feed: Feed, notes: list[Note]) -> dict[str, Any]:
    ch = feed.channel
    where = "channel"
    url = ch.self_url or feed.url
    values: dict[str, Any] = {"title": ch.title or None}
    description = ch.description
    if re.search(r"<[a-zA-Z/]", description):
        description = html_to_text(description)
        notes.append(Note(where, "the show's description is HTML; podcast.toml keeps its text"))
    values["description"] = description or None
    values["link"] = ch.link
    values["language"] = ch.language
    values["author"] = ch.author or ch.owner_name
    if not ch.author and ch.owner_name:
        notes.append(Note(where, f"no itunes:author; the owner's name {ch.owner_name!r} is used"))
    values["artwork"] = ch.artwork
    categories = []
    for name, sub in ch.categories:
        wrong = spec.check_category(name, sub)
        if wrong:
            notes.append(Note(where, f"category {name}{' > ' + sub if sub else ''}: {wrong}; "
                              "left out"))
        else:
            categories.append(f"{name} > {sub}" if sub else name)
    values["categories"] = categories or None
    if ch.explicit is None:
        notes.append(Note(where, "no usable itunes:explicit; written as false: check it"))
    values["explicit"] = bool(ch.explicit)
    if ch.type != "episodic":
        values["type"] = ch.type
    values["copyright"] = ch.copyright
    values["timezone"] = choose_timezone(feed.items)
    values["feed_url"] = url
    values["media_base_url"] = media_base(feed.items, url or "https://example.invalid/")
    values["owner"] = {"name": ch.owner_name, "email": ch.owner_email}
    podcast: dict[str, Any] = {}
    if ch.podcast_guid:
        podcast["guid"] = ch.podcast_guid
    elif url:
        podcast["guid"] = spec.podcast_guid(url)
        notes.append(Note(where, f"no podcast:guid; pinned to {podcast['guid']}, the one "
                          f"derived from the feed's URL, so it survives the move"))
    if ch.locked is not None:
        podcast["locked"] = ch.locked
    if ch.locked_owner and ch.locked_owner != ch.owner_email:
        podcast["locked_owner"] = ch.locked_owner
    if ch.medium:
        podcast["medium"] = ch.medium
    if ch.funding:
        podcast["funding"] = [{"url": u, "text": t} for u, t in ch.funding]
    if ch.persons:
        podcast["persons"] = [person_values(p) for p in ch.persons]
    values["podcast"] = podcast
    for key in ("title", "description", "link", "language", "author", "artwork", "categories",
                "feed_url"):
        if not values.get(key):
            notes.append(Note(where, f"the feed gives no {key}; fill it in podcast.toml"))
    for key in ("name", "email"):
        if not values["owner"].get(key):
            notes.append(Note(where, f"the feed gives no owner {key} (itunes:owner); fill "
                              f"owner.{key} in podcast.toml"))
    if ch.new_feed_url:
        values["new_feed_url"] = ch.new_feed_url  # kept as a comment in podcast.toml
        notes.append(Note(where, f"the feed says it moved to {ch.new_feed_url} "
                          "(itunes:new-feed-url): import from there if it is newer"))
    return values


def person_values(p: Any) -> dict[str, Any]:
    return {k: v for k, v in (("name", p.name), ("role", p.role), ("group", p.group),
                              ("href", p.href), ("img", p.img)) if v}


def episode_values(item: Item, notes: list[Note]) -> dict[str, Any]:
    assert item.pub_date is not None and item.enclosure_url is not None
    values: dict[str, Any] = {"title": item.title, "date": item.pub_date,
                              "guid": item.guid}
    if item.guid_is_permalink is True or (
            item.guid_is_permalink is None and re.match(r"^https?://", item.guid)):
        values["guid_is_permalink"] = True
    values["audio"] = item.enclosure_url
    if item.duration is not None:
        values["duration"] = clock(item.duration)
    if item.episode_type != "full":
        values["type"] = item.episode_type
    for key in ("explicit", "season", "number", "link", "image"):
        value = getattr(item, key)
        if value is not None:
            values[key] = value
    if item.keywords:
        values["keywords"] = list(item.keywords)
    if item.persons:
        values["speakers"] = [person_values(p) for p in item.persons]
    return values


# -- companions ------------------------------------------------------------------------

def transcript_files(item: Item, language: str, limits: Limits,
                     notes: list[Note]) -> dict[str, bytes]:
    """``transcript.<lang>.<ext>`` -> bytes, for each readable transcript the item links."""
    from .. import transcripts as tr

    files: dict[str, bytes] = {}
    where = item.label
    for link in item.transcripts:
        kind = (link.type or "").split(";")[0].strip()
        ext = TRANSCRIPT_EXT.get(kind) or {".vtt": ".vtt", ".srt": ".srt"}.get(
            PurePosixPath(urlsplit(link.url).path).suffix.lower())
        if ext is None:
            notes.append(Note(where, f"transcript {link.url} ({kind or 'no type'}) is in a "
                              "format feedpub does not read (VTT, SRT, JSON); not imported, "
                              "feedpub makes HTML and text from the others"))
            continue
        lang = (link.language or language or "").strip()
        if not LANGUAGE.match(lang):
            notes.append(Note(where, f"transcript language {lang!r} is not a language code; "
                              f"read as {language!r}"))
            lang = language
        name = f"transcript.{lang.lower()}{ext}"
        if name in files:
            continue
        try:
            _, data = fetch_bytes(link.url, max_bytes=limits.max_companion,
                                  deadline=limits.companion_deadline, limits=limits,
                                  what="transcript")
        except FetchError as exc:
            notes.append(Note(where, f"{exc}; not imported"))
            continue
        try:
            text = tr.decode(Path(name), data)
            segments = tr.READERS[ext](text, Path(name))
            if not segments:
                raise ValueError("empty")
        except Exception as exc:  # any reader error: the file is kept out, and said why
            detail = "; ".join(str(p) for p in getattr(exc, "problems", [])) or str(exc)
            notes.append(Note(where, f"transcript {link.url} cannot be read ({detail}); "
                              "not imported"))
            continue
        files[name] = data
    return files


def chapters_file(item: Item, limits: Limits, notes: list[Note]) -> bytes | None:
    """``chapters.json`` bytes from the linked file or from inline Podlove chapters."""
    from ..chapters import jsonfmt

    where = item.label
    if item.chapters is not None:
        try:
            _, data = fetch_bytes(item.chapters.url, max_bytes=limits.max_companion,
                                  deadline=limits.companion_deadline, limits=limits,
                                  what="chapters")
            jsonfmt.read(data.decode("utf-8"), Path("chapters.json"))
            return data
        except FetchError as exc:
            notes.append(Note(where, f"{exc}; not imported"))
        except Exception as exc:
            detail = "; ".join(str(p) for p in getattr(exc, "problems", [])) or str(exc)
            notes.append(Note(where, f"chapters {item.chapters.url} cannot be read "
                              f"({detail}); not imported"))
    if item.inline_chapters:
        chapters = [Chapter(c.start, c.title, url=c.href, img=c.image)
                    for c in sorted(item.inline_chapters, key=lambda c: c.start)]
        return jsonfmt.write(chapters).encode("utf-8")
    return None


# -- the import ------------------------------------------------------------------------

def declared_facts(item: Item) -> AudioFacts | None:
    """What the feed says of the audio, for feedpub.lock (None when it says too little)."""
    if item.enclosure_length is None or item.enclosure_type is None or item.duration is None:
        return None
    return AudioFacts(file=item.enclosure_url or "", size=item.enclosure_length,
                      duration=item.duration, mime=item.enclosure_type, sha256="", kind="")


def write_show(feed: Feed, root: Path, options: Options = Options(),
               progress: Progress = _quiet) -> Report:
    """Turn ``feed`` into the show's files under ``root``; return what was (or would be) done."""
    report = Report(root, feed, notes=list(feed.notes))
    notes = report.notes
    ch = feed.channel
    if ch.locked and not options.i_own_this_feed:
        raise ImportFailed(Problem(
            feed.source, "the feed is locked (podcast:locked yes): its owner does not want "
            "it imported elsewhere",
            hint=f"if it is your show, rerun with --i-own-this-feed"
                 f"{' (owner: ' + ch.locked_owner + ')' if ch.locked_owner else ''}"))
    todo: dict[Path, bytes] = {}
    show_text = tomlout.dump_show(show_values(feed, notes))
    todo[root / "podcast.toml"] = show_text.encode("utf-8")
    language = (ch.language or "en").split("-")[0]
    known = existing_episodes(root)
    real_root = root.resolve()
    usable = []
    jobs: list[tuple[media.Job, dict[str, Any], str]] = []  # job, episode values, slug
    for item in feed.items:
        missing = [what for what, ok in (("enclosure", item.enclosure_url),
                                          ("date", item.pub_date), ("guid", item.guid))
                   if not ok]
        if missing:
            report.skipped.append(item.label)
            notes.append(Note(item.label, f"not imported: it has no {', no '.join(missing)}"))
            continue
        usable.append(item)
    slugs = assign_slugs(usable, root, known)
    lock = load_lock(root)
    new_entries: dict[str, Entry] = {}
    for n, item in enumerate(usable, start=1):
        slug = slugs[item.index]
        folder = inside(root, root / EPISODES / slug, real_root)
        is_new = item.guid not in known
        if n % 100 == 0:
            progress(f"episodes {n}/{len(usable)}")
        files: dict[str, bytes] = {}
        item_notes: list[Note] = []
        values = episode_values(item, item_notes)
        html = item.description_html
        markdown = htmlmd.to_markdown(html) if html else None
        if not html:
            item_notes.append(Note(item.label, "no show notes; the title is used"))
            markdown = item.title + "\n"
        if markdown is not None:
            files["description.md"] = markdown.encode("utf-8")
        else:
            files["description.html"] = (html.strip() + "\n").encode("utf-8")
        files["episode.toml"] = tomlout.dump_episode(
            values, prefix=item.analytics_prefix).encode("utf-8")
        if options.download_audio and (is_new or options.force) and not options.dry_run:
            jobs.append((media.Job(item, folder, media.file_name(slug, item)), values, slug))
        if is_new or options.force:
            files.update(transcript_files(item, language, options.limits, item_notes))
            data = chapters_file(item, options.limits, item_notes)
            if data is not None:
                files["chapters.json"] = data
        notes.extend(item_notes)
        changed = False
        for name, data in files.items():
            path = folder / name  # a fixed name (or transcript.<code>.<ext>) in a checked folder
            if not is_new:
                # a published episode: what differs is reported, written only with --force
                if path.exists() and path.read_bytes() == data:
                    continue
                other = {"description.md": "description.html",
                         "description.html": "description.md"}.get(name)
                if not path.exists() and other and (folder / other).exists():
                    continue  # the notes are kept in the other form: nothing to add
                changed = True
                label = f"{EPISODES}/{slug}/{name}" + differences(path, data)
                (report.overwritten if options.force else report.kept).append(label)
                if not options.force:
                    continue
            todo[path] = data
        if is_new:
            report.created.append(slug)
            facts = declared_facts(item)
            if slug not in lock.entries:
                new_entries[slug] = Entry(item.guid, facts, declared=facts is not None)
            if facts is None:
                notes.append(Note(item.label, "the feed does not give the audio's length, "
                                  "type and duration together; the first build downloads "
                                  "it to measure it"))
        elif not changed:
            report.unchanged += 1
    toml_path = root / "podcast.toml"
    if toml_path.exists() and todo.get(toml_path) is not None:
        if toml_path.read_bytes() == todo[toml_path]:
            del todo[toml_path]
        elif options.force:
            report.overwritten.append("podcast.toml" + differences(toml_path, todo[toml_path]))
        else:
            report.kept.append("podcast.toml" + differences(toml_path, todo[toml_path]))
            del todo[toml_path]
    if options.dry_run:
        return report
    root.mkdir(parents=True, exist_ok=True)
    if jobs:
        fetched = media.download_all([j for j, _, _ in jobs], options.limits, progress, notes)
        for job, values, slug in jobs:
            facts = fetched.get(str(job.path))
            if facts is None:
                continue
            local = {**values, "audio": job.name}
            todo[job.folder / "episode.toml"] = tomlout.dump_episode(local).encode("utf-8")
            new_entries[slug] = Entry(job.item.guid, replace(facts, file=job.name))
    for path, data in todo.items():
        write_new(path, data)
        report.written.append(path)
    os.sync()
    if new_entries:
        lock.entries.update(new_entries)
        if lock.podcast_guid is None:
            lock.podcast_guid = _show_guid(todo.get(toml_path) or toml_path.read_bytes())
        write_atomic(lock.path, lock.to_json().encode("utf-8"))
        report.written.append(lock.path)
    return report


def differences(path: Path, data: bytes) -> str:
    """`` (missing)``, or for a TOML file `` (keys: title, date)``: what differs."""
    if not path.exists():
        return " (missing)"
    if path.suffix != ".toml":
        return ""
    try:
        here = tomllib.loads(path.read_text(encoding="utf-8"))
        feed = tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    keys = sorted(k for k in here.keys() | feed.keys() if here.get(k) != feed.get(k))
    return f" (keys: {', '.join(keys)})" if keys else ""


def _show_guid(podcast_toml: bytes) -> str | None:
    try:
        data = tomllib.loads(podcast_toml.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    guid = data.get("podcast", {}).get("guid")
    return guid if isinstance(guid, str) else None
