"""Audio quality against the apps' guidance: loudness, true peak, bitrate, tags, silence.

Hosting platforms check what podcasters upload; a show published with
feedpub gets the same report from its own files.  Loudness is measured as
ITU-R BS.1770 / EBU R128 by FFmpeg's ``ebur128`` filter (bundled with PyAV,
which also decodes every format we accept), so a one-hour episode is
measured at C speed; stream facts and tags come from mutagen.

The defaults are Apple's audio guidance for podcasts: an integrated loudness
of -16 LUFS (±1 LU) for stereo, 3 LU lower for mono, true peaks at or under
-1 dBTP, 44.1 or 48 kHz, and MP3 bitrates of 96-128 kbps (mono) or
128-256 kbps (stereo).
"""

from __future__ import annotations

import html
import math
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mutagen

from .audiotargets import Targets
from .errors import AudioError, Problem

if TYPE_CHECKING:
    from .build.lock import Lock

#: Level under which a 10 ms block counts as silence at the start or end.
SILENCE_DBFS = -50.0
BLOCK = 0.010  # seconds
#: FFmpeg decoder names -> the codec's own name
CODEC_NAMES = {"mp3float": "mp3", "mp3": "mp3", "aac_fixed": "aac"}


@dataclass(frozen=True)
class Analysis:
    """What decoding and reading one file found."""

    file: str
    codec: str
    duration: float  # seconds, from the decoded samples
    sample_rate: int
    channels: int
    loudness: float | None  # integrated LUFS; None for digital silence
    loudness_range: float  # LU
    true_peak: float | None  # dBTP; None for digital silence
    bitrate: int | None  # bits per second, as the container states it
    bitrate_mode: str  # "CBR", "VBR", "ABR" or "unknown" (no Xing/Info header)
    dual_mono: bool  # two channels carrying the same signal
    silence_start: float  # seconds
    silence_end: float  # seconds
    tags: dict[str, Any] = field(default_factory=dict)  # title, show, episode, cover_bytes
    #: short-term loudness (LUFS, 3 s window) at up to CURVE_POINTS even steps; None: silence
    curve: list[float | None] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis | None:
        """A record from feedpub.lock; None when it is not one this version wrote."""
        try:
            found = cls(**data)
        except TypeError:
            return None
        return found if isinstance(found.tags, dict) else None


def analyse(path: Path) -> Analysis:
    """Decode ``path`` once and measure it; an undecodable file is an AudioError."""
    av = _ffmpeg()

    try:
        info = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError) as exc:
        raise AudioError(Problem(path, f"unreadable audio: {exc}")) from None
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            measured = _decode(av, container, stream)
            codec = CODEC_NAMES.get(stream.codec_context.name, stream.codec_context.name)
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise AudioError(Problem(path, f"cannot decode audio: {exc}",
                                 expected="a complete, playable file")) from None
    stream_info = getattr(info, "info", None)
    bitrate = int(getattr(stream_info, "bitrate", 0) or 0) or None
    return Analysis(
        file=path.name, codec=codec, bitrate=bitrate, bitrate_mode=_bitrate_mode(stream_info),
        tags=_tags(info), **measured)


def _ffmpeg() -> Any:
    """PyAV (FFmpeg), an optional dependency: only the audio commands need it."""
    try:
        import av
        import numpy  # noqa: F401
    except ImportError:
        from .errors import UsageError

        raise UsageError(Problem(None, "audio analysis needs PyAV and numpy",
                                 hint="install them with: pip install 'feedpub[audio]'")
                         ) from None
    return av


