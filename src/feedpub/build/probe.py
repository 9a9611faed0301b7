"""Stage 2 of a build: the facts of every episode's audio, and where they came from.

Audio whose bytes ``feedpub.lock`` recorded is never parsed again: the cache's stat
fingerprint proves it unchanged with one ``stat``, or (a fresh checkout, new mtimes) its
SHA-256 does, computed on threads (hashlib releases the GIL).  What is left -- new or
changed files -- is parsed once each (duration, chapters and hashes from the same read),
in worker processes across the machine's cores when there are enough of them to pay for
starting the pool, since mutagen's parsing is Python under the GIL.  The workers return
plain facts or problems; every problem is reported at its episode's file, as in-process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..audio import alternate_files, probe, probe_or_problems, sha256_of, worker_init
from ..cache import Cache
from ..errors import AudioError, FeedpubError, Problem
from ..model import AudioFacts, Episode, MeasuredEpisode, Output, Provenance, Show
from ..progress import BuildStats, Progress, as_progress
from ..timecode import rounded_clock as clock_text
from .lock import Lock
from .media import fetch_for_probe, local_audio_path, missing_audio_hint

#: files to parse above which parsing moves to worker processes (a pool's start costs
#: about as much as parsing a few dozen short files in-process)
PROCESS_THRESHOLD = 32
HASH_THREADS = 4

Job = tuple[Path, bool]  # a file to parse, and whether as an alternate encoding


@dataclass
class Pending:
    """One episode's audio on its way: what is known, what is still to hash or parse."""

    ep: Episode
    recorded: AudioFacts | None = None
    declared: bool = False
    recorded_alternates: tuple[AudioFacts, ...] = ()
    path: Path | None = None  # the local audio file, when it is here
    alternates: list[Path] = field(default_factory=list)
    #: files whose SHA-256 is known (from the cache) or computed (hashing phase)
    sha: dict[Path, str | None] = field(default_factory=dict)
    cached: set[Path] = field(default_factory=set)  # those the cache vouched for
    network: Callable[[], MeasuredEpisode] | None = None  # a download to measure
    done: MeasuredEpisode | None = None  # decided without reading the file
    problems: list[Problem] = field(default_factory=list)

    def known(self, path: Path, facts: AudioFacts | None) -> bool:
        """The file's bytes are those ``facts`` recorded (with every fact a parse gives)."""
        return facts is not None and self.sha.get(path) == facts.sha256

    def main_job(self) -> Job | None:
        """The parse the main file needs, if its recorded facts do not prove it."""
        if self.path is None or self.done is not None or self.problems:
            return None
        whole = not self.alternates or (self.recorded is not None and self.recorded.sri)
        if self.recorded and not self.declared and whole and self.known(self.path,
                                                                        self.recorded):
            return None
        return (self.path, bool(self.alternates))

    def jobs(self) -> Iterator[Job]:
        main = self.main_job()
        if main is not None:
            yield main
        if self.path is None or self.done is not None or self.problems:
            return
        by_name = {a.file: a for a in self.recorded_alternates}
        for file in self.alternates:
            known = by_name.get(file.name)
            if not (known and known.sri and self.known(file, known)):
                yield (file, True)


