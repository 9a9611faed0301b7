"""Benchmark: issue 14's table — feedpub builds at scale, as ratios to a direct-lxml writer.

Usage::

    python benchmarks/rebuild.py [--episodes 1000 10000] [--runs 3] [--cold-runs N]
                                 [--site-runs 1] [--cases KEY,…] [--no-site-rows]
                                 [--profile DIR] [--out FILE]

For each ``--episodes`` size, makes a synthetic show (``benchmarks/showgen.py``: real
LAME MP3s, French notes with accents, emoji and markup, speaker transcripts), then
times every case below in a fresh process, each run alternating with its baseline in
the same session, and prints one Markdown table per size (case, feedpub s, baseline s,
ratio, target, met?): medians of ``--runs`` runs, the range beside the median when
there are several.

Feed-only builds (``build --no-site``: the baselines write only a feed, so like is
compared with like), against ``benchmarks/lxml_writer.py`` with the audio facts given:

- ``nochange``: rebuild with nothing changed;
- ``add``: rebuild after adding one episode;
- ``explicit``: full rebuild after editing ``explicit`` in podcast.toml (toggled at
  every run: every item's ``itunes:explicit`` changes, so every item is rewritten);
- ``description``: rebuild after editing the show's description (the channel only);
- ``fresh``: a fresh checkout: ``feedpub.lock`` kept, no cache, no ``public/`` (CI);

against the writer probing every MP3 with mutagen one by one (``--probe``):

- ``cold``: cold build: no lock, no cache, no ``public/``;

and ``validate`` (``validate --offline`` of the built feed) against a plain
``lxml.etree.parse`` of it.  Peak memory (the build process's own maximum RSS,
children apart: ``benchmarks/peakrss.py``) of the full rebuild and of the cold build
is compared with the writer's.  Then the default build, with the site (pages and the
Pagefind index), after one untimed site build: ``site-nochange``, ``site-add``,
``site-explicit``, against the same feed-only writer (no target: the writer makes no
pages), with ``--site-runs`` runs.

Builds run with ``FEEDPUB_ALLOW_TEST_HOSTS=1``: the show's hosts are the names RFC 2606
reserves (``example.org``), which never belong to anyone, so the feed links to no
real site; the validator still runs its host rule on every URL, it only lets those
names through, as the test suite does.

``--profile DIR`` runs every case once more under cProfile after its timed runs
and writes ``DIR/<episodes>-<case>.prof`` and a ``.txt`` of the top functions by
cumulative time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import showgen  # noqa: E402

PY = sys.executable
DONE: list[str] = []  # the tables of the sizes already measured
KEYS = ("cold", "fresh", "nochange", "add", "explicit", "description", "validate",
        "site-nochange", "site-add", "site-explicit")


@dataclass
class Case:
    key: str
    label: str
    target: float | None  # the ratio to meet; None: shown, no target
    baseline: str  # "writer", "probe" or "parse"
    site: bool = False
    prepare: Callable[[], None] | None = None


@dataclass
class Row:
    label: str
    ours: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    target: float | None = None
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return statistics.median(self.ours) / statistics.median(self.base)


def env() -> dict[str, str]:
    return {**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1", "NO_COLOR": "1"}


def run(cmd: list[str], peak_file: Path | None = None) -> tuple[float, int]:
    """Wall time of one fresh process, and its own peak RSS in KiB (0 if not measured)."""
    if peak_file is not None:
        cmd = [PY, str(HERE / "peakrss.py"), str(peak_file), *cmd[1:]]
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): "
                         f"{done.stderr.decode(errors='replace')[-3000:]}")
    peak = 0
    if peak_file is not None:
        peak = int(peak_file.read_text(encoding="ascii").split()[0])
        peak_file.unlink()
    return wall, peak


class Bench:
    def __init__(self, tmp: Path, episodes: int, args: argparse.Namespace) -> None:
        self.tmp, self.episodes, self.args = tmp, episodes, args
        self.root = tmp / "show"
        self.next_episode = episodes
        self.edits = 0
        self.peak_file = tmp / "peak"
        started = time.perf_counter()
        self.template = showgen.make_show(self.root, episodes)
        note(f"{episodes} episodes made in {time.perf_counter() - started:.1f} s")
        sample = self.root / "episodes" / showgen.slug(0) / f"{showgen.slug(0)}.mp3"
        from mutagen.mp3 import MP3

        self.size, self.duration = sample.stat().st_size, MP3(sample).info.length
        self.rows: dict[str, Row] = {}
        self.peaks: dict[str, tuple[list[int], list[int]]] = {}

    # the commands
    def build_cmd(self, site: bool) -> list[str]:
        cmd = [PY, "-m", "feedpub", "-C", str(self.root), "build", "-q",
               "-o", str(self.root / "public")]
        return cmd if site else [*cmd, "--no-site"]

    def writer_cmd(self, probe: bool) -> list[str]:
        cmd = [PY, str(HERE / "lxml_writer.py"), str(self.root), str(self.tmp / "writer.xml")]
        return [*cmd, "--probe"] if probe else [*cmd, "--size", str(self.size),
                                                 "--duration", str(self.duration)]

    @property
    def feed(self) -> str:
        return str(self.root / "public" / "feed.xml")

    # what each case changes before a run
    def forget(self, *names: str) -> None:
        for name in names:
            path = self.root / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def cold(self) -> None:
        self.forget("feedpub.lock", ".feedpub", "public")

    def fresh(self) -> None:
        self.forget(".feedpub", "public")

    def add_one(self) -> None:
        showgen.make_episode(self.root, self.next_episode, self.template)
        self.next_episode += 1

    def toggle_explicit(self) -> None:
        self.edits += 1
        showgen.set_show_field(self.root, "explicit", "true" if self.edits % 2 else "false")

    def edit_description(self) -> None:
        self.edits += 1
        text = f"Une émission générée pour mesurer feedpub, version {self.edits}."
        showgen.set_show_field(self.root, "description", f'"{text}"')

    def cases(self) -> list[Case]:
        cases = [
            Case("cold", "cold build: no lock, no cache (vs mutagen probing + writer)", 1.0,
                 "probe", prepare=self.cold),
            Case("fresh", "fresh checkout: lock, no cache, no public/", None, "writer",
                 prepare=self.fresh),
            Case("nochange", "rebuild with nothing changed", 0.3, "writer"),
            Case("add", "rebuild after adding one episode", 0.5, "writer",
                 prepare=self.add_one),
            Case("explicit", "full rebuild after editing podcast.toml (`explicit`)", 1.5,
                 "writer", prepare=self.toggle_explicit),
            Case("description", "rebuild after editing podcast.toml (`description`)", 1.5,
                 "writer", prepare=self.edit_description),
            Case("validate", "`validate --offline` (vs a plain lxml parse)", 3.0, "parse"),
            Case("site-nochange", "with the site: rebuild with nothing changed", None,
                 "writer", site=True),
            Case("site-add", "with the site: after adding one episode", None, "writer",
                 site=True, prepare=self.add_one),
            Case("site-explicit", "with the site: full rebuild after editing `explicit`",
                 None, "writer", site=True, prepare=self.toggle_explicit),
        ]
        assert tuple(c.key for c in cases) == KEYS
        return cases

    def commands(self, case: Case) -> tuple[list[str], list[str]]:
        if case.baseline == "parse":
            ours = [PY, "-m", "feedpub", "validate", "--offline", self.feed]
            return ours, [PY, "-c", f"from lxml import etree; etree.parse({self.feed!r})"]
        return self.build_cmd(case.site), self.writer_cmd(case.baseline == "probe")

    def measure(self, case: Case, runs: int) -> None:
        ours_cmd, base_cmd = self.commands(case)
        row = Row(case.label, target=case.target)
        peaks: tuple[list[int], list[int]] = ([], [])
        for n in range(runs):
            if case.prepare:
                case.prepare()
            wall, peak = run(base_cmd, self.peak_file)
            row.base.append(wall)
            peaks[1].append(peak)
            wall, peak = run(ours_cmd, self.peak_file)
            row.ours.append(wall)
            peaks[0].append(peak)
            note(f"  {case.key} {n + 1}/{runs}: {row.ours[-1]:.2f} s "
                 f"(baseline {row.base[-1]:.2f} s)")
        self.rows[case.key] = row
        self.peaks[case.key] = peaks
        self.memory_rows()
        if self.args.out:  # the tables so far, in case a long run is cut short
            self.args.out.write_text("\n".join([*DONE, markdown(self)]), encoding="utf-8")
        if self.args.profile:
            self.profile(case, ours_cmd)

    def profile(self, case: Case, cmd: list[str]) -> None:
        import pstats

        folder: Path = self.args.profile
        folder.mkdir(parents=True, exist_ok=True)
        if case.prepare:
            case.prepare()
        stem = folder / f"{self.episodes}-{case.key}"
        subprocess.run([PY, "-m", "cProfile", "-o", f"{stem}.prof", *cmd[1:]], check=True,
                       stdout=subprocess.DEVNULL, env=env())
        with open(f"{stem}.txt", "w", encoding="utf-8") as out:
            out.write(summarize(Path(f"{stem}.prof")) + "\n\n")
            stats = pstats.Stats(f"{stem}.prof", stream=out)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
        note(f"  profile: {stem}.txt")

    def memory_rows(self) -> None:
        for key in [k for k in self.rows if k.endswith("-memory")]:
            del self.rows[key]  # put back below, in this order
        self.memory_row("explicit", "peak memory, full rebuild (MiB, vs the writer's)")
        self.memory_row("cold", "peak memory, cold build (MiB, vs the probing writer's)")
        self.memory_row("site-explicit", "peak memory, full rebuild with the site (MiB)")
        if "site-explicit-memory" in self.rows:
            self.rows["site-explicit-memory"].target = None

    def memory_row(self, key: str, label: str) -> None:
        if key not in self.peaks:
            return
        ours, base = self.peaks[key]
        self.rows[f"{key}-memory"] = Row(label, [max(ours) / 1024], [max(base) / 1024], 1.25,
                                         unit="MiB")

    def table(self, keys: set[str], site_rows: bool) -> None:
        runs, site_runs = self.args.runs, self.args.site_runs
        all_cases = self.cases()
        site_cases = [c for c in all_cases if c.site and c.key in keys]
        for case in all_cases:
            if not case.site and case.key in keys:
                if case.key not in ("cold", "fresh") and not (self.root / "feedpub.lock").exists():
                    run(self.build_cmd(False))  # the first build, untimed
                note(f"{self.episodes} episodes: {case.key}")
                cold_runs = self.args.cold_runs or runs
                self.measure(case, cold_runs if case.key in ("cold", "fresh") else runs)
        if site_rows and site_cases:
            run(self.build_cmd(True))  # the pages built once, untimed
            for case in site_cases:
                note(f"{self.episodes} episodes: {case.key}")
                self.measure(case, site_runs)


def short(path: str, line: int, name: str) -> str:
    """``module.py:function`` (with the line for comprehensions and lambdas)."""
    for marker in ("/src/feedpub/", "/site-packages/", "/lib/python3.11/",
                   f"/lib/python{sys.version_info.major}.{sys.version_info.minor}/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}:{name}" if name.startswith("<") and line else f"{path}:{name}"


def summarize(prof: Path, limit: int = 18) -> str:
    """feedpub's functions by cumulative time (the wrappers of the whole run left out),
    then every function by its own time: where a case's time goes, in a screen."""
    import pstats

    stats = pstats.Stats(str(prof))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in entries.values())
    ours = sorted(((ct, short(file, line, name), nc)
                   for (file, line, name), (_, nc, _, ct, _) in entries.items()
                   if "/src/feedpub/" in file and ct < 0.8 * total and ct >= 0.02 * total),
                  reverse=True)
    own = sorted(((tt, short(file, line, name), nc)
                  for (file, line, name), (_, nc, tt, _, _) in entries.items()), reverse=True)
    lines = [f"{prof.stem}: {total:.2f} s under cProfile", "  cumulative (feedpub):"]
    lines += [f"    {ct:7.2f} s {100 * ct / total:4.0f}%  {name} ×{nc}"
              for ct, name, nc in ours[:limit]]
    lines.append("  own time (any code):")
    lines += [f"    {tt:7.2f} s {100 * tt / total:4.0f}%  {name} ×{nc}"
              for tt, name, nc in own[:10]]
    return "\n".join(lines)


