"""The ``[site]`` table of podcast.toml: subscribe links, page size, search.

```toml
[site]
per_page = 20          # episodes per show page
search = true          # a Pagefind index of the episode pages
[[site.subscribe]]     # the show on other apps, listed beside the feed URL
name = "Apple Podcasts"
url = "https://podcasts.apple.com/…"
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Problem
from .render import PER_PAGE, Link, SiteOptions


def site_options(root: Path) -> SiteOptions:
    """Read ``[site]`` (all optional) and find the show's ``theme/`` folder."""
    path = root / "podcast.toml"
    theme = root / "theme"
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}  # load_show has reported it already
    table = data.get("site", {})
    problems: list[Problem] = []

    def bad(key: str, expected: str) -> None:
        problems.append(Problem(path, f"[site] {key} is {table.get(key)!r}", expected=expected))

    if not isinstance(table, dict):
        raise ConfigError(Problem(path, "site must be a table", expected="[site]"))
    unknown = sorted(set(table) - {"per_page", "search", "subscribe"})
    for key in unknown:
        problems.append(Problem(path, f"[site] has no key {key!r}",
                                expected="per_page, search or [[site.subscribe]]"))
    per_page = table.get("per_page", PER_PAGE)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 1000:
        bad("per_page", "a whole number from 1 to 1000")
    search = table.get("search", True)
    if not isinstance(search, bool):
        bad("search", "true or false")
    links = []
    raw = table.get("subscribe", [])
    if not isinstance(raw, list):
        bad("subscribe", "[[site.subscribe]] tables with name and url")
        raw = []
    for n, item in enumerate(raw, start=1):
        if not (isinstance(item, dict) and isinstance(item.get("name"), str)
                and isinstance(item.get("url"), str) and item["name"].strip()
                and item["url"].startswith(("https://", "http://"))):
            problems.append(Problem(path, f"[[site.subscribe]] number {n} is {item!r}",
                                    expected='name = "…" and url = "https://…"'))
            continue
        links.append(Link(item["name"].strip(), item["url"]))
    if problems:
        raise ConfigError(problems)
    return SiteOptions(subscribe=tuple(links), per_page=per_page, search=search,
                       theme=theme if theme.is_dir() else None)
