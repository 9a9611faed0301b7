"""``import --download-audio``: the episodes' media fetched into the show, resumable.

Each file is downloaded beside its ``episode.toml`` as ``<slug><ext>.part`` (four at a
time), resumed with a ``Range`` request when a ``.part`` is already there, checked
against the length the feed declared and measured with feedpub's own audio probe
(the real duration), and only then renamed to ``<slug><ext>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..audio import probe
from ..errors import FeedpubError
from ..model import AudioFacts
from .fetch import FetchError, Limits, open_url
from .read_feed import Item, Note

AUDIO_EXT = {".mp3", ".m4a", ".mp4", ".ogg", ".oga", ".opus", ".flac", ".wav", ".m4v",
             ".mov"}
EXT_BY_TYPE = {"audio/mpeg": ".mp3", "audio/x-m4a": ".m4a", "audio/mp4": ".m4a",
               "audio/aac": ".m4a", "video/mp4": ".mp4", "audio/ogg": ".ogg",
               "audio/flac": ".flac", "audio/wav": ".wav", "video/x-m4v": ".m4v",
               "video/quicktime": ".mov"}
TOLERANCE = 2.0  # seconds between the declared and the measured duration


@dataclass(frozen=True)
class Job:
    item: Item
    folder: Path
    name: str  # the file name in the folder: <slug><ext>

    @property
    def path(self) -> Path:
        return self.folder / self.name


def file_name(slug: str, item: Item) -> str:
    """``<slug><ext>``: the extension from the URL when it is an audio one, else the type."""
    url = item.enclosure_url or ""
    ext = PurePosixPath(urlsplit(url).path).suffix.lower()
    if ext not in AUDIO_EXT:
        ext = EXT_BY_TYPE.get(item.enclosure_type or "", ".mp3")
    return slug + ext


def fetch(job: Job, limits: Limits, say: Callable[[str], None]) -> None:
    """Download (or resume) ``job`` into ``<name>.part``, then rename it."""
    url = job.item.enclosure_url
    assert url is not None
    part = job.folder / (job.name + ".part")
    job.folder.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    resp = open_url(url, max_bytes=limits.max_audio, deadline=limits.audio_deadline, limits=limits,
                    what="audio", headers=headers)
    start = 0
    if have and resp.status == 206:
        m = re.match(r"bytes (\d+)-", resp.headers.get("content-range", ""))
        start = int(m.group(1)) if m else 0
    total = job.item.enclosure_length
    done = start
    step = max((total or 0) // 4, 1 << 20)
    shown = 0
    with open(part, "r+b" if start and part.exists() else "wb") as fh:
        fh.seek(start)
        fh.truncate()
        for chunk in resp.chunks():
            fh.write(chunk)
            done += len(chunk)
            if done - shown >= step:
                shown = done
                pct = f" {100 * done // total}%" if total else ""
                say(f"audio {job.name}:{pct} {done:,} bytes")
    part.replace(job.path)


def measured(job: Job, notes: list[Note]) -> AudioFacts | None:
    """The facts of the downloaded file, with a note for each way it differs from the feed."""
    where = job.item.label
    try:
        facts = probe(job.path)
    except FeedpubError as err:
        notes.append(Note(where, f"downloaded audio {job.name} cannot be read: "
                          f"{'; '.join(p.message for p in err.problems)}"))
        return None
    declared = job.item.enclosure_length
    if declared is not None and declared != facts.size:
        notes.append(Note(where, f"downloaded audio is {facts.size:,} bytes; the feed declared "
                          f"{declared:,} (the measured size is published)"))
    if job.item.duration is not None and abs(job.item.duration - facts.duration) > TOLERANCE:
        notes.append(Note(where, f"downloaded audio lasts {facts.duration:.1f} s; the feed "
                          f"declared {job.item.duration:.1f} s (the measured duration is "
                          "published)"))
    return facts


def download_all(jobs: list[Job], limits: Limits, progress: Callable[[str], None],
                 notes: list[Note], workers: int = 4) -> dict[str, AudioFacts]:
    """Fetch every job in parallel; return the measured facts by file path."""
    results: dict[str, AudioFacts] = {}

    def one(job: Job) -> tuple[Job, str | None]:
        try:
            fetch(job, limits, progress)
        except FetchError as exc:
            return job, str(exc)
        return job, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n, (job, error) in enumerate(pool.map(one, jobs), start=1):
            if error is not None:
                notes.append(Note(job.item.label, f"{error}; the episode keeps the audio URL "
                                  "(rerun to resume the download)"))
                continue
            facts = measured(job, notes)
            if facts is not None:
                results[str(job.path)] = facts
                progress(f"audio {n}/{len(jobs)}: {job.name} downloaded and measured")
    return results
