"""The files made beside feed.xml for each episode: transcripts in every honest format,
and chapters, as :class:`~feedpub.model.Output` (paths and URLs from the layout).

Runs after the audio probe, because transcript cues and chapters are checked
against the real duration.
"""

from __future__ import annotations

from . import chapters, spec, transcripts
from .errors import FeedpubError, Problem
from .layout import Layout
from .model import BuiltEpisode, Chapter, MeasuredEpisode, Output, Show, Transcript
from .transcripts import checks


def build_companions(show: Show, measured: MeasuredEpisode, problems: list[Problem]
                     ) -> BuiltEpisode:
    """The episode with its transcripts, chapters and their files (problems are appended)."""
    layout = show.layout
    ep = measured.episode
    outputs: dict[str, Output] = {}
    read = []
    # Timed sources first: where one language comes both timed and untimed, the
    # timed one yields every format and its HTML and text carry the times.
    for tr in sorted(read_transcripts(show, measured, problems), key=lambda t: not t.timed):
        read.append(tr)
        language = tr.language or show.language
        for writer, text in transcripts.render(tr, ep.title):
            path = layout.transcript(ep.slug, language, writer.ext)
            if path in outputs:
                continue  # this language and format came already from a timed source
            outputs[path] = Output.of_bytes(
                "transcript", path, layout.url(path), writer.mime, text.encode("utf-8"),
                "companion", language=language, rel="captions" if writer.captions else None)
    chapter_list = read_chapters(measured, problems)
    if chapter_list:
        outputs[layout.chapters(ep.slug)] = chapters_output(layout, ep.slug, ep.title,
                                                            chapter_list)
    enclosure = layout.enclosure_url(ep.audio_file)
    encodings = ((measured.audio, enclosure),
                 *((a, layout.media_url(a.file)) for a in measured.alternates)
                 ) if measured.alternates else ()
    return BuiltEpisode(measured, enclosure, tuple(read), chapter_list,
                        tuple(outputs.values()), encodings)


def chapters_output(layout: Layout, slug: str, title: str,
                    chapter_list: tuple[Chapter, ...]) -> Output:
    path = layout.chapters(slug)
    return Output.of_bytes("chapters", path, layout.url(path), chapters.JSON_MIME,
                           chapters.write_json(chapter_list, title).encode("utf-8"), "companion")


def read_transcripts(show: Show, measured: MeasuredEpisode, problems: list[Problem]
                     ) -> list[Transcript]:
    ep = measured.episode
    found = []
    for path in ep.transcript_files:
        language = transcripts.language_of(path, show.language)
        wrong_language = spec.language_problem(language)
        if wrong_language:
            problems.append(Problem(path, f"the file name's language: {wrong_language}",
                                    expected="transcript.<language>.<ext>, e.g. "
                                             "transcript.en.srt"))
            continue
        try:
            tr = transcripts.name_speakers(transcripts.read(path, language), ep.speakers)
        except FeedpubError as err:
            problems.extend(err.problems)
            continue
        wrong = checks.check(tr, measured.audio.duration, show.language,
                             ep.transcript_languages)
        problems.extend(wrong)
        if not wrong:
            found.append(tr)
    return [tr for tr in found if not duplicate(tr, found, show.language, problems)]


def duplicate(tr: Transcript, found: list[Transcript], default_language: str,
              problems: list[Problem]) -> bool:
    """Two timed (or two untimed) transcripts in one language: one would be dropped unseen,
    so both are named in an error.  A timed and an untimed one may share a language: the
    timed one is published (README, "What is published")."""
    same = [o for o in found if o is not tr and o.timed == tr.timed
            and (o.language or default_language) == (tr.language or default_language)]
    if not same:
        return False
    first = min([tr, *same], key=lambda t: str(t.source))
    if first is tr:
        names = ", ".join(sorted(t.source.name for t in [tr, *same] if t.source))
        problems.append(Problem(tr.source, f"{names} are transcripts in the same language "
                                f"({tr.language or default_language})",
                                expected="one transcript per language",
                                hint="keep one, or name the other's language: "
                                     "transcript.en.srt"))
    return True


def read_chapters(measured: MeasuredEpisode, problems: list[Problem]) -> tuple[Chapter, ...]:
    audio = measured.audio
    try:
        return chapters.load(measured.episode.chapters_file, audio.chapters, audio.duration,
                             audio=measured.episode.audio_file)
    except FeedpubError as err:
        problems.extend(err.problems)
        return ()
