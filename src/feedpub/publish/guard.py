"""Before any upload: would the new feed hurt listeners who have the live one?

The live feed (fetched from ``feed_url``) and the feed recorded on the target
(what the last publish uploaded, for when the live URL is unreachable) are
compared with the new feed by ``feedpub validate --against``'s comparison.
A vanished episode, a changed guid, enclosure URL or pubDate, a feed URL that
moves without ``itunes:new-feed-url``, or a live feed served as HTML stops the
publish unless the user says the change is intended.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..errors import Problem, PublishError
from ..validate.compare import compare_feeds
from ..validate.findings import Collector, Finding
from ..validate.network import NetOptions, fetch
from ..validate.rules_rss import self_url
from ..validate.view import IT, Node
from ..validate.xmlsafe import parse

REMOVAL = {"episode-disappeared", "enclosure-lost"}
CHANGE = {"guid-changed", "enclosure-changed", "pubdate-changed", "podcast-guid-changed",
          "feed-url-changed", "against-unusable"}


@dataclass(frozen=True)
class Old:
    """A published feed to compare with: where it came from and its bytes."""

    where: str
    data: bytes
    content_type: str | None = None


def live_feed(url: str, net: NetOptions) -> tuple[Old | None, str | None]:
    """The feed listeners get now, or None and why not (unreachable, 404...)."""
    out = Collector(url)
    got = fetch(url, out, net, what="live feed")
    if got.data is None:
        reason = next((f.message for f in out), "no answer")
        return None, reason
    return Old(f"live feed {url}", got.data, got.content_type), None


def check(new_feed: bytes, olds: list[Old], *, allow_removal: bool = False,
          allow_change: bool = False) -> list[Finding]:
    """Findings that stop the publish are raised; the others are returned (warnings)."""
    collector = Collector("feed.xml")
    new_root = parse(new_feed, collector)
    if new_root is None:  # the build validated it: cannot happen unless the build is broken
        raise PublishError(Problem("feed.xml", "the new feed cannot be parsed"))
    findings: dict[tuple[str | None, str], Finding] = {}
    for old in olds:
        for f in compare_feeds(new_root, old.data, source="feed.xml", against=old.where,
                               content_type=old.content_type):
            findings.setdefault((f.rule, f.message.replace(old.where, "")), f)
        for f in _feed_moved(new_root, old):
            findings.setdefault((f.rule, ""), f)
    blocking: list[Finding] = []
    rest: list[Finding] = []
    for f in findings.values():
        stops = (f.rule in REMOVAL and not allow_removal) or \
                (f.rule in CHANGE and not allow_change and f.severity != "info")
        if stops and f.rule == "against-unusable" and allow_removal:
            stops = False
        (blocking if stops else rest).append(f)
    if blocking:
        raise PublishError([_problem(f) for f in blocking])
    return rest


def _feed_moved(new_root: etree._Element, old: Old) -> list[Finding]:
    out = Collector("feed.xml")
    scratch = Collector(old.where)
    old_root = parse(old.data, scratch)
    if old_root is None:
        return []
    old_channel, new_channel = old_root.find("channel"), new_root.find("channel")
    if old_channel is None or new_channel is None:
        return []
    before, after = self_url(Node(old_channel)), self_url(Node(new_channel))
    if before and after and before.rstrip("/") != after.rstrip("/"):
        moved = (Node(new_channel).text(IT + "new-feed-url") or "").strip()
        if moved.rstrip("/") != after.rstrip("/"):
            out.error("feed-url-changed", f"the feed moves from {before} to {after} without "
                      "itunes:new-feed-url", hint="keep serving the old URL with "
                      f"<itunes:new-feed-url>{after}</itunes:new-feed-url> so apps follow")
    return list(out)


def _problem(f: Finding) -> Problem:
    flag = "--allow-removal" if f.rule in REMOVAL else "--allow-change"
    hint = (f.hint + "; " if f.hint else "") + f"pass {flag} if this is intended"
    return Problem(f"feed.xml{':' + str(f.line) if f.line else ''}",
                   f"[{f.rule}] {f.message}", hint=hint)
