"""Where an episode's audio and the show's artwork are, and fetching remote audio once
to measure it."""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..audio import AUDIO_EXTENSIONS, probe
from ..errors import AudioError, ConfigError, Problem
from ..model import AudioFacts, Episode, Output, Show
from ..spec import mime_for

TIMEOUT = 30


def missing_audio_hint(show: Show, ep: Episode) -> str:
    """What to do about audio that is nowhere: the closest audio file name in the episode's
    folder (and media_dir) when the name looks misspelt, as unknown keys get."""
    name = Path(ep.audio_file)
    folders = [ep.folder / name.parent] + ([show.media_dir / name.parent]
                                           if show.media_dir is not None else [])
    found: list[str] = []
    for folder in folders:
        try:
            found += [p.name for p in folder.iterdir()
                      if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file()]
        except OSError:
            continue  # no such folder: nothing to suggest from it
    close = difflib.get_close_matches(name.name, sorted(set(found)), n=1, cutoff=0.6)
    if close:
        fixed = (name.parent / close[0]).as_posix()
        return f'did you mean {close[0]!r}? write audio = "{fixed}" in episode.toml'
    return (f"put the audio at {name.as_posix()} in the episode's folder or set audio in "
            "episode.toml to its path or URL; where the audio is kept out of the repository, "
            "build once where it is and commit feedpub.lock")


def local_audio_path(show: Show, ep: Episode) -> Path | None:
    """The file to probe: beside episode.toml, else in the show's media_dir; None for URLs."""
    if ep.audio_is_url:
        return None
    name = Path(ep.audio_file).expanduser()
    here = ep.folder / name
    if here.is_file() or show.media_dir is None or name.is_absolute():
        return here
    return show.media_dir / name


#: limits of a download made to measure remote audio; the environment may lower or raise
#: them (FEEDPUB_DOWNLOAD_LIMIT in bytes, FEEDPUB_DOWNLOAD_DEADLINE in seconds)
DOWNLOAD_LIMIT = 4 * 1024 ** 3  # 4 GiB: a long video episode
DOWNLOAD_DEADLINE = 1800.0  # seconds for the whole download


def _limit(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def fetch_for_probe(url: str, source: Path) -> AudioFacts:
    """Download audio given by URL to a temp file, measure it, delete it.

    Done once: the facts go to feedpub.lock, so later builds need no network.  The
    download is bounded in size and in total time, however the server sends, and its
    temp folder is removed on every way out (an error, Ctrl-C, SIGTERM).
    """
    limit = int(_limit("FEEDPUB_DOWNLOAD_LIMIT", DOWNLOAD_LIMIT))
    deadline = time.monotonic() + _limit("FEEDPUB_DOWNLOAD_DEADLINE", DOWNLOAD_DEADLINE)
    suffix = Path(url.split("?")[0]).suffix[:16]
    folder = Path(tempfile.mkdtemp(prefix="feedpub-download-"))
    tmp = folder / f"audio{suffix}"
    try:
        problem = _download(url, tmp, limit, deadline)
        if problem:
            raise AudioError(Problem(source, f"cannot download audio {url}: {problem}",
                                     hint="check the URL, or put the file beside episode.toml"))
        try:
            return probe(tmp)
        except AudioError as err:
            raise AudioError([Problem(source, f"audio at {url}: {p.message}", expected=p.expected)
                              for p in err.problems]) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _download(url: str, dest: Path, limit: int, deadline: float) -> str | None:
    """Stream ``url`` into ``dest``; what went wrong, or None."""
    import requests  # only a show with remote audio pays for loading it

    from ..validate.network import _socket_of as socket_of

    try:
        resp = requests.get(url, stream=True, timeout=(min(TIMEOUT, deadline - time.monotonic()),
                                                       TIMEOUT),
                            headers={"User-Agent": "feedpub"})
    except requests.RequestException as exc:
        return str(exc)
    with resp:
        try:
            resp.raise_for_status()
        except requests.HTTPError as exc:
            return str(exc)  # "404 Client Error: Not Found for url: …"
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            return f"the server announces {int(declared):,} bytes, over the {limit:,}-byte limit"
        sock = socket_of(resp)
        size = 0
        try:
            with open(dest, "wb") as fh:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return "too slow: the download did not finish in time"
                    if sock is not None:  # a server dripping bytes cannot stretch the deadline
                        sock.settimeout(min(left, TIMEOUT))
                    chunk = resp.raw.read1(1 << 20)
                    if not chunk:
                        return None
                    size += len(chunk)
                    if size > limit:
                        return f"larger than the {limit:,}-byte limit"
                    fh.write(chunk)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                return (f"no space left in the temp folder {dest.parent.parent} (set TMPDIR to a "
                        "folder with room)")
            if time.monotonic() >= deadline:
                return "too slow: the download did not finish in time"
            return f"download failed: {exc}"
        except Exception as exc:  # urllib3's errors while reading
            if time.monotonic() >= deadline:
                return "too slow: the download did not finish in time"
            return f"download failed: {type(exc).__name__}"


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
