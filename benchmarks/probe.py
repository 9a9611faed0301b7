"""Benchmark: a build's audio stage against mutagen parsing every file one by one.

Usage::

    python benchmarks/probe.py [--episodes 2000] [--seconds 2] [--runs 3]

Makes a show of ``--episodes`` episodes with ``benchmarks/showgen.py`` (each with its
own real MP3, LAME via lameenc, of ``--seconds``), then times, each in a fresh Python
process (as a build runs: the worker pool and its start are paid every time),
alternating, median of ``--runs``:

- baseline: ``mutagen.mp3.MP3(path)`` for every file, one after the other;
- cold: ``probe_all`` with no lock and no cache: every file parsed and hashed (in worker
  processes above ``PROCESS_THRESHOLD`` files);
- cold in-process: the same with the worker processes turned off;
- fresh clone: every file in the lock, no cache: each one hashed, none parsed;
- unchanged: lock and cache: one ``stat`` per file.

and prints each median and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import showgen  # noqa: E402

CHILD = r'''
import sys, time
from pathlib import Path
case, root = sys.argv[1], Path(sys.argv[2])
if case == "baseline":
    from mutagen.mp3 import MP3
    files = sorted(root.glob("episodes/*/*.mp3"))
    started = time.perf_counter()
    for path in files:
        MP3(path).info.length
    print(time.perf_counter() - started)
    raise SystemExit
from feedpub.build import probe
from feedpub.build.lock import Lock, load_lock
from feedpub.cache import Cache
from feedpub.config import load_show
from feedpub.episodes import load_episodes
show = load_show(root)
episodes, problems = load_episodes(show, lambda text: text)
assert not problems, problems[0]
lock = load_lock(root) if case in ("clone", "unchanged") else Lock(root / "feedpub.lock")
cache = Cache(root, show.podcast_guid) if case == "unchanged" else None
if case == "cold-here":
    probe.PROCESS_THRESHOLD = 10 ** 9
started = time.perf_counter()
measured, problems = probe.probe_all(show, episodes, lock, False, lambda _: None, cache)
elapsed = time.perf_counter() - started
assert not problems and len(measured) == len(episodes), problems[:1]
if case == "cold" and not (root / "feedpub.lock").exists():
    from feedpub.build.lock import Entry
    lock = Lock(root / "feedpub.lock", {m.slug: Entry(m.episode.guid, m.audio)
                                        for m in measured}, podcast_guid=show.podcast_guid)
    lock.path.write_text(lock.to_json(), encoding="utf-8")
if case == "unchanged" and cache is not None:
    cache.save()
print(elapsed)
'''


def make_show(root: Path, episodes: int, seconds: float) -> None:
    """``benchmarks/showgen.py``'s show, with MP3s of ``seconds``."""
    showgen.make_show(root, episodes, showgen.template_mp3(seconds))


def timed(case: str, root: Path) -> float:
    done = subprocess.run([sys.executable, "-c", CHILD, case, str(root)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{case}: {done.stderr[-2000:]}")
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="feedpub-probe-bench-"))
    try:
        root = folder / "show"
        make_show(root, args.episodes, args.seconds)
        timed("cold", root)  # writes the lock the last two cases read; warms the disk cache
        timed("unchanged", root)  # and the cache they need
        cases = ["baseline", "cold", "cold-here", "clone", "unchanged"]
        times: dict[str, list[float]] = {case: [] for case in cases}
        for _ in range(args.runs):
            for case in cases:
                times[case].append(timed(case, root))
        base = statistics.median(times["baseline"])
        print(f"{args.episodes} episodes, {args.seconds:g} s MP3s, median of {args.runs}")
        for case in cases:
            median = statistics.median(times[case])
            print(f"  {case:<10} {median:7.3f} s  {median / base:5.2f}x")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
