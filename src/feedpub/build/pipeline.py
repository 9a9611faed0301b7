"""``feedpub build``: podcast.toml + episodes/ -> the ordered list of outputs.

The pipeline reads like the product: read, measure audio, guard identities,
make companions, render the feed, check it.  Nothing is written here: the
result's outputs list is what a local write (:mod:`feedpub.output`) or
``feedpub publish`` applies, in its order -- media and artwork, then
transcripts and chapters, then the feed last -- so a failed build leaves the
previous feed exactly as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..cache import Cache
from ..companions import build_companions
from ..config import load_show
from ..dates import zone
from ..episodes import episode_folders, load_episode
from ..errors import Diagnostic, EpisodeError, FeedpubError, Problem
from ..feed import assemble, validate_feed
from ..model import BuiltEpisode, Episode, MeasuredEpisode, Output, Show
from ..output import (
    LocalDirectory,
    Plan,
    apply,
    check_output_folder,
    plan,
    remove_stale_temp_files,
    temp_folders,
)
from ..progress import BuildStats, Progress, as_progress
from ..spec import FEED_MIME
from . import parallel
from .checks import check_enclosures, check_identities, check_show_guid
from .locate import locate
from .lock import Entry, Lock, load_lock
from .media import artwork_output
from .probe import probe_all
from .units import Unit, Units


class BuildError(FeedpubError):
    """The show has problems; nothing was written."""


@dataclass
class BuildResult:
    show: Show
    episodes: list[BuiltEpisode]  # in the feed (due), in the order they were read
    outputs: list[Output]  # in the order they must be published: the feed last
    lock: Lock
    # the offline feed rules' warnings, each at its source
    warnings: list[Diagnostic] = field(default_factory=list)
    # dated later than the build: checked and in the lock, but left out of the feed and
    # its outputs until due (soonest first)
    scheduled: list[BuiltEpisode] = field(default_factory=list)
    #: what this build rendered and fingerprinted; saved only when the build is written
    #: (a --check, validate's in-memory build or a refused output leave the show as it was)
    cache: Cache | None = field(default=None, repr=False)
    #: with ``measure``: what measuring declared audio changed, one line per episode
    measured: list[str] = field(default_factory=list)
    #: what this build did: episodes rebuilt or reused, audio probed (the summary line)
    stats: BuildStats = field(default_factory=BuildStats)

    @property
    def feed(self) -> bytes:
        return self.outputs[-1].read()


#: a progress that reports nothing
quiet = Progress()


def build(root: Path, *, update_lock: bool = False,
          progress: Progress | Callable[[str], None] = quiet,
          now: datetime | None = None, site: bool = True, measure: bool = False,
          check_all: bool = False) -> BuildResult:
    """Run every stage in memory; raise BuildError with all problems found.

    The feed is validated in parts, items unchanged since the last build keeping their
    results; ``check_all`` (``build --check``) runs every rule on the whole feed.

    An episode dated after ``now`` (default: the clock) is checked like any other and
    recorded in the lock (so a CI checkout without its audio publishes it when due),
    but left out of the feed and the outputs until then.
    """
    with few_collections():
        return run_stages(root, update_lock, as_progress(progress), now, site, measure,
                          check_all)


@contextmanager
def few_collections() -> Iterator[None]:
    """No cyclic garbage collection while a build runs or is written: a build makes
    millions of objects that live until its end (records, episodes, items) and next to no
    cyclic garbage (none at 10,000 episodes), and each full collection walks them all
    again (at 10,000 episodes several seconds of a rebuild that reuses every episode).
    Collection resumes, as it was, when the build is done; what is alive then is left out
    of later collections (``gc.freeze``: still freed when no longer used), else the first
    one would walk all of it at once (a second at 10,000 episodes).  In a process that
    builds again (``feedpub serve``, a library caller) a build that finds objects frozen
    gives them back to the collector and freezes nothing itself: cyclic garbage among
    them is freed by a later collection instead of staying frozen for good."""
    was = gc.isenabled()
    thawed = was and gc.get_freeze_count() > 0
    if thawed:
        gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if not thawed:
                gc.freeze()
            gc.enable()


def run_stages(root: Path, update_lock: bool, progress: Progress, now: datetime | None,
               site: bool, measure: bool, check_all: bool) -> BuildResult:
    """The stages of :func:`build`, in order."""
    show, lock, artwork = read_show(root)
    cache = Cache(root, show.podcast_guid)
    stats = BuildStats()
    # measuring declared audio changes what an episode's sources give: no reuse then
    units = Units(show, lock, cache, reuse=not measure)
    built, notes = build_episodes(show, lock, units, update_lock, measure, progress, stats)
    due, scheduled = due_episodes(show, built, now or datetime.now(UTC), progress)
    artwork_url = artwork.url if artwork else show.artwork
    feed, warnings = checked_feed(show, due, artwork_url, cache, check_all, progress)
    if site:
        progress.stage("building the site")
        from ..site import build_site  # Jinja2 and Babel: only for a site
    outputs = [*(b.measured.media for b in due if b.measured.media),
               *(o for b in due for o in b.measured.alternate_media),
               *([artwork] if artwork else []),
               *sorted((o for b in due for o in b.companions), key=lambda o: o.path),
               *(build_site(root, show, due, artwork_url, loudness_plots(root, lock, due),
                            cache=cache) if site else []),
               feed]
    units.record_all()  # a clean build: its fresh units are kept for the next one
    return BuildResult(show, due, outputs, next_lock(show, lock, built), warnings, scheduled,
                       cache, notes, stats)


def read_show(root: Path) -> tuple[Show, Lock, Output | None]:
    """podcast.toml, feedpub.lock and the show's artwork, problems relative to ``root``."""
    try:
        show = load_show(root)
        return show, load_lock(root), artwork_output(show)
    except FeedpubError as err:
        raise type(err)([p.relative_to(root) for p in err.problems]) from None


