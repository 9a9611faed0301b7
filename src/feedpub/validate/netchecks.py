"""Online checks: every enclosure, artwork, transcript and chapters URL in a feed.

Apple removes shows whose media servers ignore or fake byte ranges; web
players need CORS on transcripts; artwork must really be what its extension
says.  All of it is only visible over HTTP, so it is checked here, in
parallel with a bounded pool, after the offline rules.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from lxml import etree
from requests.structures import CaseInsensitiveDict

from ..errors import FeedpubError, Problem
from ..model import Segment
from ..timecode import itunes_seconds
from ..transcripts.checks import DURATION_TOLERANCE
from .data import CHAPTERS_TYPE, PODCAST_NS_ALIASES
from .findings import Collector, Finding
from .network import Hops, NetOptions, Where, base_type, follow, read_body
from .values import ascii_int, url_extension
from .view import IT, PC, Node

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
ARTWORK_BYTES_WARNING = 512 * 1024
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
#: equivalent spellings of media types seen in the wild
_SAME_MEDIA = [{"audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg", "audio/x-mp3"},
               {"audio/x-m4a", "audio/mp4", "audio/m4a", "audio/aac", "audio/x-aac"},
               {"video/mp4", "video/x-m4v", "audio/mp4"}]
_SERVED_TEXT = {"text/vtt": {"text/vtt"},
                "application/x-subrip": {"application/x-subrip", "application/srt", "text/srt",
                                         "text/plain"},
                "application/srt": {"application/x-subrip", "application/srt", "text/srt",
                                    "text/plain"},
                "application/json": {"application/json"},
                "text/html": {"text/html"}, "text/plain": {"text/plain"},
                CHAPTERS_TYPE: {CHAPTERS_TYPE, "application/json"}}


@dataclass(frozen=True)
class Target:
    """One URL named by the feed and what the feed claims about it."""

    kind: str  # "media", "artwork", "transcript", "chapters"
    url: str
    line: int | None
    declared_type: str | None = None
    declared_length: int | None = None
    duration: float | None = None  # itunes:duration of the item, for transcripts/chapters
    integrity: str | None = None  # podcast:integrity SRI value of an alternate encoding


def collect_targets(root: etree._Element) -> list[Target]:
    """Every checkable URL in a parsed feed, once each, in document order."""
    seen: set[tuple[str, str]] = set()
    targets: list[Target] = []

    def add(t: Target) -> None:
        if t.url.startswith(("http://", "https://")) and (t.kind, t.url) not in seen:
            seen.add((t.kind, t.url))
            targets.append(t)

    channel = root.find("channel")
    if channel is None:
        return targets
    uris = {**root.nsmap, **channel.nsmap}.values()
    alias = next(("{" + u + "}" for u in PODCAST_NS_ALIASES if u in uris), None)
    ch = Node(channel, alias)
    img = ch.first(IT + "image")
    if img is not None and img.get("href"):
        add(Target("artwork", img.get("href"), img.sourceline))
    for el in ch.all("item"):
        item = Node(el, alias)
        seconds = itunes_seconds(item.text(IT + "duration") or "")
        for enc in item.all("enclosure")[:1]:
            length = enc.get("length") or ""
            add(Target("media", enc.get("url") or "", enc.sourceline, enc.get("type"),
                       ascii_int(length)))
        for alt in item.all(PC + "alternateEnclosure"):
            sri = next((i.get("value") for i in _children(alt, "integrity")
                        if i.get("type") == "sri"), None)
            length = ascii_int(alt.get("length") or "")
            for source in _children(alt, "source"):
                uri = source.get("uri") or ""
                add(Target("media", uri, source.sourceline, alt.get("type"), length))
                if sri:
                    add(Target("integrity", uri, source.sourceline, alt.get("type"), length,
                               integrity=sri))
        image = item.first(IT + "image")
        if image is not None and image.get("href"):
            add(Target("artwork", image.get("href"), image.sourceline))
        for tr in item.all(PC + "transcript"):
            add(Target("transcript", tr.get("url") or "", tr.sourceline, tr.get("type"),
                       duration=seconds))
        for chap in item.all(PC + "chapters"):
            add(Target("chapters", chap.get("url") or "", chap.sourceline, chap.get("type"),
                       duration=seconds))
    return targets


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    """Children in the element's own namespace (the canonical URI or its alias)."""
    ns = el.tag[: el.tag.index("}") + 1] if el.tag.startswith("{") else ""
    found: list[etree._Element] = el.findall(ns + name)
    return found