def _decode(av: Any, container: Any, stream: Any) -> dict[str, Any]:
    import numpy as np

    graph = av.filter.Graph()
    source = graph.add_abuffer(template=stream)
    meter = graph.add("ebur128", "metadata=1:peak=true")
    sink = graph.add("abuffersink")
    source.link_to(meter)
    meter.link_to(sink)
    graph.configure()
    last: dict[str, str] = {}
    short_term: list[tuple[float, float | None]] = []  # (seconds, LUFS) per metered frame

    def drain() -> None:
        nonlocal last
        while True:
            try:
                frame = graph.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return
            if frame.metadata:
                last = dict(frame.metadata)
                value = _number(last.get("lavfi.r128.S"))
                short_term.append((samples / rate if rate else 0.0,
                                   value if value is not None and value > -70 else None))

    rate = stream.codec_context.sample_rate
    channels = stream.codec_context.channels
    block = max(1, int(rate * BLOCK))
    levels: list[Any] = []  # peak of each 10 ms block
    pending = np.zeros(0)
    samples = 0
    same_channels = channels == 2
    for frame in container.decode(stream):
        data = _as_float(np, frame)
        samples += data.shape[1]
        if same_channels and not np.allclose(data[0], data[1], atol=1e-4):
            same_channels = False
        peak = np.abs(data).max(axis=0)
        pending = np.concatenate([pending, peak])
        whole = len(pending) // block * block
        if whole:
            levels.append(pending[:whole].reshape(-1, block).max(axis=1))
            pending = pending[whole:]
        graph.push(frame)
        drain()
    graph.push(None)
    drain()
    if len(pending):
        levels.append(np.array([pending.max()]))
    blocks = np.concatenate(levels) if levels else np.zeros(0)
    loud = np.flatnonzero(blocks > 10 ** (SILENCE_DBFS / 20))
    if len(loud):
        start, end = loud[0] * BLOCK, (len(blocks) - 1 - loud[-1]) * BLOCK
    else:
        start = end = samples / rate if rate else 0.0
    integrated = _number(last.get("lavfi.r128.I"))
    peak_linear = _number(last.get("lavfi.r128.true_peak"))
    return {
        "duration": round(samples / rate, 3) if rate else 0.0,
        "sample_rate": rate,
        "channels": channels,
        "loudness": None if integrated is None or integrated <= -70 else round(integrated, 1),
        "loudness_range": round(_number(last.get("lavfi.r128.LRA")) or 0.0, 1),
        "true_peak": (round(20 * math.log10(peak_linear), 1)
                      if peak_linear and peak_linear > 0 else None),
        "dual_mono": same_channels,
        "silence_start": round(float(start), 2),
        "silence_end": round(float(end), 2),
        "curve": _curve(short_term, samples / rate if rate else 0.0),
    }


CURVE_POINTS = 120


def _curve(short_term: list[tuple[float, float | None]], duration: float) -> list[float | None]:
    """The short-term loudness averaged (in the power domain) into even steps."""
    if not short_term or duration <= 0:
        return []
    steps = min(CURVE_POINTS, len(short_term))
    sums = [0.0] * steps
    counts = [0] * steps
    for at, value in short_term:
        if value is None:
            continue
        n = min(steps - 1, int(at / duration * steps))
        sums[n] += 10 ** (value / 10)
        counts[n] += 1
    return [round(10 * math.log10(s / c), 1) if c else None for s, c in zip(sums, counts)]


