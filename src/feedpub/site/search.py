"""Full-text search over the episode pages, fully static: a Pagefind index.

Pagefind (the ``pagefind-bin`` package ships its binary) reads the rendered pages
from a temporary folder and writes its bundle (index fragments, WebAssembly and a
small search UI) into ``pagefind/`` of the site.  Only the parts of the episode
pages marked ``data-pagefind-body`` are indexed: title, notes, transcript.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import FeedpubError, Problem
from ..layout import Layout
from ..model import Output
from . import hostconfig

#: parts of Pagefind's bundle the pages never load (its other two UIs)
UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.")


def index(pages: list[Output], layout: Layout, language: str) -> list[Output]:
    bundle = layout.search_bundle()
    with tempfile.TemporaryDirectory(prefix="feedpub-search-") as tmp:
        site = Path(tmp)
        for page in pages:
            target = site / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read())
        command = [sys.executable, "-m", "pagefind_bin", "--site", str(site),
                   "--output-subdir", bundle.rstrip("/"), "--silent",
                   "--force-language", language.split("-")[0].lower()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise FeedpubError(Problem("site search", f"Pagefind did not run: {err}",
                                       hint="reinstall feedpub (it needs pagefind-bin), "
                                            "or build with --no-site")) from None
        if done.returncode != 0:
            raise FeedpubError(Problem("site search", "Pagefind failed: "
                                       + (done.stderr.strip() or done.stdout.strip())[-500:]))
        out = []
        for path in sorted((site / bundle).rglob("*")):
            if path.is_file() and not path.name.startswith(UNUSED):
                rel = path.relative_to(site).as_posix()
                out.append(Output.of_bytes("asset", rel, layout.url(rel),
                                           hostconfig.content_type(rel, layout),
                                           path.read_bytes(), "page"))
        return out
