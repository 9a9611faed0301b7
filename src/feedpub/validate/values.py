"""Value checkers shared by the rule modules: dates, URLs, MIME types, languages.

They run once per item on feeds with 100,000 episodes, so they use
precompiled regular expressions and return plain values instead of raising.
"""

from __future__ import annotations

import email.utils
import functools
import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

from ..spec import is_email, language_problem
from ..spec import podcast_guid as podcast_guid_for

__all__ = ["is_email", "language_problem", "podcast_guid_for"]

def q(value: str | None, missing: str = "(empty)") -> str:
    """A value quoted for a message; an absent one is said in words, never Python's None."""
    return missing if value is None else repr(value)


_MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ZONES = {"GMT": 0, "UT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
#: runs of whitespace between the parts are RFC 2822 folding whitespace (FWS), so
#: "Tue,  13 May 2025 …" is as valid as "Tue, 13 May 2025 …"
_RFC2822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s*,\s*)?(\d{1,2})\s+"
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+"
    r"(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|GMT|UT|Z|[ECMP][SD]T)")


_TZ_CACHE: dict[str, timezone] = {}


class DateProblem(ValueError):
    """A date that is not strict RFC 2822; ``fixed`` is the corrected text if known."""

    def __init__(self, rule: str, message: str, fixed: str | None = None):
        super().__init__(message)
        self.rule = rule
        self.fixed = fixed


def parse_rfc2822(text: str) -> datetime:
    """Parse a strict RFC 2822 date (4-digit year, English names, numeric or named zone).

    Raises :class:`DateProblem` with rule ``date-format`` or ``date-weekday``.
    """
    m = _RFC2822.fullmatch(text)
    if m is None:
        loose = _loose(text)
        fixed = email.utils.format_datetime(loose) if loose is not None else None
        raise DateProblem("date-format", f"{text!r} is not an RFC 2822 date", fixed)
    dow, day, mon, year, hh, mm, ss, zone = m.groups()
    tz = _TZ_CACHE.get(zone)
    if tz is None:
        tz = _zone(text, zone)
        _TZ_CACHE[zone] = tz
    try:
        dt = datetime(int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss or 0),
                      tzinfo=tz)
    except ValueError as err:
        raise DateProblem("date-format", f"{text!r} is not a real date ({err})") from None
    if dow is not None and _DAYS[dt.weekday()] != dow:
        raise DateProblem("date-weekday",
                          f"{text!r}: {dt:%d %b %Y} is a {_DAYS[dt.weekday()]}, not a {dow}",
                          email.utils.format_datetime(dt))
    return dt


def _zone(text: str, zone: str) -> timezone:
    """The time zone of a numeric (+hhmm) or named zone; offsets must be under 24 h."""
    if zone[0] not in "+-":
        return timezone(timedelta(hours=_ZONES[zone]))
    hours, minutes = int(zone[1:3]), int(zone[3:5])
    if hours > 23 or minutes > 59:
        raise DateProblem("date-format", f"{text!r} has the time zone offset {zone}; an offset "
                          "is +hhmm with hh under 24 and mm under 60")
    total = hours * 60 + minutes
    return timezone(timedelta(minutes=total if zone[0] == "+" else -total))


def _loose(text: str) -> datetime | None:
    """What a lenient reader would make of the date, to suggest a fix."""
    try:
        dt = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            dt = datetime.fromisoformat(text.strip())
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


_HTTP_URL = re.compile(r"https?://[^\s/?#@]*[^\s/?#@:][^\s/?#]*(?:[/?#]\S*)?")


def is_absolute_url(value: str | None) -> bool:
    """An absolute http(s) URL with a host and no whitespace (called per item: cheap)."""
    if not value:
        return False
    if value.startswith("https://"):
        host = 8
    elif value.startswith("http://"):
        host = 7
    else:
        return False
    if len(value) > host and value[host] not in "/?#@:[" and value.isprintable() \
            and " " not in value and "@" not in value and value.find(":", host) < 0:
        return True  # the common case (no port, no IPv6 host), decided without the regex
    return _HTTP_URL.fullmatch(value) is not None and _authority_ok(value)


def _authority_ok(url: str) -> bool:
    """urlsplit accepts the host and port: brackets closed around an IP, port 0-65535."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    except ValueError:
        return False
    return bool(parts.hostname)


def safe_hostname(url: str) -> str:
    """Lower-case host of a feed-supplied URL, or "" when there is none or it is malformed."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # "https://[::1" and other broken IPv6 hosts
        return ""


def url_extension(url: str) -> str:
    """File extension of a URL's path, lower-case, ignoring query and fragment."""
    path = url.partition("?")[0].partition("#")[0]
    slash = path.rfind("/")
    dot = path.rfind(".")
    if dot <= slash or path.count("/") < 3:
        return ""
    return path[dot + 1:].lower()


_MIME = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?")


@functools.lru_cache(maxsize=256)
def is_mime(value: str) -> bool:
    return _MIME.fullmatch(value) is not None


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def ascii_int(text: str | None) -> int | None:
    """The value of a plain ASCII digit string, else None ("²".isdigit() is True, but
    int("²") raises)."""
    if text is None or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def is_positive_int(text: str | None) -> bool:
    return text is not None and text.isdigit() and text.isascii() and int(text) > 0


_DECIMAL = re.compile(r"\d+(\.\d+)?")


def is_decimal(text: str | None) -> bool:
    return text is not None and _DECIMAL.fullmatch(text.strip()) is not None


_EPISODE_WORD = re.compile(r"\b(?:episode|ep\.?|folge|épisode)\s*#?\d")
_SEASON_EPISODE = re.compile(r"\bs\d{1,2}\s*e\d{1,3}\b")


def title_has_number(title: str) -> bool:
    """True for titles like 'Episode 12: …', 'S2E3 …' or '#12 …' (cheap pre-checks first)."""
    if title.startswith("#") and title[1:2].isdigit():
        return True
    low = title.lower()
    if ("ep" in low or "folge" in low) and _EPISODE_WORD.search(low):
        return True
    return _SEASON_EPISODE.search(low) is not None


_GEO = re.compile(r"geo:-?\d+(\.\d+)?,-?\d+(\.\d+)?(,-?\d+(\.\d+)?)?(;.*)?", re.IGNORECASE)
_OSM = re.compile(r"[NWR]\d+(#\d+)?")


def is_geo_uri(value: str) -> bool:
    return _GEO.fullmatch(value) is not None


def is_osm(value: str) -> bool:
    return _OSM.fullmatch(value) is not None
