"""One diagnostic type and one exception hierarchy for everything a podcaster can get wrong.

Every user-facing problem -- a build problem or a validate finding -- is a
:class:`Diagnostic`: how bad, which rule, what is wrong, where (file and line),
what was expected, how to fix it, and the URL a network check looked at.
Stages collect them instead of stopping at the first one, then raise a single
:class:`FeedpubError` carrying all of them, so one run shows the whole list.
The command line maps each error class to its exit code in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "info"]


class ExitCode(enum.IntEnum):
    OK = 0
    CONTENT = 1  # the show has errors (or warnings under --strict)
    USAGE = 2  # bad command line or unreadable configuration
    PUBLISH = 3  # upload or notification failed
    INTERNAL = 70  # a bug of feedpub's (EX_SOFTWARE of sysexits.h)
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM, as a shell reports it (128 + 15)


@dataclass(frozen=True)
class Diagnostic:
    """One thing wrong, located as precisely as we can.

    The first five fields are those of a build problem, in the order
    :data:`Problem` has always taken them; validate's findings set ``severity``,
    ``rule`` and ``url`` too (see :class:`feedpub.validate.Finding`).  The text
    form never names the severity: whoever prints it does, once.
    """

    path: Path | str | None
    message: str
    line: int | None = None
    expected: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    rule: str | None = None
    url: str | None = None  # the resource a network check looked at

    @property
    def where(self) -> str:
        """``path:line``, ``path``, or "" when the problem has no place."""
        if self.path is None or self.path == "":
            return f":{self.line}" if self.line is not None else ""
        return str(self.path) + (f":{self.line}" if self.line is not None else "")

    def format(self, severity: bool = False) -> str:
        """``where: [severity ][[rule] ]message (expected …)`` and a hint line."""
        where = self.where
        text = f"{where}: " if where else ""
        if severity:
            text += f"{self.severity} "
        if self.rule:
            text += f"[{self.rule}] "
        text += self.message
        if self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()

    def changed(self, **changes: object) -> Diagnostic:
        """A copy with some fields changed (a plain Diagnostic, whatever made this one)."""
        values = {f.name: getattr(self, f.name) for f in fields(Diagnostic)}
        return Diagnostic(**{**values, **changes})

    def at(self, path: Path | str | None, line: int | None) -> Diagnostic:
        """The same diagnostic reported at another place (e.g. the source of a feed line)."""
        return self.changed(path=path, line=line)

    def relative_to(self, root: Path) -> Diagnostic:
        """The same problem with its path shown relative to the show folder."""
        if isinstance(self.path, Path):
            try:
                return self.changed(path=self.path.relative_to(root))
            except ValueError:
                pass
        return self


#: A build problem: ``Problem(path, message, line, expected, hint)`` (an error).
Problem = Diagnostic


class FeedpubError(Exception):
    """Base of every error meant for the user rather than for a traceback."""

    exit_code = ExitCode.CONTENT

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = Problem(None, problems)
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(FeedpubError):
    """podcast.toml (or the show folder itself) is unusable."""

    exit_code = ExitCode.USAGE


class EpisodeError(FeedpubError):
    """An episode folder has bad or missing metadata."""


class AudioError(FeedpubError):
    """An audio file is missing, unreadable, or disagrees with its metadata."""


class TranscriptError(FeedpubError):
    """A transcript or chapters file is malformed."""


class PublishError(FeedpubError):
    """Uploading or notifying failed."""

    exit_code = ExitCode.PUBLISH


class UsageError(FeedpubError):
    exit_code = ExitCode.USAGE


class Failed(FeedpubError):
    """The command ran and has already said why it fails (a stale output under --check,
    a feed with errors): nothing more to print, exit 1."""

    def __init__(self) -> None:
        super().__init__([])


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` (temp files) runs."""
