"""The ``[publish]`` table of podcast.toml: where the feed and the media go.

```toml
[publish]
site = "sftp://deploy@feeds.example.org/var/www/feeds"   # feed, transcripts, chapters
media = "s3://show-media/episodes"                       # audio, when served elsewhere
endpoint_url = "https://s3.fr-par.scw.cloud"            # for S3 targets
region = "fr-par"

[publish.notify]
podcastindex = true                                     # pubnotify (default)
```

Declared in the show's schema (:mod:`feedpub.source.schema`), so the loader
checks it with the rest of podcast.toml and reports each problem at its line.  Every
build loads this module for the table: it imports nothing of publishing itself
(requests, the targets, the notifications), whose options are declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..source.schema import PODCAST_TOML, Field, Table, rules

PUBNOTIFY_URL = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
PODPING_URL = "https://podping.cloud/"


@dataclass(frozen=True)
class NotifyOptions:
    podcastindex: bool = True
    pubnotify_url: str = PUBNOTIFY_URL
    websub_hubs: tuple[str, ...] | None = None  # configured: compared with the feed's
    podping_url: str = PODPING_URL
    attempts: int = 3
    backoff: float = 1.0  # seconds, doubled after each failed attempt
    timeout: float = 10.0


@dataclass(frozen=True)
class TargetOptions:
    """Settings that the URL alone cannot carry (S3 endpoint and addressing)."""

    endpoint_url: str | None = None
    region: str | None = None
    path_style: bool = False
    acl: str | None = None  # e.g. "public-read" where the provider serves by ACL

PUBLISH_TABLE = PODCAST_TOML.add(Table("publish", "Where `feedpub publish` uploads.", (
    Field("site", "text", "the feed's folder: a folder, sftp://user@host/path or "
          "s3://bucket/prefix", "a target URL", example='"sftp://deploy@example.org/var/www/feed"'),
    Field("media", "text", "where the audio goes when media_base_url is not under the feed's "
          "folder", "a target URL", example='"s3://show-media/episodes"'),
    Field("endpoint_url", "text", "S3 endpoint of a provider other than AWS", "a URL",
          rules=(rules.url,), example='"https://s3.fr-par.scw.cloud"'),
    Field("region", "text", "S3 region", example='"fr-par"'),
    Field("path_style", "bool", "S3 addressing with the bucket in the path", "true or false",
          default=False, example="false"),
    Field("acl", "text", "canned ACL of uploaded objects, where the provider serves by ACL",
          example='"public-read"'),
    Field("media_endpoint_url", "text", "S3 endpoint of the media target, when it differs",
          "a URL", rules=(rules.url,), example='"https://s3.gra.io.cloud.ovh.net"'),
    Field("media_region", "text", "S3 region of the media target, when it differs",
          example='"gra"'),
    Field("media_acl", "text", "canned ACL of the media target, when it differs",
          example='"public-read"'),
)))
NOTIFY_TABLE = PODCAST_TOML.add(Table("publish.notify", "Who `feedpub publish` tells.", (
    Field("podcastindex", "bool", "ping Podcast Index's pubnotify", "true or false",
          default=True, example="true"),
    Field("pubnotify_url", "text", "the pubnotify endpoint", "a URL", default=PUBNOTIFY_URL,
          rules=(rules.url,), example=f'"{PUBNOTIFY_URL}"'),
    Field("websub_hubs", "texts", "WebSub hubs you expect the feed to advertise (only those "
          "it advertises are pinged)", "a list of hub URLs", rules=(rules.url,),
          example='["https://pubsubhubbub.appspot.com/"]'),
    Field("podping_url", "text", "the Podping endpoint (used when PODPING_TOKEN is set)",
          "a URL", default=PODPING_URL, rules=(rules.url,), example=f'"{PODPING_URL}"'),
)))


@dataclass(frozen=True)
class TargetConfig:
    url: str
    options: TargetOptions = field(default_factory=TargetOptions)


@dataclass(frozen=True)
class PublishConfig:
    site: TargetConfig | None = None
    media: TargetConfig | None = None
    notify: NotifyOptions = field(default_factory=NotifyOptions)


def publish_config(settings: Mapping[str, Any]) -> PublishConfig:
    """The checked ``[publish]`` values (``Show.settings``) as targets and notify options."""
    values: Mapping[str, Any] = settings.get("publish") or {}
    if not values:
        return PublishConfig()
    shared = TargetOptions(endpoint_url=values.get("endpoint_url"),
                           region=values.get("region"),
                           path_style=bool(values.get("path_style")), acl=values.get("acl"))
    media_opts = TargetOptions(
        endpoint_url=values.get("media_endpoint_url") or shared.endpoint_url,
        region=values.get("media_region") or shared.region, path_style=shared.path_style,
        acl=values.get("media_acl") or shared.acl)
    n: Mapping[str, Any] = values.get("notify") or {}
    hubs = n.get("websub_hubs")
    notify = NotifyOptions(
        podcastindex=n.get("podcastindex", True) is not False,
        pubnotify_url=n.get("pubnotify_url") or PUBNOTIFY_URL,
        websub_hubs=tuple(hubs) if hubs is not None else None,
        podping_url=n.get("podping_url") or PODPING_URL)
    site = TargetConfig(values["site"], shared) if values.get("site") else None
    media = TargetConfig(values["media"], media_opts) if values.get("media") else None
    return PublishConfig(site, media, notify)
