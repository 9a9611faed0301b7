"""Guards of a build: identities that apps rely on never change or collide."""

from __future__ import annotations

from ..errors import Problem
from ..model import BuiltEpisode, Episode, Show
from .lock import Lock


def check_show_guid(show: Show, lock: Lock, update_lock: bool) -> list[Problem]:
    """podcast:guid is the show's identity in Podcast Index: it never changes."""
    if lock.podcast_guid and lock.podcast_guid != show.podcast_guid and not update_lock:
        return [Problem(
            show.root / "podcast.toml",
            f"podcast:guid would change from {lock.podcast_guid} to {show.podcast_guid} "
            "(was feed_url changed?)",
            expected=f'[podcast] guid = "{lock.podcast_guid}"',
            hint="pin the published value in podcast.toml; apps know the show by it")]
    return []


def check_identities(episodes: list[Episode], present: set[str], lock: Lock,
                     update_lock: bool) -> list[Problem]:
    """Guids are unique, and published episodes keep theirs and do not vanish."""
    problems = []
    by_guid: dict[str, Episode] = {}
    for ep in episodes:
        toml = ep.folder / "episode.toml"
        if ep.guid in by_guid:
            problems.append(Problem(toml, f"guid {ep.guid!r} is also used by episode "
                                    f"{by_guid[ep.guid].slug!r}", expected="a unique guid"))
        by_guid[ep.guid] = ep
        entry = lock.entries.get(ep.slug)
        if entry and entry.guid != ep.guid and not update_lock:
            problems.append(Problem(
                toml, f"guid changed from {entry.guid!r} to {ep.guid!r} since it was published",
                expected=f'guid = "{entry.guid}"',
                hint="apps would see a new episode and download it again; restore the guid, "
                     "or run 'feedpub build --update-lock' if the change is intended"))
    if not update_lock:
        for slug, entry in sorted(lock.entries.items()):
            if slug not in present and entry.guid not in by_guid:
                problems.append(Problem(
                    lock.path, f"episode {slug!r} (guid {entry.guid}) was published "
                    "but its folder is gone",
                    hint="restore the folder (a renamed folder must keep its guid), or run "
                         "'feedpub build --update-lock' to drop it from the feed on purpose"))
    return problems


def check_enclosures(episodes: list[BuiltEpisode]) -> list[Problem]:
    """Apple ignores an episode whose enclosure URL another one already uses."""
    problems = []
    seen: dict[str, str] = {}
    for built in episodes:
        url = built.enclosure_url
        if url in seen:
            problems.append(Problem(built.episode.folder / "episode.toml",
                                    f"audio URL {url} is also used by episode {seen[url]!r}",
                                    expected="one audio file per episode"))
        seen[url] = built.slug
    return problems
