"""Publication dates and declared durations, parsed strictly.

A wrong date reorders a feed and a wrong duration misleads listeners, so
anything impossible or ambiguous is refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import format_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import DeclaredDuration
from .spec import DECLARED_DURATION_TOLERANCE
from .timecode import CLOCK, MAX_SECONDS, clock_seconds

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
WORDS = re.compile(
    r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*(?:min|mn|m)?)?\s*(?:(?P<s>\d+)\s*s)?$",
    re.IGNORECASE,
)
#: how far a precise declared duration may be from the measured one
TOLERANCE = DECLARED_DURATION_TOLERANCE


class DateProblem(ValueError):
    """A date or duration that cannot be read; the message says what was expected."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DateProblem(f"unknown time zone {name!r}") from None


def parse_date(value: object, tz: ZoneInfo) -> datetime:
    """A timezone-aware datetime from what a podcaster may write in episode.toml.

    Accepted: TOML dates and datetimes, ISO 8601 strings, and ``DD/MM/YYYY``.
    A date or a naive datetime is taken in the show's time zone.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip())
    else:
        raise DateProblem(f"a date must be text or a TOML date, not {type(value).__name__}")
    if not 1970 <= parsed.year <= 9000:
        raise DateProblem(f"year {parsed.year} is not a plausible publication year")
    if parsed.tzinfo is None:
        if parsed.replace(tzinfo=tz, fold=0).utcoffset() != \
                parsed.replace(tzinfo=tz, fold=1).utcoffset():
            raise DateProblem(f"{parsed.isoformat(sep=' ')} does not exist or happens twice in "
                              f"{tz.key} (a daylight saving change); give the UTC offset")
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def _parse_date_text(text: str) -> datetime:
    match = DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if month > 12:
            hint = " (it looks like MM/DD/YYYY)" if day <= 12 else ""
            raise DateProblem(f"{text!r} has no month {month}{hint}")
        try:
            return datetime(year, month, day)
        except ValueError:
            raise DateProblem(f"{text!r} is not a real date") from None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), time(0, 0))
        return datetime.fromisoformat(text)
    except ValueError:
        raise DateProblem(f"{text!r} is not a date") from None


def rfc2822(moment: datetime, tz: ZoneInfo) -> str:
    """RFC 2822 text in the show's zone, e.g. ``Tue, 13 May 2025 00:00:00 +0200``."""
    return format_datetime(moment.astimezone(tz))


def parse_duration(value: object) -> DeclaredDuration:
    """A declared duration with the range of real durations it allows.

    ``04min`` allows 4:00–4:59; ``1h`` allows 1:00:00–1:59:59; ``4:12``,
    ``00:04:12`` and ``252`` allow 252 s within :data:`TOLERANCE`.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DateProblem("a duration must be a number of seconds or text such as '04min'")
    text = str(value).strip()
    if isinstance(value, (int, float)) or re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
        if not 0 < seconds < MAX_SECONDS:  # also refuses inf and nan
            raise DateProblem(f"{text!r} is not a plausible number of seconds")
        return DeclaredDuration(text, max(0.0, seconds - TOLERANCE), seconds + TOLERANCE)
    clock = CLOCK.match(text)
    if clock and clock.group(4) is None:  # whole seconds: a fraction is no declared duration
        at = clock_seconds(clock)
        if at is None:
            raise DateProblem(f"{text!r} is not a valid clock time")
        return DeclaredDuration(text, max(0.0, at - TOLERANCE), at + TOLERANCE)
    words = WORDS.match(text)
    if text and words and any(words.group(k) for k in "hms"):
        h, m, s = (int(words.group(k) or 0) for k in "hms")
        seconds = h * 3600 + m * 60 + s
        # The smallest unit written is the precision of the claim.
        step = 1 if words.group("s") else 60 if words.group("m") else 3600
        if step == 1:
            return DeclaredDuration(text, max(0.0, seconds - TOLERANCE), seconds + TOLERANCE)
        return DeclaredDuration(text, float(seconds), seconds + step - 1e-6)
    raise DateProblem(f"{text!r} is not a duration")
