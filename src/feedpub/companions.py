"""The files published beside feed.xml: transcripts in every honest format, and chapters.

Runs after the audio probe, because transcript cues and chapters are checked
against the real duration.
"""

from __future__ import annotations

from dataclasses import replace

from . import chapters, transcripts
from .errors import FeedpubError, Problem
from .model import Chapter, Episode, PublishedFile, Show, Transcript
from .transcripts import checks


def publish_companions(show: Show, episodes: list[Episode]
                       ) -> tuple[list[Episode], dict[str, bytes], list[Problem]]:
    """Each episode with its published files; the files' bytes by output path; problems."""
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    out = []
    for ep in episodes:
        published: list[PublishedFile] = []
        read = []
        # Timed sources first: where one language comes both timed and untimed, the
        # timed one yields every format and its HTML and text carry the times.
        for tr in sorted(read_transcripts(show, ep, problems), key=lambda t: not t.timed):
            read.append(tr)
            for writer, text in transcripts.render(tr, ep.title):
                rel = f"{ep.slug}/transcript.{tr.language}{writer.ext}"
                if rel in files:
                    continue  # this language and format came already from a timed source
                files[rel] = text.encode("utf-8")
                published.append(PublishedFile(rel, writer.mime, files[rel], tr.language,
                                               "captions" if writer.captions else None))
        chapter_list = read_chapters(ep, problems)
        if chapter_list:
            rel = f"{ep.slug}/chapters.json"
            files[rel] = chapters.write_json(chapter_list, ep.title).encode("utf-8")
            published.append(PublishedFile(rel, chapters.JSON_MIME, files[rel]))
        out.append(replace(ep, transcripts=tuple(read), chapters=chapter_list,
                           published=tuple(published)))
    return out, files, problems


def read_transcripts(show: Show, ep: Episode, problems: list[Problem]) -> list[Transcript]:
    duration = ep.audio.duration if ep.audio else None
    found = []
    for path in ep.transcript_files:
        language = transcripts.language_of(path, show.language)
        try:
            tr = transcripts.name_speakers(transcripts.read(path, language), ep.speakers)
        except FeedpubError as err:
            problems.extend(err.problems)
            continue
        wrong = checks.check(tr, duration, show.language, ep.transcript_languages)
        problems.extend(wrong)
        if not wrong:
            found.append(tr)
    return found


def read_chapters(ep: Episode, problems: list[Problem]) -> tuple[Chapter, ...]:
    embedded = ep.audio.chapters if ep.audio else ()
    try:
        return chapters.load(ep.chapters_file, embedded, ep.audio.duration if ep.audio else None,
                             audio=ep.audio_file)
    except FeedpubError as err:
        problems.extend(err.problems)
        return ()
