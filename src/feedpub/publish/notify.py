"""After the live feed checks out: tell the directories there is a new feed.

Podcast Index's ``pubnotify`` needs no key and is on by default.  WebSub pings go
only to the hubs the feed itself advertises (``atom:link rel="hub"``): a hub the
feed names but that is never pinged leaves subscribers waiting, so a configured
list that differs from the advertised one is a warning.  Podping needs a token
(``PODPING_TOKEN``).  A failed notification is a warning: the feed is already
published and apps poll it anyway.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import requests

from .. import __version__
from ..validate.findings import Collector
from ..validate.view import Node
from ..validate.xmlsafe import parse
from .config import NotifyOptions

ATOM = "{http://www.w3.org/2005/Atom}"
USER_AGENT = f"feedpub/{__version__}"


@dataclass
class NotifyResult:
    sent: list[str] = field(default_factory=list)  # "pubnotify", "websub <hub>", "podping"
    warnings: list[str] = field(default_factory=list)


def advertised_hubs(feed: bytes) -> list[str]:
    root = parse(feed, Collector("feed.xml"))
    if root is None:
        return []
    channel = root.find("channel")
    if channel is None:
        return []
    return [str(el.get("href")) for el in Node(channel).all(ATOM + "link")
            if el.get("rel") == "hub" and el.get("href")]


def notify(feed_url: str, feed: bytes, opts: NotifyOptions) -> NotifyResult:
    result = NotifyResult()
    if opts.podcastindex:
        _send(result, "pubnotify", "GET", opts.pubnotify_url, opts, params={"url": feed_url})
    hubs = advertised_hubs(feed)
    if opts.websub_hubs is not None and set(opts.websub_hubs) != set(hubs):
        result.warnings.append(
            f"WebSub hubs in podcast.toml ({', '.join(opts.websub_hubs) or 'none'}) differ "
            f"from those the feed advertises ({', '.join(hubs) or 'none'}); only the "
            "advertised ones are pinged")
    for hub in hubs:
        _send(result, f"websub {hub}", "POST", hub, opts,
              data={"hub.mode": "publish", "hub.url": feed_url, "hub.topic": feed_url})
    token = os.environ.get("PODPING_TOKEN")
    if token:
        _send(result, "podping", "GET", opts.podping_url, opts, params={"url": feed_url},
              headers={"Authorization": token})
    return result


def _send(result: NotifyResult, name: str, method: str, url: str, opts: NotifyOptions,
          params: dict[str, str] | None = None, data: dict[str, str] | None = None,
          headers: dict[str, str] | None = None) -> None:
    delay = opts.backoff
    problem = ""
    for attempt in range(opts.attempts):
        if attempt:
            time.sleep(delay)
            delay *= 2
        try:
            resp = requests.request(method, url, params=params, data=data, timeout=opts.timeout,
                                    headers={"User-Agent": USER_AGENT, **(headers or {})})
        except requests.RequestException as err:
            problem = type(err).__name__
            continue
        resp.close()
        if resp.status_code < 300:
            result.sent.append(name)
            return
        problem = f"HTTP {resp.status_code}"
        if resp.status_code < 500 and resp.status_code != 429:
            break  # the request itself is wrong: retrying will not help
    # never the token or the full URL with parameters: the message stays safe to log
    result.warnings.append(f"{name} notification failed ({problem}); apps still find the "
                           "new episode when they next poll the feed")
