"""Value checks of the less common podcast:* tags (one function per tag).

Split from :mod:`rules_podcast`, which holds the placement table, the dispatch
and the per-item hot tags (transcript, chapters, person).  Each function gets
the element, the collector and the run context, like every item rule.
"""

from __future__ import annotations

import re
import uuid

from .data import (
    CHAT_PROTOCOLS,
    MEDIUMS,
    PODCAST_GUID_NAMESPACE,
    PODCAST_NS_ALIASES,
    SERVICE_SLUGS,
    SOCIAL_PROTOCOLS,
    SPDX_BARE_IDS,
)
from .findings import Collector
from .rules_rss import check_date, self_url
from .values import (
    ascii_int,
    is_absolute_url,
    is_decimal,
    is_email,
    is_geo_uri,
    is_mime,
    is_osm,
    is_uuid,
    podcast_guid_for,
    q,
)
from .view import PC, Context, Element, Node, element_text

#: an SPDX-shaped id with a version: "MPL-2.0", "BSD-3-Clause", "CC-BY-SA-4.0", "GPL-2.0+"
SPDX_VERSIONED = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*\+?")
_SPDX_OPERATOR = re.compile(r"\s+(?:OR|AND|WITH)\s+")
#: a CSS <ratio>: "16/9", "1/1" or a single number such as "1.9" (the namespace's own
#: example uses aspect-ratio="1.9")
ASPECT = re.compile(r"\d+(\.\d+)?(\s*/\s*\d+(\.\d+)?)?")
ISO_COUNTRY = re.compile(r"[A-Za-z]{2}")


#: the namespace's former GitHub URI, accepted as the same namespace (spec-notes §1.1)
ALIAS_PREFIXES = tuple("{" + uri + "}" for uri in PODCAST_NS_ALIASES)


def _pc_tags(name: str) -> tuple[str, ...]:
    return (PC + name,) + tuple(prefix + name for prefix in ALIAS_PREFIXES)


def pc_children(el: Element, name: str) -> list[Element]:
    """Children podcast:<name> under either namespace URI."""
    tags = _pc_tags(name)
    return [c for c in el if c.tag in tags]


def text_of(el: Element, out: Collector, name: str, limit: int, required: bool = True) -> str:
    text = element_text(el).strip()
    if required and not text:
        out.error("podcast-text", f"<podcast:{name}> is empty", el)
    elif len(text) > limit:
        out.warn("podcast-text", f"<podcast:{name}> text is {len(text)} characters; keep it "
                 f"under {limit}", el, "apps may truncate it")
    return text


def check_guid(el: Element, out: Collector, ctx: Context) -> None:
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


def check_locked(el: Element, out: Collector, ctx: Context) -> None:
    if (el.text or "").strip() not in ("yes", "no"):
        out.error("podcast-locked", f"podcast:locked {q(el.text)} must be 'yes' or 'no'", el)
    owner = el.get("owner")
    if owner is not None and not is_email(owner):
        out.warn("podcast-locked", f"podcast:locked owner {owner!r} is not an e-mail address",
                 el, "hosts e-mail this address to verify a move")


def check_medium(el: Element, out: Collector, ctx: Context) -> None:
    value = (el.text or "").strip()
    if value not in MEDIUMS:
        out.error("podcast-medium", f"podcast:medium {value!r} is not a defined medium", el,
                  "use podcast, music, video, film, audiobook, newsletter, blog, publisher, "
                  "course (or their L list forms, or mixed)")


def check_location(el: Element, out: Collector, ctx: Context) -> None:
    text_of(el, out, "location", 128)
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


def check_trailer(el: Element, out: Collector, ctx: Context) -> None:
    text_of(el, out, "trailer", 128)
    if el.get("pubdate"):
        check_date(el, out, ctx.now, "podcast:trailer pubdate", el.get("pubdate"))
    length, mime, season = el.get("length"), el.get("type"), el.get("season")
    if length is not None and ascii_int(length) is None:
        out.warn("podcast-trailer", f"trailer length {length!r} is not a byte count", el)
    if mime is not None and not is_mime(mime):
        out.warn("podcast-trailer", f"trailer type {mime!r} is not a MIME type", el)
    if season is not None and ascii_int(season) is None:
        out.warn("podcast-trailer", f"trailer season {season!r} is not an integer", el)


