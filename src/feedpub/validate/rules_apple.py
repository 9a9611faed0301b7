"""Apple Podcasts (itunes:*) rules: artwork tag, categories, explicit, owner, numbering.

What Apple Podcasts Connect rejects is an error; what it merely recommends, or
what other directories need (owner e-mail for Spotify/YouTube verification),
is a warning (spec-notes §2, checks C4-C18, I15-I20).
"""

from __future__ import annotations

import difflib

from ..timecode import itunes_seconds
from .data import APPLE_CATEGORIES, OBSOLETE_CATEGORIES
from .findings import Collector
from .rules_rss import check_url, plain_text
from .values import (
    is_absolute_url,
    is_email,
    is_positive_int,
    language_problem,
    q,
    title_has_number,
    url_extension,
)
from .view import IT, Context, Element, Node, ShapeCache, element_text

SHORT_LIMIT = 255
SUMMARY_LIMIT = 4000
EPISODE_TYPES = ("full", "trailer", "bonus")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png")

#: the itunes: elements Apple defines, and where each one belongs (Apple's RSS guide;
#: the W3C validator reports any other as an undefined element)
BOTH = frozenset(("author", "block", "explicit", "image", "keywords", "subtitle", "summary",
                  "title"))
CHANNEL_ONLY = frozenset(("category", "complete", "new-feed-url", "owner", "type",
                          "applepodcastsverify"))
ITEM_ONLY = frozenset(("duration", "episode", "episodeType", "season", "order",
                       "isClosedCaptioned"))
#: plain-text itunes: elements and Apple's length limits for them
TEXT_LIMITS = (("author", SHORT_LIMIT), ("subtitle", SHORT_LIMIT), ("keywords", SHORT_LIMIT),
               ("summary", SUMMARY_LIMIT), ("title", SHORT_LIMIT))
_TEXT_TAGS = tuple((name, IT + name, limit) for name, limit in TEXT_LIMITS)


def check_placement(node: Node, out: Collector, where: str) -> None:
    """itunes: elements where Apple does not read them, or that Apple never defined."""
    shape = node.shape
    found = _PLACEMENT.get((shape, where))
    if found is None:
        found = _PLACEMENT.keep((shape, where), _misplaced(shape, where))
    for tag, message, hint in found:
        out.warn("itunes-placement", message, node.kids[tag][0], hint)


#: (shape, "channel" or "item") -> the placement findings of that shape, as
#: (tag, message, hint)
_PLACEMENT = ShapeCache()


def _misplaced(shape: tuple[str, ...], where: str) -> tuple[tuple[str, str, str], ...]:
    allowed = CHANNEL_ONLY if where == "channel" else ITEM_ONLY
    other = ITEM_ONLY if where == "channel" else CHANNEL_ONLY
    found = []
    for tag in shape:
        if not tag.startswith(IT):
            continue
        name = tag[len(IT):]
        if name in BOTH or name in allowed:
            continue
        if name in other:
            found.append((tag, f"<itunes:{name}> belongs to the "
                          f"{'item' if where == 'channel' else 'channel'}, not the {where}",
                          f"Apple ignores it here: move it into each "
                          f"{'<item>' if where == 'channel' else '<channel>'}"))
        else:
            found.append((tag, f"<itunes:{name}> is not an element Apple defines",
                          "check the spelling (the names are case-sensitive) or remove "
                          "it; Apple ignores it"))
    return tuple(found)


def check_text_tags(node: Node, ctx: Context, where: str) -> None:
    """itunes:author/subtitle/summary/keywords/title: length, HTML, keyword commas."""
    out = ctx.out
    kids = node.kids
    for name, clark, limit in _TEXT_TAGS:
        bucket = kids.get(clark)
        if bucket is None:
            continue
        el = bucket[0]
        _length(el, limit, out, f"{where} <itunes:{name}>")
        text = element_text(el)
        if "<" in text:
            plain_text(el, text, ctx, f"{where} <itunes:{name}>")
        if name == "keywords":
            words = text.strip()
            if " " in words and "," not in words:
                out.warn("itunes-keywords", f"{where} itunes:keywords {words[:60]!r} has no "
                         "commas", el, "separate keywords with commas: 'tech, ethics, society'")


