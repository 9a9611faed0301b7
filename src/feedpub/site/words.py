"""Dates, durations and the pages' own words, the way the show's language writes them.

Dates and durations come from Babel (the Unicode CLDR data): ``13 mai 2025`` and
``4 min`` in French, ``May 13, 2025`` and ``4 min`` in English.  The few words of
the pages themselves ("Transcript", "Download"…) are kept here for the languages
feedpub knows; a theme can override any of them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.units import format_unit

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "episodes": "Episodes", "subscribe": "Subscribe", "feed": "RSS feed",
        "copy": "Copy", "copied": "Copied", "description": "Description",
        "transcript": "Transcript", "chapters": "Chapters", "download": "Download the audio",
        "transcript_files": "Transcript files", "search": "Search",
        "search_nojs": "Search needs JavaScript; every episode is listed on the show's pages.",
        "older": "Older episodes", "newer": "Newer episodes", "page": "Page",
        "listen": "Listen", "embed": "Embed this player", "show": "All episodes",
        "no_audio": "Your browser cannot play this audio; download it instead.",
        "season": "Season", "episode": "Episode", "skip": "Skip to content",
        "loudness": "Loudness",
    },
    "fr": {
        "episodes": "Épisodes", "subscribe": "S’abonner", "feed": "Flux RSS",
        "copy": "Copier", "copied": "Copié", "description": "Description",
        "transcript": "Transcription", "chapters": "Chapitres",
        "download": "Télécharger l’audio", "transcript_files": "Fichiers de la transcription",
        "search": "Rechercher",
        "search_nojs": "La recherche demande JavaScript ; tous les épisodes sont listés "
                       "sur les pages de l’émission.",
        "older": "Épisodes plus anciens", "newer": "Épisodes plus récents", "page": "Page",
        "listen": "Écouter", "embed": "Intégrer ce lecteur", "show": "Tous les épisodes",
        "no_audio": "Votre navigateur ne peut pas lire cet audio ; téléchargez-le.",
        "season": "Saison", "episode": "Épisode", "skip": "Aller au contenu",
        "loudness": "Volume sonore",
    },
}


@lru_cache(maxsize=32)
def locale(language: str) -> Locale:
    """The Babel locale of an RSS language code ("fr", "en-us"); English if unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en")


@lru_cache(maxsize=32)
def og_locale(language: str) -> str:
    """Open Graph's ``language_TERRITORY``: ``fr_FR`` for "fr", ``en_US`` for "en"."""
    loc = locale(language)
    if loc.territory:
        return f"{loc.language}_{loc.territory}"
    likely = Locale.parse(get_global("likely_subtags").get(loc.language, "en_Latn_US"))
    return f"{loc.language}_{likely.territory or 'US'}"


def labels(language: str) -> dict[str, str]:
    base = language.split("-")[0].lower()
    return {**LABELS["en"], **LABELS.get(base, {})}


def date_text(when: datetime, language: str) -> str:
    """The publication day in the show's time zone, e.g. ``13 mai 2025``."""
    return day_text(when.date(), language)


# Babel formats are slow next to a page (tens of µs each); a site asks for the same
# days, durations and sizes many times (each episode is on its page and a show page).
@lru_cache(maxsize=8192)
def day_text(day: date, language: str) -> str:
    return format_date(day, format="long", locale=locale(language))


@lru_cache(maxsize=8192, typed=True)  # 4 and 4.0 are not written alike
def unit_text(value: float, unit: str, language: str) -> str:
    return format_unit(value, unit, length="short", locale=locale(language))


def duration_text(seconds: float, language: str) -> str:
    """``4 min``, ``1 h 5 min``, ``45 s``: minutes are rounded down, as pages show them."""
    total = int(seconds)
    hours, minutes = divmod(total // 60, 60)
    if total < 60:
        return unit_text(total, "duration-second", language)
    parts = []
    if hours:
        parts.append(unit_text(hours, "duration-hour", language))
    if minutes or not hours:
        parts.append(unit_text(minutes, "duration-minute", language))
    return " ".join(parts)


def size_text(size: int, language: str) -> str:
    """A file size for a download link: ``0,5 Mo`` in French, ``0.5 MB`` in English."""
    return unit_text(round(size / 1_000_000, 1), "digital-megabyte", language)


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration for structured data: ``PT4M12S``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") \
        + f"{secs}S"