def cell(values: list[float], unit: str) -> str:
    med = statistics.median(values)
    text = f"{med:.1f}" if unit == "MiB" else f"{med:.3f}"
    if len(values) > 1 and unit == "s":
        text += f" ({min(values):.3f}–{max(values):.3f})"
    return text


def markdown(bench: Bench) -> str:
    args = bench.args
    lines = [f"**{bench.episodes:,} episodes** ({os.cpu_count()} cores; runs: {args.runs}, "
             f"cold: {args.cold_runs or args.runs}, with the site: {args.site_runs})", "",
             "| case | feedpub | baseline | ratio | target | met? |",
             "|---|---|---|---|---|---|"]
    rows = sorted(bench.rows.values(), key=lambda row: row.unit == "MiB")  # memory last
    for row in rows:
        target = f"≤ {row.target:g}×" if row.target is not None else "—"
        met = "—" if row.target is None else ("yes" if row.ratio <= row.target else "no")
        unit = " MiB" if row.unit == "MiB" else " s"
        lines.append(f"| {row.label} | {cell(row.ours, row.unit)}{unit} | "
                     f"{cell(row.base, row.unit)}{unit} | {row.ratio:.2f}× | {target} | {met} |")
    return "\n".join(lines) + "\n"


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each feed-only case")
    parser.add_argument("--cold-runs", type=int,
                        help="runs of the cold and fresh-checkout cases (default: --runs)")
    parser.add_argument("--site-runs", type=int, default=1, help="runs of each site case")
    parser.add_argument("--cases", default="", help="comma-separated case keys (default: all)")
    parser.add_argument("--no-site-rows", action="store_true", help="leave out the site cases")
    parser.add_argument("--profile", type=Path, help="write cProfile output of each case here")
    parser.add_argument("--tmp", type=Path, help="make the shows under this folder")
    parser.add_argument("--out", type=Path,
                        help="also write the table here, rewritten after every case")
    args = parser.parse_args()
    known = set(KEYS)
    keys = set(args.cases.split(",")) if args.cases else known
    if keys - known:
        parser.error(f"unknown cases: {', '.join(sorted(keys - known))} "
                     f"(known: {', '.join(sorted(known))})")
    for episodes in args.episodes:
        with tempfile.TemporaryDirectory(prefix="feedpub-bench-", dir=args.tmp) as tmp:
            bench = Bench(Path(tmp), episodes, args)
            bench.table(keys, not args.no_site_rows)
            print(markdown(bench), flush=True)
            DONE.append(markdown(bench))


if __name__ == "__main__":
    main()
