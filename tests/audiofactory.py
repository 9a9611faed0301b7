"""Real audio files for tests, made by real encoders (LAME, libsndfile, FFmpeg).

Short, quiet, mono and low-rate so a whole suite's worth is made in seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

RATE = 16000


def tone(seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def make_mp3(path: Path, seconds: float) -> Path:
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(16)
    enc.set_in_sample_rate(RATE)
    enc.set_channels(1)
    enc.set_quality(7)
    pcm = (tone(seconds) * 32767).astype("<i2").tobytes()
    path.write_bytes(enc.encode(pcm) + enc.flush())
    return path


def make_soundfile(path: Path, seconds: float, fmt: str, subtype: str | None = None,
                   rate: int = RATE) -> Path:
    import soundfile as sf

    with path.open("wb") as fh:
        sf.write(fh, tone(seconds, rate), rate, format=fmt, subtype=subtype)
    return path


def make_m4a(path: Path, seconds: float) -> Path:
    import av

    rate = 44100
    samples = tone(seconds, rate)
    with av.open(str(path), "w", format="ipod") as out:
        stream = out.add_stream("aac", rate=rate)
        stream.layout = "mono"
        frame_size = 1024
        for start in range(0, len(samples), frame_size):
            chunk = samples[start:start + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


MAKERS = {
    "mp3": lambda p, s: make_mp3(p, s),
    "m4a": lambda p, s: make_m4a(p, s),
    "ogg": lambda p, s: make_soundfile(p, s, "OGG", "VORBIS"),
    "opus": lambda p, s: make_soundfile(p, s, "OGG", "OPUS", rate=48000),
    "flac": lambda p, s: make_soundfile(p, s, "FLAC"),
    "wav": lambda p, s: make_soundfile(p, s, "WAV", "PCM_16"),
}


def make_audio(path: Path, seconds: float, kind: str | None = None) -> Path:
    """Encode ``seconds`` of tone into ``path``; the format follows ``kind`` or the extension."""
    return MAKERS[kind or path.suffix.lstrip(".")](path, seconds)
