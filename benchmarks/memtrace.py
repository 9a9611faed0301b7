"""Who holds the memory of a build at its peak: tracemalloc snapshots of one build.

Usage::

    python benchmarks/memtrace.py [--episodes 2000] [--cases explicit,add,cold]
                                  [--frames 12] [--top 25] [--out FILE]

Makes a synthetic show (``benchmarks/showgen.py``), builds it once in a child process
(untimed: the lock, the cache and ``public/`` exist afterwards), then for each case
changes the show as ``benchmarks/rebuild.py`` does and runs, in this process, what
``feedpub build --no-site`` runs (build, write, state) with tracemalloc on.  A sampling
thread takes a snapshot whenever the traced memory has grown by 8 % over the last one,
so the last snapshot is within 8 % of the peak (the report says how near); the report gives,
for each case, the traced peak, the snapshot's size, and the top allocations by line,
by file and by traceback (``--frames`` deep), with the stage the build was in.

Cases: ``explicit`` (full rebuild after editing ``explicit``), ``add`` (one episode
added), ``description`` (the channel edited), ``cold`` (no lock, no cache, no
``public/``; probe workers are other processes and not traced).  tracemalloc's own
bookkeeping makes the build several times slower; read sizes, not times.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import showgen  # noqa: E402

MiB = 1024 * 1024


class Sampler(threading.Thread):
    """Snapshots at each new high of the traced memory (``step`` over the last one)."""

    def __init__(self, interval: float = 0.02, step: float = 1.08) -> None:
        super().__init__(daemon=True)
        self.interval, self.step = interval, step
        self.best: tracemalloc.Snapshot | None = None
        self.best_size = 0
        self.best_stage = ""
        self.stage = "start"
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.check()

    def check(self) -> None:
        current, _ = tracemalloc.get_traced_memory()
        if current > self.best_size * self.step:
            self.best = None  # the last one's memory, before the next is taken
            self.best = tracemalloc.take_snapshot()
            self.best_size, self.best_stage = current, self.stage


def traced_build(root: Path, sampler: Sampler) -> None:
    """``feedpub build --no-site -q`` as cli.py runs it, stages reported to the sampler."""
    from feedpub import state
    from feedpub.build import build, write_outputs
    from feedpub.progress import Progress

    class Stages(Progress):
        def stage(self, name: str, total: int = 0) -> None:
            sampler.stage = name
            sampler.check()

    output = (root / "public").resolve()
    stamp = state.begin(root)
    result = build(root, progress=Stages(), site=False)
    sampler.stage = "write_outputs"
    sampler.check()
    done = write_outputs(result, output)
    sampler.stage = "state.record"
    sampler.check()
    state.record(stamp, result, output, False, done)
    sampler.stage = "end (result still held)"
    sampler.check()


def report(case: str, sampler: Sampler, peak: int, frames: int, top: int) -> str:
    snap = sampler.best
    assert snap is not None
    snap = snap.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__),
                               tracemalloc.Filter(False, __file__)])
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [f"## {case}: traced peak {peak / MiB:.1f} MiB; snapshot {sampler.best_size / MiB:.1f}"
             f" MiB taken in stage '{sampler.best_stage}'; peak RSS {rss:.0f} MiB (with "
             "tracemalloc's own; libxml2's C allocations are not traced)", "",
             "### by file", "```"]
    for stat in snap.statistics("filename")[:15]:
        lines.append(f"{stat.size / MiB:8.2f} MiB {stat.count:9,d}  "
                     f"{short(stat.traceback[0].filename)}")
    lines += ["```", "", "### by line", "```"]
    for stat in snap.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size / MiB:8.2f} MiB {stat.count:9,d}  "
                     f"{short(frame.filename)}:{frame.lineno}")
    lines += ["```", "", f"### by traceback (top {top // 2}, innermost first, feedpub frames)",
              "```"]
    for stat in snap.statistics("traceback")[:top // 2]:
        ours = [f for f in stat.traceback if "/feedpub/" in f.filename][:frames]
        where = " < ".join(f"{short(f.filename)}:{f.lineno}" for f in ours) or "(no feedpub frame)"
        first = stat.traceback[0]
        lines.append(f"{stat.size / MiB:8.2f} MiB {stat.count:9,d}  "
                     f"{short(first.filename)}:{first.lineno} | {where}")
    lines += ["```", ""]
    return "\n".join(lines)


def short(path: str) -> str:
    for marker in ("/src/feedpub/", "/site-packages/", "/lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def prepare(case: str, root: Path, template: bytes, episodes: int) -> None:
    if case == "explicit":
        text = (root / "podcast.toml").read_text(encoding="utf-8")
        showgen.set_show_field(root, "explicit",
                               "false" if "explicit = true" in text else "true")
    elif case == "description":
        showgen.set_show_field(root, "description", f'"Une émission, {time.time()}."')
    elif case == "add":
        taken = {p.name for p in (root / "episodes").iterdir()}
        n = episodes
        while showgen.slug(n) in taken:
            n += 1
        showgen.make_episode(root, n, template)
    elif case == "cold":
        for name in ("feedpub.lock", ".feedpub", "public"):
            path = root / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    else:
        raise SystemExit(f"unknown case {case!r}")


def child(case: str, root: Path, frames: int, top: int) -> str:
    """One traced build in this (fresh) process."""
    os.environ["FEEDPUB_ALLOW_TEST_HOSTS"] = "1"
    tracemalloc.start(frames * 3)
    sampler = Sampler()
    sampler.start()
    traced_build(root, sampler)
    sampler.stop.set()
    sampler.join()
    _, peak = tracemalloc.get_traced_memory()
    gc.collect()
    return report(case, sampler, peak, frames, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--cases", default="explicit,add,cold")
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(child(args.child[0], Path(args.child[1]), args.frames, args.top))
        return
    env = {**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"}
    parts = [f"# tracemalloc at the peak, {args.episodes:,} episodes, --no-site", ""]
    with tempfile.TemporaryDirectory(prefix="feedpub-memtrace-") as tmp:
        root = Path(tmp) / "show"
        template = showgen.make_show(root, args.episodes)
        build = [sys.executable, "-m", "feedpub", "-C", str(root), "build", "-q", "--no-site"]
        subprocess.run(build, check=True, env=env, stdout=subprocess.DEVNULL)
        for case in args.cases.split(","):
            prepare(case, root, template, args.episodes)
            done = subprocess.run([sys.executable, __file__, "--frames", str(args.frames),
                                   "--top", str(args.top), "--child", case, str(root)],
                                  env=env, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{case}: {done.stderr[-3000:]}")
            parts.append(done.stdout)
            print(done.stdout, flush=True)
            if args.out:
                args.out.write_text("\n".join(parts), encoding="utf-8")
            if case == "cold":  # the next case needs a built show
                subprocess.run(build, check=True, env=env, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
