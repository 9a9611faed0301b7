"""Benchmark: ``feedpub audio check`` decoding many episodes, one process per core.

Usage::

    python benchmarks/audio_check.py [--episodes 1000] [--seconds 60]

Makes ``--episodes`` real MP3s (LAME via lameenc, 16 kbps mono tones) and times,
in the same run, the analysis of all of them one after the other (the baseline)
and in parallel across the machine's cores, printing both and their ratio, the
time per episode, and the cost of a second run answered from feedpub.lock records
(no decoding at all).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from audiofactory import make_mp3  # noqa: E402

from feedpub.audiocheck import Analysis, analyse, analyse_all  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        first = make_mp3(Path(tmp) / "ep-0.mp3", args.seconds)
        paths = [first]
        for n in range(1, args.episodes):  # same bytes, separate files: decoding is the cost
            copy = Path(tmp) / f"ep-{n}.mp3"
            copy.write_bytes(first.read_bytes())
            paths.append(copy)
        started = time.perf_counter()
        serial = [analyse(p) for p in paths]
        one_by_one = time.perf_counter() - started
        started = time.perf_counter()
        parallel = analyse_all(paths)
        cores = time.perf_counter() - started
        assert all(isinstance(a, Analysis) for a in parallel) and len(serial) == len(parallel)
        records = [a.to_json() for a in serial]
        started = time.perf_counter()
        restored = [Analysis.from_json(r) for r in records]
        from_lock = time.perf_counter() - started
        assert restored == serial
    total = args.episodes * args.seconds / 3600
    print(f"{args.episodes} episodes of {args.seconds:g} s ({total:.1f} h of audio), "
          f"{os.cpu_count()} cores")
    print(f"one by one (baseline): {one_by_one:7.2f} s  ({one_by_one / args.episodes * 1000:.1f}"
          " ms per episode)")
    print(f"parallel:              {cores:7.2f} s  ratio {cores / one_by_one:.2f}x")
    print(f"from feedpub.lock:     {from_lock:7.4f} s  ratio {from_lock / one_by_one:.4f}x")


if __name__ == "__main__":
    main()
