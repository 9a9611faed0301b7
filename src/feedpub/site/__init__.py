"""The show's website: pages, search and host configuration built with the feed."""

from __future__ import annotations

from pathlib import Path

from ..cache import Cache
from ..model import BuiltEpisode, Output, Show
from .options import site_options
from .render import Link, SiteOptions, render_site

__all__ = ["Link", "SiteOptions", "build_site", "render_site", "site_options"]


def build_site(root: Path, show: Show, episodes: list[BuiltEpisode],
               artwork_url: str, loudness: dict[str, str] | None = None,
               cache: Cache | None = None) -> list[Output]:
    """The site of a built show, with the options and theme of its folder; ``loudness``:
    each episode's loudness plot (SVG), where ``feedpub audio check`` measured it;
    ``cache``: the build's, to reuse the pages and search index of earlier builds."""
    return render_site(show, episodes, artwork_url, site_options(show), loudness, cache)
