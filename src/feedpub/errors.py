"""One exception hierarchy for everything a podcaster can get wrong.

Every user-facing problem is a :class:`Problem` (file, line, what is wrong,
what was expected).  Stages collect problems instead of stopping at the first
one, then raise a single :class:`FeedpubError` carrying all of them, so one
run shows the whole list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0
    CONTENT = 1  # the show has errors (or warnings under --strict)
    USAGE = 2  # bad command line or unreadable configuration
    PUBLISH = 3  # upload or notification failed
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the show's sources, located as precisely as we can."""

    path: Path | str | None
    message: str
    line: int | None = None
    expected: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def relative_to(self, root: Path) -> "Problem":
        """The same problem with its path shown relative to the show folder."""
        if isinstance(self.path, Path):
            try:
                return Problem(self.path.relative_to(root), self.message, self.line,
                               self.expected, self.hint)
            except ValueError:
                pass
        return self


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


class ValidationError(FeedpubError):
    """A feed breaks a rule that podcast apps or directories enforce."""


class PublishError(FeedpubError):
    """Uploading or notifying failed."""

    exit_code = ExitCode.PUBLISH


class UsageError(FeedpubError):
    exit_code = ExitCode.USAGE
