"""Reference lists the rules check against (spec-notes §1.2, §2.5, §2.7).

Kept as plain Python sets so a lookup per item costs nothing and the lists are
reviewable in one place.  Sources: Apple's 2019 category list (with
``Religion``; shared with the config loader in ``feedpub.apple``), the Podcast
Taxonomy (``taxonomy.json``), ``serviceslugs.txt`` and ISO 639-1.
"""

from __future__ import annotations

from ..apple import CATEGORIES

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PODCAST_NS_ALIASES = (
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"

#: podcast:guid is uuid5(this, feed URL without scheme and trailing slashes)
PODCAST_GUID_NAMESPACE = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6"

#: Apple's list is shared with the config loader (feedpub.apple): one list to maintain
APPLE_CATEGORIES: dict[str, frozenset[str]] = {
    name: frozenset(subs) for name, subs in CATEGORIES.items()
}

#: pre-2019 names Apple no longer accepts, with the closest current category
OBSOLETE_CATEGORIES: dict[str, str] = {
    "Games & Hobbies": "Leisure", "Health": "Health & Fitness",
    "Science & Medicine": "Science", "Podcasting": "Technology",
    "Literature": "Arts > Books", "Sports & Recreation": "Sports",
    "Government & Organizations": "Government", "Software How-To": "Technology",
    "Gadgets": "Technology", "Other Games": "Leisure > Games",
    "Educational Technology": "Education", "Higher Education": "Education",
    "K-12": "Education > Courses", "Language Courses": "Education > Language Learning",
    "Training": "Education > Courses", "Shopping": "Business",
}

# Podcast Taxonomy (taxonomy.json), compared case-insensitively.  "translater" is
# the spelling in the taxonomy file itself; both spellings are accepted.
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

SERVICE_SLUGS = frozenset((
    "acast amazon anchor apple audioboom backtracks bitcoin blubrry buzzsprout captivate "
    "castos fireside google hypercatcher libsyn mastodon megafono megaphone omnystudio "
    "overcast paypal pinecast podbean podcastaddict podcastindex podcasts.com podchaser "
    "podfriend podiant podigee podnews podomatic podserve podverse redcircle relayfm "
    "resonate rss.com shoutengine simplecast slack soundcloud spotify spreaker transistor "
    "twitter whooshkaa zencast youtube"
).split())

MEDIUMS = frozenset(
    [m for base in ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog",
                    "publisher", "course") for m in (base, base + "L")] + ["mixed"]
)
SOCIAL_PROTOCOLS = frozenset(
    "disabled activitypub twitter lightning atproto hive matrix nostr".split())
CHAT_PROTOCOLS = frozenset("irc xmpp nostr matrix".split())

TRANSCRIPT_TYPES = frozenset((
    "text/vtt", "application/x-subrip", "application/json", "text/html", "text/plain",
))
CHAPTERS_TYPE = "application/json+chapters"

#: enclosure types Apple lists, by file extension
APPLE_MEDIA = {
    "mp3": ("audio/mpeg",), "m4a": ("audio/x-m4a", "audio/mp4", "audio/aac"),
    "mp4": ("video/mp4", "audio/mp4"), "m4v": ("video/x-m4v", "video/mp4"),
    "mov": ("video/quicktime",), "pdf": ("application/pdf",),
}

ISO_639_1 = frozenset((
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu iw in ji"
).split())

#: hosts whose URLs can never answer with a 301 you control (static object stores,
#: project pages): a feed there can never be moved without losing subscribers.
UNREDIRECTABLE_HOST_SUFFIXES = (
    ".github.io", ".gitlab.io", ".r2.dev", ".r2.cloudflarestorage.com",
    "storage.googleapis.com", ".blob.core.windows.net", ".s3.amazonaws.com",
    ".digitaloceanspaces.com", ".backblazeb2.com",
)

#: analytics prefixes / redirectors that are shut down: every request through them fails
DEAD_REDIRECTORS = ("chrt.fm", "chtbl.com")

#: phrases that make a text a placeholder wherever they appear
PLACEHOLDER_PHRASES = (
    "lorem ipsum", "description goes here", "your description here", "insert description",
    "add a description", "podcast description goes",
)
#: words that are a placeholder only when they are (nearly) the whole text: "Todo sobre…"
#: is Spanish, not a to-do
PLACEHOLDER_WORDS = ("todo", "tbd", "fixme", "xxx", "placeholder", "coming soon", "test",
                     "description", "n/a")

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
