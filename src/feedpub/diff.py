"""``feedpub diff``: what a merge would change in the feed, told for people.

Episodes are paired exactly as ``validate --against`` pairs them
(:func:`feedpub.validate.compare.pair_episodes`), so both commands agree on
what was added, changed and removed.  A change that ``--against`` reports
(a new guid, a moved enclosure, a new date, a vanished episode, a new
``podcast:guid``) is marked *dangerous* here, with the same rule id and advice:
apps that already have the episode will download it again, re-sort it or lose it.

Rendering (text, Markdown, JSON) lives in :mod:`feedpub.diffreport`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lxml import etree

from .errors import FeedpubError, Problem, UsageError
from .validate.compare import Episode, Pairing, episodes, looks_like_html, pair_episodes, same_date
from .validate.findings import Collector
from .validate.network import NetOptions, fetch
from .validate.view import ATOM, CONTENT, IT, PC, Node, element_text
from .validate.xmlsafe import parse

Kind = Literal["added", "changed", "removed"]
Getter = Callable[[Node], "str | None"]


@dataclass(frozen=True)
class FieldChange:
    """One field of the channel or of an episode, before and after."""

    field: str
    old: str | None
    new: str | None
    rule: str | None = None  # the validate --against rule id when the change is dangerous
    hint: str | None = None

    @property
    def dangerous(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True)
class EpisodeChange:
    kind: Kind
    title: str
    guid: str | None
    fields: list[FieldChange]  # for added/removed: the episode's main facts
    rule: str | None = None  # set on the removal of a published episode
    hint: str | None = None

    @property
    def dangerous(self) -> bool:
        return self.rule is not None or any(f.dangerous for f in self.fields)


@dataclass
class FeedDiff:
    old_source: str
    new_source: str
    published: bool  # False when the old feed does not exist yet (first publication)
    channel: list[FieldChange] = field(default_factory=list)
    episodes: list[EpisodeChange] = field(default_factory=list)
    unchanged: int = 0

    def of_kind(self, kind: Kind) -> list[EpisodeChange]:
        return [e for e in self.episodes if e.kind == kind]

    @property
    def dangerous(self) -> bool:
        return any(c.dangerous for c in self.channel) or any(e.dangerous for e in self.episodes)

    @property
    def empty(self) -> bool:
        return not self.channel and not self.episodes


# -- what is compared -----------------------------------------------------------------

def _text(tag: str) -> Getter:
    return lambda node: node.text(tag)


def _attr(tag: str, name: str) -> Getter:
    def get(node: Node) -> str | None:
        el = node.first(tag)
        return None if el is None else el.get(name)
    return get


def _sub(tag: str, child: str) -> Getter:
    def get(node: Node) -> str | None:
        el = node.first(tag)
        return None if el is None else Node(el).text(child)
    return get


def _joined(tag: str, render: Callable[[etree._Element], str]) -> Getter:
    def get(node: Node) -> str | None:
        return "; ".join(render(el) for el in node.all(tag)) or None
    return get


def _category(el: etree._Element) -> str:
    subs = [sub.get("text") or "" for sub in el.iterchildren(IT + "category")]
    return (el.get("text") or "") + "".join(f" > {s}" for s in subs)


def _person(el: etree._Element) -> str:
    return f"{element_text(el).strip()} ({el.get('role') or 'host'})"


def _transcript(el: etree._Element) -> str:
    lang = f" {el.get('language')}" if el.get("language") else ""
    return f"{el.get('type')}{lang} {el.get('url')}"


def _funding(el: etree._Element) -> str:
    return f"{element_text(el).strip()} {el.get('url')}"


def _self_link(node: Node) -> str | None:
    for el in node.all(ATOM + "link"):
        if el.get("rel") == "self":
            return el.get("href")  # type: ignore[no-any-return]
    return None


CHANNEL_FIELDS: list[tuple[str, Getter]] = [
    ("title", _text("title")),
    ("link", _text("link")),
    ("description", _text("description")),
    ("language", _text("language")),
    ("copyright", _text("copyright")),
    ("author", _text(IT + "author")),
    ("artwork", _attr(IT + "image", "href")),
    ("categories", _joined(IT + "category", _category)),
    ("explicit", _text(IT + "explicit")),
    ("type", _text(IT + "type")),
    ("owner name", _sub(IT + "owner", IT + "name")),
    ("owner e-mail", _sub(IT + "owner", IT + "email")),
    ("feed URL", _self_link),
    ("new feed URL", _text(IT + "new-feed-url")),
    ("podcast:guid", _text(PC + "guid")),
    ("locked", _text(PC + "locked")),
    ("medium", _text(PC + "medium")),
    ("funding", _joined(PC + "funding", _funding)),
    ("people", _joined(PC + "person", _person)),
]

ITEM_FIELDS: list[tuple[str, Getter]] = [
    ("title", _text("title")),
    ("guid", _text("guid")),
    ("pubDate", _text("pubDate")),
    ("enclosure", _attr("enclosure", "url")),
    ("enclosure length", _attr("enclosure", "length")),
    ("enclosure type", _attr("enclosure", "type")),
    ("duration", _text(IT + "duration")),
    ("link", _text("link")),
    ("description", _text("description")),
    ("show notes", _text(CONTENT + "encoded")),
    ("artwork", _attr(IT + "image", "href")),
    ("explicit", _text(IT + "explicit")),
    ("episode type", _text(IT + "episodeType")),
    ("season", _text(IT + "season")),
    ("number", _text(IT + "episode")),
    ("transcripts", _joined(PC + "transcript", _transcript)),
    ("chapters", _attr(PC + "chapters", "url")),
    ("people", _joined(PC + "person", _person)),
]

#: the facts shown for an added or removed episode
SUMMARY_FIELDS = ("pubDate", "duration", "enclosure")

#: why a change of these is dangerous (rule ids and advice of validate --against)
HINTS = {
    "guid-changed": "apps would download it again as a new episode; restore the old guid",
    "enclosure-changed": "some apps download it again; redirect the old URL if the file moved",
    "enclosure-lost": "apps can no longer play it",
    "pubdate-changed": "apps re-sort or re-notify; keep the original publication date",
    "episode-disappeared": "apps remove it from libraries; keep published episodes unless "
                           "the removal is intended",
    "podcast-guid-changed": "podcast:guid never changes, even when the feed moves; keep the "
                            "old value",
    "feed-url-changed": "apps keep fetching the old URL: keep it answering, with a 301 "
                        "redirect to the new one",
}


def _values(node: Node, fields: list[tuple[str, Getter]]) -> dict[str, str | None]:
    return {name: get(node) for name, get in fields}


def _danger(name: str, old: str | None, new: str | None) -> str | None:
    """The rule a change of a published episode's field breaks, if any."""
    if name == "guid":
        return "guid-changed"
    if name == "pubDate":
        return "pubdate-changed"
    if name == "enclosure":
        return "enclosure-lost" if new is None else "enclosure-changed"
    return None


