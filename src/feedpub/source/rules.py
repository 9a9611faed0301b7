"""Value rules of the source files: what a field's validator refuses, and why.

Each rule takes the value (already of the field's TOML type) and returns a
:class:`Refusal` or None.  They apply the same rules the feed validator
applies to the feed (``feedpub.validate.values``), so that a value the
validator would refuse is refused when loading, at its line in the TOML file,
and never later at ``feed.xml (not written)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import spec
from ..dates import DateProblem, parse_duration, zone
from ..spec import is_email, language_problem
from ..timecode import parse_time
from ..validate.rules_sanity import is_placeholder
from ..validate.values import is_absolute_url, is_uuid, url_extension


@dataclass(frozen=True)
class Refusal:
    """Why a value is refused: ``message`` follows the dotted key in the error line."""

    message: str
    expected: str | None = None
    hint: str | None = None


Rule = Callable[[Any], "Refusal | None"]

#: a show with episodes has a content medium; the list mediums ("podcastL", "mixed") are
#: for feeds of podcast:remoteItem, which feedpub does not write
MEDIUMS = tuple(sorted(spec.CONTENT_MEDIUMS))
SHOW_TYPES = spec.SHOW_TYPES
EPISODE_TYPES = spec.EPISODE_TYPES
MAX_NUMBER = 1_000_000
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png")
URL_EXPECTED = "an address starting with https://"


def url(value: str) -> Refusal | None:
    """An absolute http(s) URL, as the feed validator requires of every link."""
    if not re.match(r"^https?://[^/\s]+", value) or not is_absolute_url(value):
        return Refusal(f"{value!r} is not an absolute URL", URL_EXPECTED)
    return None


def https_url(value: str) -> Refusal | None:
    """An absolute URL, and https: the Podcasting 2.0 namespace requires it of its tags."""
    wrong = url(value)
    if wrong is None and value.startswith("http:"):
        return Refusal(f"{value!r} is not https", "an https:// address",
                       "the Podcasting 2.0 namespace requires https for every URL")
    return wrong


def image_url(value: str) -> Refusal | None:
    """An absolute URL ending in .jpg, .jpeg or .png: the only images Apple accepts."""
    wrong = url(value)
    if wrong is None and url_extension(value) not in IMAGE_EXTENSIONS:
        return Refusal(f"{value!r} does not end in .jpg or .png",
                       "a JPEG or PNG image URL, as Apple requires")
    return wrong


def image_ref(value: str) -> Refusal | None:
    """An image URL (as :func:`image_url`), or the name of a JPEG or PNG file of the show."""
    if "://" in value:
        return image_url(value)
    if url_extension("file:///" + value) not in IMAGE_EXTENSIONS:
        return Refusal(f"{value!r} does not end in .jpg or .png",
                       "a JPEG or PNG image, as Apple requires")
    return None


def language(value: str) -> Refusal | None:
    if language_problem(value) is not None or not re.fullmatch(r"[A-Za-z0-9-]+", value):
        return Refusal(f"{value!r} is not a language code",
                       "an ISO 639 code such as 'fr' or 'en-us' (hyphen, not underscore)")
    return None


def email(value: str) -> Refusal | None:
    if not is_email(value):
        return Refusal(f"{value!r} is not an email address",
                       "an address directories can send a verification code to")
    return None


def uuid_text(value: str) -> Refusal | None:
    if not is_uuid(value) or value != value.lower():
        return Refusal(f"{value!r} is not a UUID", "a UUID (8-4-4-4-12 hex)")
    return None


def one_of(*allowed: str, expected: str | None = None) -> Rule:
    """The value must be one of ``allowed`` (exact spelling)."""
    def rule(value: str) -> Refusal | None:
        if value not in allowed:
            return Refusal(f"got {value!r}", expected or "one of " + ", ".join(allowed))
        return None
    rule.__doc__ = "one of " + ", ".join(allowed)
    return rule


def category(value: str) -> Refusal | None:
    """``"Name"`` or ``"Name > Sub"`` from Apple's list."""
    name, _, sub = (part.strip() for part in value.partition(">"))
    wrong = spec.check_category(name, sub or None)
    if wrong:
        explained = "(" in wrong  # already says what would be right
        return Refusal(wrong, None if explained else
                       "a name from Apple's list, e.g. 'Technology' or "
                       "'Society & Culture > Philosophy'")
    return None


def time_zone(value: str) -> Refusal | None:
    try:
        zone(value)
    except DateProblem as exc:
        return Refusal(str(exc), "an IANA time zone such as 'Europe/Paris'")
    return None


def not_placeholder(value: str) -> Refusal | None:
    """Directories reject shows whose description is a placeholder ("TODO", "lorem ipsum")."""
    if value.strip() and is_placeholder(value):
        return Refusal(f"{value.strip()[:60]!r} looks like a placeholder",
                       "a real description: directories reject placeholder text")
    return None


def not_blank(expected: str) -> Rule:
    def rule(value: str) -> Refusal | None:
        return Refusal("is empty", expected) if not value.strip() else None
    return rule


def whole_number(value: int) -> Refusal | None:
    if not 1 <= value <= MAX_NUMBER:
        return Refusal(f"got {value}", f"a whole number from 1 to {MAX_NUMBER:,}")
    return None


def duration(value: Any) -> Refusal | None:
    try:
        parse_duration(value)
    except DateProblem as exc:
        return Refusal(str(exc), "seconds (252), a clock (4:12) or '04min'")
    return None


def seconds(value: Any) -> Refusal | None:
    """A chapter time: seconds (a number) or a clock time "H:MM:SS.mmm"."""
    if (isinstance(value, float) and not math.isfinite(value)) or parse_time(value) is None:
        return Refusal(f"malformed time {value!r}", 'seconds (12.5) or a clock time ("1:02:03.5")')
    return None
