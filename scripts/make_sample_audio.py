"""Make the sample episode's stand-in audio with a real MP3 encoder (LAME, via lameenc).

The original recording is not available offline; this writes 4:12 of quiet
tones (mono, 16 kHz, 16 kbit/s, about 500 KB) so that the "04min" duration
check runs on a real file.  Run: python scripts/make_sample_audio.py OUT.mp3
"""

import math
import sys
from array import array

import lameenc

RATE = 16000
SECONDS = 252  # 4:12


def pcm() -> bytes:
    samples = array("h")
    notes = (220.0, 277.2, 329.6, 440.0)
    for i in range(RATE * SECONDS):
        t = i / RATE
        freq = notes[int(t // 3) % len(notes)]
        envelope = 0.5 - 0.5 * math.cos(2 * math.pi * (t % 3) / 3)
        samples.append(int(3000 * envelope * math.sin(2 * math.pi * freq * t)))
    return samples.tobytes()


def main(out: str) -> None:
    enc = lameenc.Encoder()
    enc.set_bit_rate(16)
    enc.set_in_sample_rate(RATE)
    enc.set_channels(1)
    enc.set_quality(5)
    with open(out, "wb") as fh:
        fh.write(enc.encode(pcm()) + enc.flush())


if __name__ == "__main__":
    main(sys.argv[1])