def _changes(old: dict[str, str | None], new: dict[str, str | None],
             danger: Callable[[str, str | None, str | None], str | None]) -> list[FieldChange]:
    out = []
    for name, before in old.items():
        after = new[name]
        if before == after or (name == "pubDate" and same_date(before, after)):
            continue
        rule = danger(name, before, after)
        out.append(FieldChange(name, before, after, rule, HINTS.get(rule or "")))
    return out


def _channel_danger(name: str, old: str | None, new: str | None) -> str | None:
    if name == "podcast:guid" and old:
        return "podcast-guid-changed"
    if name == "feed URL" and old:
        return "feed-url-changed"
    return None


def _item(ep: Episode) -> dict[str, str | None]:
    return _values(Node(ep.el), ITEM_FIELDS)


def _summary(values: dict[str, str | None], old: bool) -> list[FieldChange]:
    picked = [(name, values[name]) for name in ("guid",) + SUMMARY_FIELDS if values[name]]
    return [FieldChange(name, value if old else None, None if old else value)
            for name, value in picked]


def compare(old_root: etree._Element | None, new_root: etree._Element, *,
            old_source: str, new_source: str) -> FeedDiff:
    """The difference between two parsed feeds (``old_root`` None: nothing published yet)."""
    result = FeedDiff(old_source, new_source, published=old_root is not None)
    new_eps = episodes(new_root)
    pairs: list[Pairing] = []
    if old_root is not None:
        old_channel, new_channel = old_root.find("channel"), new_root.find("channel")
        if old_channel is not None and new_channel is not None:
            result.channel = _changes(_values(Node(old_channel), CHANNEL_FIELDS),
                                      _values(Node(new_channel), CHANNEL_FIELDS),
                                      _channel_danger)
        pairs = pair_episodes(episodes(old_root), new_eps)
    kept = {id(p.new) for p in pairs if p.new is not None}
    for ep in new_eps:
        if id(ep) not in kept:
            result.episodes.append(EpisodeChange("added", ep.title, ep.guid,
                                                 _summary(_item(ep), old=False)))
    for pair in pairs:
        if pair.new is None:
            result.episodes.append(EpisodeChange(
                "removed", pair.old.title, pair.old.guid, _summary(_item(pair.old), old=True),
                "episode-disappeared", HINTS["episode-disappeared"]))
            continue
        changes = _changes(_item(pair.old), _item(pair.new), _danger)
        if changes:
            result.episodes.append(EpisodeChange("changed", pair.new.title, pair.new.guid,
                                                 changes))
        else:
            result.unchanged += 1
    order = {"added": 0, "changed": 1, "removed": 2}
    result.episodes.sort(key=lambda e: order[e.kind])  # stable: feed order within a kind
    return result


