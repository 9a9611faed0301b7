"""Heuristic lists of the validator: hosts, redirectors and placeholder texts.

The facts of the formats themselves (namespaces, categories, taxonomy, service
slugs, languages) are in :mod:`feedpub.spec` and re-exported here.
"""

from __future__ import annotations

# Format facts live in feedpub.spec (shared with the loaders and the feed writer);
# re-exported here for the rule modules.
from ..spec import (
                    APPLE_CATEGORIES,
                    APPLE_MEDIA,
                    ATOM_NS,
                    CHAPTERS_TYPE,
                    CHAT_PROTOCOLS,
                    CONTENT_NS,
                    ISO_639_1,
                    ITUNES_NS,
                    MEDIUMS,
                    OBSOLETE_CATEGORIES,
                    PERSON_GROUPS,
                    PERSON_ROLES,
                    PODCAST_GUID_NAMESPACE,
                    PODCAST_NS,
                    PODCAST_NS_ALIASES,
                    SERVICE_SLUGS,
                    SOCIAL_PROTOCOLS,
                    SPDX_BARE_IDS,
                    TRANSCRIPT_TYPES,
)

__all__ = [
    "APPLE_CATEGORIES", "APPLE_MEDIA", "ATOM_NS", "CHAPTERS_TYPE", "CHAT_PROTOCOLS",
    "CONTENT_NS", "ISO_639_1", "ITUNES_NS", "MEDIUMS", "OBSOLETE_CATEGORIES", "PERSON_GROUPS",
    "PERSON_ROLES", "PODCAST_GUID_NAMESPACE", "PODCAST_NS", "PODCAST_NS_ALIASES",
    "SERVICE_SLUGS", "SOCIAL_PROTOCOLS", "SPDX_BARE_IDS", "TRANSCRIPT_TYPES",
    "UNREDIRECTABLE_HOST_SUFFIXES", "DEAD_REDIRECTORS", "PLACEHOLDER_PHRASES",
    "PLACEHOLDER_WORDS",
]

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
