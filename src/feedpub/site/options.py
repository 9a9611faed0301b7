"""The ``[site]`` table of podcast.toml, declared in the show's schema.

```toml
[site]
per_page = 20          # episodes per show page
search = true          # a Pagefind index of the episode pages
[[site.subscribe]]     # the show on other apps, listed beside the feed URL
name = "Apple Podcasts"
url = "https://podcasts.apple.com/…"
```

The loader checks the values (types, unknown keys, each at its line); here they
become :class:`SiteOptions`.  Loading podcast.toml imports this module (for the
table), so it imports nothing of the site's rendering (Jinja2, Babel): a ``--no-site``
build never loads those.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Show
from ..source.schema import PODCAST_TOML, Field, Table, rules

PER_PAGE = 20


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class SiteOptions:
    """What ``[site]`` in podcast.toml says (all optional)."""

    subscribe: tuple[Link, ...] = ()  # Apple Podcasts, Spotify… pages of the show
    per_page: int = PER_PAGE
    search: bool = True
    theme: Path | None = None  # the show's theme/ folder, when it has one


def page_size(value: int) -> rules.Refusal | None:
    if not 1 <= value <= 1000:
        return rules.Refusal(f"got {value}", "a whole number from 1 to 1000")
    return None


SITE_TABLE = PODCAST_TOML.add(Table("site", "The show's website, written by `feedpub build`.", (
    Field("per_page", "int", "episodes per show page", "a whole number from 1 to 1000",
          default=PER_PAGE, rules=(page_size,), example="20"),
    Field("search", "bool", "build a Pagefind search index of the episode pages",
          "true or false", default=True, example="true"),
)))
SUBSCRIBE_TABLE = PODCAST_TOML.add(Table(
    "site.subscribe", "The show on other apps, listed beside the feed URL.", (
        Field("name", "text", "the app's name", "a name", required=True,
              rules=(rules.not_blank("a name"),), example='"Apple Podcasts"'),
        Field("url", "text", "the show's page on it", "a URL", required=True,
              rules=(rules.url,), example='"https://podcasts.apple.com/…"'),
    ), array=True))


def site_options(show: Show) -> SiteOptions:
    """The checked ``[site]`` values, and the show's ``theme/`` folder if it has one."""
    table = show.settings.get("site") or {}
    theme = show.root / "theme"
    links = tuple(Link(item["name"].strip(), item["url"])
                  for item in table.get("subscribe") or ())
    return SiteOptions(subscribe=links, per_page=int(table.get("per_page", PER_PAGE)),
                       search=bool(table.get("search", True)),
                       theme=theme if theme.is_dir() else None)