def check_targets(targets: list[Target], opts: NetOptions, source: str) -> list[Finding]:
    """Check all targets in parallel; findings come back in target order."""
    def one(t: Target) -> list[Finding]:
        out = Collector(source)
        try:
            CHECKS[t.kind](t, out, opts)
        except Exception as err:  # a hostile server must not abort the whole run
            Where(out, t.url, t.line, t.kind).error(
                "http-unreachable", f"could not be checked ({type(err).__name__}: {err})")
        # HEAD and GET often repeat a header problem: report it once per URL
        return list(dict.fromkeys(out))

    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(opts.workers, len(targets)))) as pool:
        results = list(pool.map(one, targets))
    return [f for found in results for f in found]


def check_feed_urls(root: etree._Element, opts: NetOptions, source: str) -> list[Finding]:
    return check_targets(collect_targets(root), opts, source)


def _same_media(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME_MEDIA)


def check_media(t: Target, out: Collector, opts: NetOptions) -> None:
    where = Where(out, t.url, t.line, "enclosure")
    head = follow("HEAD", where, opts)
    if head is None:
        return
    resp = head.response
    resp.close()
    head_length: int | None = None
    if resp.status_code in (405, 501):
        where.error("http-head", f"HEAD answered {resp.status_code}; Apple requires HEAD")
    elif resp.status_code >= 400:
        where.error("http-status", f"answered {resp.status_code} {resp.reason}",
                    "upload the file, or fix the URL in the episode")
        return
    else:
        raw = resp.headers.get("Content-Length")
        head_length = ascii_int(raw)
        if head_length is None:
            where.warn("http-head", "HEAD answer has no Content-Length")
        _media_headers(resp.headers, t, where)
    ranged = follow("GET", where, opts, {"Range": "bytes=0-1"}, report_http=False)
    if ranged is None:
        return
    _check_range(ranged.response, t, where, head_length, opts)


def _media_headers(headers: CaseInsensitiveDict[str], t: Target, where: Where) -> None:
    encoding = headers.get("Content-Encoding", "").strip().lower()
    if encoding and encoding != "identity":
        where.error("content-encoding", f"served with Content-Encoding: {encoding}",
                    "compressed media breaks seeking and length; turn compression off "
                    "for audio/video")
    served = base_type(headers.get("Content-Type"))
    if not served or served == "application/octet-stream" or served.startswith("text/"):
        where.error("content-type", f"served as {served or 'no Content-Type'}",
                    f"configure the server to send {t.declared_type or 'audio/mpeg'}")
    elif t.declared_type and not _same_media(served, base_type(t.declared_type)):
        where.warn("content-type", f"served as {served} but the feed says {t.declared_type}")


def _check_range(resp: requests.Response, t: Target, where: Where,
                 head_length: int | None, opts: NetOptions) -> None:
    status = resp.status_code
    if status == 200:
        resp.close()
        where.error("http-range", "ignores Range requests (answered 200 to bytes=0-1)",
                    "Apple removes shows whose media host does not support byte ranges; "
                    "use a host that answers 206 Partial Content")
        return
    if status >= 400:
        resp.close()
        where.error("http-range" if status == 416 else "http-status",
                    f"ranged GET answered {status} {resp.reason}")
        return
    if status != 206:
        resp.close()
        where.error("http-range", f"ranged GET answered {status}, not 206")
        return
    body, problem = read_body(resp, 64, time.monotonic() + opts.timeout, decode=False)
    if problem is not None and not problem.startswith("larger"):  # too slow, or failed
        where.error("http-unreachable", f"ranged GET: {problem}",
                    "apps give up on media that does not start within seconds")
        return
    m = _CONTENT_RANGE.fullmatch(resp.headers.get("Content-Range", "").strip())
    if m is None or m.group(1) != "0" or m.group(2) != "1" or m.group(3) == "*":
        where.error("http-range", "206 answer without a valid Content-Range "
                    f"({resp.headers.get('Content-Range')!r}) for bytes=0-1")
        return
    total = int(m.group(3))
    if len(body) != 2:
        where.error("http-range", f"206 answer sent {len(body)} bytes for a 2-byte range "
                    "(a fake partial response)")
        return
    if head_length is not None and head_length != total:
        where.error("http-range", f"Content-Range says the file has {total:,} bytes but HEAD "
                    f"says {head_length:,} (a fake partial response)")
        return
    if t.declared_length is not None and t.declared_length != total:
        where.warn("enclosure-length", f"the feed says length=\"{t.declared_length}\" but the "
                   f"file has {total:,} bytes", "rebuild the feed so length is the real size")
    _media_headers(resp.headers, t, where)


