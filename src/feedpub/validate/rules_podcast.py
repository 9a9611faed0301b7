"""Podcasting 2.0 (podcast:*) rules: placement, required attributes, values (spec-notes §1).

One table drives the generic checks (allowed parents, single vs repeated,
required attributes, https URLs); per-tag functions check values.  The
validator is lenient where the spec is inconsistent (spec-notes §1.2).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..spec import APPLE_TRANSCRIPT_TYPES
from . import podcast_tags as tags
from .data import CHAPTERS_TYPE, PERSON_GROUPS, PERSON_ROLES, TRANSCRIPT_TYPES
from .findings import Collector
from .podcast_tags import report_not_https, require_attrs, text_of
from .rules_rss import check_url
from .values import language_problem
from .view import PC, Context, Element, Node, ShapeCache

C, I = "channel", "item"  # noqa: E741 (the two parents, short for the table below)
# name -> (allowed parents, single?, required attributes)
TAGS: dict[str, tuple[frozenset[str], bool, tuple[str, ...]]] = {
    "transcript": (frozenset({I}), False, ("url", "type")),
    "locked": (frozenset({C}), True, ()),
    "funding": (frozenset({C, I}), False, ("url",)),
    "chapters": (frozenset({I}), True, ("url", "type")),
    "soundbite": (frozenset({I}), False, ("startTime", "duration")),
    "person": (frozenset({C, I}), False, ()),
    "location": (frozenset({C, I}), False, ()),
    "season": (frozenset({I}), True, ()),
    "episode": (frozenset({I}), True, ()),
    "trailer": (frozenset({C}), False, ("url", "pubdate")),
    "license": (frozenset({C, I}), True, ()),
    "alternateEnclosure": (frozenset({I}), False, ("type",)),
    "guid": (frozenset({C}), True, ()),
    "value": (frozenset({C, I}), False, ("type", "method")),
    "medium": (frozenset({C}), True, ()),
    "liveItem": (frozenset({C}), False, ("status", "start")),
    "contentLink": (frozenset({I}), False, ("href",)),
    "socialInteract": (frozenset({C, I}), False, ("protocol",)),
    "block": (frozenset({C}), False, ()),
    "txt": (frozenset({C, I}), False, ()),
    "remoteItem": (frozenset({C}), False, ("feedGuid",)),
    "podroll": (frozenset({C}), True, ()),
    "updateFrequency": (frozenset({C}), True, ()),
    "podping": (frozenset({C}), True, ()),
    "chat": (frozenset({C, I}), True, ("server", "protocol")),
    "publisher": (frozenset({C}), True, ()),
    "image": (frozenset({C, I}), False, ("href",)),
    "images": (frozenset({C, I}), True, ("srcset",)),
}
URL_ATTRS = ("url", "href", "img")
#: which URL attributes each tag has (tags not listed are checked for all three)
URL_ATTRS_OF: dict[str, tuple[str, ...]] = {
    "transcript": ("url",), "chapters": ("url",), "funding": ("url",), "trailer": ("url",),
    "license": ("url",), "person": ("img", "href"), "image": ("href",),
    "contentLink": ("href",), "season": (), "episode": (), "guid": (), "locked": (),
    "medium": (), "soundbite": (), "location": (), "txt": (), "block": (),
    "alternateEnclosure": (), "updateFrequency": (), "podping": (), "remoteItem": (),
}

Check = Callable[[Element, Collector, Context], None]


def _person(el: Element, out: Collector, ctx: Context) -> None:
    text_of(el, out, "person", 128)
    for message, hint in _role_group(el.get("role"), el.get("group")):
        out.warn("podcast-person", message, el, hint)


@functools.lru_cache(maxsize=256)
def _role_group(role: str | None, group: str | None) -> tuple[tuple[str, str], ...]:
    found = []
    if role is not None and role.strip().lower() not in PERSON_ROLES:
        found.append((f"person role {role!r} is not in the Podcast Taxonomy",
                      "e.g. host, co-host, guest, producer, editor (case-insensitive)"))
    if group is not None and group.strip().lower() not in PERSON_GROUPS:
        found.append((f"person group {group!r} is not in the Podcast Taxonomy",
                      "e.g. cast, writing, audio production, creative direction"))
    return tuple(found)


def _transcript(el: Element, out: Collector, ctx: Context) -> None:
    get = el.get
    mime = get("type")
    if mime not in TRANSCRIPT_TYPES and mime:
        if mime == "application/srt":
            out.warn("podcast-transcript", "transcript type application/srt is outdated", el,
                     'use type="application/x-subrip"')
        else:
            out.error("podcast-transcript", f"transcript type {mime!r} is not one of "
                      + ", ".join(sorted(TRANSCRIPT_TYPES)), el)
    rel = get("rel")
    if rel is not None and rel != "captions":
        out.error("podcast-transcript", f"transcript rel {rel!r}: the only value is captions",
                  el)
    lang = get("language")
    if lang is not None:
        problem = language_problem(lang)
        if problem:
            out.warn("podcast-transcript", f"transcript language: {problem}", el)


def _chapters(el: Element, out: Collector, ctx: Context) -> None:
    mime = el.get("type")
    if mime and mime != CHAPTERS_TYPE:
        out.warn("podcast-chapters", f"chapters type {mime!r} is not {CHAPTERS_TYPE}", el,
                 f'write type="{CHAPTERS_TYPE}" for JSON chapters')


VALUE_CHECKS: dict[str, Check] = {
    "transcript": _transcript, "chapters": _chapters, "person": _person,
    "guid": tags.check_guid, "locked": tags.check_locked, "medium": tags.check_medium,
    "location": tags.check_location, "trailer": tags.check_trailer,
    "license": tags.check_license, "txt": tags.check_txt,
    "updateFrequency": tags.check_update_frequency, "podroll": tags.check_container,
    "publisher": tags.check_container, "block": tags.check_block,
    "socialInteract": tags.check_social, "chat": tags.check_chat, "image": tags.check_image,
    "value": tags.check_value, "liveItem": tags.check_live_item,
    "soundbite": tags.check_soundbite, "season": tags.check_season,
    "episode": tags.check_episode, "alternateEnclosure": tags.check_alternate,
    "funding": tags.check_funding, "images": tags.check_images,
}


Spec = tuple[frozenset[str], bool, tuple[str, ...], tuple[tuple[str, str], ...],
             Check | None]
#: everything _check_tags needs per tag name, in one lookup: every tag goes through the
#: same required-attribute and https checks, then its own value check; each URL
#: attribute comes with how findings name it
SPECS: dict[str, Spec] = {
    name: (parents, single, required,
           tuple((attr, f"podcast:{name} {attr}") for attr in URL_ATTRS_OF.get(name, URL_ATTRS)),
           VALUE_CHECKS.get(name))
    for name, (parents, single, required) in TAGS.items()
}


#: the same, keyed by Clark-notation tag, so non-podcast children cost one dict miss
SPECS_BY_TAG: dict[str, tuple[str, Spec]] = {PC + name: (name, spec)
                                             for name, spec in SPECS.items()}


#: shape -> its podcast: tags in order, each with its spec (None: not in the namespace)
_PODCAST_TAGS = ShapeCache()


def _podcast_tags(shape: tuple[str, ...]) -> tuple[tuple[str, tuple[str, Spec] | None], ...]:
    return tuple((tag, SPECS_BY_TAG.get(tag)) for tag in shape
                 if tag in SPECS_BY_TAG or tag.startswith(PC))


def _check_tags(node: Node, ctx: Context, parent: str) -> None:
    out = ctx.out
    shape = node.shape
    tags = _PODCAST_TAGS.get(shape)
    if tags is None:
        tags = _PODCAST_TAGS.keep(shape, _podcast_tags(shape))
    kids = node.kids
    for tag, found in tags:
        bucket = kids[tag]
        if found is None:
            out.info("podcast-unknown", f"<podcast:{tag[len(PC):]}> is not defined by the "
                     "namespace", bucket[0])
            continue
        name, (parents, single, required, url_attrs, check) = found
        if parent not in parents:
            out.error("podcast-placement", f"<podcast:{name}> does not belong in the {parent}",
                      bucket[0], f"allowed in: {', '.join(sorted(parents))}")
            continue
        if single and len(bucket) > 1:
            out.error("podcast-placement", f"<podcast:{name}> appears {len(bucket)} times in "
                      f"the {parent}; only one is allowed", bucket[1])
        for el in bucket:
            get = el.get
            for attr in required:
                if not get(attr):
                    require_attrs(el, out, name, required)
                    break
            for attr, what in url_attrs:
                value = get(attr)
                if value is None:
                    continue
                if value.startswith("http:"):
                    report_not_https(el, out, name, attr, value)
                check_url(el, value, ctx, what)
            if check is not None:
                check(el, out, ctx)


def check_channel(ch: Node, ctx: Context) -> None:
    _check_tags(ch, ctx, C)
    if ch.first(PC + "guid") is None:
        ctx.out.warn("podcast-guid", "the channel has no <podcast:guid>", ch.el,
                     "add the UUIDv5 of the feed URL; it identifies the show across moves")
    if ch.first(PC + "locked") is None:
        ctx.out.warn("podcast-locked", "the channel has no <podcast:locked>", ch.el,
                     '<podcast:locked owner="you@example.com">yes</podcast:locked> stops '
                     "other hosts from importing the show")


PC_TRANSCRIPT = PC + "transcript"
APPLE_TRANSCRIPTS = APPLE_TRANSCRIPT_TYPES


def check_item(item: Node, ctx: Context) -> None:
    _check_tags(item, ctx, I)
    transcripts = item.kids.get(PC_TRANSCRIPT)
    if transcripts and not any(t.get("type") in APPLE_TRANSCRIPTS for t in transcripts):
        ctx.out.info("podcast-transcript", "no WebVTT or SRT transcript: Apple Podcasts reads "
                     "only those", transcripts[0],
                     "publish a text/vtt transcript too (feedpub transcript convert)")