# -- reading the two feeds ------------------------------------------------------------

def _parse(data: bytes, source: str) -> etree._Element:
    if looks_like_html(data):
        raise FeedpubError(Problem(source, "is an HTML page, not a feed",
                                   hint="give the feed's own URL or file"))
    out = Collector(source)
    root = parse(data, out)
    if root is None:
        first = out[0] if out else None
        raise FeedpubError(Problem(source, first.message if first else "unreadable feed",
                                   first.line if first else None))
    return root


def diff_feeds(old: bytes | None, new: bytes, *, old_source: str = "old feed",
               new_source: str = "new feed") -> FeedDiff:
    """Compare two feeds' bytes; ``old`` None means the show is not published yet."""
    old_root = None if old is None else _parse(old, old_source)
    return compare(old_root, _parse(new, new_source), old_source=old_source,
                   new_source=new_source)


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def read_feed(spec: str, *, timeout: float = 10.0, missing_ok: bool = False) -> bytes | None:
    """The bytes of a feed given as a URL, a file or a build folder (its feed.xml).

    With ``missing_ok``, a URL that answers 404 or 410, or a folder without feed.xml,
    gives None: the feed has not been published yet, so everything in the new one is
    added.
    """
    if is_url(spec):
        out = Collector(spec)
        got = fetch(spec, out, NetOptions(timeout=timeout), what="feed")
        if got.data is not None:
            return got.data
        if missing_ok and got.status in (404, 410):
            return None
        raise FeedpubError([Problem(None, f.message, hint=f.hint) for f in out]
                           or Problem(spec, "could not be fetched"))
    path = Path(spec)
    if path.is_dir():
        path = path / "feed.xml"
        if missing_ok and not path.exists():
            return None  # a publish folder with nothing published yet
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(Problem(path, "no such file",
                                 expected="a feed file, a build folder or an http(s) URL")) \
            from None
    except OSError as err:
        raise UsageError(Problem(path, f"cannot be read: {err.strerror}")) from None