def loudness_svg(a: Analysis, targets: Targets, label: str = "Loudness") -> str:
    """A small self-contained SVG of the episode's short-term loudness against the target:
    for the site's episode page (no script, no font, no third party)."""
    width, height, low, high = 600, 120, -40.0, 0.0
    aim = targets.loudness_for(a.channels)

    def y(lufs: float) -> float:
        return round(height - (min(high, max(low, lufs)) - low) / (high - low) * height, 1)

    points = len(a.curve)
    segments: list[list[str]] = [[]]
    for n, value in enumerate(a.curve):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        x = round(n / max(1, points - 1) * width, 1)
        segments[-1].append(f"{x},{y(value)}")
    lines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="currentColor" '
                    'stroke-width="2"/>' for s in segments if len(s) > 1)
    integrated = "silent" if a.loudness is None else f"{a.loudness:.1f} LUFS"
    text = (f"{label}: {integrated} integrated, target {aim:.0f} LUFS"
            + ("" if a.true_peak is None else f", true peak {a.true_peak:.1f} dBTP"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{html.escape(text, quote=True)}" class="loudness">'
            f"<title>{html.escape(text)}</title>"
            f'<line x1="0" x2="{width}" y1="{y(aim)}" y2="{y(aim)}" stroke="currentColor" '
            'stroke-dasharray="6 6" opacity="0.5"/>' + lines + "</svg>")


def _as_float(np: Any, frame: Any) -> Any:
    """Samples as floats in [-1, 1], one row per channel, whatever the decoder's format."""
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if not frame.format.is_planar:
        data = data.reshape(-1, channels).T
    if data.dtype.kind == "i":
        data = data / float(np.iinfo(data.dtype).max)
    elif data.dtype.kind == "u":  # 8-bit WAV
        data = (data.astype(np.float64) - 128.0) / 128.0
    return data.astype(np.float64, copy=False)


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _bitrate_mode(info: Any) -> str:
    mode = getattr(info, "bitrate_mode", None)
    if mode is None:
        return "unknown"
    name = str(getattr(mode, "name", mode)).upper()
    return name if name in ("CBR", "VBR", "ABR") else "unknown"


def _tags(info: Any) -> dict[str, Any]:
    """Title, show (album), episode number and embedded cover art, in any tag format."""
    tags = getattr(info, "tags", None)
    found: dict[str, Any] = {"title": None, "show": None, "episode": None, "cover_bytes": None}
    if tags is None:
        return found
    keys = {k.lower() if isinstance(k, str) else k: k for k in tags.keys()}

    def first(*names: str) -> Any:
        for name in names:
            key = keys.get(name.lower())
            if key is None:
                continue
            value = tags[key]
            text = getattr(value, "text", value)
            if isinstance(text, list):
                text = text[0] if text else None
            if isinstance(text, tuple):  # MP4 trkn: (number, total)
                text = text[0]
            if text not in (None, ""):
                return str(text)
        return None

    found["title"] = first("TIT2", "\xa9nam", "title")
    found["show"] = first("TALB", "\xa9alb", "album")
    found["episode"] = first("TRCK", "trkn", "tracknumber")
    covers = [len(tags[k].data) for k in tags.keys() if isinstance(k, str) and
              k.startswith("APIC")]
    if "covr" in tags:
        covers += [len(bytes(c)) for c in tags["covr"]]
    pictures = getattr(info, "pictures", None)  # FLAC
    if pictures:
        covers += [len(p.data) for p in pictures]
    if "metadata_block_picture" in keys:  # Ogg
        covers += [len(v) * 3 // 4 for v in tags[keys["metadata_block_picture"]]]
    found["cover_bytes"] = max(covers) if covers else None
    return found


def analyse_all(paths: list[Path], jobs: int | None = None) -> list[Analysis | AudioError]:
    """Each file decoded in its own process (decoding is CPU bound), in input order."""
    if len(paths) <= 1:
        return [_safe(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_safe, paths, chunksize=4))


def _safe(path: Path) -> Analysis | AudioError:
    try:
        return analyse(path)
    except AudioError as err:
        return err


def advice(a: Analysis, targets: Targets, where: Path | str) -> list[Problem]:
    """Out-of-target values, each with the number and the fix."""
    out: list[Problem] = []

    def warn(message: str, hint: str) -> None:
        out.append(Problem(where, message, hint=hint))

    aim = targets.loudness_for(a.channels)
    if a.loudness is None:
        warn("the audio is silent (no measurable loudness)", "check the export of this file")
    elif abs(a.loudness - aim) > targets.tolerance:
        gap = a.loudness - aim
        side = "quieter" if gap < 0 else "louder"
        warn(f"{_lufs(a.loudness)} LUFS: {abs(gap):.1f} dB {side} than {_lufs(aim)}",
             f"normalise to {_lufs(aim)} LUFS before publishing")
    if a.true_peak is not None and a.true_peak > targets.true_peak:
        warn(f"true peak {_lufs(a.true_peak)} dBTP is above {_lufs(targets.true_peak)} dBTP",
             "lower the peaks with a true-peak limiter: lossy decoders would clip them")
    if a.sample_rate not in (44100, 48000):
        warn(f"sample rate {a.sample_rate / 1000:g} kHz", "export at 44.1 or 48 kHz")
    if a.codec in ("flac",) or a.codec.startswith("pcm_"):
        warn(f"{a.codec} audio in a feed", "publish MP3 or AAC: apps and Apple expect them")
    for message, hint in _bitrate_advice(a, targets):
        warn(message, hint)
    if a.dual_mono:
        warn("both channels carry the same signal", "encode as mono: half the data, same sound")
    if a.silence_start > targets.max_silence:
        warn(f"{a.silence_start:.1f} s of silence at the start", "trim the start")
    if a.silence_end > targets.max_silence:
        warn(f"{a.silence_end:.1f} s of silence at the end", "trim the end")
    if not a.tags.get("title"):
        warn("no title tag", "tag the file: players show tags when the file is played offline")
    if not a.tags.get("cover_bytes"):
        warn("no embedded cover art", "embed the show's artwork in the file")
    return out


def _bitrate_advice(a: Analysis, targets: Targets) -> list[tuple[str, str]]:
    """Apple's MP3/AAC bitrate ranges; a spoken show needs no more than speech does."""
    if a.bitrate is None or a.codec not in ("mp3", "aac"):
        return []
    kbps = a.bitrate / 1000
    low, high = (96, 128) if a.channels == 1 else (128, 256)
    minimum = 32 if a.channels == 1 else 64
    mode = "mono" if a.channels == 1 else "stereo"
    if kbps < minimum:
        return [(f"{kbps:g} kbps {mode} is below Apple's minimum of {minimum} kbps",
                 f"encode at {low}-{high} kbps")]
    if targets.spoken and a.channels == 2 and kbps > 192:
        return [(f"{kbps:g} kbps stereo for a spoken show: {kbps / 96:.1f}x the data of "
                 "96 kbps mono, for no audible gain in speech",
                 "encode speech at 96-128 kbps mono (or 128 kbps stereo for music beds)")]
    if not targets.spoken and kbps > high:
        return [(f"{kbps:g} kbps {mode} is above the recommended {low}-{high} kbps",
                 f"encode at {low}-{high} kbps")]
    return []


def outliers(analyses: dict[str, Analysis], targets: Targets) -> list[tuple[str, float, float]]:
    """Episodes whose loudness is far from the show's median: (slug, loudness, median)."""
    values = {slug: a.loudness for slug, a in analyses.items() if a.loudness is not None}
    if len(values) < 3:
        return []
    median = statistics.median(values.values())
    return [(slug, v, median) for slug, v in sorted(values.items())
            if abs(v - median) > targets.outlier]


def _lufs(value: float) -> str:
    """-22.4 written with a real minus sign, as audio tools print it."""
    return f"{value:.1f}".replace("-", "\u2212")


@dataclass
class ShowReport:
    """``feedpub audio check`` of a show: each episode's analysis and advice."""

    targets: Targets
    analyses: dict[str, Analysis] = field(default_factory=dict)  # by episode slug
    advice: dict[str, list[Problem]] = field(default_factory=dict)
    outliers: list[tuple[str, float, float]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # files that could not be read
    recorded: int = 0  # new analyses written to feedpub.lock

    def to_json(self) -> dict[str, Any]:
        return {
            "targets": asdict(self.targets),
            "episodes": [
                {"slug": slug, **a.to_json(),
                 "advice": [{"message": p.message, "hint": p.hint} for p in
                            self.advice.get(slug, [])]}
                for slug, a in self.analyses.items()],
            "outliers": [{"slug": s, "loudness": v, "median": m} for s, v, m in self.outliers],
            "errors": [str(p) for p in self.problems],
        }

    def warnings(self) -> int:
        return sum(len(v) for v in self.advice.values()) + len(self.outliers)


TARGET_KEYS: dict[str, type | tuple[type, ...]] = {
    "loudness": (int, float), "tolerance": (int, float), "true_peak": (int, float),
    "spoken": bool, "max_silence": (int, float), "outlier": (int, float)}


def targets_from(table: dict[str, Any], where: Path) -> Targets:
    """``[audio]`` of podcast.toml as Targets; a wrong type is a ConfigError."""
    from .errors import ConfigError

    problems = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        kind = TARGET_KEYS.get(key)
        if kind is None:
            problems.append(Problem(where, f"audio.{key}: unknown key",
                                    expected=", ".join(TARGET_KEYS)))
        elif (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            problems.append(Problem(where, f"audio.{key}: got {value!r}",
                                    expected="true or false" if kind is bool else "a number"))
        else:
            values[key] = value if kind is bool else float(value)  # type: ignore[arg-type]
    if problems:
        raise ConfigError(problems)
    return Targets(**values)


def load_targets(root: Path) -> Targets:
    """The ``[audio]`` table of the show's podcast.toml (defaults when there is none)."""
    import tomllib

    raw = tomllib.loads((root / "podcast.toml").read_text(encoding="utf-8")).get("audio", {})
    return targets_from(raw if isinstance(raw, dict) else {}, root / "podcast.toml")


def check_show(root: Path, slugs: tuple[str, ...] = (), jobs: int | None = None,
               targets: Targets | None = None) -> ShowReport:
    """Analyse the audio of every episode (or of ``slugs``) whose file is here."""
    from .audio import sha256_of
    from .build.lock import load_lock
    from .build.media import local_audio_path
    from .config import load_show
    from .episodes import load_episodes

    show = load_show(root)
    targets = targets or load_targets(root)
    lock = load_lock(root)
    episodes, problems = load_episodes(show)
    report = ShowReport(targets, problems=list(problems))
    chosen = [ep for ep in episodes if not slugs or ep.slug in slugs]
    unknown = sorted(set(slugs) - {ep.slug for ep in episodes})
    report.problems += [Problem(root / show.episodes_dir / s, "no such episode") for s in unknown]
    todo: list[tuple[str, Path, str]] = []  # (slug, file, sha256) to decode
    where: dict[str, Path | str] = {}
    for ep in chosen:
        entry = lock.entries.get(ep.slug)
        path = local_audio_path(show, ep)
        here = path is not None and path.is_file()
        sha = sha256_of(path) if here and path else (entry.audio.sha256 if entry and
                                                     entry.audio else None)
        recorded = Analysis.from_json(entry.analysis[sha]) if entry and sha and \
            sha in entry.analysis else None
        where[ep.slug] = (path.relative_to(root) if path and path.is_relative_to(root)
                          else path or ep.audio_file)
        if recorded is not None:  # measured before, on these very bytes: no decoding again
            report.analyses[ep.slug] = recorded
        elif here and path and sha:
            todo.append((ep.slug, path, sha))
        else:
            report.problems.append(Problem(ep.folder / "episode.toml",
                                           f"audio {ep.audio_file} is not here to analyse",
                                           hint="run feedpub audio check where the audio is, "
                                                "and commit feedpub.lock"))
    fresh: dict[str, tuple[str, Analysis]] = {}
    for (slug, _path, sha), result in zip(todo, analyse_all([p for _, p, _ in todo], jobs)):
        if isinstance(result, AudioError):
            report.problems += result.problems
        else:
            report.analyses[slug] = result
            fresh[slug] = (sha, result)
    report.analyses = {ep.slug: report.analyses[ep.slug] for ep in chosen
                       if ep.slug in report.analyses}  # episode order, whatever came first
    for slug, analysis in report.analyses.items():
        report.advice[slug] = advice(analysis, targets, where[slug])
    report.outliers = outliers(report.analyses, targets)
    report.recorded = record(lock, fresh)
    return report


def record(lock: Lock, fresh: dict[str, tuple[str, Analysis]]) -> int:
    """Keep new analyses in feedpub.lock (written atomically) for episodes it knows;
    return how many were recorded."""
    from dataclasses import replace

    from .writefile import write_atomic

    changed = 0
    for slug, (sha, analysis) in fresh.items():
        entry = lock.entries.get(slug)
        if entry is None:
            continue  # never built: the lock has no entry to hold it yet
        lock.entries[slug] = replace(entry, analysis={**entry.analysis,
                                                      sha: analysis.to_json()})
        changed += 1
    if changed:
        write_atomic(lock.path, lock.to_json().encode("utf-8"))
    return changed


def table(report: ShowReport) -> str:
    """A plain-text table, one episode a row, then the advice."""
    head = ("episode", "LUFS", "LRA", "dBTP", "kbps", "mode", "kHz", "ch", "codec", "time")
    rows = [head]
    for slug, a in report.analyses.items():
        rows.append((slug, _cell(a.loudness), f"{a.loudness_range:.1f}", _cell(a.true_peak),
                     f"{a.bitrate / 1000:g}" if a.bitrate else "?", a.bitrate_mode,
                     f"{a.sample_rate / 1000:g}", str(a.channels), a.codec,
                     _clock(a.duration)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    for items in report.advice.values():
        for p in items:
            lines.append(f"warning: {p}")
    for slug, value, median in report.outliers:
        lines.append(f"warning: {slug}: {_lufs(value)} LUFS is {abs(value - median):.1f} LU "
                     f"from the show's median ({_lufs(median)} LUFS)\n"
                     "  hint: listeners will reach for the volume between episodes")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "-inf" if value is None else _lufs(value)


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
