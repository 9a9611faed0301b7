"""``feedpub audio encode``: a lighter encoding of an episode, normalised and tagged.

The new file is written beside the original under a name the build picks up as
an alternate encoding (``ep-12.opus``, ``ep-12.64k.mp3``); the original is
never changed.  Loudness is brought to the target by a gain computed from the
measured integrated loudness, followed by a limiter that keeps true peaks under
the target ceiling; the result is measured again and returned.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .audiocheck import Analysis, _ffmpeg, analyse
from .audiotargets import Targets
from .errors import AudioError, Problem, UsageError

#: container, encoder, sample rate, sample format for each output format
ENCODERS: dict[str, tuple[str, str, int, str]] = {
    "opus": ("ogg", "libopus", 48000, "flt"),
    "mp3": ("mp3", "libmp3lame", 44100, "fltp"),
}


@dataclass(frozen=True)
class Encoded:
    path: Path
    before: Analysis
    after: Analysis
    gain: float  # dB applied before the limiter


def target_name(source: Path, fmt: str, kbps: int) -> Path:
    """``ep.opus`` for Opus; ``ep.64k.mp3`` for an MP3 beside an MP3 (same stem: an alternate)."""
    if fmt == "mp3" and source.suffix.lower() == ".mp3":
        return source.with_name(f"{source.stem}.{kbps}k.mp3")
    return source.with_suffix("." + fmt)


def encode(source: Path, fmt: str = "opus", kbps: int = 64, channels: int | None = None,
           targets: Targets | None = None, tags: dict[str, str] | None = None,
           dest: Path | None = None, force: bool = False) -> Encoded:
    """Encode ``source`` into ``dest`` (default :func:`target_name`), atomically."""
    if fmt not in ENCODERS:
        raise UsageError(Problem(None, f"unknown format {fmt!r}", expected="opus or mp3"))
    targets = targets or Targets()
    dest = dest or target_name(source, fmt, kbps)
    if dest.resolve() == source.resolve():
        raise UsageError(Problem(dest, "would overwrite the original audio",
                                 hint="choose another format or bitrate"))
    if dest.exists() and not force:
        raise UsageError(Problem(dest, "already exists", hint="pass --force to replace it"))
    before = analyse(source)
    layout_channels = channels or before.channels
    aim = targets.loudness_for(layout_channels)
    gain = 0.0 if before.loudness is None else aim - before.loudness
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        _transcode(source, Path(tmp), fmt, kbps, layout_channels, gain, targets.true_peak,
                   tags or {})
        after = analyse(Path(tmp))
        if after.loudness is not None and abs(after.loudness - aim) > 0.5:
            # A downmix or the limiter moved the level: correct it in a second pass.
            gain += aim - after.loudness
            _transcode(source, Path(tmp), fmt, kbps, layout_channels, gain,
                       targets.true_peak, tags or {})
            after = analyse(Path(tmp))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Encoded(dest, before, replace(after, file=dest.name), round(gain, 1))


def _transcode(source: Path, dest: Path, fmt: str, kbps: int, channels: int, gain: float,
               ceiling: float, tags: dict[str, str]) -> None:
    av = _ffmpeg()
    container_format, codec, rate, sample_fmt = ENCODERS[fmt]
    layout = "mono" if channels == 1 else "stereo"
    try:
        with av.open(str(source)) as src, av.open(str(dest), "w",
                                                  format=container_format) as out:
            inp = src.streams.audio[0]
            stream = out.add_stream(codec, rate=rate)
            stream.bit_rate = kbps * 1000
            stream.layout = layout
            for key, value in tags.items():
                out.metadata[key] = value
                stream.metadata[key] = value  # Ogg keeps tags on the stream
            graph = _graph(av, inp, gain, ceiling, rate, sample_fmt, layout)
            for frame in src.decode(inp):
                graph.push(frame)
                _drain(av, graph, stream, out)
            graph.push(None)
            _drain(av, graph, stream, out)
            for packet in stream.encode(None):
                out.mux(packet)
    except av.FFmpegError as exc:
        raise AudioError(Problem(source, f"cannot encode {fmt}: {exc}")) from None


def _graph(av: Any, inp: Any, gain: float, ceiling: float, rate: int, sample_fmt: str,
           layout: str) -> Any:
    """Gain, then a limiter a little under the true-peak ceiling, then the encoder's format."""
    graph = av.filter.Graph()
    chain = [graph.add_abuffer(template=inp),
             graph.add("volume", f"volume={gain:.2f}dB"),
             graph.add("alimiter", f"limit={10 ** ((ceiling - 0.5) / 20):.4f}:level=false"),
             graph.add("aresample", f"{rate}"),
             graph.add("aformat", f"sample_fmts={sample_fmt}:channel_layouts={layout}"),
             graph.add("abuffersink")]
    for a, b in itertools.pairwise(chain):
        a.link_to(b)
    graph.configure()
    return graph


def _drain(av: Any, graph: Any, stream: Any, out: Any) -> None:
    while True:
        try:
            frame = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        frame.pts = None  # the encoder numbers its own frames
        for packet in stream.encode(frame):
            out.mux(packet)


def encode_show(root: Path, slugs: tuple[str, ...], fmt: str, kbps: int,
                channels: int | None, force: bool) -> list[Encoded]:
    """Encode the named episodes of the show at ``root``, tagged from the show's files."""
    from .audiocheck import load_targets
    from .build.media import local_audio_path
    from .config import load_show
    from .episodes import load_episodes

    show = load_show(root)
    targets = load_targets(root)
    episodes, problems = load_episodes(show)
    by_slug = {ep.slug: ep for ep in episodes}
    missing = [s for s in slugs if s not in by_slug]
    if missing:
        raise UsageError([Problem(root / show.episodes_dir / s, "no such episode")
                          for s in missing] + problems)
    done = []
    for slug in slugs:
        ep = by_slug[slug]
        path = local_audio_path(show, ep)
        if path is None or not path.is_file():
            raise AudioError(Problem(ep.folder / "episode.toml",
                                     f"audio {ep.audio_file} is not here to encode"))
        tags = {"title": ep.title, "album": show.title, "artist": show.author}
        if ep.number is not None:
            tags["track"] = str(ep.number)
        done.append(encode(path, fmt, kbps, channels, targets, tags, force=force))
    return done
