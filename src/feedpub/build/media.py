"""Where an episode's audio and the show's artwork are, and fetching remote audio once
to measure it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import requests

from ..audio import probe
from ..errors import AudioError, ConfigError, Problem
from ..model import AudioFacts, Episode, Output, Show
from ..spec import mime_for

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


def artwork_output(show: Show) -> Output | None:
    """The show's cover as an output of the site root when ``artwork`` names a local file
    (then the feed points at its published URL); None when it is already a URL."""
    if show.artwork_is_url:
        return None
    path = show.root / show.artwork
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(Problem(show.root / "podcast.toml",
                                  f"artwork {show.artwork!r}: cannot read: {exc.strerror}")
                          ) from None
    layout = show.layout
    rel = layout.artwork(path.name)
    return Output("artwork", rel, layout.url(rel),
                  mime_for(path.name), len(data),
                  hashlib.sha256(data).hexdigest(), "media", source=path)
