"""The show's website: pages, search and host configuration built with the feed.

Rendering (Jinja2, Babel) is imported only when a site is built: loading podcast.toml
imports :mod:`.options` for the ``[site]`` table, and nothing heavier.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .options import Link, SiteOptions, site_options

if TYPE_CHECKING:
    from ..cache import Cache
    from ..model import BuiltEpisode, Output, Show
    from .render import render_site

__all__ = ["Link", "SiteOptions", "build_site", "render_site", "site_options"]


def __getattr__(name: str) -> Any:
    if name == "render_site":
        from .render import render_site

        return render_site
    raise AttributeError(name)


def build_site(root: Path, show: Show, episodes: list[BuiltEpisode],
               artwork_url: str, loudness: dict[str, str] | None = None,
               cache: Cache | None = None) -> list[Output]:
    """The site of a built show, with the options and theme of its folder; ``loudness``:
    each episode's loudness plot (SVG), where ``feedpub audio check`` measured it;
    ``cache``: the build's, to reuse the pages and search index of earlier builds."""
    from .render import render_site

    return render_site(show, episodes, artwork_url, site_options(show), loudness, cache)