def answered(where: Where, hops: Hops | None) -> requests.Response | None:
    """The final response of a GET that succeeded; an HTTP error status is reported."""
    if hops is None:
        return None
    resp = hops.response
    if resp.status_code >= 400:
        resp.close()
        where.error("http-status", f"answered {resp.status_code} {resp.reason}")
        return None
    return resp


def check_artwork(t: Target, out: Collector, opts: NetOptions) -> None:
    where = Where(out, t.url, t.line, "artwork")
    head = follow("HEAD", where, opts)
    if head is None:
        return
    head.response.close()
    if head.response.status_code in (405, 501):
        where.error("http-head", f"HEAD answered {head.response.status_code}; Apple "
                    "requires HEAD on artwork")
    elif head.response.status_code < 400 and not head.response.headers.get("Last-Modified"):
        where.warn("http-head", "no Last-Modified header; Apple uses it to notice new art")
    resp = answered(where, follow("GET", where, opts, report_http=False))
    if resp is None:
        return
    body, problem = read_body(resp, opts.max_download, time.monotonic() + opts.timeout * 4)
    if problem:
        where.error("artwork-bytes" if "larger" in problem else "http-unreachable", problem)
        return
    inspect_image(body, t.url, resp.headers.get("Content-Type"), where)


def inspect_image(body: bytes, url: str, content_type: str | None, where: Where) -> None:
    """Apple's artwork rules on the real file: format, extension, size, colour, alpha."""
    from PIL import Image, UnidentifiedImageError

    if len(body) > ARTWORK_BYTES_WARNING:
        where.warn("artwork-bytes", f"is {len(body) / 1024:.0f} KB; keep artwork under 512 KB",
                   "large art loads slowly in apps; re-compress it")
    try:
        img = Image.open(io.BytesIO(body))  # reads the header only; no decode
    except Image.DecompressionBombError as err:
        where.error("artwork-size", f"is far too large to be artwork ({err})")
        return
    except (UnidentifiedImageError, OSError, ValueError):
        where.error("artwork-format", "is not a readable image", "upload a JPEG or PNG file")
        return
    fmt = img.format or "?"
    ext = url_extension(url)
    if fmt not in ("JPEG", "PNG"):
        where.error("artwork-format", f"is a {fmt} image; Apple accepts JPEG or PNG only")
    elif (fmt == "JPEG") != (ext in ("jpg", "jpeg")) or (fmt == "PNG") != (ext == "png"):
        where.error("artwork-format", f"is a {fmt} file behind a .{ext or '(none)'} URL",
                    "the extension must match the real type (.jpg for JPEG, .png for PNG)")
    served = base_type(content_type)
    expected = {"JPEG": "image/jpeg", "PNG": "image/png"}.get(fmt)
    if expected and served != expected:
        where.warn("content-type", f"served as {served or 'no Content-Type'}, not {expected}")
    w, h = img.size
    if w != h:
        where.error("artwork-size", f"is {w}x{h}, not square", "Apple requires square art")
    elif not ARTWORK_MIN <= w <= ARTWORK_MAX:
        where.error("artwork-size", f"is {w}x{h}; Apple requires 1400x1400 to 3000x3000")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if img.mode == "CMYK":
        where.error("artwork-color", "uses CMYK colour; Apple requires RGB",
                    "export the image as RGB (sRGB)")
    elif has_alpha:
        where.error("artwork-color", f"has an alpha channel (mode {img.mode})",
                    "flatten the image onto a background and save without transparency")
    elif img.mode not in ("RGB", "P", "YCbCr"):
        where.warn("artwork-color", f"uses colour mode {img.mode}; Apple expects RGB")


def check_text_file(t: Target, out: Collector, opts: NetOptions) -> None:
    """Transcripts and chapters: reachable, right Content-Type, CORS, parseable."""
    where = Where(out, t.url, t.line, t.kind)
    resp = answered(where, follow("GET", where, opts,
                                  {"Origin": "https://validator.feedpub.invalid"}))
    if resp is None:
        return
    if not resp.headers.get("Access-Control-Allow-Origin"):
        where.warn("cors", "no Access-Control-Allow-Origin header; web players cannot load it",
                   "allow cross-origin reads (Access-Control-Allow-Origin: *) on the host")
    declared = base_type(t.declared_type)
    served = base_type(resp.headers.get("Content-Type"))
    accepted = _SERVED_TEXT.get(declared, {declared})
    if declared and served not in accepted:
        where.warn("content-type", f"served as {served or 'no Content-Type'} but the feed "
                   f"says {declared}", f"configure the server to send {declared}")
    body, problem = read_body(resp, opts.max_download, time.monotonic() + opts.timeout * 4)
    if problem:
        where.error("http-unreachable", problem)
        return
    if t.kind == "chapters":
        _check_chapters(body, where, t.duration)
    else:
        _check_transcript(body, declared, where, t.duration)


