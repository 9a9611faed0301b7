"""Benchmark: ``feedpub build`` on a large show, against the cost of reading its audio.

Usage::

    python benchmarks/build_show.py [--episodes 500] [--seconds 60] [--runs 3]

Makes a show of ``--episodes`` episodes, each with its own real MP3 (LAME via
lameenc), a Markdown description and a speaker-labelled transcript, then
times, best of ``--runs`` in the same process:

- the baseline: SHA-256 of every audio file, one after the other (the I/O any
  build that guards audio content must do);
- a full build (probe, hash, transcripts, render, offline validation);
- a build from feedpub.lock alone (the audio removed, as in a CI checkout).

and prints each time and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from audiofactory import make_mp3  # noqa: E402

from feedpub.build import build, write_outputs  # noqa: E402

SHOW = """\
title = "Benchmark Show"
description = "A large show for timing feedpub build."
link = "https://example.org/show"
language = "en"
author = "Bench"
artwork = "https://media.example.org/cover.jpg"
categories = ["Technology"]
explicit = false
feed_url = "https://feeds.example.org/show/feed.xml"
media_base_url = "https://media.example.org/audio/"

[owner]
name = "Bench"
email = "bench@example.org"
"""


def make_show(root: Path, episodes: int, seconds: float) -> list[Path]:
    root.mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW, encoding="utf-8")
    template = root / "template.mp3"
    make_mp3(template, seconds)
    audio = []
    for n in range(episodes):
        folder = root / "episodes" / f"ep-{n:04d}"
        folder.mkdir(parents=True)
        date = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00"
        (folder / "episode.toml").write_text(
            f'title = "Episode {n}"\ndate = "{date}"\nnumber = {n + 1}\n'
            f'audio = "ep-{n:04d}.mp3"\nguid = "bench-{n}"\nduration = {seconds:.0f}\n',
            encoding="utf-8")
        (folder / "description.md").write_text(
            f"Episode {n}: notes with a [link](https://example.org/{n}) and *emphasis*.\n",
            encoding="utf-8")
        (folder / "transcript.txt").write_text(
            "Speaker #0\nHello and welcome.\n\nSpeaker #1\nThanks for having me.\n",
            encoding="utf-8")
        data = bytearray(template.read_bytes())
        data[-1] = n % 256  # each file its own content
        path = folder / f"ep-{n:04d}.mp3"
        path.write_bytes(bytes(data))
        audio.append(path)
    template.unlink()
    return audio


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
