"""feedpub.lock: what was measured and promised, committed with the show.

Audio is often too large for git.  The lock file keeps, for every episode,
the guid it was published under and the facts of its audio (size, duration,
type, SHA-256), so that

* a CI checkout without the audio builds the very same feed;
* an audio file that changed since it was recorded is an error, not a
  silent change of enclosure length;
* an episode whose guid changed, or whose folder vanished, is caught before
  podcast apps re-download or lose it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ConfigError, Problem
from .model import AudioFacts, Chapter
from .writefile import write_atomic

LOCK_NAME = "feedpub.lock"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    guid: str
    audio: AudioFacts | None = None


@dataclass
class Lock:
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> str:
        body = {
            "version": VERSION,
            "episodes": {
                slug: {"guid": e.guid,
                       **({"audio": audio_json(e.audio)} if e.audio else {})}
                for slug, e in sorted(self.entries.items())
            },
        }
        return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def save(self) -> bool:
        """Write if anything changed; True when the file was (re)written."""
        text = self.to_json()
        if self.path.is_file() and self.path.read_text(encoding="utf-8") == text:
            return False
        write_atomic(self.path, text.encode("utf-8"))
        return True


def audio_json(a: AudioFacts) -> dict[str, object]:
    """The facts as JSON; embedded chapters too, so a checkout without audio keeps them."""
    data = asdict(a)
    data["chapters"] = [{k: v for k, v in asdict(ch).items() if k != "line" and v is not None}
                        for ch in a.chapters]
    if not data["chapters"]:
        del data["chapters"]
    return data


def load_lock(root: Path) -> Lock:
    path = root / LOCK_NAME
    lock = Lock(path)
    if not path.is_file():
        return lock
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(Problem(path, f"lock file is not valid JSON: {exc}", line,
                                  hint="restore it from git; it is written by feedpub build")) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ConfigError(Problem(path, "unknown lock file version", expected=f"version {VERSION}"))
    for slug, raw in data.get("episodes", {}).items():
        try:
            audio = raw.get("audio")
            lock.entries[slug] = Entry(
                guid=str(raw["guid"]),
                audio=AudioFacts(
                    **{k: audio[k] for k in ("file", "size", "duration", "mime", "sha256",
                                             "kind")},
                    chapters=tuple(Chapter(**ch) for ch in audio.get("chapters", ())),
                ) if audio else None,
            )
        except (KeyError, TypeError, AttributeError):
            raise ConfigError(Problem(path, f"entry for {slug!r} is incomplete",
                                      expected="guid and audio facts")) from None
    return lock
