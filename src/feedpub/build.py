"""``feedpub build``: podcast.toml + episodes/ -> feed.xml and its companion files.

The pipeline reads like the product: load, probe audio, guard identities,
publish transcripts, render, check, write.  Nothing is written until every
stage has passed, and feed.xml is written last, so a failed build leaves the
previous feed exactly as it was.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .audio import probe
from .companions import publish_companions
from .config import load_show
from .dates import clock_text
from .episodes import episode_folders, load_episodes
from .errors import AudioError, FeedpubError, Problem
from .feed import render_feed
from .lock import Entry, Lock, load_lock
from .media import fetch_for_probe, local_audio_path
from .model import AudioFacts, Episode, Show
from .output import Plan, apply, plan
from .validate import Finding, validate_bytes

Progress = Callable[[str], None]
FEED_NAME = "feed.xml"


class BuildError(FeedpubError):
    """The show has problems; nothing was written."""


@dataclass
class BuildResult:
    show: Show
    episodes: list[Episode]
    feed: bytes
    files: dict[str, bytes]  # companion files, by path relative to the output folder
    lock: Lock
    warnings: list[Finding] = field(default_factory=list)  # from the offline feed rules


def quiet(_: str) -> None:
    pass


def build(root: Path, *, update_lock: bool = False, progress: Progress = quiet) -> BuildResult:
    """Run every stage in memory; raise BuildError with all problems found."""
    try:
        show = load_show(root)
        lock = load_lock(root)
    except FeedpubError as err:
        raise type(err)([p.relative_to(root) for p in err.problems]) from None
    episodes, problems = load_episodes(show)
    if not episodes and not problems:
        raise BuildError(Problem(show.episodes_dir, "the show has no episodes",
                                 hint='create one with: feedpub new "Title"'))
    present = {folder.name for folder in episode_folders(show)}
    problems += check_show_guid(show, lock, update_lock)
    problems += check_identities(episodes, present, lock, update_lock)
    episodes, audio_problems = probe_all(show, episodes, lock, update_lock, progress)
    problems += audio_problems
    episodes, files, companion_problems = publish_companions(show, episodes)
    problems += companion_problems
    problems += check_enclosures(show, episodes)
    if problems:
        raise BuildError([p.relative_to(root) for p in problems])
    feed = render_feed(show, episodes)
    findings = validate_bytes(feed, source=FEED_NAME)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BuildError([Problem(f"{FEED_NAME} (not written)",
                                  f"[{f.rule}] {f.message}", f.line, hint=f.hint)
                          for f in errors])
    new_lock = Lock(lock.path, {e.slug: Entry(e.guid, e.audio) for e in episodes},
                    podcast_guid=show.podcast_guid)
    return BuildResult(show, episodes, feed, files, new_lock,
                       [f for f in findings if f.severity == "warning"])


def plan_outputs(result: BuildResult, output: Path) -> Plan:
    """What writing this build to ``output`` would change (``build --check`` prints it)."""
    files = dict(sorted(result.files.items()))
    files[FEED_NAME] = result.feed  # last: apps never see a feed whose files are missing
    return plan(files, output, {result.lock.path: result.lock.to_json().encode("utf-8")})


def write_outputs(result: BuildResult, output: Path) -> Plan:
    """Write what changed, each file atomically, feed.xml last; return what was done."""
    todo = plan_outputs(result, output)
    apply(todo)
    return todo


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


def probe_all(show: Show, episodes: list[Episode], lock: Lock, update_lock: bool,
              progress: Progress) -> tuple[list[Episode], list[Problem]]:
    """Audio facts for every episode, measured in parallel (hashing is I/O bound)."""
    def one(ep: Episode) -> AudioFacts:
        # A renamed folder that kept its guid keeps its recorded audio too.
        entry = lock.entries.get(ep.slug) or lock.by_guid(ep.guid)
        recorded = entry.audio if entry and entry.audio and entry.audio.file == ep.audio_file \
            else None
        return audio_facts(show, ep, recorded, update_lock)

    problems: list[Problem] = []
    done: list[Episode] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [(ep, pool.submit(one, ep)) for ep in episodes]
        for n, (ep, future) in enumerate(futures, start=1):
            try:
                facts = future.result()
            except FeedpubError as err:
                problems.extend(err.problems)
                continue
            progress(f"audio {n}/{len(episodes)}: {ep.slug} "
                     f"({clock_text(facts.duration)}, {facts.size:,} bytes)")
            declared = ep.declared_duration
            if declared and not declared.accepts(facts.duration):
                problems.append(Problem(
                    ep.folder / "episode.toml",
                    f"duration {declared.text!r} does not match the audio "
                    f"({clock_text(facts.duration)}, {facts.duration:.1f} s in {facts.file})",
                    expected=f"{clock_text(declared.low)}–{clock_text(int(declared.high))}"))
            done.append(replace(ep, audio=facts))
    return done, problems


def audio_facts(show: Show, ep: Episode, recorded: AudioFacts | None,
                update_lock: bool) -> AudioFacts:
    """Measure the file if it is here, else trust the lock; a changed file is an error."""
    path = local_audio_path(show, ep)
    if path is not None and path.exists():
        facts = replace(probe(path), file=ep.audio_file)  # the name as episode.toml says it
        if recorded and recorded.sha256 != facts.sha256 and not update_lock:
            raise AudioError(Problem(
                path, "audio changed since it was recorded in feedpub.lock "
                f"(size {recorded.size:,} -> {facts.size:,} bytes)",
                hint="if the new audio is intended, run 'feedpub build --update-lock'"))
        return facts
    if recorded:
        return recorded
    if ep.audio_is_url:
        return replace(fetch_for_probe(ep.audio_file, ep.folder / "episode.toml"),
                       file=ep.audio_file)
    where = path or ep.folder / ep.audio_file
    raise AudioError(Problem(where, "audio file not found, and feedpub.lock has no record of it",
                             hint="build once where the audio is present and commit feedpub.lock"))


def check_enclosures(show: Show, episodes: list[Episode]) -> list[Problem]:
    """Apple ignores an episode whose enclosure URL another one already uses."""
    problems = []
    seen: dict[str, str] = {}
    for ep in episodes:
        url = ep.enclosure_url(show)
        if url in seen:
            problems.append(Problem(ep.folder / "episode.toml",
                                    f"audio URL {url} is also used by episode {seen[url]!r}",
                                    expected="one audio file per episode"))
        seen[url] = ep.slug
    return problems
