"""Where an episode's audio is, and fetching remote audio once to measure it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import requests

from .audio import probe
from .errors import AudioError, Problem
from .model import AudioFacts, Episode, Show

TIMEOUT = 30


def local_audio_path(show: Show, ep: Episode) -> Path | None:
    """The file to probe: beside episode.toml, else in the show's media_dir; None for URLs."""
    if ep.audio_is_url:
        return None
    name = Path(ep.audio_file).expanduser()
    here = ep.folder / name
    if here.is_file() or show.media_dir is None or name.is_absolute():
        return here
    return show.media_dir / name


def fetch_for_probe(url: str, source: Path) -> AudioFacts:
    """Download audio given by URL to a temp file, measure it, delete it.

    Done once: the facts go to feedpub.lock, so later builds need no network.
    """
    suffix = Path(url.split("?")[0]).suffix
    fd, tmp = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    try:
        try:
            with requests.get(url, stream=True, timeout=TIMEOUT,
                              headers={"User-Agent": "feedpub"}) as resp:
                resp.raise_for_status()
                with open(tmp, "wb") as fh:
                    for chunk in resp.iter_content(1 << 20):
                        fh.write(chunk)
        except requests.RequestException as exc:
            raise AudioError(Problem(source, f"cannot download audio {url}: {exc}",
                                     hint="check the URL, or put the file beside episode.toml")
                             ) from None
        try:
            return probe(Path(tmp))
        except AudioError as err:
            raise AudioError([Problem(source, f"audio at {url}: {p.message}", expected=p.expected)
                              for p in err.problems]) from None
    finally:
        os.unlink(tmp)
