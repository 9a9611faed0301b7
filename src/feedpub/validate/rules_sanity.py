"""Directory-readiness rules no spec states but every rejected show teaches.

Placeholder descriptions, a canonical feed URL that can never be redirected,
a feed too big for directories to fetch comfortably, no playable episode.
"""

from __future__ import annotations

from .data import PLACEHOLDER_PHRASES, PLACEHOLDER_WORDS, UNREDIRECTABLE_HOST_SUFFIXES
from .rules_rss import self_link
from .values import safe_hostname
from .view import Context, Node, element_text

#: Warn above this size: no directory documents a limit, but large feeds are slow to
#: fetch and some hosts' apps time out (spec-notes §2.9 suggests 5 MB).
FEED_SIZE_WARNING = 5 * 1024 * 1024


def is_placeholder(text: str) -> bool:
    low = text.strip().lower()
    if len(low) < 3:
        return True
    if any(phrase in low for phrase in PLACEHOLDER_PHRASES):
        return True
    bare = low.strip(" .!:;-_*()[]{}…")
    return bare in PLACEHOLDER_WORDS


def check_channel(ch: Node, ctx: Context) -> None:
    out = ctx.out
    desc = ch.first("description")
    if desc is not None:
        text = element_text(desc)
        if text.strip() and is_placeholder(text):
            out.error("placeholder-text", f"the channel description {text.strip()[:60]!r} looks "
                      "like a placeholder", desc,
                      "directories reject shows without a real description")
    title = ch.text("title")
    if title and is_placeholder(title):
        out.warn("placeholder-text", f"the channel title {title!r} looks like a placeholder",
                 ch.first("title"))
    link = self_link(ch)
    url = link.get("href") if link is not None else None
    if url:
        host = safe_hostname(url)
        for suffix in UNREDIRECTABLE_HOST_SUFFIXES:
            if host == suffix.lstrip(".") or host.endswith(suffix):
                out.warn("feed-url-host", f"the feed URL {url} is on {host}, which can never "
                         "answer with a 301 redirect", link,
                         "serve the feed from a domain you own, so it can move later "
                         "without losing subscribers")
                break
        if url.startswith("http:"):
            out.warn("https", f"the feed URL {url} uses plain http", link,
                     "serve the feed over https")


def check_size(size: int, ctx: Context, limit: int = FEED_SIZE_WARNING) -> None:
    if size > limit:
        ctx.out.warn("feed-too-large", f"the feed is {size / 1048576:.1f} MB; directories fetch "
                     f"it often and may give up on feeds over {limit / 1048576:.0f} MB",
                     hint="list only recent episodes, or page the archive (RFC 5005)", line=1)


def finish(ctx: Context) -> None:
    if ctx.items_with_enclosure == 0:
        ctx.out.error("no-episodes", "the feed has no episode with an enclosure",
                      ctx.channel.el, "Spotify and Apple need at least one playable episode")
