"""Where every output lives: one owner of output paths and public URLs.

Two roots exist.  The *site* root is the folder of ``feed_url``: the feed,
transcripts, chapters, pages and local artwork are published under it.  The
*media* root is ``media_base_url``: audio files are published there (often a
bucket of its own).  Every other module asks this one for a path or a URL,
so that the feed, the site, ``build`` and ``publish`` can never disagree.

Paths are relative to their root, with forward slashes; URLs are absolute
and ASCII (file names are percent-encoded).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from urllib.parse import quote, urljoin, urlsplit

FEED_NAME = "feed.xml"

Root = str  # "site" or "media"


def plain(path: str) -> bool:
    """A relative path as the layout makes them, which PurePosixPath leaves as it is:
    no empty, ``.`` or ``..`` part (so no leading or trailing slash)."""
    return all(part not in ("", ".", "..") for part in path.split("/"))


@dataclass(frozen=True)
class Layout:
    """Paths and URLs of one show, derived from its ``feed_url`` and ``media_base_url``."""

    feed_url: str
    media_base_url: str  # ends with "/"

    @cached_property
    def site_url(self) -> str:
        """Folder URL of the feed: everything but media is published under it (worked
        out once: a site asks for thousands of URLs)."""
        return urljoin(self.feed_url, "./")

    @property
    def site_path(self) -> str:
        """The URL path of the site root ("/" or "/show/"), for links on pages."""
        return urlsplit(self.site_url).path or "/"

    # -- site root -----------------------------------------------------------------
    def feed(self) -> str:
        name = PurePosixPath(urlsplit(self.feed_url).path).name
        return name or FEED_NAME

    def transcript(self, slug: str, language: str, ext: str) -> str:
        """``<slug>/transcript.<language><ext>``; ``ext`` starts with a dot."""
        return f"{slug}/transcript.{language}{ext}"

    def chapters(self, slug: str) -> str:
        return f"{slug}/chapters.json"

    def episode_page(self, slug: str) -> str:
        return f"{slug}/index.html"

    def embed_page(self, slug: str) -> str:
        return f"{slug}/embed.html"

    def show_page(self, page: int = 1) -> str:
        """Page 1 is the site's index; later pages of a long archive are numbered."""
        return "index.html" if page == 1 else f"page/{page}/index.html"

    def asset(self, name: str) -> str:
        """Static files of the site theme (CSS, JS, icons)."""
        return f"assets/{name}"

    def artwork(self, file_name: str) -> str:
        """Local artwork files (show or episode cover) published under the site."""
        return f"artwork/{file_name}"

    def search_bundle(self) -> str:
        """Folder of the site's static search index (Pagefind's bundle)."""
        return "pagefind/"

    def host_config(self, name: str) -> str:
        """Host configuration files: the ones hosts read at the site root (``.nojekyll``,
        ``_headers``, ``_redirects``) there, the others (S3 CORS, nginx) under host/."""
        return name if name in {".nojekyll", "_headers", "_redirects"} else f"host/{name}"

    def relative(self, from_path: str, to_path: str) -> str:
        """A link from one site-root file to another that works under any sub-path
        (and in a preview on another host): ``index.html`` becomes its folder."""
        if plain(from_path) and plain(to_path):  # as the layout makes them: no Path needed
            rel = "../" * from_path.count("/") + to_path
        else:
            start = PurePosixPath(from_path).parent
            target = PurePosixPath(to_path)
            up = len(start.parts)
            rel = "../" * up + str(target) if str(target) != "." else "../" * up
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")]
        return quote(rel) or "./"

    def url(self, path: str) -> str:
        """Public URL of a site-root path; ``index.html`` pages get their folder URL."""
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return self.site_url + quote(path)

    # -- media root ----------------------------------------------------------------
    def media(self, file_name: str) -> str:
        """Path of an audio file under the media root: its bare file name."""
        return PurePosixPath(file_name.replace("\\", "/")).name

    def media_url(self, file_name: str) -> str:
        """Apple wants ASCII URLs: spaces and accents in file names are percent-encoded."""
        return self.media_base_url + quote(self.media(file_name))

    def enclosure_url(self, audio: str) -> str:
        """The enclosure of an episode whose episode.toml says ``audio = ...``: a URL stays
        as it is (hosted elsewhere), a file is served from the media root."""
        if audio.startswith(("http://", "https://")):
            return audio
        return self.media_url(audio)

    def media_in_site(self) -> str | None:
        """The media root as a folder under the site root, when ``media_base_url`` lies
        under the feed's folder (then one local folder can serve both); else None."""
        if self.media_base_url.startswith(self.site_url):
            return self.media_base_url[len(self.site_url):]
        return None
