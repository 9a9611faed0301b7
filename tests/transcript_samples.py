"""Sample transcripts and audio with chapters, shared by the transcript and chapter tests.

The build's tests can use them too: :func:`write_timed_srt` gives an episode a
timed transcript (so VTT, SRT, JSON and HTML get published) and
:func:`make_mp3_with_chapters` an MP3 whose chapters live in ID3 CHAP frames.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

#: a timed SRT in the namespace's convention: the name written where the speaker changes
TIMED_SRT = """\
1
00:00:00,000 --> 00:00:03,200
Speaker #0: Bienvenue — welcome to the show.

2
00:00:03,200 --> 00:00:06,750
Today, accents, émojis 🎙 and <tags> & ampersands.

3
00:00:06,750 --> 00:00:10,000
Speaker #1: Thanks for having me.
It's great to be here.

4
00:00:10,000 --> 00:00:14,480
Speaker #0: Let's start.
"""

#: the same cues as :data:`TIMED_SRT`, as (speaker, start, end, text)
TIMED_CUES = [
    ("Speaker #0", 0.0, 3.2, "Bienvenue — welcome to the show."),
    ("Speaker #0", 3.2, 6.75, "Today, accents, émojis 🎙 and <tags> & ampersands."),
    ("Speaker #1", 6.75, 10.0, "Thanks for having me.\nIt's great to be here."),
    ("Speaker #0", 10.0, 14.48, "Let's start."),
]


def write_timed_srt(folder: Path, name: str = "transcript.srt") -> Path:
    """Put :data:`TIMED_SRT` into an episode folder (14.48 s long: use audio of 15 s or more)."""
    path = folder / name
    path.write_text(TIMED_SRT, encoding="utf-8")
    return path


def sine_pcm(seconds: float, rate: int = 16000, freq: float = 440.0) -> bytes:
    """Mono int16 PCM: something real for an encoder to chew on."""
    count = int(seconds * rate)
    return struct.pack(f"<{count}h", *(int(8000 * math.sin(2 * math.pi * freq * i / rate))
                                       for i in range(count)))


def make_mp3(path: Path, seconds: float = 30.0) -> Path:
    """A real MP3 (mono, 16 kHz, 16 kbps) encoded by LAME."""
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(16)
    enc.set_in_sample_rate(16000)
    enc.set_channels(1)
    enc.set_quality(7)
    path.write_bytes(enc.encode(sine_pcm(seconds)) + enc.flush())
    return path


def add_id3_chapters(path: Path, chapters: list[tuple[float, float, str]],
                     hidden: tuple[int, ...] = (), url: str | None = None) -> None:
    """Write ID3 CHAP frames (and a CTOC listing all but ``hidden`` indexes) into an MP3."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, WXXX, CTOCFlags, ID3NoHeaderError

    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        tags = ID3()
    ids = []
    for i, (start, end, title) in enumerate(chapters):
        element = f"chp{i}"
        subs = [TIT2(encoding=3, text=[title])]
        if url and i == 0:
            subs.append(WXXX(encoding=3, desc="", url=url))
        tags.add(CHAP(element_id=element, start_time=round(start * 1000),
                      end_time=round(end * 1000), sub_frames=subs))
        if i not in hidden:
            ids.append(element)
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
    tags.save(path)


def make_mp3_with_chapters(path: Path, seconds: float = 30.0) -> Path:
    """A 30 s MP3 with three chapters in ID3 CHAP frames, all listed in the CTOC."""
    make_mp3(path, seconds)
    add_id3_chapters(path, [(0.0, 10.0, "Intro"), (10.0, 22.5, "Café & <news>"),
                            (22.5, seconds, "Outro 🎙")])
    return path


def make_m4a_with_chapters(path: Path, seconds: float = 20.0,
                           chapters: tuple[tuple[float, str], ...] = ((0, "Intro"),
                                                                      (10, "Café"))) -> Path:
    """A real AAC-in-MP4 file (PyAV) with MP4 chapters, as Apple-style tools write them."""
    from fractions import Fraction

    import av
    import numpy as np

    rate = 16000
    bounds = [round(start * 1000) for start, _ in chapters] + [round(seconds * 1000)]
    with av.open(str(path), "w", format="ipod") as out:
        stream = out.add_stream("aac", rate=rate)
        stream.layout = "mono"  # type: ignore[union-attr]
        out.set_chapters([{"id": i + 1, "start": bounds[i], "end": bounds[i + 1],
                           "time_base": Fraction(1, 1000), "metadata": {"title": title}}
                          for i, (_, title) in enumerate(chapters)])
        pcm = np.frombuffer(sine_pcm(seconds, rate), dtype=np.int16)
        for i in range(0, len(pcm), 1024):
            frame = av.AudioFrame.from_ndarray(pcm[None, i:i + 1024], format="s16",
                                               layout="mono")
            frame.sample_rate = rate
            frame.pts = i
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)
    return path
