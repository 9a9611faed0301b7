"""``feedpub transcript convert``: one file to another format, for podcasters outside a build."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem, TranscriptError, UsageError
from ..writefile import write_atomic
from . import READERS, WRITERS, check_timings, language_of, read, writer_for
from .registry import Writer


def output_writer(dst: Path) -> Writer:
    writer = writer_for(dst)
    if writer is None:
        raise UsageError(Problem(dst, f"cannot write {dst.suffix or 'extension-less'} "
                                 "transcripts",
                                 expected="one of " + ", ".join(w.ext for w in WRITERS)))
    return writer


def convert(src: Path, dst: Path, language: str | None = None, title: str = "") -> tuple[
        Writer, int]:
    """Read ``src``, check its timings, write ``dst`` atomically; (writer, segment count).

    Timed output from untimed input is refused rather than faked.
    """
    writer = output_writer(dst)
    if src.suffix.lower() not in READERS:
        raise UsageError(Problem(src, f"cannot read {src.suffix or 'extension-less'} "
                                 "transcripts", expected="one of " + ", ".join(READERS)))
    if not src.is_file():
        raise UsageError(Problem(src, "no such file"))
    transcript = read(src, language or language_of(src, "") or "")
    if writer.timed and not transcript.timed:
        raise UsageError(Problem(
            src, f"has no timings, so it cannot be written as {writer.name.upper()}",
            expected="timed input: SRT, VTT, or JSON with startTime and endTime",
            hint="write .html or .txt instead; timings are never invented"))
    problems = check_timings(transcript, None)
    if problems:
        raise TranscriptError(problems)
    text = writer.write(transcript, title or src.stem)
    try:
        write_atomic(dst, text.encode("utf-8"))
    except OSError as exc:
        raise TranscriptError(Problem(dst, f"cannot write: {exc.strerror}")) from None
    return writer, len(transcript.segments)
