"""Facts of the formats feedpub reads and writes, in one place.

The loaders (``config``, ``episodes``), the feed writer and the validator all
read from here, so a value the validator would refuse is refused when
``podcast.toml`` is loaded, at its line, and no list exists in two copies that
can drift.  Sources are named beside each fact; spec-notes.md (§0) lists the
snapshots that were read.
"""

from __future__ import annotations

import difflib
import functools
import re
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

# --- Namespaces -----------------------------------------------------------------------

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
#: consumers must treat these as the podcast namespace too (namespace docs/1.0.md)
PODCAST_NS_ALIASES = (
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
#: the prefixes feedpub writes
NAMESPACES = {"itunes": ITUNES_NS, "podcast": PODCAST_NS}

# --- podcast:guid ---------------------------------------------------------------------

#: podcast:guid is uuid5(this, feed URL without scheme and trailing slashes)
PODCAST_GUID_NAMESPACE = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid the namespace derives from a feed URL (spec-notes §1.5)."""
    bare = _SCHEME.sub("", feed_url).rstrip("/")
    return str(uuid.uuid5(uuid.UUID(PODCAST_GUID_NAMESPACE), bare))


# --- Apple Podcasts categories (2019 list, with "Religion") ---------------------------

#: Apple only recognises these exact, case-sensitive names; anything else makes a show
#: uncategorised.  19 categories, 91 subcategories.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary",
             "Politics", "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy",
                          "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews",
                  "TV Reviews"),
}
APPLE_CATEGORIES: dict[str, frozenset[str]] = {
    name: frozenset(subs) for name, subs in CATEGORIES.items()
}

#: names of Apple's pre-2019 list (categories and subcategories) that no longer exist
#: anywhere in the current list, each with the current category that replaces it.  Apple
#: maps none of them automatically: a show that uses one goes uncategorised.  "Travel" is
#: not Apple's but is common in feeds written for other directories.
OBSOLETE_CATEGORIES: dict[str, str] = {
    # top-level categories
    "Games & Hobbies": "Leisure", "Government & Organizations": "Government",
    "Health": "Health & Fitness", "News & Politics": "News",
    "Science & Medicine": "Science", "Sports & Recreation": "Sports",
    # subcategories
    "Literature": "Arts > Books", "Management & Marketing": "Business > Marketing",
    "Shopping": "Business", "Educational Technology": "Education",
    "Higher Education": "Education", "K-12": "Education > Courses",
    "Language Courses": "Education > Language Learning", "Training": "Education > Courses",
    "Other Games": "Leisure > Games", "Local": "Government", "National": "Government",
    "Regional": "Government", "Fitness & Nutrition": "Health & Fitness > Fitness",
    "Self-Help": "Education > Self-Improvement", "Amateur": "Sports",
    "College & High School": "Sports", "Outdoor": "Sports > Wilderness",
    "Professional": "Sports", "Gadgets": "Technology", "Podcasting": "Technology",
    "Software How-To": "Technology", "Travel": "Society & Culture > Places & Travel",
}


def _close(name: str, names: list[str]) -> str | None:
    """The name meant by a wrong case or a typo ('technolgy' -> 'Technology'), if any."""
    if not name.strip():
        return None
    same = [n for n in names if n.lower() == name.lower()]
    close = difflib.get_close_matches(name.lower(), [n.lower() for n in names], n=1,
                                      cutoff=0.8)
    return same[0] if same else next((n for n in names if close and n.lower() == close[0]),
                                     None)


def check_category(name: str, sub: str | None) -> str | None:
    """None when Apple knows the pair, else what is wrong with it (and what would be right)."""
    if name not in CATEGORIES:
        if name in OBSOLETE_CATEGORIES:
            return (f"{name!r} is an Apple Podcasts category retired in 2019 "
                    f"(its replacement is {OBSOLETE_CATEGORIES[name]!r})")
        close = _close(name, list(CATEGORIES))
        return f"{name!r} is not an Apple Podcasts category" + (
            f" (did you mean {close!r}?)" if close else "")
    if sub is not None and sub not in CATEGORIES[name]:
        allowed = ", ".join(CATEGORIES[name]) or "none"
        close = _close(sub, list(CATEGORIES[name]))
        guess = f"did you mean {close!r}? " if close else ""
        return f"{sub!r} is not a subcategory of {name!r} ({guess}allowed: {allowed})"
    return None


# --- iTunes values --------------------------------------------------------------------

SHOW_TYPES = ("episodic", "serial")
EPISODE_TYPES = ("full", "trailer", "bonus")
#: what Apple documents for itunes:explicit; W3C and older Apple docs also accept these
EXPLICIT_VALUES = ("true", "false")
EXPLICIT_LEGACY = ("yes", "no", "clean", "explicit")

# --- Podcasting 2.0 values ------------------------------------------------------------

#: podcast:medium (namespace docs/tags/medium.md): the content mediums, then each one's
#: list variant ("podcastL": a feed of podcast:remoteItem) and "mixed" (lists only)
CONTENT_MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog",
                   "publisher", "course")
MEDIUMS = frozenset(CONTENT_MEDIUMS + tuple(m + "L" for m in CONTENT_MEDIUMS) + ("mixed",))

# Podcast Taxonomy (namespace taxonomy.json), compared case-insensitively.  "translater"
# is the spelling in the taxonomy file itself; both spellings are accepted.
PERSON_GROUPS = frozenset(g.lower() for g in (
    "Creative Direction", "Cast", "Writing", "Audio Production", "Audio Post-Production",
    "Administration", "Visuals", "Community", "Misc.", "Video Production",
    "Video Post-Production",
))
PERSON_ROLES = frozenset(r.lower() for r in (
    "Director", "Assistant Director", "Executive Producer", "Senior Producer", "Producer",
    "Associate Producer", "Development Producer", "Creative Director", "Host", "Co-Host",
    "Guest Host", "Guest", "Voice Actor", "Narrator", "Announcer", "Reporter", "Author",
    "Editorial Director", "Co-Writer", "Writer", "Songwriter", "Guest Writer", "Story Editor",
    "Managing Editor", "Script Editor", "Script Coordinator", "Researcher", "Editor",
    "Fact Checker", "Translator", "Translater", "Transcriber", "Logger", "Studio Coordinator",
    "Technical Director", "Technical Manager", "Audio Engineer", "Remote Recording Engineer",
    "Post Production Engineer", "Audio Editor", "Sound Designer", "Foley Artist", "Composer",
    "Theme Music", "Music Production", "Music Contributor", "Production Coordinator",
    "Booking Coordinator", "Production Assistant", "Content Manager", "Marketing Manager",
    "Sales Representative", "Sales Manager", "Graphic Designer", "Cover Art Designer",
    "Social Media Manager", "Consultant", "Intern", "Camera Operator", "Lighting Designer",
    "Camera Grip", "Assistant Camera", "Assistant Editor",
))

#: The official service slugs for podcast:block id (and podcast:id / remoteItem services):
#: the 58 lines of ``serviceslugs.txt`` on the main branch of
#: github.com/Podcastindex-org/podcast-namespace, as read on 2026-12-01 through the
#: transcription of that file in rssblue/badpod (which links the raw file as its source;
#: the repository copies stored here, at 0b654995 and 0a23f577, are older revisions with
#: 46 and 48 lines).  Slugs are exact, lower-case strings: "podcasts" and "rss" are the
#: slugs of podcasts.com and rss.com, "relay" is Relay FM, "resonaterecordings" Resonate.
SERVICE_SLUGS = frozenset((
    "acast amazon anchor apple audible audioboom backtracks bitcoin blubrry buzzsprout "
    "captivate castos castopod facebook fireside fyyd google gpodder hypercatcher kasts "
    "libsyn mastodon megafono megaphone omnystudio overcast paypal pinecast podbean "
    "podcastaddict podcastguru podcastindex podcasts podchaser podcloud podfriend podiant "
    "podigee podnews podomatic podserve podverse redcircle relay resonaterecordings rss "
    "shoutengine simplecast slack soundcloud spotify spreaker tiktok transistor twitter "
    "whooshkaa youtube zencast"
).split())
assert len(SERVICE_SLUGS) == 58

#: socialprotocols.txt and docs/chatprotocols.txt of the namespace
SOCIAL_PROTOCOLS = frozenset(
    "disabled activitypub twitter lightning atproto hive matrix nostr".split())
CHAT_PROTOCOLS = frozenset("irc xmpp nostr matrix".split())

#: podcast:transcript types the namespace documents
TRANSCRIPT_TYPES = frozenset((
    "text/vtt", "application/x-subrip", "application/json", "text/html", "text/plain",
))
#: transcript types Apple Podcasts ingests (Apple "Transcripts on Apple Podcasts")
APPLE_TRANSCRIPT_TYPES = frozenset(("text/vtt", "application/x-subrip", "application/srt"))
CHAPTERS_TYPE = "application/json+chapters"

#: SPDX ids without a version number, lower case (spec-notes C28: podcast:license ids come
#: from the namespace's licenses.json, which follows SPDX; those need no url attribute).
#: Ids with a version ("MPL-2.0", "BSD-3-Clause", "GPL-3.0-or-later") are recognised by
#: their shape instead of a full copy of the list.
SPDX_BARE_IDS = frozenset((
    "0bsd", "afl", "apsl", "beerware", "blueoak", "bsl", "curl", "isc", "json", "libpng",
    "mit", "mit-0", "mit-cmu", "ms-pl", "ms-rl", "ncsa", "ntp", "postgresql", "ruby",
    "unicode-dfs", "unlicense", "vim", "w3c", "wtfpl", "x11", "xnet", "zlib", "zpl",
    "public-domain",
))

# --- MIME types -----------------------------------------------------------------------

#: the type feedpub gives each file it produces or serves, by extension (lower case, with
#: the dot).  Audio types are Apple's preferred spellings (audio/x-m4a, not audio/mp4a).
MIME_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".m4b": "audio/x-m4a",
    ".aac": "audio/aac", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
    ".flac": "audio/flac", ".wav": "audio/wav",
    ".mp4": "video/mp4", ".m4v": "video/x-m4v", ".mov": "video/quicktime",
    ".pdf": "application/pdf",
    ".vtt": "text/vtt", ".srt": "application/x-subrip", ".json": "application/json",
    ".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
    ".xml": "application/xml", ".css": "text/css", ".js": "text/javascript",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".gif": "image/gif", ".svg": "image/svg+xml",
    ".ico": "image/x-icon", ".woff2": "font/woff2",
}
#: the feed itself: RSS is registered as application/rss+xml
FEED_MIME = "application/rss+xml"
#: chapters JSON files (namespace jsonChapters.md)
CHAPTERS_MIME = CHAPTERS_TYPE


def mime_for(name: str) -> str:
    """The MIME type of a file name or URL path by its extension; octet-stream if unknown."""
    path = name.partition("?")[0].partition("#")[0]
    dot, slash = path.rfind("."), path.rfind("/")
    ext = path[dot:].lower() if dot > slash else ""
    return MIME_TYPES.get(ext, "application/octet-stream")


#: enclosure types Apple lists, by file extension (without the dot)
APPLE_MEDIA: dict[str, tuple[str, ...]] = {
    "mp3": ("audio/mpeg",), "m4a": ("audio/x-m4a", "audio/mp4", "audio/aac"),
    "mp4": ("video/mp4", "audio/mp4"), "m4v": ("video/x-m4v", "video/mp4"),
    "mov": ("video/quicktime",), "pdf": ("application/pdf",),
}

# --- Caching --------------------------------------------------------------------------

#: Cache-Control per output cache class (feedpub.model.CacheClass).  The feed changes with
#: every episode and apps poll it, so caches may keep it only five minutes.  Media files
#: are never rewritten under the same name (a new recording is a new file), so they are
#: immutable for a year.  Transcripts, chapters and pages can be corrected in place: one hour.
CACHE_CONTROL: dict[str, str] = {
    "feed": "public, max-age=300",
    "media": "public, max-age=31536000, immutable",
    "companion": "public, max-age=3600",
    "page": "public, max-age=3600",
}

# --- Languages and e-mail -------------------------------------------------------------

ISO_639_1 = frozenset((
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu iw in ji"
).split())
_LANG = re.compile(r"([A-Za-z]{2,3})(-[A-Za-z0-9]{1,8})*")


@functools.lru_cache(maxsize=256)
def language_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 639 language code (with optional region), or None."""
    if "_" in code:
        return f"{code!r} uses an underscore; write {code.replace('_', '-')!r}"
    m = _LANG.fullmatch(code)
    if m is None:
        return f"{code!r} is not a language code such as 'en' or 'en-us'"
    primary = m.group(1).lower()
    if len(primary) == 2 and primary not in ISO_639_1:
        return f"{primary!r} is not an ISO 639-1 language code"
    return None


#: one address: no spaces or brackets, a domain with a dot and a top-level part of at
#: least two characters ("podcast@trench-tech.f" is refused: no such top-level domain)
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[A-Za-z0-9-]{2,}")


def is_email(value: str | None) -> bool:
    """True for a plain e-mail address (no display name)."""
    return bool(value) and _EMAIL.fullmatch(value or "") is not None


# --- URLs -----------------------------------------------------------------------------

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def ascii_url(url: str) -> str:
    """The URI form of an IRI: an international domain name in punycode, other non-ASCII
    characters percent-encoded as UTF-8 ("é" is "%C3%A9").  ASCII URLs come back as they
    are, so nothing already valid changes.  Apple asks for ASCII URLs; RSS requires URIs."""
    if url.isascii():
        return url
    scheme, netloc, path, query, fragment = urlsplit(url)
    userinfo, at, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        host, port = hostport, ""
    else:
        host, colon, port = hostport.partition(":")
        port = colon + port
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe="")
    netloc = quote(userinfo, safe="%:!$&'()*+,;=-._~") + at + host + port
    return urlunsplit((scheme, netloc, quote(path, safe=_PATH_SAFE),
                       quote(query, safe=_QUERY_SAFE), quote(fragment, safe=_QUERY_SAFE)))


# --- Tolerances -----------------------------------------------------------------------

#: a transcript cue or chapter may end this many seconds after the audio does (encoder
#: padding makes measured durations differ by a few frames)
CUE_END_TOLERANCE = 0.5
#: a duration declared in episode.toml matches the measured one within this many seconds
DECLARED_DURATION_TOLERANCE = 2.0
#: a pubDate up to this many minutes in the future is clock skew, not a scheduled episode
FUTURE_PUBDATE_MINUTES = 10