def check_image(el: Element, out: Collector, what: str, ctx: Context | None = None) -> None:
    """The offline part of the artwork rules: an absolute https .jpg/.png URL."""
    href = el.get("href")
    if not href:
        out.error("itunes-image", f"{what} <itunes:image> has no href", el,
                  'write <itunes:image href="https://…/cover.jpg"/>')
        return
    if not is_absolute_url(href):
        out.error("itunes-image", f"{what} artwork {href!r} is not an absolute http(s) URL", el)
        return
    ext = url_extension(href)
    if ext not in IMAGE_EXTENSIONS:
        out.error("itunes-image",
                  f"{what} artwork {href!r} does not end in .jpg or .png", el,
                  "Apple accepts JPEG or PNG only, with a matching file extension")
    if href.startswith("http:"):
        out.warn("https", f"{what} artwork {href!r} uses plain http", el,
                 "serve artwork over https")
    if ctx is not None:
        check_url(el, href, ctx, f"{what} artwork")


def _explicit(el: Element, out: Collector, what: str) -> None:
    raw = el.text or ""
    value = raw.strip()
    if value in ("true", "false") and raw != value:
        out.error("itunes-explicit", f"{what} itunes:explicit {raw!r} has spaces around "
                  f"{value!r}", el, f"write <itunes:explicit>{value}</itunes:explicit>: readers "
                  "that compare the text exactly (and W3C) do not read it as written")
        return
    if value in ("true", "false"):
        return
    if value.lower() in ("true", "false"):
        out.warn("itunes-explicit", f"{what} itunes:explicit {value!r} should be lower-case",
                 el, f"write {value.lower()!r}")
        return
    fix = "true" if value.lower() in ("yes", "explicit") else "false"
    out.error("itunes-explicit", f"{what} itunes:explicit is {value!r}; Apple accepts only "
              "'true' or 'false'", el, f"write <itunes:explicit>{fix}</itunes:explicit>")


def _yes_no(el: Element, out: Collector, name: str) -> None:
    value = (el.text or "").strip()
    if value.lower() not in ("yes", "no"):
        out.warn("itunes-yes", f"<{name}> is {value!r}; only 'Yes' has an effect", el,
                 f"write Yes to apply {name}, or remove the element")


def _length(el: Element | None, limit: int, out: Collector, name: str) -> None:
    if el is None:
        return
    text = element_text(el)
    if len(text) > limit:
        label = name if "<" in name else f"<{name}>"
        out.warn("text-length", f"{label} is {len(text):,} characters; the limit is {limit:,}",
                 el, "directories truncate or reject longer values")


def _categories(ch: Node, out: Collector) -> None:
    cats = ch.all(IT + "category")
    if not cats:
        out.error("itunes-category", "the channel has no <itunes:category>", ch.el,
                  'add e.g. <itunes:category text="Technology"/> from Apple\'s list')
        return
    if len(cats) > 1:
        out.info("category-count", f"{len(cats)} top-level categories; Apple Podcasts uses only "
                 "the first", cats[1])
    for cat in cats:
        text = cat.get("text")
        if text is None:
            out.error("itunes-category", "<itunes:category> has no text attribute", cat)
            continue
        if not text.strip():
            out.error("itunes-category", "<itunes:category> has an empty text attribute", cat,
                      'name a category from Apple\'s list, e.g. text="Technology"')
            continue
        subs = APPLE_CATEGORIES.get(text)
        if subs is None:
            if text in OBSOLETE_CATEGORIES:
                out.error("itunes-category", f"category {text!r} was retired by Apple in 2019; "
                          f"its replacement is {OBSOLETE_CATEGORIES[text]!r}", cat,
                          "Apple lists the show under no category until it is replaced")
            else:
                out.error("itunes-category", f"category {text!r} is not in Apple's list", cat,
                          _category_hint(text))
            continue
        for sub in cat:
            if sub.tag != IT + "category":
                continue
            name = sub.get("text")
            if name not in subs:
                hint = (f"{text!r} has no subcategories" if not subs else
                        "choose one of: " + ", ".join(sorted(subs)))
                if name in OBSOLETE_CATEGORIES:
                    out.error("itunes-category", f"subcategory {name!r} of {text!r} was retired "
                              f"by Apple in 2019; its replacement is "
                              f"{OBSOLETE_CATEGORIES[name]!r}", sub, hint)
                    continue
                out.error("itunes-category",
                          f"subcategory {q(name, '(missing)')} does not belong to {text!r}",
                          sub, hint)


