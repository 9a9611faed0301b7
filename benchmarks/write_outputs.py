"""Benchmark: writing a build's files with one durability barrier, against one fsync each.

Usage::

    python benchmarks/write_outputs.py [--files 2000] [--runs 3]

Writes ``--files`` files of 3 KB (in folders of 20, as episodes' companions are) and a
feed, into a fresh folder each time, alternating, median of ``--runs``:

- baseline: each file atomically on its own (temp file, fsync, rename), as builds did;
- batch: :func:`feedpub.output.apply` -- temp files, one barrier (concurrent fsyncs, renames,
  folder fsyncs), then the feed on its own.

and prints each median, the ratio, and the fsync calls each made.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from feedpub.model import Output
from feedpub.output import Plan, Step, apply
from feedpub.writefile import write_atomic


def outputs(files: int) -> list[Output]:
    made = [Output.of_bytes("transcript", f"ep-{n // 20:04d}/file-{n % 20}.txt",
                            f"https://example.org/{n}", "text/plain",
                            (f"{n} " * 750).encode()[:3000], "companion")
            for n in range(files)]
    return [*made, Output.of_bytes("feed", "feed.xml", "https://example.org/feed.xml",
                                   "application/rss+xml", b"<rss/>" * 500, "feed")]


def one_by_one(folder: Path, outs: list[Output]) -> None:
    for out in outs:
        assert out.content is not None
        write_atomic(folder / out.path, out.content)


def batched(folder: Path, outs: list[Output]) -> None:
    apply(Plan([Step("write", folder / out.path, out) for out in outs]))


def timed(way: Callable[[Path, list[Output]], None], outs: list[Output],
          base: Path) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(dir=base))
    calls = 0
    real = os.fsync

    def counting(fd: int) -> None:
        nonlocal calls
        calls += 1
        real(fd)

    os.fsync = counting
    try:
        started = time.perf_counter()
        way(folder, outs)
        return time.perf_counter() - started, calls
    finally:
        os.fsync = real
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to write (default: a temp folder; pick the disk to test)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="feedpub-write-bench-", dir=args.dir))
    outs = outputs(args.files)
    try:
        results: dict[str, list[tuple[float, int]]] = {"one by one": [], "batch": []}
        for _ in range(args.runs):
            results["one by one"].append(timed(one_by_one, outs, base))
            results["batch"].append(timed(batched, outs, base))
        first = statistics.median(t for t, _ in results["one by one"])
        print(f"{args.files} files of 3 KB and a feed, median of {args.runs}")
        for name, runs in results.items():
            median = statistics.median(t for t, _ in runs)
            print(f"  {name:<10} {median:7.3f} s  {median / first:5.2f}x  "
                  f"{runs[0][1]:,} fsync calls")
    finally:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
