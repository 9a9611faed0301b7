"""Benchmark: feedpub builds at scale, as ratios to a minimal direct-lxml feed writer.

Usage::

    python benchmarks/rebuild.py [--episodes 1000] [--runs 3] [--skip-cold]

Makes a synthetic show in feedpub's format (``--episodes`` episodes, each with a
short real MP3 made by LAME, ~1.5 KB of French Markdown notes with accents, emoji
and markup, and a ~4 KB speaker-labelled transcript), then times, in one run and
alternating with the baseline, each case of issue 14's table, every build in a
fresh Python process (as the command runs):

- baseline: a minimal writer that reads the same episode.toml and description.md
  files and writes the same channel and items (title, guid, pubDate, enclosure,
  description, duration) with lxml, with the audio facts given;
- cold build: no lock and no cache (every MP3 probed and hashed);
- rebuild with nothing changed;
- rebuild after adding one episode;
- full rebuild after editing podcast.toml;
- ``validate --offline`` of the built feed, against a plain ``lxml.etree.parse``;
- peak memory (max RSS) of a no-change rebuild and of the baseline.

Medians of ``--runs`` runs are reported, with the ratio to the baseline measured
in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

SHOW = """\
title = "Banc d'essai"
description = "Une émission générée pour mesurer feedpub."
link = "https://example.org/show"
language = "fr"
author = "Banc"
artwork = "https://media.example.org/cover.jpg"
categories = ["Technology"]
explicit = false
feed_url = "https://feeds.example.org/show/feed.xml"
media_base_url = "https://media.example.org/audio/"
timezone = "Europe/Paris"

