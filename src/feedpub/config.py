"""podcast.toml -> :class:`~feedpub.model.Show`, with every problem reported at once."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from . import spec
from .dates import DateProblem, zone
from .errors import ConfigError, Problem
from .model import Category, Funding, Owner, Person, Show
from .tomlsrc import TomlSource, get, load

CONFIG_NAME = "podcast.toml"
#: the namespace UUID the Podcasting 2.0 spec uses to derive podcast:guid
PODCAST_GUID_NAMESPACE = uuid.UUID(spec.PODCAST_GUID_NAMESPACE)
#: a show with episodes has a content medium; the list mediums ("podcastL") are for feeds
#: of podcast:remoteItem, which feedpub does not write
MEDIUMS = set(spec.CONTENT_MEDIUMS)
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
podcast_guid = spec.podcast_guid


def check_url(src: TomlSource, dotted: str, value: str | None, *, folder: bool = False) -> str:
    if value is None:
        return ""
    if not re.match(r"^https?://[^/\s]+", value):
        src.problem(dotted, f"{value!r} is not an absolute URL",
                    "an address starting with https://")
        return value
    if folder and not value.endswith("/"):
        value += "/"
    return value


def parse_category(src: TomlSource, index: int, text: str) -> Category | None:
    name, _, sub = (part.strip() for part in text.partition(">"))
    wrong = spec.check_category(name, sub or None)
    if wrong:
        explained = "(" in wrong  # already says what would be right
        src.problem(f"categories.{index}", wrong, None if explained else
                    "a name from Apple's list, e.g. 'Technology' or 'Society & Culture > Philosophy'")
        return None
    return Category(name, sub or None)


def person_fields(src: TomlSource, data: Any, dotted: str, who: str) -> dict[str, Any] | None:
    """name, role, group, href and img of a [[podcast.persons]] or [[speakers]] entry."""
    if not isinstance(data, dict):
        src.problem(dotted, "must be a table", "name, and optionally role, group, href, img")
        return None
    name = get(src, data, "name", f"{dotted}.name", str, f"the {who}'s name", required=True)
    if not name:
        return None
    return {
        "name": name,
        "role": get(src, data, "role", f"{dotted}.role", str, "a Podcast Taxonomy role",
                    default="host"),
        "group": get(src, data, "group", f"{dotted}.group", str, "a Podcast Taxonomy group",
                     default="cast"),
        "href": check_url(src, f"{dotted}.href",
                          get(src, data, "href", f"{dotted}.href", str, "a URL")) or None,
        "img": check_url(src, f"{dotted}.img",
                         get(src, data, "img", f"{dotted}.img", str, "an image URL")) or None,
    }


def load_show(root: Path) -> Show:
    """Read ``root/podcast.toml``; raise ConfigError listing every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(Problem(path, "no podcast.toml here",
                                  hint="run feedpub in the show folder, or pass -C DIR"))
    src, syntax = load(path)
    if syntax:
        raise ConfigError(syntax)
    assert src is not None
    d = src.data

    def text(key: str, expected: str, required: bool = True, default: Any = None) -> Any:
        return get(src, d, key, key, str, expected, required=required, default=default)

    title = text("title", "the show's title")
    description = text("description", "a description of the show")
    link = check_url(src, "link", text("link", "the show's website URL"))
    language = text("language", "a language code such as 'fr' or 'en-us'")
    if language and spec.language_problem(language):
        src.problem("language", f"{language!r} is not a language code",
                    "an ISO 639 code such as 'fr' or 'en-us' (hyphen, not underscore)")
    author = text("author", "the show's author or network")
    artwork = text("artwork", "the cover art (JPEG or PNG): a URL, or a file beside podcast.toml")
    if artwork and "://" not in artwork:  # a file of the show, published with the site
        if not (root / artwork).is_file():
            src.problem("artwork", f"{artwork!r}: no such file in the show folder",
                        "an image URL, or the name of an image file beside podcast.toml")
    else:
        artwork = check_url(src, "artwork", artwork)
    if artwork and not re.search(r"\.(jpe?g|png)$", artwork.split("?")[0], re.IGNORECASE):
        src.problem("artwork", f"{artwork!r} does not end in .jpg or .png",
                    "a JPEG or PNG image URL, as Apple requires")
    explicit = get(src, d, "explicit", "explicit", bool, "true or false", required=True)
    show_type = text("type", "'episodic' or 'serial'", required=False, default="episodic")
    if show_type not in spec.SHOW_TYPES:
        src.problem("type", f"got {show_type!r}", "'episodic' or 'serial'")
    feed_url = check_url(src, "feed_url", text("feed_url", "the public URL of feed.xml"))
    media = check_url(src, "media_base_url",
                      text("media_base_url", "the public URL audio files are served from"),
                      folder=True)
    tz_name = text("timezone", "an IANA time zone", required=False, default="Europe/Paris")
    try:
        zone(tz_name)
    except DateProblem as exc:
        src.problem("timezone", str(exc), "an IANA time zone such as 'Europe/Paris'")

    owner_data = get(src, d, "owner", "owner", dict, "an [owner] table with name and email",
                     required=True, default={})
    owner_name = get(src, owner_data, "name", "owner.name", str, "the owner's name", required=True)
    owner_email = get(src, owner_data, "email", "owner.email", str, "the owner's email",
                      required=True)
    if owner_email and not spec.is_email(owner_email):
        src.problem("owner.email", f"{owner_email!r} is not an email address",
                    "an address directories can send a verification code to")

    categories = []
    raw_categories = get(src, d, "categories", "categories", list,
                         "a list such as [\"Technology\"]", required=True, default=[])
    for i, item in enumerate(raw_categories):
        if not isinstance(item, str):
            src.problem(f"categories.{i}", f"got {item!r}", "a category name")
        elif (cat := parse_category(src, i, item)) is not None:
            categories.append(cat)
    if not raw_categories and isinstance(d.get("categories"), list):
        src.problem("categories", "is empty", "at least one Apple category")

    pc = get(src, d, "podcast", "podcast", dict, "a [podcast] table", default={})
    guid = get(src, pc, "guid", "podcast.guid", str, "a UUID")
    if guid is not None and not UUID_TEXT.match(guid):
        src.problem("podcast.guid", f"{guid!r} is not a UUID", "a UUID (8-4-4-4-12 hex)")
    medium = get(src, pc, "medium", "podcast.medium", str, "a medium", default="podcast")
    if medium not in MEDIUMS:
        src.problem("podcast.medium", f"got {medium!r}", "one of " + ", ".join(sorted(MEDIUMS)))
    funding = []
    for i, f in enumerate(get(src, pc, "funding", "podcast.funding", list,
                              "[[podcast.funding]] tables", default=[])):
        dotted = f"podcast.funding.{i}"
        if isinstance(f, dict):
            url = check_url(src, f"{dotted}.url",
                            get(src, f, "url", f"{dotted}.url", str, "a URL", required=True))
            label = get(src, f, "text", f"{dotted}.text", str, "a short label", default="Support us")
            if url:
                funding.append(Funding(url, label))
        else:
            src.problem(dotted, "must be a table", "url and text")
    persons = [Person(**fields) for i, raw in enumerate(
        get(src, pc, "persons", "podcast.persons", list, "[[podcast.persons]] tables", default=[]))
        if (fields := person_fields(src, raw, f"podcast.persons.{i}", "person"))]

    media_dir = text("media_dir", "a folder path for audio kept outside the repository",
                     required=False)
    copyright_line = text("copyright", "a copyright line", required=False)
    locked = get(src, pc, "locked", "podcast.locked", bool, "true or false", default=True)
    locked_owner = get(src, pc, "locked_owner", "podcast.locked_owner", str, "an email",
                       default=owner_email)
    if src.problems:
        raise ConfigError(src.problems)
    return Show(
        root=root,
        title=title.strip(),
        description=description.strip(),
        link=link,
        language=language,
        author=author,
        owner=Owner(owner_name, owner_email),
        artwork=artwork,
        categories=tuple(categories),
        explicit=explicit,
        feed_url=feed_url,
        media_base_url=media,
        timezone=tz_name,
        type=show_type,
        copyright=copyright_line,
        podcast_guid=guid or podcast_guid(feed_url),
        locked=locked,
        locked_owner=locked_owner,
        funding=tuple(funding),
        medium=medium,
        persons=tuple(persons),
        media_dir=(root / Path(media_dir).expanduser()) if media_dir else None,
    )