def _readers() -> dict[str, Callable[[str, Path], list[Segment]]]:
    """The build's own transcript parsers: the feed is checked by the code that wrote it."""
    from ..transcripts import jsonfmt, srt, vtt

    return {"text/vtt": vtt.read, "application/x-subrip": srt.read,
            "application/srt": srt.read, "application/json": jsonfmt.read}


def _report(problems: Iterable[Problem], where: Where, rule: str, severity: str = "error",
            limit: int = 3) -> None:
    """Findings for the first ``limit`` problems of a downloaded file, with the file's line."""
    for problem in list(problems)[:limit]:
        at = f"line {problem.line}: " if problem.line else ""
        expected = f" (expected {problem.expected})" if problem.expected else ""
        report = where.warn if severity == "warning" else where.error
        report(rule, f"{at}{problem.message}{expected}", problem.hint)


def _check_transcript(body: bytes, declared: str, where: Where,
                      duration: float | None = None) -> None:
    from ..transcripts import decode

    reader = _readers().get(declared)
    if reader is None:
        return
    name = Path(url_name(where.url))
    try:
        segments = reader(decode(name, body), name)  # decode: UTF-8 only, as the build
    except FeedpubError as err:
        _report(err.problems, where, "transcript-content")
        return
    ends = [s.end for s in segments if s.end is not None]
    if duration and ends and max(ends) > duration + DURATION_TOLERANCE:
        where.warn("transcript-content", f"cues run to {max(ends):.0f} s but the episode lasts "
                   f"{duration:.0f} s", "is this the transcript of another episode?")


def url_name(url: str) -> str:
    return url.partition("?")[0].rstrip("/").rsplit("/", 1)[-1] or "transcript"


def _check_chapters(body: bytes, where: Where, duration: float | None = None) -> None:
    """The build's own reader and checks (feedpub.chapters), on the downloaded bytes.

    Problems with the file itself (not JSON chapters, not UTF-8, chapters out of order
    or starting together) are errors, as in the build.  Chapters past the feed's
    itunes:duration are warnings: that duration is the feed's rounded claim, not the
    measured audio the build compares with.
    """
    from .. import chapters as chapters_mod
    from ..transcripts import decode

    source = Path(url_name(where.url))
    try:
        chapters = chapters_mod.jsonfmt.read(decode(source, body), source)  # no temp file
    except FeedpubError as err:
        _report(err.problems, where, "chapters-content", limit=5)
        return
    in_file = chapters_mod.check(chapters, None, source)
    _report(in_file, where, "chapters-content", limit=5)
    if duration:
        beyond = [p for p in chapters_mod.check(chapters, duration, source) if p not in in_file]
        _report(beyond, where, "chapters-content", "warning", limit=5)


def check_integrity(t: Target, out: Collector, opts: NetOptions) -> None:
    """An alternate encoding's served bytes must hash to its podcast:integrity value."""
    where = Where(out, t.url, t.line, "podcast:alternateEnclosure")
    algorithm, _, expected = (t.integrity or "").partition("-")
    if algorithm not in ("sha256", "sha384", "sha512"):
        where.warn("alternate-integrity", f"integrity {t.integrity!r} is not an SRI hash",
                   "write sha384-<base64 digest>, as feedpub build does")
        return
    resp = answered(where, follow("GET", where, opts))
    if resp is None:
        return
    limit = t.declared_length if t.declared_length else opts.max_download
    body, problem = read_body(resp, limit, time.monotonic() + max(30.0, opts.timeout * 10),
                              decode=False)
    if problem:
        where.error("http-unreachable", problem)
        return
    got = base64.b64encode(hashlib.new(algorithm, body).digest()).decode("ascii")
    if got != expected:
        where.error("alternate-integrity",
                    f"the served file ({len(body):,} bytes) does not match its "
                    f"podcast:integrity {algorithm} hash; apps that verify it will reject it",
                    "upload the file again, or rebuild so the hash is the file's")


CHECKS = {"media": check_media, "artwork": check_artwork, "integrity": check_integrity,
          "transcript": check_text_file, "chapters": check_text_file}
