"""Podcasting 2.0 (podcast:*) rules: placement, required attributes, values (spec-notes §1).

One table drives the generic checks (allowed parents, single vs repeated,
required attributes, https URLs); per-tag functions check values.  The
validator is lenient where the spec is inconsistent (spec-notes §1.2).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable

from .data import (CHAPTERS_TYPE, CHAT_PROTOCOLS, MEDIUMS, PERSON_GROUPS, PERSON_ROLES,
                   PODCAST_GUID_NAMESPACE, SERVICE_SLUGS, SOCIAL_PROTOCOLS, TRANSCRIPT_TYPES)
from .findings import Collector
from .rules_rss import check_date, self_url
from .values import (is_absolute_url, is_decimal, is_email, is_geo_uri, is_mime, is_osm,
                     is_uuid, language_problem, podcast_guid_for)
from .view import PC, Context, Element, Node, element_text

C, I = "channel", "item"
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
KNOWN_LICENSE = re.compile(r"(cc-|cc0|public-domain|pddl|odc-|mit$|apache-|gpl-|lgpl-|agpl-)",
                           re.IGNORECASE)
ASPECT = re.compile(r"\d+(\.\d+)?\s*/\s*\d+(\.\d+)?")
ISO_COUNTRY = re.compile(r"[A-Za-z]{2}")

Check = Callable[[Element, Collector, Context], None]


def _text(el: Element, out: Collector, name: str, limit: int, required: bool = True) -> str:
    text = element_text(el).strip()
    if required and not text:
        out.error("podcast-text", f"<podcast:{name}> is empty", el)
    elif len(text) > limit:
        out.warn("podcast-text", f"<podcast:{name}> text is {len(text)} characters; keep it "
                 f"under {limit}", el, "apps may truncate it")
    return text


def _guid(el: Element, out: Collector, ctx: Context) -> None:
    value = (el.text or "").strip()
    if not is_uuid(value):
        out.error("podcast-guid", f"podcast:guid {value!r} is not a UUID", el,
                  "compute uuid5(ead4c236-bf58-58c6-a2c6-a6b28d128cb6, feed URL without "
                  "scheme and trailing slash)")
        return
    if value[14] != "5":
        out.warn("podcast-guid", f"podcast:guid {value!r} is a version {value[14]} UUID, "
                 "not version 5", el)
    url = self_url(ctx.channel)
    if not url or not is_absolute_url(url):
        return
    expected = podcast_guid_for(url)
    if expected == value.lower():
        return
    namespace = uuid.UUID(PODCAST_GUID_NAMESPACE)
    mistakes = {str(uuid.uuid5(namespace, url)), str(uuid.uuid5(namespace, url.rstrip("/"))),
                str(uuid.uuid5(namespace, url.split("://", 1)[-1].rstrip("/") + "/"))}
    if value.lower() in mistakes:
        out.warn("podcast-guid", f"podcast:guid {value!r} was computed from the feed URL with "
                 f"its scheme or a trailing slash; the namespace's value is {expected}", el,
                 "hash the URL without https:// and without trailing slashes, before "
                 "directories record it")
    else:
        out.info("podcast-guid", f"podcast:guid {value!r} is not the UUIDv5 of the feed URL "
                 f"{url} (that would be {expected})", el,
                 "fine if the feed moved: the guid never changes; otherwise check its source")


def _locked(el: Element, out: Collector, ctx: Context) -> None:
    if (el.text or "").strip() not in ("yes", "no"):
        out.error("podcast-locked", f"podcast:locked {el.text!r} must be 'yes' or 'no'", el)
    owner = el.get("owner")
    if owner is not None and not is_email(owner):
        out.warn("podcast-locked", f"podcast:locked owner {owner!r} is not an e-mail address",
                 el, "hosts e-mail this address to verify a move")


def _medium(el: Element, out: Collector, ctx: Context) -> None:
    value = (el.text or "").strip()
    if value not in MEDIUMS:
        out.error("podcast-medium", f"podcast:medium {value!r} is not a defined medium", el,
                  "use podcast, music, video, film, audiobook, newsletter, blog, publisher, "
                  "course (or their L list forms, or mixed)")


def _person(el: Element, out: Collector, ctx: Context) -> None:
    """Complete check (https of img/href too): persons repeat on every episode."""
    _text(el, out, "person", 128)
    get = el.get
    problems = _role_group(get("role"), get("group"))
    for message, hint in problems:
        out.warn("podcast-person", message, el, hint)
    for attr in ("img", "href"):
        value = get(attr)
        if value is not None and value.startswith("http:"):
            _not_https(el, out, "person", attr, value)


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


def _location(el: Element, out: Collector, ctx: Context) -> None:
    _text(el, out, "location", 128)
    rel, geo, osm, country = el.get("rel"), el.get("geo"), el.get("osm"), el.get("country")
    if rel is not None and rel not in ("subject", "creator"):
        out.warn("podcast-location", f"location rel {rel!r} must be subject or creator", el)
    if geo is not None and not is_geo_uri(geo):
        out.warn("podcast-location", f"location geo {geo!r} is not a geo: URI", el,
                 "e.g. geo:48.8566,2.3522")
    if osm is not None and not is_osm(osm):
        out.warn("podcast-location", f"location osm {osm!r} is not N/W/R plus an id", el)
    if country is not None and not ISO_COUNTRY.fullmatch(country):
        out.warn("podcast-location", f"location country {country!r} is not ISO 3166 alpha-2",
                 el)


def _trailer(el: Element, out: Collector, ctx: Context) -> None:
    _text(el, out, "trailer", 128)
    if el.get("pubdate"):
        check_date(el, out, ctx.now, "podcast:trailer pubdate", el.get("pubdate"))
    length, mime, season = el.get("length"), el.get("type"), el.get("season")
    if length is not None and not length.isdigit():
        out.warn("podcast-trailer", f"trailer length {length!r} is not a byte count", el)
    if mime is not None and not is_mime(mime):
        out.warn("podcast-trailer", f"trailer type {mime!r} is not a MIME type", el)
    if season is not None and not season.isdigit():
        out.warn("podcast-trailer", f"trailer season {season!r} is not an integer", el)


def _license(el: Element, out: Collector, ctx: Context) -> None:
    text = _text(el, out, "license", 128)
    if text and not el.get("url") and not KNOWN_LICENSE.match(text):
        out.error("podcast-required", f"custom license {text!r} needs a url attribute", el)


def _txt(el: Element, out: Collector, ctx: Context) -> None:
    text = _text(el, out, "txt", 4000)
    purpose = el.get("purpose")
    if purpose is not None and len(purpose) > 128:
        out.warn("podcast-text", "podcast:txt purpose is over 128 characters", el)
    if purpose == "ai-content" and text not in ("true", "false"):
        out.warn("podcast-value", f"ai-content txt {text!r} must be true or false", el)


def _update_frequency(el: Element, out: Collector, ctx: Context) -> None:
    _text(el, out, "updateFrequency", 128, required=False)
    rrule = el.get("rrule")
    if rrule is not None:
        if "FREQ=" not in rrule.upper():
            out.error("podcast-value", f"updateFrequency rrule {rrule!r} has no FREQ", el)
        if "COUNT=" in rrule.upper() and not el.get("dtstart"):
            out.error("podcast-required", "updateFrequency with COUNT needs dtstart", el)
    complete = el.get("complete")
    if complete is not None and complete not in ("true", "false"):
        out.warn("podcast-value", f"updateFrequency complete {complete!r} must be true/false",
                 el)


def _container(el: Element, out: Collector, ctx: Context) -> None:
    """podroll / publisher: must hold remoteItems with a feedGuid."""
    items = [c for c in el if c.tag == PC + "remoteItem"]
    if not items:
        out.error("podcast-required", f"<podcast:{el.tag.split('}')[1]}> has no "
                  "<podcast:remoteItem>", el)
    for item in items:
        if not item.get("feedGuid"):
            out.error("podcast-required", "podcast:remoteItem has no feedGuid", item)


def _block(el: Element, out: Collector, ctx: Context) -> None:
    if (el.text or "").strip() not in ("yes", "no"):
        out.error("podcast-value", f"podcast:block {el.text!r} must be 'yes' or 'no'", el)
    slug = el.get("id")
    if slug is not None and slug not in SERVICE_SLUGS:
        out.warn("podcast-value", f"podcast:block id {slug!r} is not a known service slug", el)


def _social(el: Element, out: Collector, ctx: Context) -> None:
    protocol = el.get("protocol")
    if protocol and protocol not in SOCIAL_PROTOCOLS:
        out.error("podcast-value", f"socialInteract protocol {protocol!r} is not listed", el)
    if protocol != "disabled" and not el.get("uri"):
        out.error("podcast-required", "podcast:socialInteract has no uri", el)


def _chat(el: Element, out: Collector, ctx: Context) -> None:
    protocol = el.get("protocol")
    if protocol and protocol not in CHAT_PROTOCOLS:
        out.error("podcast-value", f"chat protocol {protocol!r} is not irc/xmpp/nostr/matrix", el)


def _image(el: Element, out: Collector, ctx: Context) -> None:
    ratio = el.get("aspect-ratio")
    if ratio is not None and not ASPECT.fullmatch(ratio):
        out.warn("podcast-value", f"podcast:image aspect-ratio {ratio!r} is not like 1/1", el)
    if not el.get("alt"):
        out.warn("podcast-required", "podcast:image has no alt text", el,
                 "describe the image for screen readers")


def _value(el: Element, out: Collector, ctx: Context) -> None:
    recipients = [c for c in el.iter(PC + "valueRecipient")]
    if not recipients:
        out.error("podcast-required", "podcast:value has no podcast:valueRecipient", el)
    for r in recipients:
        missing = [a for a in ("type", "address", "split") if not r.get(a)]
        if missing:
            out.error("podcast-required", f"valueRecipient lacks {', '.join(missing)}", r)


def _live_item(el: Element, out: Collector, ctx: Context) -> None:
    status = el.get("status")
    if status is not None and status not in ("pending", "live", "ended"):
        out.error("podcast-live", f"liveItem status {status!r} must be pending, live or ended",
                  el)
    node = Node(el)
    if not node.all(PC + "contentLink"):
        out.error("podcast-live", "podcast:liveItem has no podcast:contentLink", el)
    if not node.all("enclosure"):
        out.error("podcast-live", "podcast:liveItem has no fallback <enclosure>", el)
    if not node.all("guid"):
        out.error("podcast-live", "podcast:liveItem has no <guid>", el)


def _transcript(el: Element, out: Collector, ctx: Context) -> None:
    """Complete check (required attributes and https too): the commonest podcast tag."""
    get = el.get
    url, mime = get("url"), get("type")
    if not url or not mime:
        _required(el, out, "transcript", ("url", "type"))
    if url is not None and url.startswith("http:"):
        _not_https(el, out, "transcript", "url", url)
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


def _required(el: Element, out: Collector, name: str, required: tuple[str, ...]) -> None:
    missing = [a for a in required if not el.get(a)]
    if missing:
        out.error("podcast-required", f"<podcast:{name}> lacks required attribute(s) "
                  + ", ".join(missing), el)


def _not_https(el: Element, out: Collector, name: str, attr: str, value: str) -> None:
    out.error("podcast-https", f"podcast:{name} {attr} {value!r} is not https", el,
              "the namespace requires https for every URL")


def _chapters(el: Element, out: Collector, ctx: Context) -> None:
    """Complete check (required attributes and https too)."""
    url, mime = el.get("url"), el.get("type")
    if not url or not mime:
        _required(el, out, "chapters", ("url", "type"))
    if url is not None and url.startswith("http:"):
        _not_https(el, out, "chapters", "url", url)
    if mime and mime != CHAPTERS_TYPE:
        out.warn("podcast-chapters", f"chapters type {mime!r} is not {CHAPTERS_TYPE}", el,
                 f'write type="{CHAPTERS_TYPE}" for JSON chapters')


def _soundbite(el: Element, out: Collector, ctx: Context) -> None:
    start, duration = el.get("startTime"), el.get("duration")
    if start is not None and not is_decimal(start):
        out.error("podcast-soundbite", f"soundbite startTime {start!r} is not seconds", el)
    if duration is not None:
        if not is_decimal(duration):
            out.error("podcast-soundbite", f"soundbite duration {duration!r} is not seconds", el)
        elif not 15 <= float(duration) <= 120:
            out.warn("podcast-soundbite", f"soundbite is {duration} s; 15–120 s is recommended",
                     el)
    _text(el, out, "soundbite", 128, required=False)


def _season(el: Element, out: Collector, ctx: Context) -> None:
    if not (el.text or "").strip().isdigit():
        out.error("podcast-number", f"podcast:season {el.text!r} is not an integer", el)
    name = el.get("name")
    if name is not None and len(name) > 128:
        out.warn("podcast-text", "podcast:season name is over 128 characters", el)


def _episode(el: Element, out: Collector, ctx: Context) -> None:
    if not is_decimal(el.text):
        out.error("podcast-number", f"podcast:episode {el.text!r} is not a number", el)
    display = el.get("display")
    if display is not None and len(display) > 32:
        out.warn("podcast-text", "podcast:episode display is over 32 characters", el)


def _alternate(el: Element, out: Collector, ctx: Context) -> None:
    sources = [c for c in el if c.tag == PC + "source"]
    if not sources:
        out.error("podcast-required", "podcast:alternateEnclosure has no podcast:source", el)
    for s in sources:
        if not s.get("uri"):
            out.error("podcast-required", "podcast:source has no uri", s)
    integrity = [c for c in el if c.tag == PC + "integrity"]
    if len(integrity) > 1:
        out.error("podcast-placement", "alternateEnclosure has more than one integrity", el)
    for i in integrity:
        if i.get("type") not in ("sri", "pgp-signature") or not i.get("value"):
            out.error("podcast-required", "podcast:integrity needs type sri|pgp-signature and "
                      "a value", i)


def _images(el: Element, out: Collector, ctx: Context) -> None:
    out.info("podcast-value", "podcast:images is deprecated", el,
             'use one <podcast:image href="…" width="…"/> per size instead')


def _funding(el: Element, out: Collector, ctx: Context) -> None:
    _text(el, out, "funding", 128, required=False)


VALUE_CHECKS: dict[str, Check] = {
    "guid": _guid, "locked": _locked, "medium": _medium, "person": _person,
    "location": _location, "trailer": _trailer, "license": _license, "txt": _txt,
    "updateFrequency": _update_frequency, "podroll": _container, "publisher": _container,
    "block": _block, "socialInteract": _social, "chat": _chat, "image": _image,
    "value": _value, "liveItem": _live_item, "transcript": _transcript, "chapters": _chapters,
    "soundbite": _soundbite, "season": _season, "episode": _episode,
    "alternateEnclosure": _alternate, "funding": _funding, "images": _images,
}


Spec = tuple[frozenset[str], bool, tuple[str, ...], tuple[str, ...], Check | None]
#: everything _check_tags needs per tag name, in one lookup
#: checks that already cover required attributes and https (hot tags, done in one pass)
COMPLETE_CHECKS = frozenset({"transcript", "chapters", "person"})
SPECS: dict[str, Spec] = {
    name: (parents, single,
           () if name in COMPLETE_CHECKS else required,
           () if name in COMPLETE_CHECKS else URL_ATTRS_OF.get(name, URL_ATTRS),
           VALUE_CHECKS.get(name))
    for name, (parents, single, required) in TAGS.items()
}


#: the same, keyed by Clark-notation tag, so non-podcast children cost one dict miss
SPECS_BY_TAG: dict[str, tuple[str, Spec]] = {PC + name: (name, spec)
                                             for name, spec in SPECS.items()}


def _check_tags(node: Node, ctx: Context, parent: str) -> None:
    out = ctx.out
    for tag, bucket in node.kids.items():
        found = SPECS_BY_TAG.get(tag)
        if found is None:
            if tag.startswith(PC):
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
            if required:
                _required(el, out, name, required)
            for attr in url_attrs:
                value = el.get(attr)
                if value is not None and value.startswith("http:"):
                    _not_https(el, out, name, attr, value)
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
APPLE_TRANSCRIPTS = frozenset({"text/vtt", "application/x-subrip", "application/srt"})


def check_item(item: Node, ctx: Context) -> None:
    _check_tags(item, ctx, I)
    transcripts = item.kids.get(PC_TRANSCRIPT)
    if transcripts and not any(t.get("type") in APPLE_TRANSCRIPTS for t in transcripts):
        ctx.out.info("podcast-transcript", "no WebVTT or SRT transcript: Apple Podcasts reads "
                     "only those", transcripts[0],
                     "publish a text/vtt transcript too (feedpub transcript convert)")