def build_episodes(show: Show, lock: Lock, units: Units, update_lock: bool, measure: bool,
                   progress: Progress, stats: BuildStats
                   ) -> tuple[list[BuiltEpisode], list[str]]:
    """Every episode folder built, in folder order: an unchanged one taken whole from the
    cache, the others loaded, measured and given their companions; every episode's
    identity checked.  Raise BuildError with every problem found."""
    folders = episode_folders(show)
    looked = [units.look(folder) for folder in folders]
    loaded, problems = load_changed(show, [u for u in looked if u.built is None], units)
    episodes = [u.built.episode if u.built else loaded[u.slug]
                for u in looked if u.built or u.slug in loaded]
    if not episodes and not problems:
        raise BuildError(Problem(show.episodes_dir, "the show has no episodes",
                                 hint='create one with: feedpub new "Title"'))
    problems += check_show_guid(show, lock, update_lock)
    problems += check_identities(episodes, {f.name for f in folders}, lock, update_lock)
    measured, audio_problems = probe_all(show, list(loaded.values()), lock, update_lock,
                                         progress, units.cache, measure_declared=measure,
                                         stats=stats)
    problems += audio_problems
    progress.stage("rendering episodes", len(measured))
    fresh = make_companions(show, measured, problems, progress)
    built = [u.built or units.keyed(u, fresh[u.slug]) for u in looked
             if u.built or u.slug in fresh]
    stats.episodes, stats.reused = len(built), units.reused
    problems += check_enclosures(built)
    if problems:
        raise BuildError([p.relative_to(show.root) for p in problems])
    return built, [f"{m.slug}: {m.note}" for m in measured if m.note]


def load_changed(show: Show, todo: list[Unit], units: Units
                 ) -> tuple[dict[str, Episode], list[Problem]]:
    """The episodes the cache did not have, loaded from their folders (Markdown rendered
    through the cache), and the problems of those that did not load."""
    loaded: dict[str, Episode] = {}
    problems: list[Problem] = []
    if parallel.in_processes(len(todo)):
        results = parallel.run(show, parallel.load_one, [u.folder for u in todo])
        for unit, (got, renderings) in zip(todo, results):
            for text, html in renderings:
                units.rendered_elsewhere(unit, text, html)
            if isinstance(got, list):
                problems.extend(got)
            else:
                loaded[unit.slug] = got
        return loaded, problems
    for unit in todo:
        try:
            loaded[unit.slug] = load_episode(show, unit.folder, units.render_for(unit))
        except EpisodeError as err:
            problems.extend(err.problems)
    return loaded, problems


def make_companions(show: Show, measured: list[MeasuredEpisode], problems: list[Problem],
                    progress: Progress) -> dict[str, BuiltEpisode]:
    """Each measured episode with its companions (in worker processes when there are
    many); their problems appended in episode order."""
    fresh = {}
    if parallel.in_processes(len(measured)):
        for m, (parts, found) in zip(measured, parallel.run(show, parallel.make_one, measured)):
            fresh[m.slug] = parallel.made(m, parts)
            problems.extend(found)
            progress.advance()
        return fresh
    for m in measured:
        fresh[m.slug] = build_companions(show, m, problems)
        progress.advance()
    return fresh


def due_episodes(show: Show, built: list[BuiltEpisode], moment: datetime, progress: Progress
                 ) -> tuple[list[BuiltEpisode], list[BuiltEpisode]]:
    """The episodes in the feed and those scheduled later (soonest first)."""
    scheduled = sorted((b for b in built if b.episode.pub_date > moment),
                       key=lambda b: (b.episode.pub_date, b.slug))
    for b in scheduled:
        progress(f"scheduled: {b.slug} on {when(show, b)}, left out of the feed until then")
    due = [b for b in built if b.episode.pub_date <= moment]
    if not due:
        first = scheduled[0]
        raise BuildError(Problem(show.episodes_dir, "no episode is due yet: the first, "
                                 f"{first.slug!r}, is scheduled for {when(show, first)}",
                                 hint="a feed needs at least one published episode"))
    return due, scheduled