def is_spdx_like(text: str) -> bool:
    """An SPDX licence id (or expression of ids) as the namespace's licenses.json lists.

    A versioned id is recognised by its shape (a part with a digit, as in "MPL-2.0"),
    an unversioned one ("ISC", "Unlicense") by name; "my-own-terms" is neither.
    """
    parts = _SPDX_OPERATOR.split(text.strip().strip("()").strip())
    return all(_spdx_id(p.strip("() ")) for p in parts)


def _spdx_id(part: str) -> bool:
    if not SPDX_VERSIONED.fullmatch(part):
        return False
    low = part.lower().rstrip("+")
    if low in SPDX_BARE_IDS or low.startswith(("cc-", "cc0", "odc-", "pddl", "licenseref-")):
        return True
    return any(c.isdigit() for c in low)


def check_license(el: Element, out: Collector, ctx: Context) -> None:
    text = text_of(el, out, "license", 128)
    if text and not el.get("url") and not is_spdx_like(text):
        out.warn("podcast-required", f"license {text!r} is not an SPDX id from the "
                 "namespace's list, so it needs a url attribute", el,
                 "use an SPDX id such as CC-BY-4.0, or add url=\"https://…\" pointing to "
                 "the licence text")


def check_txt(el: Element, out: Collector, ctx: Context) -> None:
    text = text_of(el, out, "txt", 4000)
    purpose = el.get("purpose")
    if purpose is not None and len(purpose) > 128:
        out.warn("podcast-text", "podcast:txt purpose is over 128 characters", el)
    if purpose == "ai-content" and text not in ("true", "false"):
        out.warn("podcast-value", f"ai-content txt {text!r} must be true or false", el)


def check_update_frequency(el: Element, out: Collector, ctx: Context) -> None:
    text_of(el, out, "updateFrequency", 128, required=False)
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


def check_container(el: Element, out: Collector, ctx: Context) -> None:
    """podroll / publisher: must hold remoteItems with a feedGuid."""
    items = pc_children(el, "remoteItem")
    if not items:
        out.error("podcast-required", f"<podcast:{el.tag.split('}')[1]}> has no "
                  "<podcast:remoteItem>", el)
    for item in items:
        if not item.get("feedGuid"):
            out.error("podcast-required", "podcast:remoteItem has no feedGuid", item)


def check_block(el: Element, out: Collector, ctx: Context) -> None:
    if (el.text or "").strip() not in ("yes", "no"):
        out.error("podcast-value", f"podcast:block {q(el.text)} must be 'yes' or 'no'", el)
    slug = el.get("id")
    if slug is not None and slug not in SERVICE_SLUGS:
        out.warn("podcast-value", f"podcast:block id {slug!r} is not a known service slug", el)


def check_social(el: Element, out: Collector, ctx: Context) -> None:
    protocol = el.get("protocol")
    if protocol and protocol not in SOCIAL_PROTOCOLS:
        out.error("podcast-value", f"socialInteract protocol {protocol!r} is not listed", el)
    if protocol != "disabled" and not el.get("uri"):
        out.error("podcast-required", "podcast:socialInteract has no uri", el)


def check_chat(el: Element, out: Collector, ctx: Context) -> None:
    protocol = el.get("protocol")
    if protocol and protocol not in CHAT_PROTOCOLS:
        out.error("podcast-value", f"chat protocol {protocol!r} is not irc/xmpp/nostr/matrix", el)


def check_image(el: Element, out: Collector, ctx: Context) -> None:
    ratio = el.get("aspect-ratio")
    if ratio is not None and not ASPECT.fullmatch(ratio):
        out.warn("podcast-value", f"podcast:image aspect-ratio {ratio!r} is not a ratio such "
                 "as 1/1, 16/9 or 1.9", el)
    if not el.get("alt"):
        out.warn("podcast-required", "podcast:image has no alt text", el,
                 "describe the image for screen readers")


