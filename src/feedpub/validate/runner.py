"""One validation run as the CLI does it: load, offline rules, online checks, history.

Kept out of ``cli.py`` so the command stays thin and the whole run is usable
from Python (``run("public/feed.xml", RunOptions(offline=True))``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from .compare import compare_feeds
from .engine import analyse, analyse_file
from .findings import Collector, Finding, Report
from .rules_rss import self_url
from .view import Node
from .xmlsafe import DEFAULT_MAX_SIZE, declared_encoding

if TYPE_CHECKING:  # the network modules (requests, urllib3) load only when a run uses them:
    from .network import NetOptions  # an offline check of a file starts faster

XML_TYPES = ("application/rss+xml", "application/xml", "text/xml", "application/atom+xml",
             "application/x-rss+xml")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


@dataclass(frozen=True)
class RunOptions:
    offline: bool = False
    against: str | None = None
    max_size: int = DEFAULT_MAX_SIZE
    timeout: float = 10.0
    workers: int = 8
    now: datetime | None = None
    ignore: frozenset[str] = frozenset()  # rule ids the show has decided to live with


def _fetch_feed(feed: str, net: NetOptions, out: Collector) -> tuple[bytes | None, str]:
    """The feed's bytes from its URL, and the URL it was finally fetched from."""
    from .network import fetch

    got = fetch(feed, out, net)
    if got.data is None:
        return None, got.final_url
    _check_feed_type(got.content_type, got.data, out)
    return got.data, got.final_url


def _check_feed_type(content_type: str, data: bytes, out: Collector) -> None:
    from .network import base_type

    served = base_type(content_type)
    if served in ("text/html", "application/xhtml+xml"):
        out.error("content-type", f"the feed is served as {served}",
                  hint="serve feed.xml as application/rss+xml (or application/xml)")
    elif served not in XML_TYPES:
        out.warn("content-type", f"the feed is served as {served or 'no Content-Type'}, not "
                 "an XML type", hint="serve feed.xml as application/rss+xml")
    charset = ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"').lower()
    declared = declared_encoding(data) or "utf-8"
    if charset and _encoding_name(charset) != _encoding_name(declared):
        out.warn("xml-encoding", f"HTTP says charset={charset} but the XML declares "
                 f"{declared.lower()}", line=1,
                 hint="make the server's charset match the file (UTF-8)")


def _encoding_name(name: str) -> str:
    """One spelling per encoding: utf8, UTF-8 and utf_8 are the same; so are latin1 and
    ISO-8859-1."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower().replace("_", "-")


def run(feed: str, opts: RunOptions) -> Report:
    """Validate ``feed`` (path or URL) and return every finding not in ``opts.ignore``."""
    return _without_ignored(_run(feed, None, opts), opts)


def run_data(data: bytes, source: str, opts: RunOptions) -> Report:
    """Validate feed bytes held in memory (a build not written yet) like :func:`run`."""
    return _without_ignored(_run(source, data, opts), opts)


def _without_ignored(report: Report, opts: RunOptions) -> Report:
    if opts.ignore:
        report.findings = [f for f in report.findings if f.rule not in opts.ignore]
    return report


def _net(opts: RunOptions) -> NetOptions:
    from .network import NetOptions

    return NetOptions(timeout=opts.timeout, workers=opts.workers, max_feed=opts.max_size)


def _run(feed: str, data: bytes | None, opts: RunOptions) -> Report:
    source = feed
    out = Collector(source)
    final_url = ""
    findings: list[Finding] = []
    if data is not None:
        found, root = analyse(data, source=source, now=opts.now, max_size=opts.max_size)
    elif is_url(feed):
        data, final_url = _fetch_feed(feed, _net(opts), out)
        findings += out
        if data is None:
            return Report(source, findings)
        found, root = analyse(data, source=source, now=opts.now, max_size=opts.max_size)
    else:
        found, root = analyse_file(Path(feed), source=source, now=opts.now,
                                   max_size=opts.max_size)
    findings += found
    if root is None:
        return Report(source, findings)
    if final_url:
        findings += _self_link(root, feed, final_url, source)
    if not opts.offline:
        from .netchecks import check_feed_urls

        if final_url:
            findings += _feed_head(feed, _net(opts), source)
        findings += check_feed_urls(root, _net(opts), source)
    if opts.against:
        findings += _against(root, opts, _net(opts), source)
    return Report(source, findings)


def _self_link(root: etree._Element, feed: str, final_url: str, source: str) -> list[Finding]:
    """A fetched feed's rel=self link must be where it was fetched from (or redirected to)."""
    out = Collector(source)
    channel = root.find("channel")
    href = self_url(Node(channel)) if channel is not None else None
    if href and href.rstrip("/") not in (feed.rstrip("/"), final_url.rstrip("/")):
        out.warn("atom-self", f'atom:link rel="self" is {href} but the feed was fetched '
                 f"from {feed}", hint="the self link must be the feed's public URL")
    return list(out)


def _feed_head(url: str, net: NetOptions, source: str) -> list[Finding]:
    """Apple asks every host, the feed's included, to answer HEAD."""
    from .network import Where, follow

    out = Collector(source)
    hops = follow("HEAD", Where(out, url, None, "feed"), net, report_http=False)
    if hops is not None:
        hops.response.close()
        if hops.response.status_code in (405, 501):
            Where(out, url, None, "feed").error(
                "http-head", f"HEAD answered {hops.response.status_code}; Apple requires HEAD")
    return list(out)


def _against(root: etree._Element, opts: RunOptions, net: NetOptions,
             source: str) -> list[Finding]:
    from .network import fetch

    out = Collector(source)
    if is_url(opts.against or ""):
        got = fetch(opts.against or "", out, net, what="published feed")
        if got.data is None:
            return [Finding(f.severity, "against-unusable", f.message, f.line, f.hint,
                            f.source, f.url) if f.severity == "error" else f for f in out]
        return list(out) + compare_feeds(root, got.data, source=source,
                                         against=opts.against or "",
                                         content_type=got.content_type, max_size=opts.max_size)
    path = Path(opts.against or "")
    if not path.is_file():
        out.error("against-unusable", f"--against {path}: no such file")
        return list(out)
    return compare_feeds(root, path.read_bytes(), source=source,
                         against=str(path), max_size=opts.max_size)
