"""HTML out, following the namespace's convention: ``<cite>``, ``<time>``, ``<p>`` per turn."""

from __future__ import annotations

from html import escape

from ..model import Transcript
from ..timecode import clock
from .registry import Writer


def write(transcript: Transcript, title: str = "") -> str:
    lang = escape(transcript.language or "", quote=True)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">' if lang else "<html>",
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title or 'Transcript')}</title>",
        "</head>",
        "<body>",
    ]
    for seg in transcript.segments:
        if seg.speaker:
            parts.append(f"<cite>{escape(seg.speaker)}:</cite>")
        if seg.start is not None:
            parts.append(f"<time>{clock(seg.start)}</time>")
        body = "<br>".join(escape(line) for line in seg.text.split("\n"))
        parts.append(f"<p>{body}</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


WRITER = Writer(name="html", ext=".html", mime="text/html", timed=False, write=write)
