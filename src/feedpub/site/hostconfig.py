"""HTTP headers of every published file, and the host configurations that set them.

One table (:func:`headers_for`) says which Content-Type, CORS and Cache-Control
headers a file gets; ``feedpub serve`` answers with it, and the files written for
hosts (GitHub Pages' ``.nojekyll``, Netlify / Cloudflare Pages' ``_headers`` and
``_redirects``, an S3/R2 CORS rule set, an nginx snippet) are generated from it, so
a preview and the published show cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from ..layout import Layout
from ..model import CacheClass, Output, OutputKind

#: Cache-Control per cache class: feeds and pages change with every build, companion
#: files rarely, audio never (a changed file is refused by feedpub.lock).
CACHE_CONTROL: dict[CacheClass, str] = {
    "feed": "public, max-age=300",
    "page": "public, max-age=600",
    "companion": "public, max-age=3600",
    "media": "public, max-age=86400",
}

#: Content types by extension, for what a host would otherwise guess (or not know).
TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
FEED_TYPE = "application/rss+xml; charset=utf-8"
OCTETS = "application/octet-stream"
#: file kinds that web players and apps fetch from other origins
CORS_CACHES: frozenset[CacheClass] = frozenset({"feed", "companion", "media"})


def content_type(path: str, layout: Layout) -> str:
    if path == layout.feed():
        return FEED_TYPE
    return TYPES.get(PurePosixPath(path).suffix.lower(), OCTETS)


def cache_class(path: str, layout: Layout) -> CacheClass:
    """The cache class of a file of the site root, from its path alone."""
    name = PurePosixPath(path).name
    if path == layout.feed():
        return "feed"
    if name.startswith("transcript.") or name == "chapters.json":
        return "companion"
    if PurePosixPath(path).suffix.lower() in {".mp3", ".m4a", ".ogg", ".opus", ".flac",
                                               ".wav", ".oga", ".mp4"}:
        return "media"
    return "page"


def headers_for(path: str, layout: Layout, cache: CacheClass | None = None) -> dict[str, str]:
    """The response headers of one file (path relative to its root)."""
    cls = cache or cache_class(path, layout)
    headers = {"Content-Type": content_type(path, layout),
               "Cache-Control": CACHE_CONTROL[cls],
               "X-Content-Type-Options": "nosniff"}
    if cls in CORS_CACHES:
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = "Content-Length, Content-Range, Accept-Ranges"
    if cls == "media":
        headers["Accept-Ranges"] = "bytes"
    if cls == "page":
        headers["Referrer-Policy"] = "no-referrer"
    return headers


Entry = tuple[str, OutputKind, CacheClass]  # path under the site root, kind, cache class


def entries_of(outputs: list[Output]) -> list[Entry]:
    return [(o.path, o.kind, o.cache) for o in outputs if o.root == "site"]


def header_rules(entries: list[Entry], layout: Layout) -> list[tuple[str, dict[str, str]]]:
    """URL patterns and their headers, few enough for Cloudflare Pages (100 rules):
    a placeholder (``:slug``) stands for the episode folders, a splat for asset folders."""
    base = layout.site_path
    rules: dict[str, dict[str, str]] = {}
    for path, kind, cache in entries:
        if kind == "host-config":
            continue
        parts = path.split("/")
        if kind == "media":  # audio in a folder of the site
            parts = [*parts[:-1], "*"]
        elif path.startswith(("assets/", "pagefind/", "page/", "artwork/")):
            parts = [parts[0], "*"]
        elif len(parts) == 2:
            parts[0] = ":slug"
        if kind == "page" and parts[-1] == "index.html":
            parts[-1] = ""
        pattern = base + "/".join(parts)
        if pattern not in rules:
            headers = headers_for(path, layout, cache)
            if parts[-1] in {"*", ""} or kind == "page":
                headers.pop("Content-Type")  # several types, or plain HTML: the host's own
            rules[pattern] = headers
    return sorted(rules.items())


def netlify_headers(entries: list[Entry], layout: Layout) -> str:
    lines = ["# Written by feedpub: headers for Netlify and Cloudflare Pages."]
    for pattern, headers in header_rules(entries, layout):
        lines.append(pattern)
        lines.extend(f"  {name}: {value}" for name, value in headers.items())
    return "\n".join(lines) + "\n"


def netlify_redirects(layout: Layout) -> str:
    base = layout.site_path
    return ("# Written by feedpub: redirects for Netlify and Cloudflare Pages.\n"
            f"{base}page/1/ {base} 301\n"
            f"{base}rss {layout.site_path}{layout.feed()} 301\n")


def s3_cors() -> str:
    """CORS rules for an S3 or R2 bucket (``aws s3api put-bucket-cors --cors-configuration``):
    web players read transcripts, chapters, the feed and ranges of the audio."""
    rules = {"CORSRules": [{
        "AllowedOrigins": ["*"],
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedHeaders": ["Range", "If-None-Match", "If-Modified-Since"],
        "ExposeHeaders": ["Content-Length", "Content-Range", "Accept-Ranges", "ETag"],
        "MaxAgeSeconds": 86400,
    }]}
    return json.dumps(rules, indent=2) + "\n"


def nginx_snippet(layout: Layout) -> str:
    base = layout.site_path
    cors = ('    add_header Access-Control-Allow-Origin "*" always;\n'
            '    add_header Access-Control-Expose-Headers '
            '"Content-Length, Content-Range, Accept-Ranges" always;\n')
    media = layout.media_in_site()
    audio = (f"location ^~ {base}{media} {{\n"
             f'    add_header Cache-Control "{CACHE_CONTROL["media"]}" always;\n'
             f"{cors}}}\n") if media else ""
    return (
        "# Written by feedpub: include inside the server { } block that serves the site.\n"
        f"{audio}"
        f"location = {base}{layout.feed()} {{\n"
        f"    types {{ }} default_type \"{FEED_TYPE}\";\n"
        f'    add_header Cache-Control "{CACHE_CONTROL["feed"]}" always;\n'
        f"{cors}}}\n"
        f"location ~ ^{base}[^/]+/(transcript\\.[^/]+|chapters\\.json)$ {{\n"
        "    types { text/vtt vtt; application/x-subrip srt; application/json json;\n"
        "            text/html html; text/plain txt; }\n"
        "    charset utf-8;\n"
        f'    add_header Cache-Control "{CACHE_CONTROL["companion"]}" always;\n'
        f"{cors}}}\n"
        f"location {base} {{\n"
        "    charset utf-8;\n"
        f'    add_header Cache-Control "{CACHE_CONTROL["page"]}" always;\n'
        '    add_header Referrer-Policy "no-referrer" always;\n'
        "}\n")


def host_files(entries: list[Entry], layout: Layout) -> list[Output]:
    """The host configuration files for the site's files, as outputs of kind
    ``host-config``."""
    files = {
        layout.host_config(".nojekyll"): "",
        layout.host_config("_headers"): netlify_headers(entries, layout),
        layout.host_config("_redirects"): netlify_redirects(layout),
        layout.host_config("s3-cors.json"): s3_cors(),
        layout.host_config("nginx.conf"): nginx_snippet(layout),
    }
    return [Output.of_bytes("host-config", path, layout.url(path),
                            "application/json" if path.endswith(".json") else
                            "text/plain; charset=utf-8",
                            text.encode("utf-8"), "page")
            for path, text in files.items()]