[owner]
name = "Banc"
email = "banc@example.org"
"""

NOTES = ("Dans cet épisode, nous parlons d'éthique numérique 🎙️ et de *sobriété* : "
         "la **chaîne de valeur** de l'IA, ses coûts cachés et ce que « souveraineté » veut "
         "dire en Europe. Avec des liens : [le site](https://example.org/{n}) et "
         "https://example.org/notes/{n}.\n\n"
         "- Les données d'entraînement, leur provenance\n- L'énergie & l'eau\n"
         "- Qui décide ? Qui paie ?\n\n") * 2
TURNS = ["Bienvenue dans ce nouvel épisode, où l'on prend le temps de réfléchir.",
         "Merci de m'avoir invité ; c'est un sujet qui me tient à cœur depuis longtemps.",
         "Commençons par le début : qu'entend-on par chaîne de valeur de l'IA ?"]

BASELINE = r'''
import sys, tomllib
from pathlib import Path
from lxml import etree
root = Path(sys.argv[1])
show = tomllib.loads((root / "podcast.toml").read_text(encoding="utf-8"))
IT = "http://www.itunes.com/dtds/podcast-1.0.dtd"
rss = etree.Element("rss", version="2.0", nsmap={"itunes": IT})
ch = etree.SubElement(rss, "channel")
for key in ("title", "link", "description", "language"):
    etree.SubElement(ch, key).text = show[key]
for folder in sorted((root / "episodes").iterdir()):
    ep = tomllib.loads((folder / "episode.toml").read_text(encoding="utf-8"))
    notes = (folder / "description.md").read_text(encoding="utf-8")
    item = etree.SubElement(ch, "item")
    etree.SubElement(item, "title").text = ep["title"]
    etree.SubElement(item, "guid", isPermaLink="false").text = ep["guid"]
    etree.SubElement(item, "pubDate").text = str(ep["date"])
    etree.SubElement(item, "enclosure", url=show["media_base_url"] + ep["audio"],
                     length="4000", type="audio/mpeg")
    etree.SubElement(item, "description").text = notes
    etree.SubElement(item, "{%s}duration" % IT).text = "2"
out = root / "baseline"
out.mkdir(exist_ok=True)
(out / "feed.xml").write_bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8"))
'''


def make_episode(root: Path, n: int, mp3: bytes) -> None:
    folder = root / "episodes" / f"ep-{n:05d}"
    folder.mkdir(parents=True)
    date = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00"
    (folder / "episode.toml").write_text(
        f'title = "Épisode {n} : l\'IA, la chaîne et nous"\ndate = {date}\nnumber = {n + 1}\n'
        f'audio = "ep-{n:05d}.mp3"\nguid = "bench-{n}"\n\n'
        '[[speakers]]\nlabel = "Speaker #0"\nname = "Hôte"\nrole = "host"\n\n'
        '[[speakers]]\nlabel = "Speaker #1"\nname = "Invitée"\nrole = "guest"\n',
        encoding="utf-8")
    (folder / "description.md").write_text(NOTES.format(n=n), encoding="utf-8")
    turns = [f"Speaker #{i % 2}\n{TURNS[i % 3]} ({n})\n" for i in range(24)]
    (folder / "transcript.txt").write_text("\n".join(turns), encoding="utf-8")
    data = bytearray(mp3)
    data[-1] = n % 256  # each file its own bytes
    (folder / f"ep-{n:05d}.mp3").write_bytes(bytes(data))


def make_show(root: Path, episodes: int) -> None:
    from audiofactory import make_mp3

    root.mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW, encoding="utf-8")
    make_mp3(root / "template.mp3", 2.0)
    mp3 = (root / "template.mp3").read_bytes()
    (root / "template.mp3").unlink()
    for n in range(episodes):
        make_episode(root, n, mp3)


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall time of a fresh process and its peak RSS (KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
    return wall, int(usage.ru_maxrss)


def peak(cmd: list[str]) -> int:
    """Peak RSS (KiB) of one process, measured by a wrapper so children do not mix."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold build")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        print(f"making {args.episodes} episodes…", file=sys.stderr)
        make_show(root, args.episodes)
        baseline_script = Path(tmp) / "baseline.py"
        baseline_script.write_text(BASELINE, encoding="utf-8")
        base_cmd = [py, str(baseline_script), str(root)]
        build = [py, "-m", "feedpub", "-C", str(root), "build", "-q", "-o",
                 str(root / "public")]
        results: dict[str, list[float]] = {}
        bases: list[float] = []

        def case(name: str, prepare=None) -> None:  # type: ignore[no-untyped-def]
            for _ in range(args.runs):
                if prepare:
                    prepare()
                bases.append(timed(base_cmd)[0])
                results.setdefault(name, []).append(timed(build)[0])

        def cold() -> None:
            for path in (root / "feedpub.lock", root / ".feedpub", root / "public"):
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()

        if not args.skip_cold:
            case("cold build (no lock, no cache)", cold)
        else:
            subprocess.run(build, check=True)
        case("rebuild, nothing changed")
        counter = [args.episodes]
        template = next((root / "episodes").glob("*/*.mp3")).read_bytes()

        def add_one() -> None:
            make_episode(root, counter[0], template)
            counter[0] += 1

        case("rebuild after adding one episode", add_one)
        edits = [0]

        def edit_show() -> None:
            edits[0] += 1
            text = (root / "podcast.toml").read_text(encoding="utf-8")
            head, _, rest = text.partition("description = ")
            rest = rest.split("\n", 1)[1]
            (root / "podcast.toml").write_text(
                head + f'description = "Une émission générée, version {edits[0]}."\n' + rest,
                encoding="utf-8")

        case("full rebuild after editing podcast.toml", edit_show)
        feed = str(root / "public" / "feed.xml")
        parse = [py, "-c", f"from lxml import etree; etree.parse({feed!r})"]
        validate = [py, "-m", "feedpub", "validate", "--offline", feed]
        v_times, p_times = [], []
        for _ in range(args.runs):
            p_times.append(timed(parse)[0])
            start = time.perf_counter()
            subprocess.run(validate, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            v_times.append(time.perf_counter() - start)
        mem_build, mem_base = peak(build), peak(base_cmd)
        base = statistics.median(bases)
        print(f"{counter[0]} episodes; baseline (direct lxml writer): {base:.3f} s "
              f"(median of {len(bases)})")
        print(f"{'case':45} {'median s':>9} {'ratio':>7}")
        for name, times in results.items():
            med = statistics.median(times)
            print(f"{name:45} {med:9.3f} {med / base:6.2f}x")
        v, p = statistics.median(v_times), statistics.median(p_times)
        print(f"{'validate --offline (vs lxml parse)':45} {v:9.3f} {v / p:6.2f}x")
        print(f"{'peak memory of a rebuild (vs baseline)':45} {mem_build / 1024:7.1f}MB "
              f"{mem_build / mem_base:6.2f}x")
        print(f"(machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