def probe_all(show: Show, episodes: list[Episode], lock: Lock, update_lock: bool,
              progress: Progress | Callable[[str], None], cache: Cache | None = None,
              measure_declared: bool = False, stats: BuildStats | None = None,
              ) -> tuple[list[MeasuredEpisode], list[Problem]]:
    """Audio facts for every episode: hashed to prove what the lock knows, parsed on a miss.

    ``stats`` (when given) counts the files parsed (``probed``) and hashed (``hashed``)."""
    report = as_progress(progress)
    stats = stats if stats is not None else BuildStats()
    pending = [look(show, ep, lock, measure_declared, cache) for ep in episodes]

    # Hashes the cache could not vouch for, and downloads, on threads (both wait on I/O).
    to_hash = [(p, file) for p in pending for file in p.sha if p.sha[file] is None]
    downloads = [p for p in pending if p.network is not None]
    if to_hash or downloads:
        report.stage("hashing audio", len(to_hash) + len(downloads))
        pool = ThreadPoolExecutor(max_workers=HASH_THREADS)
        try:
            hashes = [(p, file, pool.submit(sha256_or_none, file)) for p, file in to_hash]
            fetched = [(p, pool.submit(p.network)) for p in downloads if p.network]
            for p, file, future in hashes:
                p.sha[file] = future.result()
                report.advance()
            for p, got in fetched:
                try:
                    p.done = got.result()
                except FeedpubError as err:
                    p.problems.extend(err.problems)
                report.advance()
        except BaseException:  # interrupted: the files not started are not hashed
            pool.shutdown(cancel_futures=True)
            raise
        pool.shutdown()
        stats.hashed += sum(1 for _, file in to_hash)

    # The misses parsed once each, in processes when there are many.
    jobs = [job for p in pending for job in p.jobs()]
    parsed: dict[Job, AudioFacts | list[Problem]] = {}
    if jobs:
        report.stage("probing audio", len(jobs))
        for job, result in parse_all(jobs):
            parsed[job] = result
            report.advance()
        stats.probed += len(jobs)

    problems: list[Problem] = []
    done: list[MeasuredEpisode] = []
    for p in pending:
        try:
            measured = finish(show, p, parsed, update_lock, cache)
        except FeedpubError as err:
            problems.extend(err.problems)
            continue
        facts = measured.audio
        declared = p.ep.declared_duration
        if declared and not declared.accepts(facts.duration):
            problems.append(Problem(
                p.ep.folder / "episode.toml",
                f"duration {declared.text!r} does not match the audio "
                f"({clock_text(facts.duration)}, {facts.duration:.1f} s in {facts.file})",
                declared.line,
                expected=f"{clock_text(declared.low)}–{clock_text(int(declared.high))}"))
        done.append(measured)
    return done, problems


def look(show: Show, ep: Episode, lock: Lock, measure_declared: bool,
         cache: Cache | None) -> Pending:
    """What is known of the episode's audio without reading it: the lock, the file's stat
    fingerprint in the cache; what is left to hash, download or parse."""
    # A renamed folder that kept its guid keeps its recorded audio too.
    entry = lock.entries.get(ep.slug) or lock.by_guid(ep.guid)
    recorded = entry.audio if entry and entry.audio and entry.audio.file == ep.audio_file \
        else None
    declared = bool(entry and entry.declared and recorded)
    p = Pending(ep, recorded, declared, entry.alternates if entry else ())
    if declared and measure_declared and ep.audio_is_url and recorded:
        p.network = lambda: with_measured_url(ep, recorded)
        return p
    path = local_audio_path(show, ep)
    if path is not None and path.exists():
        p.path = path
        p.alternates = alternate_files(path) if path.is_file() else []
        names = {a.file for a in p.recorded_alternates}
        provable = [path] if recorded and not declared else []
        provable += [file for file in p.alternates if file.name in names]
        for file in provable:  # None: to hash
            p.sha[file] = cache.known_sha256(file) if cache else None
            if p.sha[file] is not None:
                p.cached.add(file)
        return p
    if recorded:
        p.done = MeasuredEpisode(ep, recorded, "declared" if declared else "lock",
                                 alternates=p.recorded_alternates)
        return p
    if ep.audio_is_url:
        p.network = lambda: MeasuredEpisode(ep, replace(
            fetch_for_probe(ep.audio_file, ep.folder / "episode.toml"), file=ep.audio_file),
            "measured", alternates=p.recorded_alternates)
        return p
    where = path or ep.folder / ep.audio_file
    p.problems.append(Problem(where, "audio file not found, and feedpub.lock has no record "
                              "of it", hint=missing_audio_hint(show, ep)))
    return p


def sha256_or_none(path: Path) -> str | None:
    """The file's SHA-256; None if it cannot be read (the parse then says why)."""
    try:
        return sha256_of(path)
    except OSError:
        return None


def workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_all(jobs: list[Job], processes: bool | None = None,
              ) -> Iterator[tuple[Job, AudioFacts | list[Problem]]]:
    """Each file parsed once, in order: across processes when there are enough files
    (``processes`` forces the choice)."""
    cores = workers()
    if processes is None:
        processes = len(jobs) > PROCESS_THRESHOLD and cores > 1
    if not processes:
        for job in jobs:
            yield job, parse_here(job)
        return
    count = max(1, min(cores, len(jobs) // PROCESS_THRESHOLD + 1))
    chunk = max(1, min(64, len(jobs) // (count * 8)))
    pool: Executor = ProcessPoolExecutor(max_workers=count, mp_context=start_method(),
                                         initializer=worker_init)
    try:
        results = pool.map(probe_or_problems, [path for path, _ in jobs],
                           [alternate for _, alternate in jobs], chunksize=chunk)
        yield from zip(jobs, results)
    except BaseException:
        # Interrupted or failed: drop the files not started; the workers end their chunk
        # (they leave Ctrl-C to this process) and exit.
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def start_method() -> multiprocessing.context.BaseContext:
    """fork when this process runs no other thread (the cheapest start: the workers have
    feedpub loaded already); else a fork server (``feedpub serve`` runs a web server and a
    watcher thread, which a fork would copy mid-flight), or spawn where there is none."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["feedpub.audio"])
        return context
    return multiprocessing.get_context("spawn")


def parse_here(job: Job) -> AudioFacts | list[Problem]:
    """One file parsed in this process (through this module's ``probe``)."""
    path, alternate = job
    try:
        return probe(path, alternate=alternate)
    except AudioError as err:
        return list(err.problems)


def finish(show: Show, p: Pending, parsed: dict[Job, AudioFacts | list[Problem]],
           update_lock: bool, cache: Cache | None) -> MeasuredEpisode:
    """The episode's measured audio from what the lock, the hashes and the parses found;
    a changed file is an error (unless the lock is being updated)."""
    if p.problems:
        raise AudioError(p.problems)
    if p.done is not None:
        return p.done
    ep, path, recorded = p.ep, p.path, p.recorded
    assert path is not None
    job = p.main_job()
    if job is None:
        assert recorded is not None
        facts = recorded
    else:
        facts = replace(got(parsed[job]), file=ep.audio_file)  # the name as episode.toml says
        if recorded and not p.declared and recorded.sha256 != facts.sha256 \
                and not update_lock:
            raise AudioError(Problem(
                path, "audio changed since it was recorded in feedpub.lock "
                f"(size {recorded.size:,} -> {facts.size:,} bytes)",
                hint="if the new audio is intended, run 'feedpub build --update-lock'"))
    if cache and path not in p.cached:
        cache.remember_sha256(path, facts.sha256)
    measured = MeasuredEpisode(ep, facts, "measured", media_output(show, path, facts))
    if not p.alternates:
        return measured
    by_name = {a.file: a for a in p.recorded_alternates}
    alternates = []
    for file in p.alternates:
        known = by_name.get(file.name)
        if (file, True) in parsed:
            found = got(parsed[(file, True)])
            if known and known.sha256 != found.sha256 and not update_lock:
                raise AudioError(Problem(
                    file, "audio changed since it was recorded in feedpub.lock",
                    hint="if the new audio is intended, run 'feedpub build --update-lock'"))
        else:
            assert known is not None
            found = known
        if cache and file not in p.cached:
            cache.remember_sha256(file, found.sha256)
        alternates.append(found)
    return replace(measured, alternates=tuple(alternates),
                   alternate_media=tuple(media_output(show, f, a)
                                         for f, a in zip(p.alternates, alternates)))


def got(result: AudioFacts | list[Problem]) -> AudioFacts:
    if isinstance(result, list):
        raise AudioError(result)
    return result


def with_measured_url(ep: Episode, declared: AudioFacts) -> MeasuredEpisode:
    """``build --measure``: the audio an import declared, downloaded and measured; every
    fact that differs from the declared one is noted."""
    facts = replace(fetch_for_probe(ep.audio_file, ep.folder / "episode.toml"),
                    file=ep.audio_file)
    diffs = [f"{name} {old} -> {new}" for name, old, new in (
        ("length", f"{declared.size:,}", f"{facts.size:,}"),
        ("type", declared.mime, facts.mime),
        ("duration", clock_text(declared.duration), clock_text(facts.duration)))
        if old != new]
    note = ", ".join(diffs) if diffs else "the declared facts were right"
    return MeasuredEpisode(ep, facts, "measured", note=note)


def media_output(show: Show, path: Path, facts: AudioFacts) -> Output:
    """The local audio file as an output of the media root (its bytes stay on disk)."""
    layout = show.layout
    return Output("media", layout.media(facts.file), layout.media_url(facts.file), facts.mime,
                  facts.size, facts.sha256, "media", root="media", source=path)


__all__ = ["PROCESS_THRESHOLD", "Progress", "Provenance", "probe_all", "media_output"]