def _category_hint(text: str) -> str:
    if text in OBSOLETE_CATEGORIES:
        return f"{text!r} is a pre-2019 name; use {OBSOLETE_CATEGORIES[text]!r}"
    for parent, subs in APPLE_CATEGORIES.items():
        if parent.lower() == text.lower():
            return f"spelling is case-sensitive: write {parent!r}"
        for sub in subs:
            if sub.lower() == text.lower():
                return f"{sub!r} is a subcategory: nest it inside {parent!r}"
    if len(text.strip()) < 3:
        return "see https://podcasters.apple.com/support/1691-apple-podcasts-categories"
    close = difflib.get_close_matches(text, list(APPLE_CATEGORIES), n=1, cutoff=0.5)
    if not close:
        close = [p for p in APPLE_CATEGORIES if p.lower().startswith(text.lower()[:4])][:1]
    if close:
        return f"did you mean {close[0]!r}? (Apple's list is case-sensitive)"
    return "see https://podcasters.apple.com/support/1691-apple-podcasts-categories"


def check_channel(ch: Node, ctx: Context) -> None:
    out = ctx.out
    img = ch.first(IT + "image")
    if img is None:
        out.error("itunes-image", "the channel has no <itunes:image> (show artwork)", ch.el,
                  'add <itunes:image href="https://…/cover.jpg"/>, 1400–3000 px square')
    else:
        check_image(img, out, "show", ctx)
    lang = ch.first("language")
    if lang is None:
        out.error("channel-language", "the channel has no <language>", ch.el,
                  "add e.g. <language>en</language> (ISO 639 code, optional region)")
    else:
        problem = language_problem((lang.text or "").strip())
        if problem:
            out.error("channel-language", problem, lang, "Apple rejects invalid language codes")
    _categories(ch, out)
    explicit = ch.first(IT + "explicit")
    if explicit is None:
        out.error("itunes-explicit", "the channel has no <itunes:explicit>", ch.el,
                  "add <itunes:explicit>false</itunes:explicit> (or true)")
    else:
        _explicit(explicit, out, "channel")
    show_type = ch.first(IT + "type")
    if show_type is not None and (show_type.text or "").strip() not in ("episodic", "serial"):
        out.error("itunes-type", f"itunes:type {q(show_type.text)} must be episodic or serial",
                  show_type)
    if ch.first(IT + "author") is None:
        out.warn("itunes-author", "the channel has no <itunes:author>", ch.el,
                 "Spotify requires author information; name the host or network")
    _owner(ch, out)
    _optional_tags(ch, ctx)
    check_text_tags(ch, ctx, "channel")
    check_placement(ch, out, "channel")


def _optional_tags(ch: Node, ctx: Context) -> None:
    """Channel tags Apple reads when present: block/complete, new-feed-url, text limits."""
    out = ctx.out
    for tag in ("block", "complete"):
        el = ch.first(IT + tag)
        if el is not None:
            _yes_no(el, out, "itunes:" + tag)
    new_url = ch.first(IT + "new-feed-url")
    if new_url is not None:
        target = (new_url.text or "").strip()
        if not is_absolute_url(target):
            out.error("new-feed-url", f"itunes:new-feed-url {target!r} is not an absolute URL",
                      new_url)
        else:
            out.warn("new-feed-url", f"this feed tells apps it moved to {target}", new_url,
                     "keep it only while moving the show; apps follow it for good")
            check_url(new_url, target, ctx, "itunes:new-feed-url")
    _length(ch.first("title"), SHORT_LIMIT, out, "channel <title>")


