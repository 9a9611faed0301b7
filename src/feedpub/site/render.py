"""The show's website, rendered from the built model into :class:`~feedpub.model.Output`\\ s.

Pages are Jinja2 templates with autoescaping on: every title, name and transcript
text is escaped; the only HTML passed through is the description, which
:mod:`feedpub.markup` rendered from Markdown with raw HTML disabled.  Links between
pages are relative (the site works under a sub-path and in a preview on another
host); canonical, Open Graph and structured-data URLs are absolute, from
:class:`~feedpub.layout.Layout`.  Nothing on a page comes from a third party.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup

from ..cache import Cache, code_hash
from ..layout import Layout
from ..model import BuiltEpisode, Output, Segment, Show, Transcript
from ..timecode import clock
from . import hostconfig, words
from .options import SiteOptions
from .reuse import Reuse, digest, episode_key, pagefind_version, site_key

EMBED_SIZE = (480, 180)


@dataclass
class Turn:
    """Consecutive segments of one speaker, as the page shows them."""

    speaker: str | None
    start: float | None
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(t.strip() for t in self.texts if t.strip())


def turns(segments: tuple[Segment, ...]) -> list[Turn]:
    out: list[Turn] = []
    for seg in segments:
        if out and seg.speaker == out[-1].speaker:
            out[-1].texts.append(seg.text)
        else:
            out.append(Turn(seg.speaker, seg.start, [seg.text]))
    return out


def json_ld(data: dict[str, Any]) -> Markup:
    """Structured data that stays inert inside <script>: <, > and & as JSON escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class Theme:
    """Templates and static files: the show's ``theme/`` first, then feedpub's own."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        loaders: list[jinja2.BaseLoader] = []
        if folder is not None and (folder / "templates").is_dir():
            loaders.append(jinja2.FileSystemLoader(folder / "templates"))
        loaders.append(jinja2.PackageLoader("feedpub.site", "templates"))
        self.env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders),
                                      autoescape=True, trim_blocks=True, auto_reload=False,
                                      lstrip_blocks=True, undefined=jinja2.StrictUndefined)

    def static_files(self) -> dict[str, bytes]:
        """Every static file by name; the theme's replace or add to feedpub's."""
        files: dict[str, bytes] = {}
        pkg = resources.files("feedpub.site") / "static"
        for entry in sorted(pkg.iterdir(), key=lambda e: e.name):
            if entry.is_file():
                files[entry.name] = entry.read_bytes()
        if self.folder is not None and (self.folder / "static").is_dir():
            base = self.folder / "static"
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    files[path.relative_to(base).as_posix()] = path.read_bytes()
        return files


class SiteRenderer:
    def __init__(self, show: Show, episodes: list[BuiltEpisode], layout: Layout,
                 options: SiteOptions, artwork_url: str,
                 loudness: dict[str, str] | None = None, cache: Cache | None = None) -> None:
        self.show = show
        self.loudness = loudness or {}  # slug -> SVG of `feedpub audio check`
        self.artwork = artwork_url
        self.episodes = sorted(episodes, key=lambda b: b.episode.pub_date, reverse=True)
        self.layout = layout
        self.options = options
        self.theme = Theme(options.theme)
        self.lang = show.language
        # A namespace, not a dict: in a template ``w.copy`` must be the word, not dict.copy.
        self.words = SimpleNamespace(**words.labels(show.language))
        self.static = self.theme.static_files()
        self.templates: dict[str, jinja2.Template] = {}
        self.links: dict[tuple[str, str], str] = {}
        self.common: dict[str, dict[str, Any]] = {}
        self._series: dict[str, Any] | None = None
        # Asset links carry a hash of the content: caches can keep them, a change shows.
        self.versions = {name: hashlib.sha256(data).hexdigest()[:10]
                         for name, data in self.static.items()}
        self.reuse = Reuse(cache)
        # what every page is made from besides its episodes; None: nothing is cached
        self.key = None if cache is None else site_key(show, artwork_url, options.search,
                                                       options.theme)
        self.episode_keys: dict[str, str] = {}

    # -- links --------------------------------------------------------------------
    def relative(self, page: str, target: str) -> str:
        """Layout.relative, remembered: pages of one folder ask for the same links."""
        key = (page.rpartition("/")[0], target)  # the folder: its pages share links
        link = self.links.get(key)
        if link is None:
            link = self.links[key] = self.layout.relative(page, target)
        return link

    def asset_link(self, page: str, name: str) -> str:
        link = self.relative(page, self.layout.asset(name))
        version = self.versions.get(name)
        return f"{link}?v={version}" if version else link

    def page_common(self, page: str, canonical: str) -> dict[str, Any]:
        """What every page's context has; the same for the pages of one folder."""
        folder = page.rpartition("/")[0]
        common = self.common.get(folder)
        if common is None:
            layout = self.layout
            common = self.common[folder] = {
                "lang": self.lang, "show": self.show, "w": self.words,
                "feed_url": layout.url(layout.feed()),
                "home": self.relative(page, layout.show_page(1)),
                "css": self.asset_link(page, "style.css"),
                "js": self.asset_link(page, "site.js"),
                "search": self.options.search,
                "pagefind_css": self.relative(page, layout.search_bundle() + "pagefind-ui.css"),
                "pagefind_js": self.relative(page, layout.search_bundle() + "pagefind-ui.js"),
                "og_locale": words.og_locale(self.lang),
            }
        return {**common, "canonical": canonical}

    def render(self, template: str, **context: Any) -> bytes:
        return self.env_render(template, context).encode("utf-8")

    def env_render(self, template: str, context: dict[str, Any]) -> str:
        found = self.templates.get(template)
        if found is None:
            found = self.templates[template] = self.theme.env.get_template(template)
        return found.render(**context)

    def page(self, path: str, data: bytes, language: str | None = None) -> Output:
        return Output.of_bytes("page", path, self.layout.url(path), "text/html; charset=utf-8",
                               data, "page", language=language or self.lang)

    # -- pages kept by an earlier build -------------------------------------------------
    def episode_key(self, built: BuiltEpisode) -> str:
        found = self.episode_keys.get(built.slug)
        if found is None:
            found = self.episode_keys[built.slug] = episode_key(built)
        return found

    def cached(self, parts: Callable[[], list[str]], paths: list[str],
               make: Callable[[], list[bytes]]) -> list[Output]:
        """The pages at ``paths``: the blobs an earlier build kept under the key of
        ``parts()`` (with the site's key), or ``make()`` rendered and kept."""
        key = digest(self.key, *parts()) if self.key is not None else None
        found = self.reuse.pages(key, len(paths)) if key else None
        if found is not None:
            return [Output("page", path, self.layout.url(path), "text/html; charset=utf-8",
                           size, sha, "page", language=self.lang, source=self.reuse.blob(sha))
                    for path, (sha, size) in zip(paths, found, strict=True)]
        pages = make()
        if key:
            self.reuse.keep_pages(key, pages)
        return [self.page(path, data) for path, data in zip(paths, pages, strict=True)]

    # -- facts of an episode ------------------------------------------------------------
    def summary(self, built: BuiltEpisode, page: str) -> dict[str, Any]:
        ep = built.episode
        seconds = built.audio.duration
        return {
            "ep": ep,
            "link": self.layout.relative(page, self.layout.episode_page(ep.slug)),
            "date": words.date_text(ep.pub_date, self.lang),
            "iso_date": ep.pub_date.date().isoformat(),
            "duration": words.duration_text(seconds, self.lang) if seconds else None,
            "image": ep.image or self.artwork,
        }

    def transcript_for_page(self, ep: BuiltEpisode) -> Transcript | None:
        """The transcript in the show's language if there is one, else the first."""
        for tr in ep.transcripts:
            if (tr.language or self.lang).split("-")[0] == self.lang.split("-")[0]:
                return tr
        return ep.transcripts[0] if ep.transcripts else None

    def transcript_files(self, ep: BuiltEpisode, page: str) -> list[dict[str, str]]:
        files = []
        for pub in ep.companions:
            name = PurePosixPath(pub.path).name
            if pub.kind != "transcript":
                continue
            files.append({"name": name, "link": self.layout.relative(page, pub.path),
                          "format": PurePosixPath(name).suffix[1:].upper(),
                          "language": pub.language or self.lang, "mime": pub.mime})
        return files

    def series_ld(self) -> dict[str, Any]:
        if self._series is None:
            self._series = self.make_series_ld()
        return self._series

    def make_series_ld(self) -> dict[str, Any]:
        show, layout = self.show, self.layout
        return {
            "@type": "PodcastSeries", "name": show.title, "description": show.description,
            "url": layout.url(layout.show_page(1)), "image": self.artwork,
            "webFeed": layout.url(layout.feed()), "inLanguage": show.language,
            "author": {"@type": "Person" if any(p.name == show.author for p in show.persons)
                       else "Organization", "name": show.author},
        }

    def episode_ld(self, built: BuiltEpisode) -> dict[str, Any]:
        ep = built.episode
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "PodcastEpisode",
            "name": ep.title, "url": self.layout.url(self.layout.episode_page(ep.slug)),
            "datePublished": ep.pub_date.isoformat(),
            "description": short(ep.description_text, 500),
            "image": ep.image or self.artwork,
            "inLanguage": self.lang,
            "partOfSeries": self.series_ld(),
            "associatedMedia": {"@type": "MediaObject", "contentUrl": built.enclosure_url,
                                "encodingFormat": built.audio.mime,
                                "contentSize": str(built.audio.size),
                                "duration": words.iso_duration(built.audio.duration)},
            "timeRequired": words.iso_duration(built.audio.duration),
        }
        if ep.number is not None:
            data["episodeNumber"] = ep.number
        if ep.season is not None:
            data["partOfSeason"] = {"@type": "PodcastSeason", "seasonNumber": ep.season}
        return data

    # -- pages --------------------------------------------------------------------
    def show_pages(self) -> Iterator[Output]:
        per = max(1, self.options.per_page)
        count = max(1, math.ceil(len(self.episodes) / per))
        ld = {"@context": "https://schema.org", **self.series_ld()}
        for n in range(1, count + 1):
            path = self.layout.show_page(n)
            chunk = self.episodes[(n - 1) * per: n * per]
            yield from self.cached(partial(self.show_key, n, count, chunk), [path],
                                   partial(self.show_page, path, n, count, chunk, ld))

    def show_key(self, n: int, count: int, chunk: list[BuiltEpisode]) -> list[str]:
        return ["show", str(n), str(count), str(self.options.per_page),
                repr(self.options.subscribe), *(self.episode_key(b) for b in chunk)]

    def show_page(self, path: str, n: int, count: int, chunk: list[BuiltEpisode],
                  ld: dict[str, Any]) -> list[bytes]:
        context = self.page_common(path, self.layout.url(path))
        context.update(
            page_number=n, page_count=count,
            newer=self.layout.relative(path, self.layout.show_page(n - 1)) if n > 1 else None,
            older=self.layout.relative(path, self.layout.show_page(n + 1))
            if n < count else None,
            items=[self.summary(ep, path) for ep in chunk],
            subscribe=self.options.subscribe,
            artwork=self.artwork,
            description=self.show.description,
            ld=json_ld(ld),
        )
        return [self.render("show.html", **context)]

    def episode_context(self, built: BuiltEpisode, path: str) -> dict[str, Any]:
        ep, audio = built.episode, built.audio
        canonical = self.layout.url(self.layout.episode_page(ep.slug))
        context = self.page_common(path, canonical)
        tr = self.transcript_for_page(built)
        context.update(self.summary(built, path))
        context.update(
            audio_url=built.enclosure_url,
            audio_mime=audio.mime,
            audio_size_text=words.size_text(audio.size, self.lang) if audio.size else None,
            audio_kind=(audio.kind or audio.mime.split("/")[-1]).upper(),
            description_html=Markup(ep.description_html),  # sanitised by feedpub.markup
            description_text=short(ep.description_text),
            chapters=[{"start": c.start, "clock": clock(c.start), "title": c.title,
                       "t": f"{c.start:g}"} for c in built.chapters if c.toc],
            turns=turns(tr.segments) if tr else [],
            transcript_lang=(tr.language or self.lang) if tr else None,
            transcript_files=self.transcript_files(built, path),
            clock=clock,
            embed_url=self.layout.url(self.layout.embed_page(ep.slug)),
            embed_link=self.layout.relative(path, self.layout.embed_page(ep.slug)),
            embed_size=EMBED_SIZE,
            ld=json_ld(self.episode_ld(built)),
            loudness_svg=Markup(self.loudness[ep.slug]) if ep.slug in self.loudness else None,
        )
        return context

    def episode_pages(self) -> Iterator[Output]:
        for built in self.episodes:
            path = self.layout.episode_page(built.slug)
            embed = self.layout.embed_page(built.slug)
            # One context for both: the two pages share a folder, so relative links match.
            assert path.rpartition("/")[0] == embed.rpartition("/")[0]
            yield from self.cached(partial(self.episode_page_key, built), [path, embed],
                                   partial(self.render_episode, built, path))

    def episode_page_key(self, built: BuiltEpisode) -> list[str]:
        svg = self.loudness.get(built.slug)
        return ["episode", self.episode_key(built), digest(svg) if svg else ""]

    def render_episode(self, built: BuiltEpisode, path: str) -> list[bytes]:
        context = self.episode_context(built, path)
        return [self.render("episode.html", **context), self.render("embed.html", **context)]

    def assets(self) -> Iterator[Output]:
        for name, data in self.static.items():
            path = self.layout.asset(name)
            yield Output.of_bytes("asset", path, self.layout.url(path),
                                  hostconfig.content_type(path, self.layout), data, "page")

    def search(self, pages: list[Output]) -> list[Output]:
        """Pagefind's bundle of ``pages``: kept from an earlier build that indexed the same
        bytes (no temp folder, no Pagefind run), else made and kept."""
        bundle = self.layout.search_bundle()
        key = None if self.key is None else digest(
            "search", code_hash(), self.lang, pagefind_version(), bundle,
            *(f"{p.path}\0{p.sha256}" for p in pages))
        found = self.reuse.bundle(key, bundle) if key else None
        if found is not None:
            return [Output("asset", rel, self.layout.url(rel),
                           hostconfig.content_type(rel, self.layout), size, sha, "page",
                           source=self.reuse.blob(sha)) for rel, sha, size in found]
        from .search import index

        files = index(pages, self.layout, self.lang)
        if key:
            self.reuse.keep_bundle(key, [(o.path, o.read()) for o in files])
        return files

    def outputs(self) -> list[Output]:
        pages = [*self.show_pages(), *self.episode_pages()]
        out = [*self.assets(), *pages]
        if self.options.search:
            out += self.search([p for p in pages if p.path.endswith("/index.html")
                                and not p.path.startswith("page/")])
        entries = hostconfig.entries_of(out)
        entries.append((self.layout.feed(), "feed", "feed"))
        media_folder = self.layout.media_in_site()
        for built in self.episodes:
            entries += hostconfig.entries_of(list(built.companions))
            media = built.measured.media
            if media is not None and media_folder is not None:  # audio served with the site
                entries.append((media_folder + media.path, "media", "media"))
        return out + hostconfig.host_files(entries, self.layout)


def render_site(show: Show, episodes: list[BuiltEpisode], artwork_url: str,
                options: SiteOptions | None = None,
                loudness: dict[str, str] | None = None,
                cache: Cache | None = None) -> list[Output]:
    """Every page, asset, search index and host configuration file of the show's site
    (``artwork_url``: the show's cover, published with the site or elsewhere).  With a
    ``cache``, pages and the search bundle an earlier build made from the same inputs
    are reused (:mod:`feedpub.site.reuse`)."""
    return SiteRenderer(show, episodes, show.layout, options or SiteOptions(),
                        artwork_url, loudness, cache).outputs()
