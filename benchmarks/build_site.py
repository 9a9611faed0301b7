"""Benchmark: the site's cost in ``feedpub build``, as a ratio to the feed-only build.

Usage::

    python benchmarks/build_site.py [--episodes 2000] [--seconds 5] [--runs 3]

Makes a show of ``--episodes`` episodes (each its own real MP3, Markdown notes and a
transcript of a few hundred words), builds and writes it once (so that later builds
find the facts in feedpub.lock and the build cache is saved), then times, best of
``--runs`` in the same process, alternately:

- ``build(root, site=False)``: the feed and its transcript files (``--no-site``);
- ``build(root)`` with the site's cache entries set aside (the rest of the cache
  kept): every page rendered and the Pagefind index made, as after a change every page
  shows (the show's title, the theme);
- ``build(root)`` with the whole cache: nothing changed, every page and the search
  bundle taken from the cache;

and prints the times, the site's own share of each and the ratios to the feed-only
build.  Builds run with ``FEEDPUB_ALLOW_TEST_HOSTS=1``: the show's hosts are the
reserved ``example.org`` names, which the validator refuses otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("FEEDPUB_ALLOW_TEST_HOSTS", "1")

from build_show import make_show  # noqa: E402

from feedpub.build import build, write_outputs  # noqa: E402
from feedpub.cache import CACHE_DIR  # noqa: E402

WORDS = ("sovereignty sobriety datacentre semiconductor infrastructure value chain europe "
         "hyperscaler model application energy regulation cloud open source").split()
SITE_RECORDS = ("records-pages.json", "records-search.json")


def add_transcripts(root: Path) -> None:
    """Longer transcripts than build_show's: a page carries a few hundred words."""
    for n, folder in enumerate(sorted((root / "episodes").iterdir())):
        turns = []
        for t in range(12):
            said = " ".join(WORDS[(n + t + k) % len(WORDS)] for k in range(30))
            turns.append(f"Speaker #{t % 2}\n{said.capitalize()}.\n")
        (folder / "transcript.txt").write_text("\n".join(turns), encoding="utf-8")


@contextmanager
def without_site_cache(root: Path) -> Iterator[None]:
    """The site's records moved aside (a build does not save the cache, so they come
    back as they were)."""
    folder = root / CACHE_DIR
    for name in SITE_RECORDS:
        os.replace(folder / name, folder / f"{name}.aside")
    try:
        yield
    finally:
        for name in SITE_RECORDS:
            os.replace(folder / f"{name}.aside", folder / name)


def timed(root: Path, site: bool, cached: bool = True) -> float:
    start = time.perf_counter()
    if cached:
        build(root, site=site)
    else:
        with without_site_cache(root):
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
        result = build(root)
        write_outputs(result, root / "public")  # saves the cache, pages and search too
        pages = sum(1 for o in result.outputs if o.kind == "page")
        size = sum(o.size for o in result.outputs if o.kind in {"page", "asset", "host-config"})
        feed_only: list[float] = []
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(args.runs):
            feed_only.append(timed(root, site=False))
            cold.append(timed(root, site=True, cached=False))
            warm.append(timed(root, site=True))
        base, full, again = min(feed_only), min(cold), min(warm)
        print(f"{args.episodes} episodes ({pages} pages, {size / 1e6:.1f} MB with search "
              f"index and assets), best of {args.runs}:\n"
              f"  feed-only build {base:.2f} s\n"
              f"  with the site, every page rendered and indexed: {full:.2f} s "
              f"(the site {full - base:.2f} s), ratio {full / base:.2f}x\n"
              f"  with the site, nothing changed: {again:.2f} s "
              f"(the site {again - base:.2f} s), ratio {again / base:.2f}x")


if __name__ == "__main__":
    main()
