"""Audio facts from the real file: duration, byte size, MIME type, content hash.

The container is recognised from the file's first bytes, never from its
name, so an ``.mp3`` that is really FLAC is caught instead of being served
with the wrong type.  mutagen then reads the duration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import mutagen
from mutagen.aac import AAC
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from . import chapters
from .spec import mime_for
from .errors import AudioError, Problem
from .model import AudioFacts


@dataclass(frozen=True)
class Format:
    kind: str
    mime: str
    extensions: tuple[str, ...]
    reader: type


FORMATS = {
    f.kind: f
    for f in (
        Format("mp3", mime_for(".mp3"), (".mp3",), MP3),
        Format("m4a", mime_for(".m4a"), (".m4a", ".mp4", ".m4b"), MP4),
        Format("aac", mime_for(".aac"), (".aac",), AAC),
        Format("vorbis", mime_for(".ogg"), (".ogg", ".oga"), OggVorbis),
        Format("opus", mime_for(".opus"), (".opus", ".ogg", ".oga"), OggOpus),
        Format("flac", mime_for(".flac"), (".flac",), FLAC),
        Format("wav", mime_for(".wav"), (".wav",), WAVE),
    )
}
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
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def probe(path: Path) -> AudioFacts:
    """Measure one audio file; any doubt about it is an :class:`AudioError` naming it."""
    if path.is_dir():
        raise AudioError(Problem(path, "is a folder, not an audio file"))
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
        return measure(path, head)
    except FileNotFoundError:
        raise AudioError(Problem(path, "audio file not found",
                                 hint="check the audio name in episode.toml")) from None
    except OSError as exc:
        raise AudioError(Problem(path, f"cannot read audio: {exc.strerror}")) from None


def measure(path: Path, head: bytes) -> AudioFacts:
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
        parsed = fmt.reader(path)  # the one parse: duration and embedded chapters come from it
        info = parsed.info
    except (mutagen.MutagenError, ValueError) as exc:
        raise AudioError(Problem(path, f"unreadable {kind} audio: {exc}")) from None
    length = float(getattr(info, "length", 0) or 0)
    if length <= 0:
        raise AudioError(Problem(path, "audio has no measurable duration",
                                 expected="a complete, playable file"))
    return AudioFacts(
        file=path.name,
        size=path.stat().st_size,
        duration=round(length, 3),
        mime=fmt.mime,
        sha256=sha256_of(path),
        kind=kind,
        chapters=chapters.from_parsed(parsed),
    )
