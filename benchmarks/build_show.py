"""Benchmark: ``feedpub build`` on a large show, against the cost of reading its audio.

Usage::

    python benchmarks/build_show.py [--episodes 500] [--seconds 60] [--runs 3]

Makes a show of ``--episodes`` episodes with ``benchmarks/showgen.py`` (each with its
own real MP3 of ``--seconds``, French Markdown notes and a speaker-labelled
transcript), then times, best of ``--runs`` in the same process:

- the baseline: SHA-256 of every audio file, one after the other (the I/O any
  build that guards audio content must do);
- a full build (probe, hash, transcripts, render, offline validation);
- a build from feedpub.lock alone (the audio removed, as in a CI checkout).

and prints each time and its ratio to the baseline.  Builds run with
``FEEDPUB_ALLOW_TEST_HOSTS=1``: the show's hosts are the reserved ``example.org`` names.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("FEEDPUB_ALLOW_TEST_HOSTS", "1")  # showgen's hosts are example.org's

import showgen  # noqa: E402

from feedpub.build import build, write_outputs  # noqa: E402


def make_show(root: Path, episodes: int, seconds: float) -> list[Path]:
    """``benchmarks/showgen.py``'s show, with MP3s of ``seconds``; its audio files."""
    showgen.make_show(root, episodes, showgen.template_mp3(seconds))
    return sorted(root.glob("episodes/*/*.mp3"))


def best(runs: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def hash_all(paths: list[Path]) -> None:
    for p in paths:
        hashlib.sha256(p.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        print(f"making {args.episodes} episodes of {args.seconds:.0f} s audio…", file=sys.stderr)
        audio = make_show(root, args.episodes, args.seconds)
        size = sum(p.stat().st_size for p in audio)
        baseline = best(args.runs, lambda: hash_all(audio))
        full = best(args.runs, lambda: build(root))
        write_outputs(build(root), root / "public")
        for p in audio:
            p.unlink()
        from_lock = best(args.runs, lambda: build(root))
        print(f"{args.episodes} episodes, {size / 1e6:.1f} MB of audio")
        print(f"baseline (sha256 of all audio): {baseline:.3f} s")
        print(f"full build:                     {full:.3f} s  ({full / baseline:.2f}x baseline)")
        print(f"build from feedpub.lock:        {from_lock:.3f} s  "
              f"({from_lock / baseline:.2f}x baseline)")
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
