"""Audio facts from the real file: duration, byte size, MIME type, content hash.

The container is recognised from the file's first bytes, never from its
name, so an ``.mp3`` that is really FLAC is caught instead of being served
with the wrong type.  mutagen then reads the duration.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import mutagen
from mutagen.aac import AAC
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from . import chapters
from .errors import AudioError, Problem
from .model import AudioFacts
from .spec import mime_for


@dataclass(frozen=True)
class Format:
    kind: str
    mime: str
    extensions: tuple[str, ...]
    reader: type
    title: str  # how a podcast:alternateEnclosure names the encoding
    codecs: str | None  # RFC 6381 codecs parameter, where one is defined


FORMATS = {
    f.kind: f
    for f in (
        Format("mp3", mime_for(".mp3"), (".mp3",), MP3, "MP3", "mp3"),
        Format("m4a", mime_for(".m4a"), (".m4a", ".mp4", ".m4b"), MP4, "AAC", "mp4a.40.2"),
        Format("aac", mime_for(".aac"), (".aac",), AAC, "AAC", "mp4a.40.2"),
        Format("vorbis", mime_for(".ogg"), (".ogg", ".oga"), OggVorbis, "Vorbis", "vorbis"),
        Format("opus", mime_for(".opus"), (".opus", ".ogg", ".oga"), OggOpus, "Opus", "opus"),
        Format("flac", mime_for(".flac"), (".flac",), FLAC, "FLAC", "flac"),
        Format("wav", mime_for(".wav"), (".wav",), WAVE, "WAV", None),
    )
}
AUDIO_EXTENSIONS = frozenset(e for f in FORMATS.values() for e in f.extensions)


Listing = list[tuple[str, os.DirEntry[str]]]


def alternate_files(path: Path, siblings: Listing | None = None) -> list[Path]:
    """Other encodings of the audio at ``path``: files beside it with the same name and
    another audio extension (``ep.opus`` next to ``ep.mp3``), or the same name plus a label
    (``ep.64k.mp3``).  ``siblings``: the folder's listing (:func:`listing`), when the caller
    looks at many files of one folder."""
    if siblings is None:
        siblings = listing(path.parent)
    stem = path.stem
    found = []
    for name, entry in siblings:
        dot = name.rfind(".")
        if dot <= 0 or name == path.name:  # no extension (".mp3" is a stem, as pathlib says)
            continue
        if name[dot:].lower() in AUDIO_EXTENSIONS and (
                name[:dot] == stem or name[:dot].startswith(stem + ".")) and entry.is_file():
            found.append(path.parent / name)
    return sorted(found)


def listing(folder: Path) -> Listing:
    """A folder's entries by name ([] if it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return [(e.name, e) for e in entries]
    except OSError:
        return []


CHUNK = 1 << 20


def sniff(head: bytes) -> str | None:
    """The container kind from the first bytes of a file, or None if unknown."""
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"OggS"):
        if b"OpusHead" in head[:64]:
            return "opus"
        if b"\x01vorbis" in head[:64]:
            return "vorbis"
        return None
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # Frame sync; the layer bits tell MPEG audio (01-11) from raw AAC in ADTS (00).
        return "mp3" if head[1] & 0x06 else "aac"
    return None


def sha256_of(path: Path) -> str:
    return hashes_of(path)[0]


def hashes_of(path: Path, sri: bool = False) -> tuple[str, str | None]:
    """SHA-256 (hex) and, when asked, the SRI ``sha384-<base64>``, in one read of the file."""
    with path.open("rb") as fh:
        return digests(iter(lambda: fh.read(CHUNK), b""), sri)


def digests(chunks: Iterable[bytes], sri: bool = False) -> tuple[str, str | None]:
    """SHA-256 (hex) and, when asked, the SRI ``sha384-<base64>`` of the bytes ``chunks``."""
    digest = hashlib.sha256()
    digest384 = hashlib.sha384() if sri else None
    for chunk in chunks:
        digest.update(chunk)
        if digest384 is not None:
            digest384.update(chunk)
    integrity = ("sha384-" + base64.b64encode(digest384.digest()).decode("ascii")
                 if digest384 is not None else None)
    return digest.hexdigest(), integrity


#: files up to this size are read into memory once: sniffed, parsed and hashed from one
#: read (larger ones are parsed from the open file, then hashed in chunks)
WHOLE = 16 << 20


def probe(path: Path, alternate: bool = False) -> AudioFacts:
    """Measure one audio file; any doubt about it is an :class:`AudioError` naming it.

    ``alternate`` adds what a ``podcast:alternateEnclosure`` states: the bitrate and
    the SHA-384 integrity hash (computed in the same read as the SHA-256).  The file is
    opened once: its size, format, parse and hashes all come from the same open file.
    """
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            whole = fh.read() if size <= WHOLE else None
            head = whole[:64] if whole is not None else fh.read(64)
            return measure(path, head, alternate, fh, whole, size)
    except IsADirectoryError:
        raise AudioError(Problem(path, "is a folder, not an audio file")) from None
    except FileNotFoundError:
        raise AudioError(Problem(path, "audio file not found",
                                 hint="check the audio name in episode.toml")) from None
    except OSError as exc:
        raise AudioError(Problem(path, f"cannot read audio: {exc.strerror}")) from None


def probe_or_problems(path: Path, alternate: bool = False) -> AudioFacts | list[Problem]:
    """:func:`probe` for a worker process: the facts, or the problems (plain, picklable)."""
    try:
        return probe(path, alternate)
    except AudioError as err:
        return list(err.problems)


def worker_init() -> None:
    """A probing worker process leaves Ctrl-C and SIGTERM to the build that started it
    (which stops the pool), instead of printing tracebacks of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def measure(path: Path, head: bytes, alternate: bool, fh: BinaryIO, whole: bytes | None,
            size: int) -> AudioFacts:
    """The facts of the open file ``fh`` (``whole``: all its bytes, when read at once)."""
    ext = path.suffix.lower()
    kind = sniff(head)
    if kind is None:
        raise AudioError(Problem(path, "not a recognised audio file",
                                 expected="MP3, M4A/AAC, OGG Vorbis, Opus, FLAC or WAV"))
    fmt = FORMATS[kind]
    if ext not in fmt.extensions:
        raise AudioError(Problem(
            path, f"extension {ext or '(none)'} does not match the content ({kind})",
            expected=" or ".join(fmt.extensions),
            hint="rename the file: apps pick a decoder from the extension and type"))
    try:
        fh.seek(0)
        # the one parse: duration and embedded chapters come from it
        parsed = fmt.reader(io.BytesIO(whole) if whole is not None else fh)
        info = parsed.info
    except (mutagen.MutagenError, ValueError) as exc:
        raise AudioError(Problem(path, f"unreadable {kind} audio: {exc}")) from None
    length = float(getattr(info, "length", 0) or 0)
    if length <= 0:
        raise AudioError(Problem(path, "audio has no measurable duration",
                                 expected="a complete, playable file"))
    if whole is not None:
        sha256, integrity = digests([whole], sri=alternate)
    else:
        fh.seek(0)
        sha256, integrity = digests(iter(lambda: fh.read(CHUNK), b""), sri=alternate)
    return AudioFacts(
        file=path.name,
        size=size,
        duration=round(length, 3),
        mime=fmt.mime,
        sha256=sha256,
        kind=kind,
        chapters=chapters.from_parsed(parsed),
        bitrate=(int(getattr(info, "bitrate", 0) or 0) or None) if alternate else None,
        sri=integrity,
    )
