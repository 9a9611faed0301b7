"""RSS 2.0 rules: required elements, dates, guids and enclosures (spec-notes §4, §5.2)."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

from ..spec import FUTURE_PUBDATE_MINUTES
from .data import APPLE_MEDIA
from .findings import Collector, Severity
from .hosts import all_reachable, non_ascii, url_host_problem
from .markupcheck import check_html, markup_in_text
from .values import (
    DateProblem,
    ascii_int,
    is_absolute_url,
    is_email,
    is_mime,
    parse_rfc2822,
    q,
    url_extension,
)
from .view import ATOM, CONTENT, IT, PC, Context, Element, Node, element_text

CONTENT_ENCODED = CONTENT + "encoded"
APPLE_TEXT_LIMIT = 4000  # bytes, channel and item description
FUTURE_SLACK = timedelta(minutes=FUTURE_PUBDATE_MINUTES)

CHANNEL_SINGLE = frozenset(("title", "link", "description", "language", "copyright", "pubDate",
                  "lastBuildDate", "image", "ttl", "generator", "managingEditor", "webMaster",
                  IT + "image", IT + "explicit", IT + "type", IT + "author", IT + "owner",
                  IT + "block", IT + "complete", IT + "new-feed-url", IT + "summary",
                  IT + "subtitle", IT + "keywords", IT + "title"))
ITEM_SINGLE = frozenset(("title", "link", "description", "guid", "pubDate", "comments", "source",
               CONTENT + "encoded", IT + "duration", IT + "episode", IT + "season",
               IT + "episodeType", IT + "explicit", IT + "title", IT + "image", IT + "block",
               IT + "summary", IT + "subtitle"))  # podcast:* counts: rules_podcast


def check_date(el: Element, out: Collector, now: datetime, what: str,
               text: str | None = None) -> datetime | None:
    """Check one RFC 2822 date element (or attribute text); return it when valid."""
    if text is None:
        text = (el.text or "").strip()
    try:
        dt = parse_rfc2822(text)
    except DateProblem as p:
        hint = f"write it as {p.fixed!r}" if p.fixed else \
            "use the form 'Sat, 15 Jun 2019 19:00:00 +0000' (email.utils.format_datetime)"
        out.error(p.rule, f"{what}: {p}", el, hint)
        return None
    if dt > now + FUTURE_SLACK:
        out.warn("date-future", f"{what} {text!r} is in the future", el,
                 "apps hide or mis-sort future episodes; publish it when it is due")
    return dt


def duplicates(node: Node, singles: frozenset[str], out: Collector, where: str) -> None:
    for tag in node.repeated:
        if tag in singles:
            bucket = node.kids[tag]
            name = tag.replace(IT, "itunes:").replace(PC, "podcast:").replace(
                CONTENT, "content:")
            out.error("duplicate-element", f"{where} has {len(bucket)} <{name}> elements",
                      bucket[1], f"keep one <{name}>; readers take an arbitrary one")


_TAG = re.compile(r"</?(?:b|i|em|strong|a|p|br|span|div|img|h[1-6])\b[^>]*>", re.IGNORECASE)
_HEX_LT = re.compile(rb"&#(?:x0*3c|0*60);", re.IGNORECASE)


def check_url(el: Element, url: str, ctx: Context, what: str, *, ascii_check: bool = True,
              ) -> None:
    """Any URL the feed publishes: ASCII only, and on a host a listener can reach.

    Inside an item the check waits for :func:`check_urls`, which looks at all the item's
    URLs at once; its findings still take the place they would have had."""
    if ctx.urls is not None:
        ctx.urls.append((len(ctx.out), el, url, what, ascii_check))
        return
    _check_url(el, url, ctx, what, ascii_check)


def _check_url(el: Element, url: str, ctx: Context, what: str, ascii_check: bool) -> None:
    bad = non_ascii(url) if ascii_check and not url.isascii() else None
    if bad is not None:
        ctx.out.warn("url-ascii", f"{what} {url!r} contains the non-ASCII character {bad!r}",
                     el, "percent-encode the path (é is %C3%A9) and write an international "
                     "domain in punycode; Apple asks for ASCII URLs and W3C rejects IRIs")
    problem = url_host_problem(url, ctx.allow_examples)
    if problem is not None:
        ctx.out.error("url-host", f"{what} {url!r}: {problem}", el,
                      "publish the public address: no listener's app can load this one")


def check_urls(ctx: Context) -> None:
    """The URL checks an item's rules asked for (:func:`check_url`), their findings put
    where each check was asked.  An item whose URLs are ASCII on reachable plain hosts
    (nearly every item) costs one scan of them all."""
    asked = ctx.urls
    if not asked:
        return
    ctx.urls = []
    urls = [url for _, _, url, _, _ in asked]
    if all_reachable(urls, ctx.allow_examples) and all(map(str.isascii, urls)):
        return
    out = ctx.out
    found = []
    for at, el, url, what, ascii_check in asked:
        start = len(out)
        _check_url(el, url, ctx, what, ascii_check)
        if len(out) > start:
            found.append((at, out[start:]))
            del out[start:]
    for at, findings in reversed(found):
        out[at:at] = findings


def html_checks(el: Element, text: str, ctx: Context, what: str, *,
                html: bool = True) -> None:
    """Show notes are HTML: readable by an HTML parser, safe, with absolute links.

    ``html=False`` for fields that are text to W3C but HTML to apps (the channel
    description): a stray '<' is then reported by :func:`plain_text` instead.
    """
    facts = check_html(text)
    out = ctx.out
    if facts.not_html is not None and html:
        out.warn("not-html", f"{what} is not valid HTML: {facts.not_html}", el,
                 "apps read it as HTML and drop what is not: write a literal < as &lt; "
                 "inside the HTML")
    if facts.unsafe is not None:
        out.warn("html-unsafe", f"{what} contains {facts.unsafe}, which can run code in "
                 "the app showing it", el, "remove scripts, event handlers and javascript: "
                 "links; apps strip them or refuse the notes")
    if facts.relative is not None:
        out.warn("relative-link", f"{what} contains a relative link or image "
                 f"{facts.relative}", el, "use absolute https:// URLs in show notes: an app "
                 "has no page to resolve them against")
    links = facts.links
    if not links or all_reachable(list(links), ctx.allow_examples):
        return
    for link in links:
        problem = url_host_problem(link, ctx.allow_examples)
        if problem is not None:
            out.error("url-host", f"{what} links to {link!r}: {problem}", el,
                      "publish the public address: no listener's app can load this one")
            break


def plain_text(el: Element, text: str, ctx: Context, what: str,
               severity: Severity = "warning") -> None:
    """Plain-text elements: markup in them is shown as tags, or silently dropped."""
    found = markup_in_text(text)
    if found is None:
        return
    if found.startswith("</") or _TAG.search(text):
        shown = _TAG.search(text)
        ctx.out.add(severity, "html-in-text", f"{what} contains HTML markup "
                    f"{shown.group(0) if shown else found!r}", el,
                    "this element is plain text: apps show the tags literally or drop the "
                    "words between them")
        return
    lines = ctx.raw_lines(el.sourceline, text.count("\n") + 1)
    if _HEX_LT.search(lines):
        return  # written as &#x3C;: the RSS Profile's way, which readers do not decode twice
    ctx.out.add(severity, "text-markup", f"{what} contains {found!r}, which a reader that "
                "renders it as HTML drops", el,
                "write < as &#x3C; (feedpub's feeds do), as the RSS Best Practices Profile "
                "advises")


def _check_author(item: Node, ctx: Context) -> None:
    el = item.first("author")
    if el is None:
        return
    text = element_text(el).strip()
    address = text.removeprefix("mailto:").split(" ", 1)[0]
    if not is_email(address):
        ctx.out.warn("item-author", f"item <author> {text!r} is not an e-mail address", el,
                     "RSS 2.0 wants 'name@example.org (Name)' here; put a name alone in "
                     "<itunes:author>")


def _check_rss_extras(ch: Node, ctx: Context) -> None:
    """What the W3C validator also checks on the channel: <image>, ttl, e-mail fields."""
    out = ctx.out
    image = ch.first("image")
    if image is not None:
        node = Node(image)
        missing = [t for t in ("url", "title", "link") if not node.text(t)]
        if missing:
            out.error("rss-image", f"channel <image> lacks {', '.join(missing)}", image,
                      "RSS requires url, title and link inside <image>")
        for tag in ("url", "link"):
            value = node.text(tag)
            if value:
                check_url(node.first(tag), value, ctx, f"channel <image> <{tag}>")
        for tag, limit in (("width", 144), ("height", 400)):
            value = node.text(tag)
            number = ascii_int(value)
            if value is not None and (number is None or number > limit):
                out.error("rss-image", f"channel <image> {tag} {value!r} must be an integer "
                          f"<= {limit}", node.first(tag))
    ttl = ch.text("ttl")
    if ttl is not None and ascii_int(ttl) is None:
        out.error("rss-value", f"<ttl> {ttl!r} is not a number of minutes", ch.first("ttl"))
    for tag in ("managingEditor", "webMaster"):
        value = ch.text(tag)
        if value is not None and not is_email(value.split(" ", 1)[0]):
            out.warn("rss-value", f"<{tag}> {value!r} does not start with an e-mail address",
                     ch.first(tag), "write 'name@example.org (Name)'")
    docs = ch.text("docs")
    if docs is not None and not is_absolute_url(docs):
        out.error("rss-value", f"<docs> {docs!r} is not an absolute URL", ch.first("docs"))
    _skip_lists(ch, out)
    for cat in ch.all("category"):
        if not element_text(cat).strip():
            out.error("rss-value", "channel <category> is empty", cat,
                      "name the category or remove the element")


_DAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())


def _skip_lists(ch: Node, out: Collector) -> None:
    """<skipHours> holds <hour> 0-23, <skipDays> holds English day names (RSS 2.0)."""
    for parent, child, expected in (("skipHours", "hour", "an hour 0-23"),
                                    ("skipDays", "day", "a day such as Monday")):
        el = ch.first(parent)
        if el is None:
            continue
        for sub in el:
            value = (sub.text or "").strip()
            hour = ascii_int(value)
            valid = (hour is not None and hour <= 23) if child == "hour" else value in _DAYS
            if sub.tag == child and not valid:
                out.error("rss-value", f"<{parent}> <{child}> {value!r} is not {expected}",
                          sub)


def _description_length(el: Element, text: str, out: Collector, what: str) -> None:
    size = len(text.encode("utf-8")) if len(text) > APPLE_TEXT_LIMIT // 4 else 0
    if size > APPLE_TEXT_LIMIT:
        out.warn("description-length",
                 f"{what} is {size:,} bytes; Apple Podcasts allows {APPLE_TEXT_LIMIT:,}", el,
                 "shorten it; put full show notes on the episode web page")


def check_channel(ch: Node, ctx: Context) -> None:
    out = ctx.out
    title_el = ch.first("title")
    if title_el is None:
        out.error("channel-title", "the channel has no <title>", ch.el)
    else:
        raw = element_text(title_el)
        if not raw.strip():
            out.error("channel-title", "the channel <title> is empty", title_el)
        elif raw != raw.strip():
            # pretty-printed XML (<title>\n  Show\n</title>) is common and apps trim it
            out.warn("channel-title", "the channel <title> has leading or trailing whitespace",
                     title_el, "trim the title; some directories show the padding")
    link = ch.text("link")
    if link is None:
        out.error("channel-link", "the channel has no <link> (the show's web site)", ch.el)
    elif not is_absolute_url(link):
        out.error("channel-link", f"channel <link> {link!r} is not an absolute http(s) URL",
                  ch.first("link"))
    else:
        check_url(ch.first("link"), link, ctx, "channel <link>")
    desc_el = ch.first("description")
    if desc_el is None:
        out.error("channel-description", "the channel has no <description>", ch.el,
                  "describe the show in a few sentences; directories show it on the show page")
    else:
        text = element_text(desc_el)
        if not text.strip():
            out.error("channel-description", "the channel <description> is empty", desc_el)
        _description_length(desc_el, text, out, "channel <description>")
        # Apple renders HTML here, W3C reads text: markup is worth a note, not a warning
        html_checks(desc_el, text, ctx, "channel <description>", html=False)
        plain_text(desc_el, text, ctx, "channel <description>", "info")
    if title_el is not None:
        plain_text(title_el, element_text(title_el), ctx, "channel <title>")
    _check_rss_extras(ch, ctx)
    for tag in ("pubDate", "lastBuildDate"):
        el = ch.first(tag)
        if el is not None:
            check_date(el, out, ctx.now, f"channel <{tag}>")
    _check_self_link(ch, ctx)
    duplicates(ch, CHANNEL_SINGLE, out, "the channel")


def _check_self_link(ch: Node, ctx: Context) -> None:
    out = ctx.out
    selfs = [el for el in ch.all(ATOM + "link") if el.get("rel") == "self"]
    if not selfs:
        misbound = [el for el in ch.el if isinstance(el.tag, str) and el.prefix == "atom"
                    and el.tag.endswith("}link")]
        if misbound:
            uri = misbound[0].tag[1:].split("}")[0]
            out.error("atom-self", f"the atom prefix is bound to {uri!r}, so readers do not "
                      "see this atom:link", misbound[0],
                      f'declare xmlns:atom="{ATOM[1:-1]}"')
            return
        out.warn("atom-self", 'the channel has no <atom:link rel="self"> with the feed URL',
                 ch.el, 'add <atom:link href="https://…/feed.xml" rel="self" '
                        'type="application/rss+xml"/> (PSP-1 requires it; WebSub uses it)')
        return
    href = selfs[0].get("href")
    if not is_absolute_url(href):
        out.error("atom-self", f'atom:link rel="self" href {q(href, "(missing)")} is not an '
                  "absolute URL", selfs[0])
    elif href:
        check_url(selfs[0], href, ctx, 'atom:link rel="self"')
    if len(selfs) > 1:
        out.error("duplicate-element", 'the channel has more than one rel="self" atom:link',
                  selfs[1])


def self_link(ch: Node) -> Element | None:
    for el in ch.all(ATOM + "link"):
        if el.get("rel") == "self":
            return el
    return None


def self_url(ch: Node) -> str | None:
    el = self_link(ch)
    return el.get("href") if el is not None else None


def check_item(item: Node, ctx: Context) -> None:
    out = ctx.out
    kids = item.kids
    title_el = item.first("title")
    title = element_text(title_el).strip() if title_el is not None else ""
    if not title:
        out.error("item-title", "item has no <title>" if title_el is None else
                  "item <title> is empty", title_el if title_el is not None else item.el,
                  "every episode needs a title; Apple and Spotify reject untitled episodes")
    else:
        line = item.el.sourceline
        first = ctx.first_line("title", title, line)
        if first != line:
            out.warn("duplicate-title", f"title {title!r} is also used by the item on line "
                     f"{first}", title_el, "listeners cannot tell the episodes apart")
    _check_guid(item, ctx)
    pub = kids.get("pubDate")
    if pub is None:
        out.error("item-pubdate", f"item {title!r} has no <pubDate>", item.el,
                  "Spotify requires it and apps sort by it")
    else:
        check_date(pub[0], out, ctx.now, "item <pubDate>")
    desc = kids.get("description")
    if desc is not None:
        d = desc[0]
        if len(d):
            out.warn("description-html", "item <description> contains raw XML/HTML elements",
                     d, "wrap HTML show notes in <![CDATA[ … ]]> or escape them")
        text = element_text(d)
        _description_length(d, text, out, "item <description>")
        html_checks(d, text, ctx, "item <description>")
    elif CONTENT_ENCODED in kids:
        out.warn("item-description", "item has content:encoded but no <description>", item.el,
                 "many apps only read <description>; add a plain summary")
    encoded = kids.get(CONTENT_ENCODED)
    if encoded is not None:
        text = element_text(encoded[0])
        _description_length(encoded[0], text, out, "item <content:encoded>")
        html_checks(encoded[0], text, ctx, "item <content:encoded>")
    if "<" in title:
        plain_text(title_el, title, ctx, "item <title>")
    link = kids.get("link")
    if link is not None:
        href = (link[0].text or "").strip()
        if not is_absolute_url(href):
            out.error("rss-value", f"item <link> {href!r} is not an absolute http(s) URL",
                      link[0])
        else:
            check_url(link[0], href, ctx, "item <link>")
    for tag in ("comments", "source"):
        bucket = kids.get(tag)
        if bucket is None:
            continue
        value = (bucket[0].text or "").strip() if tag == "comments" else bucket[0].get("url")
        if not value or not is_absolute_url(value):
            where = "item <comments>" if tag == "comments" else "item <source> url"
            out.error("rss-value", f"{where} {q(value, '(missing)')} is not an absolute URL",
                      bucket[0], "RSS 2.0 wants a full URL here")
        else:
            check_url(bucket[0], value, ctx, f"item <{tag}>")
    _check_author(item, ctx)
    _check_enclosures(item, ctx, title)
    if item.repeated:
        duplicates(item, ITEM_SINGLE, out, f"item {title!r}")


def _check_guid(item: Node, ctx: Context) -> None:
    out = ctx.out
    el = item.first("guid")
    if el is None:
        out.error("guid-missing", "item has no <guid>", item.el,
                  "give every episode a permanent unique id and never change it")
        return
    guid = (el.text or "").strip()
    if not guid:
        out.error("guid-missing", "item <guid> is empty", el)
        return
    line = el.sourceline
    first = ctx.first_line("guid", guid, line)
    if first != line:
        out.error("guid-duplicate", f"guid {guid!r} is also used on line {first}", el,
                  "apps treat both items as one episode; give each its own guid")
    perma = el.get("isPermaLink")
    if perma is not None and perma not in ("true", "false"):
        out.error("guid-permalink", f"isPermaLink={perma!r} must be 'true' or 'false'", el)
    elif perma != "false" and not is_absolute_url(guid):
        out.error("guid-permalink",
                  f"guid {guid!r} is a permalink (isPermaLink defaults to true) but not a URL",
                  el, 'add isPermaLink="false" to opaque ids')
    elif perma != "false":
        check_url(el, guid, ctx, "permalink guid")
    # W3C's NotSufficientlyUnique: a bare number of up to 8 digits
    if guid.isdigit() and len(guid) < 9:
        out.warn("guid-short", f"guid {guid!r} is a short number and unlikely to stay unique",
                 el, "use a UUID or a tag: URI")


def _check_enclosures(item: Node, ctx: Context, title: str) -> None:
    out = ctx.out
    encs = item.kids.get("enclosure")
    if not encs:
        out.error("enclosure", f"item {title!r} has no <enclosure>", item.el,
                  "an episode without media is not listed by Apple or Spotify")
        return
    if len(encs) > 1:
        out.warn("enclosure-multiple", f"item {title!r} has {len(encs)} enclosures", encs[1],
                 "apps play only the first; use podcast:alternateEnclosure for alternatives")
    el = encs[0]
    url, length, mime = el.get("url"), el.get("length"), el.get("type")
    if not (url and length and mime):
        missing = [n for n, v in (("url", url), ("length", length), ("type", mime)) if not v]
        out.error("enclosure", f"<enclosure> lacks {', '.join(missing)}", el,
                  "url, length (bytes) and type are all required")
    url_ok = bool(url) and _check_enclosure_url(el, url or "", ctx)
    if length:
        if not length.isdigit() or not length.isascii():
            out.error("enclosure-length", f"enclosure length {length!r} is not a byte count",
                      el, "write the file size in bytes, e.g. length=\"24986239\"")
        elif length == "0":
            out.warn("enclosure-length", "enclosure length is 0 (unknown)", el,
                     "write the real file size in bytes")
    if mime:
        _check_enclosure_type(el, url if url_ok else "", mime, out)
    if url:
        ctx.items_with_enclosure += 1


def _check_enclosure_url(el: Element, url: str, ctx: Context) -> bool:
    """Check the URL; False when it is not even an absolute http(s) URL."""
    out = ctx.out
    if not is_absolute_url(url):
        out.error("enclosure-url", f"enclosure url {url!r} is not an absolute http(s) URL", el)
        return False
    if not url.isascii():
        out.warn("enclosure-url", f"enclosure url {url!r} contains non-ASCII characters", el,
                 "Apple wants ASCII file names; rename the file or percent-encode the URL")
    if url.startswith("http:"):
        out.warn("https", f"enclosure url {url!r} uses plain http", el,
                 "serve media over https")
    check_url(el, url, ctx, "enclosure url", ascii_check=False)
    line = el.sourceline
    first = ctx.first_line("enclosure", url, line)
    if first != line:
        out.error("enclosure-duplicate", f"enclosure url is also used on line {first}", el,
                  "Apple ignores episodes whose media URL repeats another episode's")
    return True


def _check_enclosure_type(el: Element, url: str, mime: str, out: Collector) -> None:
    problem = _type_problem(url_extension(url) if url else None, mime)
    if problem is not None:
        severity, message, hint = problem
        out.add(severity, "enclosure-type", message, el, hint)


@functools.lru_cache(maxsize=512)
def _type_problem(ext: str | None, mime: str) -> tuple[Severity, str, str] | None:
    """What is wrong with this extension/type pair (a feed repeats the same few pairs)."""
    if not is_mime(mime):
        return ("error", f"enclosure type {mime!r} is not a MIME type",
                "e.g. audio/mpeg for .mp3, audio/x-m4a for .m4a")
    if ext is None:
        return None  # no usable URL: nothing to compare the type with
    base = mime.split(";", 1)[0].strip().lower()
    allowed = APPLE_MEDIA.get(ext)
    if allowed is None:
        return ("warning", f"file extension {('.' + ext) if ext else '(none)'} is not one Apple "
                "Podcasts lists (.mp3 .m4a .mp4 .m4v .mov .pdf)",
                "Apple decides from the URL's extension; publish MP3 or AAC (.m4a)")
    if base not in allowed:
        return ("warning", f"enclosure type {mime!r} is not a registered type of .{ext} files "
                f"(Apple lists {' or '.join(allowed)})",
                f"use type=\"{allowed[0]}\" for .{ext} files")
    return None
