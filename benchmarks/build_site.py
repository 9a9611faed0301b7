"""Benchmark: the site's cost in ``feedpub build``, as a ratio to the feed-only build.

Usage::

    python benchmarks/build_site.py [--episodes 2000] [--seconds 5] [--runs 3]

Makes a show of ``--episodes`` episodes (each its own real MP3, Markdown notes and a
transcript of a few hundred words), builds it once so that later builds find the
facts in feedpub.lock, then times, best of ``--runs`` in the same process, alternately:

- ``build(root, site=False)``: the feed and its transcript files (``--no-site``);
- ``build(root)``: the same plus every page, the theme assets, the Pagefind index and
  the host files;

and prints both times, the site's own time and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_show import make_show  # noqa: E402

from feedpub.build import build  # noqa: E402

WORDS = ("sovereignty sobriety datacentre semiconductor infrastructure value chain europe "
         "hyperscaler model application energy regulation cloud open source").split()


def add_transcripts(root: Path) -> None:
    """Longer transcripts than build_show's: a page carries a few hundred words."""
    for n, folder in enumerate(sorted((root / "episodes").iterdir())):
        turns = []
        for t in range(12):
            said = " ".join(WORDS[(n + t + k) % len(WORDS)] for k in range(30))
            turns.append(f"Speaker #{t % 2}\n{said.capitalize()}.\n")
        (folder / "transcript.txt").write_text("\n".join(turns), encoding="utf-8")


def timed(root: Path, site: bool) -> float:
    start = time.perf_counter()
    build(root, site=site)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feedpub-site-bench-") as tmp:
        root = Path(tmp) / "show"
        make_show(root, args.episodes, args.seconds)
        add_transcripts(root)
        result = build(root, site=False)
        Path(result.lock.path).write_text(result.lock.to_json(), encoding="utf-8")
        feed_only, with_site = [], []
        for _ in range(args.runs):
            feed_only.append(timed(root, site=False))
            with_site.append(timed(root, site=True))
        outputs = build(root).outputs
        pages = sum(1 for o in outputs if o.kind == "page")
        size = sum(o.size for o in outputs if o.kind in {"page", "asset", "host-config"})
        base, full = min(feed_only), min(with_site)
        print(f"{args.episodes} episodes: feed-only build {base:.2f} s, with the site "
              f"{full:.2f} s ({pages} pages, {size / 1e6:.1f} MB with search index and "
              f"assets); the site adds {full - base:.2f} s, ratio {full / base:.2f}x")


if __name__ == "__main__":
    main()
