"""``--against``: compare the new feed with what listeners' apps already have.

Apps identify an episode by its guid (or, without one, its enclosure URL).
A changed guid makes every app download the episode again; a vanished item
disappears from libraries; a changed enclosure URL or pubDate re-downloads or
re-sorts it.  None of that shows in a single feed, only in the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from .findings import Collector, Finding
from .values import DateProblem, parse_rfc2822
from .view import PC, Node, element_text
from .xmlsafe import DEFAULT_MAX_SIZE, parse


@dataclass(frozen=True)
class Episode:
    guid: str | None
    enclosure: str | None
    title: str
    pub_date: str | None
    line: int
    el: etree._Element | None = field(default=None, compare=False, repr=False)  # the <item>


#: how a published episode was found in the new feed: by its guid; by its enclosure URL
#: (it had no guid, apps knew it by that URL); under another guid (same enclosure URL or
#: title); or not at all
How = Literal["guid", "enclosure", "guid-changed", "gone"]


@dataclass(frozen=True)
class Pairing:
    """One published episode and what became of it in the new feed."""

    old: Episode
    new: Episode | None  # None when it is gone
    how: How


def pair_episodes(old_eps: list[Episode], new_eps: list[Episode]) -> list[Pairing]:
    """Pair each published episode with its counterpart in the new feed, as apps would.

    Shared by ``validate --against`` and ``feedpub diff``: both see the same episodes as
    kept, changed or gone.
    """
    by_guid = {e.guid: e for e in new_eps if e.guid}
    by_enclosure = {e.enclosure: e for e in new_eps if e.enclosure}
    by_title = {e.title: e for e in new_eps if e.title}
    pairs = []
    for old in old_eps:
        new = by_guid.get(old.guid) if old.guid else None
        how: How = "guid"
        if new is None and old.guid is None and old.enclosure:
            new = by_enclosure.get(old.enclosure)  # apps used the enclosure as identity
            how = "enclosure"
        if new is None:
            new = by_enclosure.get(old.enclosure) if old.enclosure else None
            new = new or by_title.get(old.title)
            how = "guid-changed" if new is not None else "gone"
        pairs.append(Pairing(old, new, how))
    return pairs


def episodes(root: etree._Element) -> list[Episode]:
    channel = root.find("channel")
    if channel is None:
        return []
    found = []
    for el in channel.iterchildren("item"):
        item = Node(el)
        enc = item.first("enclosure")
        found.append(Episode(
            guid=item.text("guid") or None,
            enclosure=(enc.get("url") or None) if enc is not None else None,
            title=item.text("title") or "",
            pub_date=item.text("pubDate"),
            line=el.sourceline,
            el=el,
        ))
    return found


def looks_like_html(data: bytes, content_type: str | None = None) -> bool:
    if content_type and content_type.split(";", 1)[0].strip().lower() in (
            "text/html", "application/xhtml+xml"):
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def same_date(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return parse_rfc2822(a) == parse_rfc2822(b)
    except DateProblem:
        return False


def podcast_guid(root: etree._Element) -> tuple[str | None, int | None]:
    el = root.find(f"channel/{PC}guid")
    if el is None:
        return None, None
    return element_text(el).strip(), el.sourceline


def compare_feeds(new_root: etree._Element, old_data: bytes, *, source: str = "feed.xml",
                  against: str = "published feed", content_type: str | None = None,
                  max_size: int = DEFAULT_MAX_SIZE) -> list[Finding]:
    """Findings for episodes the new feed loses or changes compared with ``old_data``."""
    out = Collector(source)
    if looks_like_html(old_data, content_type):
        out.error("against-unusable", f"{against} is served as HTML, not a feed", line=None,
                  hint="apps that fetch it now see no episodes; check the web server's "
                       "routing and Content-Type for the feed URL")
        return list(out)
    old_out = Collector(against)
    old_root = parse(old_data, old_out, max_size)
    if old_root is None:
        reason = old_out[0].message if old_out else "unreadable"
        out.error("against-unusable", f"{against} could not be read: {reason}")
        return list(out)
    _compare_show_guid(new_root, old_root, out, against)
    for pair in pair_episodes(episodes(old_root), episodes(new_root)):
        old, new = pair.old, pair.new
        if pair.how == "guid-changed" and new is not None:
            out.error("guid-changed", f"episode {old.title!r} had guid {old.guid!r} in "
                      f"{against} and now has {new.guid!r}", line=new.line,
                      hint="restore the old guid; apps would download it again as a "
                           "new episode")
        elif new is None:
            out.error("episode-disappeared", f"episode {old.title!r} (guid {old.guid!r}, "
                      f"line {old.line} of {against}) is not in the new feed",
                      hint="apps remove it from libraries; keep published episodes "
                           "unless the removal is intended")
        else:
            _compare_episode(old, new, out, against)
    return list(out)


def _compare_show_guid(new_root: etree._Element, old_root: etree._Element, out: Collector,
                       against: str) -> None:
    old_guid, _ = podcast_guid(old_root)
    new_guid, line = podcast_guid(new_root)
    if old_guid and new_guid != old_guid:
        out.error("podcast-guid-changed", f"podcast:guid is {new_guid!r} but {against} has "
                  f"{old_guid!r}", line=line,
                  hint="podcast:guid never changes, even when the feed moves; keep the old value")


def _compare_episode(old: Episode, new: Episode, out: Collector, against: str) -> None:
    if old.guid is None and new.guid is not None:
        out.warn("guid-changed", f"episode {old.title!r} had no guid in {against} (apps knew it "
                 f"by its enclosure URL) and now has guid {new.guid!r}", line=new.line,
                 hint="some apps will list it again as a new episode; this happens once")
    if old.enclosure and not new.enclosure:
        out.error("enclosure-lost", f"episode {old.title!r} has no enclosure any more "
                  f"({against} had {old.enclosure})", line=new.line)
    elif old.enclosure and new.enclosure != old.enclosure:
        out.warn("enclosure-changed", f"episode {old.title!r} moved from {old.enclosure} to "
                 f"{new.enclosure}", line=new.line,
                 hint="some apps download it again; redirect the old URL if the file moved")
    if not same_date(old.pub_date, new.pub_date):
        out.warn("pubdate-changed", f"episode {old.title!r} pubDate changed from "
                 f"{old.pub_date!r} to {new.pub_date!r}", line=new.line,
                 hint="apps re-sort or re-notify; keep the original publication date")