def checked_feed(show: Show, due: list[BuiltEpisode], artwork_url: str, cache: Cache,
                 check_all: bool, progress: Progress) -> tuple[Output, list[Diagnostic]]:
    """The feed, and the offline rules' warnings, each finding reported at the file it
    came from (an item's at its episode's files, the channel's at its line of
    podcast.toml)."""
    root, layout = show.root, show.layout
    progress.stage("rendering the feed")
    assembled = assemble(show, due, artwork_url, cache)
    progress.stage("checking the feed")
    findings = validate_feed(assembled, cache, source=layout.feed(), full=check_all)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BuildError([p.relative_to(root) for p in
                          locate(errors, None, due, f"{layout.feed()} (not written)",
                                 root / "podcast.toml", assembled)])
    warnings = [p.relative_to(root) for p in
                locate([f for f in findings if f.severity == "warning"], None, due,
                       layout.feed(), root / "podcast.toml", assembled)]
    # the feed is the cache blob it was streamed to (or, without a cache, in memory)
    return Output("feed", layout.feed(), show.feed_url, FEED_MIME, assembled.size,
                  assembled.sha256, "feed", content=assembled.held, source=assembled.path,
                  keep=assembled.blob), warnings


def next_lock(show: Show, lock: Lock, built: list[BuiltEpisode]) -> Lock:
    """feedpub.lock as this build leaves it: every episode's guid and audio facts."""
    return Lock(lock.path, {b.slug: Entry(b.episode.guid, b.audio, b.measured.alternates,
                                          kept_analysis(lock, b),
                                          declared=b.measured.provenance == "declared")
                            for b in built}, podcast_guid=show.podcast_guid)


def when(show: Show, built: BuiltEpisode) -> str:
    """An episode's date in the show's time zone, for messages."""
    local = built.episode.pub_date.astimezone(zone(show.timezone))
    return f"{local:%Y-%m-%d %H:%M} ({show.timezone})"


def loudness_plots(root: Path, lock: Lock, due: list[BuiltEpisode]) -> dict[str, str]:
    """The site's loudness plot of each episode whose audio ``feedpub audio check``
    measured (the results are in the lock, keyed by the file's hash)."""
    if not any(e.analysis for e in lock.entries.values()):
        return {}
    from ..audiocheck import Analysis, load_targets, loudness_svg

    targets = load_targets(root)
    plots = {}
    for b in due:
        record = kept_analysis(lock, b).get(b.audio.sha256)
        found = Analysis.from_json(record) if record else None
        if found is not None and found.curve:
            plots[b.slug] = loudness_svg(found, targets)
    return plots


def kept_analysis(lock: Lock, built: BuiltEpisode) -> dict[str, dict[str, object]]:
    """``feedpub audio check`` results recorded for files the episode still has."""
    entry = lock.entries.get(built.slug) or lock.by_guid(built.episode.guid)
    if entry is None or not entry.analysis:
        return {}
    hashes = {built.audio.sha256, *(a.sha256 for a in built.measured.alternates)}
    return {sha: data for sha, data in entry.analysis.items() if sha in hashes}


def plan_outputs(result: BuildResult, output: Path) -> Plan:
    """What writing this build to ``output`` would change (``build --check`` prints it)."""
    show = result.show
    check_output_folder(output, [show.root / "podcast.toml", show.root / show.episodes_dir,
                                 result.lock.path, *([show.media_dir] if show.media_dir else [])])
    layout = show.layout
    media = layout.media_in_site()
    # Audio the feed names but that is not here (built from the lock): keep the copy an
    # earlier build wrote, so syncing the folder cannot delete a published episode's audio.
    keep = frozenset() if media is None else frozenset(
        media + layout.media(b.audio.file) for b in result.episodes
        if b.measured.media is None and not b.episode.audio_is_url)
    return plan(result.outputs, result.show.layout, output,
                (result.lock.path, result.lock.to_json().encode("utf-8")), keep)


def write_outputs(result: BuildResult, output: Path,
                  target: LocalDirectory | None = None,
                  progress: Progress | Callable[[str], None] = quiet) -> Plan:
    """Publish the build to the local folder ``output``: what changed, in the outputs'
    order (the feed last), each file atomically; return what was done."""
    with few_collections():
        todo = plan_outputs(result, output)
        check_sources(todo, result.cache)
        remove_stale_temp_files(output, temp_folders(todo))  # left by a run that was killed
        apply(todo, target, as_progress(progress))
        if result.cache is not None:
            result.cache.save()
    return todo


def check_sources(todo: Plan, cache: Cache | None) -> None:
    """Before anything is written: every file to copy is still there (a reused episode's
    companions are the cache's blobs, which a podcaster may delete during a build)."""
    blobs = cache.blob_path("00").parent.parent if cache else None
    for step in todo.steps:
        source = step.output.source if step.output else None
        if source is None or source.is_file():
            continue
        if blobs is not None and source.is_relative_to(blobs):
            raise BuildError(Problem(source, "the build cache changed during the build: a "
                                     "file it held is gone; nothing was written",
                                     hint="run the build again"))
        raise BuildError(Problem(source, "gone since the build read it; nothing was written",
                                 hint="run the build again"))
