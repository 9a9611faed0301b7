"""Stage 2 of a build: the facts of every episode's audio, and where they came from."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from ..audio import alternate_files, probe, sha256_of
from ..cache import Cache
from ..errors import AudioError, FeedpubError, Problem
from ..model import AudioFacts, Episode, MeasuredEpisode, Output, Provenance, Show
from ..timecode import rounded_clock as clock_text
from .lock import Lock
from .media import fetch_for_probe, local_audio_path

Progress = Callable[[str], None]


def probe_all(show: Show, episodes: list[Episode], lock: Lock, update_lock: bool,
              progress: Progress, cache: Cache | None = None,
              measure_declared: bool = False) -> tuple[list[MeasuredEpisode], list[Problem]]:
    """Audio facts for every episode, measured in parallel (hashing is I/O bound)."""
    def one(ep: Episode) -> MeasuredEpisode:
        # A renamed folder that kept its guid keeps its recorded audio too.
        entry = lock.entries.get(ep.slug) or lock.by_guid(ep.guid)
        recorded = entry.audio if entry and entry.audio and entry.audio.file == ep.audio_file \
            else None
        declared = bool(entry and entry.declared and recorded)
        if declared and measure_declared and ep.audio_is_url and recorded:
            return with_measured_url(ep, recorded)
        measured = measure(show, ep, recorded, update_lock, declared=declared, cache=cache)
        return with_alternates(show, measured, entry.alternates if entry else (), update_lock)

    problems: list[Problem] = []
    done: list[MeasuredEpisode] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [(ep, pool.submit(one, ep)) for ep in episodes]
        for n, (ep, future) in enumerate(futures, start=1):
            try:
                measured = future.result()
            except FeedpubError as err:
                problems.extend(err.problems)
                continue
            facts = measured.audio
            progress(f"audio {n}/{len(episodes)}: {ep.slug} "
                     f"({clock_text(facts.duration)}, {facts.size:,} bytes)")
            declared = ep.declared_duration
            if declared and not declared.accepts(facts.duration):
                problems.append(Problem(
                    ep.folder / "episode.toml",
                    f"duration {declared.text!r} does not match the audio "
                    f"({clock_text(facts.duration)}, {facts.duration:.1f} s in {facts.file})",
                    expected=f"{clock_text(declared.low)}–{clock_text(int(declared.high))}"))
            done.append(measured)
    return done, problems


def measure(show: Show, ep: Episode, recorded: AudioFacts | None,
            update_lock: bool, declared: bool = False,
            cache: Cache | None = None) -> MeasuredEpisode:
    """Measure the file if it is here, else trust the lock; a changed file is an error.

    Facts an import ``declared`` (from the old feed, never hashed) give way to the
    measured ones as soon as the file is here.  A file whose bytes are the ones the lock
    recorded is not parsed again: its stat fingerprint in the cache (or, after a fresh
    clone, its SHA-256) proves it, and the lock's facts are the measured ones.
    """
    path = local_audio_path(show, ep)
    if path is not None and path.exists():
        if recorded and not declared:
            sha = (cache.known_sha256(path) if cache else None) or sha256_of(path)
            if sha == recorded.sha256:
                if cache:
                    cache.remember_sha256(path, sha)
                return MeasuredEpisode(ep, recorded, "measured",
                                       media_output(show, path, recorded))
        facts = replace(probe(path), file=ep.audio_file)  # the name as episode.toml says it
        if cache:
            cache.remember_sha256(path, facts.sha256)
        if recorded and not declared and recorded.sha256 != facts.sha256 and not update_lock:
            raise AudioError(Problem(
                path, "audio changed since it was recorded in feedpub.lock "
                f"(size {recorded.size:,} -> {facts.size:,} bytes)",
                hint="if the new audio is intended, run 'feedpub build --update-lock'"))
        return MeasuredEpisode(ep, facts, "measured", media_output(show, path, facts))
    if recorded:
        return MeasuredEpisode(ep, recorded, "declared" if declared else "lock")
    if ep.audio_is_url:
        facts = replace(fetch_for_probe(ep.audio_file, ep.folder / "episode.toml"),
                        file=ep.audio_file)
        return MeasuredEpisode(ep, facts, "measured")
    where = path or ep.folder / ep.audio_file
    raise AudioError(Problem(where, "audio file not found, and feedpub.lock has no record of it",
                             hint="build once where the audio is present and commit feedpub.lock"))


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


def with_alternates(show: Show, measured: MeasuredEpisode, recorded: tuple[AudioFacts, ...],
                    update_lock: bool) -> MeasuredEpisode:
    """Other encodings beside the audio file, measured with their integrity hashes; without
    the audio here, the ones feedpub.lock recorded."""
    ep = measured.episode
    path = local_audio_path(show, ep)
    if path is None or not path.exists():
        return replace(measured, alternates=recorded) if recorded else measured
    files = alternate_files(path)
    if not files:
        return measured
    by_name = {a.file: a for a in recorded}
    main = replace(probe(path, alternate=True), file=ep.audio_file)
    alternates = []
    for file in files:
        facts = probe(file, alternate=True)
        known = by_name.get(facts.file)
        if known and known.sha256 != facts.sha256 and not update_lock:
            raise AudioError(Problem(
                file, "audio changed since it was recorded in feedpub.lock",
                hint="if the new audio is intended, run 'feedpub build --update-lock'"))
        alternates.append(facts)
    return replace(measured, audio=main, media=media_output(show, path, main),
                   alternates=tuple(alternates),
                   alternate_media=tuple(media_output(show, f, a)
                                         for f, a in zip(files, alternates)))


def media_output(show: Show, path: Path, facts: AudioFacts) -> Output:
    """The local audio file as an output of the media root (its bytes stay on disk)."""
    layout = show.layout
    return Output("media", layout.media(facts.file), layout.media_url(facts.file), facts.mime,
                  facts.size, facts.sha256, "media", root="media", source=path)


__all__ = ["Progress", "Provenance", "probe_all", "measure", "media_output"]