def check_value(el: Element, out: Collector, ctx: Context) -> None:
    recipients = list(el.iter(*_pc_tags("valueRecipient")))
    if not recipients:
        out.error("podcast-required", "podcast:value has no podcast:valueRecipient", el)
    for r in recipients:
        missing = [a for a in ("type", "address", "split") if not r.get(a)]
        if missing:
            out.error("podcast-required", f"valueRecipient lacks {', '.join(missing)}", r)


def check_live_item(el: Element, out: Collector, ctx: Context) -> None:
    status = el.get("status")
    if status is not None and status not in ("pending", "live", "ended"):
        out.error("podcast-live", f"liveItem status {status!r} must be pending, live or ended",
                  el)
    node = Node(el, ALIAS_PREFIXES[0])
    if not node.all(PC + "contentLink"):
        out.error("podcast-live", "podcast:liveItem has no podcast:contentLink", el)
    if not node.all("enclosure"):
        out.error("podcast-live", "podcast:liveItem has no fallback <enclosure>", el)
    if not node.all("guid"):
        out.error("podcast-live", "podcast:liveItem has no <guid>", el)


def require_attrs(el: Element, out: Collector, name: str, required: tuple[str, ...]) -> None:
    get = el.get
    for attr in required:
        if not get(attr):  # rare: only then build the list of what is missing
            missing = [a for a in required if not get(a)]
            out.error("podcast-required", f"<podcast:{name}> lacks required attribute(s) "
                      + ", ".join(missing), el)
            return


def report_not_https(el: Element, out: Collector, name: str, attr: str, value: str) -> None:
    out.error("podcast-https", f"podcast:{name} {attr} {value!r} is not https", el,
              "the namespace requires https for every URL")


def check_soundbite(el: Element, out: Collector, ctx: Context) -> None:
    start, duration = el.get("startTime"), el.get("duration")
    if start is not None and not is_decimal(start):
        out.error("podcast-soundbite", f"soundbite startTime {start!r} is not seconds", el)
    if duration is not None:
        if not is_decimal(duration):
            out.error("podcast-soundbite", f"soundbite duration {duration!r} is not seconds", el)
        elif not 15 <= float(duration) <= 120:
            out.warn("podcast-soundbite", f"soundbite is {duration} s; 15–120 s is recommended",
                     el)
    text_of(el, out, "soundbite", 128, required=False)


def check_season(el: Element, out: Collector, ctx: Context) -> None:
    if ascii_int((el.text or "").strip()) is None:
        out.error("podcast-number", f"podcast:season {q(el.text)} is not an integer", el)
    name = el.get("name")
    if name is not None and len(name) > 128:
        out.warn("podcast-text", "podcast:season name is over 128 characters", el)


def check_episode(el: Element, out: Collector, ctx: Context) -> None:
    if not is_decimal(el.text):
        out.error("podcast-number", f"podcast:episode {q(el.text)} is not a number", el)
    display = el.get("display")
    if display is not None and len(display) > 32:
        out.warn("podcast-text", "podcast:episode display is over 32 characters", el)


def check_alternate(el: Element, out: Collector, ctx: Context) -> None:
    sources = pc_children(el, "source")
    if not sources:
        out.error("podcast-required", "podcast:alternateEnclosure has no podcast:source", el)
    for s in sources:
        if not s.get("uri"):
            out.error("podcast-required", "podcast:source has no uri", s)
    integrity = pc_children(el, "integrity")
    if len(integrity) > 1:
        out.error("podcast-placement", "alternateEnclosure has more than one integrity", el)
    for i in integrity:
        if i.get("type") not in ("sri", "pgp-signature") or not i.get("value"):
            out.error("podcast-required", "podcast:integrity needs type sri|pgp-signature and "
                      "a value", i)


def check_images(el: Element, out: Collector, ctx: Context) -> None:
    out.info("podcast-value", "podcast:images is deprecated", el,
             'use one <podcast:image href="…" width="…"/> per size instead')


def check_funding(el: Element, out: Collector, ctx: Context) -> None:
    text_of(el, out, "funding", 128, required=False)