def _owner(ch: Node, out: Collector) -> None:
    owner = ch.first(IT + "owner")
    hint = "Spotify and YouTube send the ownership verification code to this address"
    if owner is None:
        out.warn("itunes-owner", "the channel has no <itunes:owner> with an e-mail", ch.el, hint)
        return
    email_el = owner.find(IT + "email")
    if email_el is None:
        out.error("itunes-owner", "<itunes:owner> has no <itunes:email>", owner, hint)
    elif not is_email((email_el.text or "").strip()):
        out.error("itunes-owner", f"owner e-mail {q(email_el.text)} is not an e-mail address",
                  email_el, hint)
    if owner.find(IT + "name") is None:
        out.warn("itunes-owner", "<itunes:owner> has no <itunes:name>", owner)


# Clark tags used per item, built once (a concatenation per item and lookup adds up)
I_DURATION, I_EPISODE, I_SEASON = IT + "duration", IT + "episode", IT + "season"
I_TYPE, I_EXPLICIT, I_IMAGE, I_BLOCK = (IT + "episodeType", IT + "explicit", IT + "image",
                                        IT + "block")
_NUMBERS = (("episode", I_EPISODE), ("season", I_SEASON))


def check_item(item: Node, ctx: Context) -> None:
    out = ctx.out
    kids = item.kids
    dur = kids.get(I_DURATION)
    if dur is None:
        out.warn("itunes-duration", "item has no <itunes:duration>", item.el,
                 "write the length in whole seconds, e.g. <itunes:duration>2712</itunes:duration>")
    else:
        text = (dur[0].text or "").strip()
        if not text.isdigit() or text == "0" or not text.isascii():  # fast path: seconds
            _duration(dur[0], text, out)
    for tag, clark in _NUMBERS:
        bucket = kids.get(clark)
        if bucket is not None and not is_positive_int((bucket[0].text or "").strip()):
            out.error("itunes-number", f"itunes:{tag} {q(bucket[0].text)} is not a positive "
                      "integer", bucket[0])
    etype = kids.get(I_TYPE)
    episode_type = (etype[0].text or "").strip() if etype is not None else "full"
    if ctx.serial and I_EPISODE not in kids and episode_type == "full":
        # Apple numbers the full episodes of a serial show; trailers and bonus
        # episodes may be unnumbered (they are listed with the season they belong to)
        ctx.items_without_number.append(item.line)
    if etype is not None and episode_type not in EPISODE_TYPES:
        out.error("itunes-episode-type", f"itunes:episodeType {q(etype[0].text)} must be full, "
                  "trailer or bonus", etype[0])
    explicit = kids.get(I_EXPLICIT)
    if explicit is not None and explicit[0].text not in ("true", "false"):
        _explicit(explicit[0], out, "item")
    image = kids.get(I_IMAGE)
    if image is not None:
        check_image(image[0], out, "episode", ctx)
    block = kids.get(I_BLOCK)
    if block is not None:
        _yes_no(block[0], out, "itunes:block")
    check_text_tags(item, ctx, "item")
    check_placement(item, out, "item")
    title = kids.get("title")
    if title is not None:
        text = element_text(title[0])
        if len(text) > SHORT_LIMIT:
            _length(title[0], SHORT_LIMIT, out, "item <title>")
        if title_has_number(text):
            out.info("title-numbering", f"title {text.strip()!r} contains an episode number",
                     title[0], "Apple asks for numbers in itunes:episode/itunes:season instead")


def _duration(el: Element, text: str, out: Collector) -> None:
    seconds = itunes_seconds(text)
    if seconds is None:
        out.error("itunes-duration", f"itunes:duration {text!r} is not seconds or "
                  "[HH:]MM:SS", el, "write whole seconds, e.g. 2712")
    elif seconds == 0:
        out.warn("itunes-duration", "itunes:duration is 0", el)
    elif ":" in text:
        out.info("itunes-duration", f"itunes:duration {text!r}: Apple recommends seconds",
                 el, f"write {seconds}")


def finish(ctx: Context) -> None:
    missing = ctx.items_without_number
    if missing:
        ctx.out.error("itunes-type", f"the show is serial but {len(missing)} item(s) have no "
                      "<itunes:episode>", hint="serial shows are listed oldest first by "
                      "episode number", line=missing[0])
