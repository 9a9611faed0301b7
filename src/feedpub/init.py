"""``feedpub init``: a new show folder that builds, checks and publishes from the start.

The command line asks the questions (only ``cli.py`` talks to the user); this
module knows the questions, checks each answer as ``podcast.toml``'s loader
would, and writes every file only once all of them are known to be new (or
``--force`` is given).  The written ``podcast.toml`` is loaded back before
anything is written, so ``init`` cannot leave a show that does not load.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import ci, spec
from .config import CONFIG_NAME, load_show
from .dates import DateProblem, zone
from .errors import FeedpubError, Problem, UsageError
from .writefile import write_atomic

ARTWORK = "artwork.png"


def category_choices() -> list[str]:
    """Apple's categories, each followed by its subcategories ("Arts > Books")."""
    out = []
    for name, subs in spec.CATEGORIES.items():
        out.append(name)
        out += [f"{name} > {sub}" for sub in subs]
    return out


def system_timezone() -> str:
    """The machine's IANA time zone name ($TZ, /etc/timezone, /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    for name in candidates:
        if (name and "/" in name) or name == "UTC":
            try:
                zone(name)
                return name
            except DateProblem:
                continue
    return "UTC"


def folder_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/"


@dataclass
class Answers:
    title: str
    language: str
    author: str
    email: str
    feed_url: str
    media_base_url: str
    category: str
    timezone: str
    description: str = ""
    link: str = ""
    artwork: str = ""  # a URL or a file of the show; empty: a placeholder cover is made
    explicit: bool = False

    def __post_init__(self) -> None:
        self.description = self.description or f"{self.title}, a podcast by {self.author}."
        self.link = self.link or (folder_url(self.feed_url) if self.feed_url else "")


#: (option name, what it is) of each question, in the order they are asked
QUESTIONS = [
    ("title", "Title of the show"),
    ("language", "Language (ISO 639 code, e.g. en, fr, en-us)"),
    ("author", "Author (person or network)"),
    ("email", "Owner e-mail (directories send verification codes there)"),
    ("feed_url", "Public URL of feed.xml (https://…)"),
    ("media_base_url", "Public URL the audio files are served from"),
    ("category", "Apple Podcasts category"),
    ("timezone", "Time zone of dates written without a time"),
]


def default_for(name: str, root: Path, given: dict[str, str]) -> str | None:
    """What an unanswered question defaults to (None: it must be answered)."""
    if name == "title":
        words = re.sub(r"[-_]+", " ", root.resolve().name).split()
        return " ".join(w[:1].upper() + w[1:] for w in words) or None
    if name == "language":
        lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
        code = re.match(r"[a-z]{2,3}(?=[_.@]|$)", lang)
        return code.group(0) if code and code.group(0) not in ("c", "posix") else "en"
    if name == "media_base_url" and given.get("feed_url"):
        return folder_url(given["feed_url"]) + "media/"
    if name == "timezone":
        return system_timezone()
    return None


def check_answer(name: str, value: str) -> str:
    """The answer, normalised; UsageError saying what is expected when it is unusable."""
    value = " ".join(value.split()) if name in ("title", "author") else value.strip()
    problem: str | None = None
    expected = None
    if not value:
        problem, expected = "is empty", "a value"
    elif name == "language":
        problem = spec.language_problem(value)
        expected = "an ISO 639 code such as 'en' or 'fr-ca'"
    elif name == "email" and not spec.is_email(value):
        problem, expected = f"{value!r} is not an e-mail address", "name@example.org"
    elif name in ("feed_url", "media_base_url") and not re.match(r"^https://[^/\s]+/", value):
        problem, expected = f"{value!r} is not an https URL", "https://host/path"
    elif name == "feed_url" and value.endswith("/"):
        problem, expected = f"{value!r} names a folder", "the URL of the file, …/feed.xml"
    elif name == "category":
        value = choose_category(value)
    elif name == "timezone":
        try:
            zone(value)
        except DateProblem as exc:
            problem, expected = str(exc), "an IANA zone such as 'Europe/Paris'"
    if problem:
        raise UsageError(Problem(None, f"{name.replace('_', '-')}: {problem}",
                                 expected=expected))
    if name == "media_base_url" and not value.endswith("/"):
        value += "/"
    return value


def choose_category(value: str) -> str:
    """A category by its number in :func:`category_choices` or by its name."""
    choices = category_choices()
    if value.isdigit() and 1 <= int(value) <= len(choices):
        return choices[int(value) - 1]
    name, _, sub = (part.strip() for part in value.partition(">"))
    wrong = spec.check_category(name, sub or None)
    if wrong:
        raise UsageError(Problem(None, f"category: {wrong}",
                                 expected=f"a number from 1 to {len(choices)} or a name from "
                                 "Apple's list, e.g. 'Technology' or 'Arts > Books'"))
    return f"{name} > {sub}" if sub else name


#: comments written above keys of the new podcast.toml
NOTES = {
    "link": "the show's website",
    "artwork": "JPEG or PNG, square, 1400-3000 px: a URL, or a file beside this one",
    "categories": 'from Apple\'s list; a subcategory is written "Parent > Sub"',
    "type": '"episodic", or "serial" (then every episode needs a number)',
    "timezone": "the zone of dates written without a time",
    "feed_url": "where feed.xml is served, and the folder the audio files are served from",
    "podcast.locked": "other hosting platforms may not import the feed",
}


def podcast_toml(a: Answers) -> str:
    """podcast.toml for these answers, through the schema's writer, commented."""
    from .source.toml import dump

    values = {
        "title": a.title, "description": a.description, "link": a.link,
        "language": a.language, "author": a.author, "artwork": a.artwork or ARTWORK,
        "categories": [a.category], "explicit": a.explicit, "type": "episodic",
        "copyright": a.author, "timezone": a.timezone, "feed_url": a.feed_url,
        "media_base_url": a.media_base_url,
        "owner": {"name": a.author, "email": a.email},
        "podcast": {"locked": True, "medium": "podcast"},
    }
    return dump(CONFIG_NAME, values, notes=NOTES,
                header="The show: the RSS channel. Every key is described in feedpub's README.")


GITIGNORE = """\
# feedpub's build output (CI builds it again from the sources) and its build cache
public/
.feedpub/
# temporary files
*.tmp
*~
.DS_Store
"""


def show_readme(a: Answers, forge: str | None) -> str:
    ci_line = ""
    if forge:
        path = ci.FORGES[forge].path
        ci_line = (f"\n`{path}` builds, checks and publishes the show on every push to the main "
                   "branch, shows what a pull request changes in the feed, and publishes "
                   "episodes dated in the future when they are due.\n")
    return f"""\
# {a.title}

A podcast built with feedpub: `podcast.toml` is the show, `episodes/<slug>/` one folder per
episode, `feedpub.lock` what was measured and published (commit it).

```sh
feedpub new "Episode title" --slug my-first-episode   # then add the audio and show notes
feedpub build                                         # writes public/feed.xml
feedpub validate --offline                            # the feed rules
feedpub diff                                          # what changes against the live feed
```
{ci_line}"""


def placeholder_artwork() -> bytes:
    """A plain 1400 px square PNG (RGB, no alpha) that passes Apple's rules: replace it."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1400, 1400), (38, 70, 83)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


@dataclass
class Plan:
    root: Path
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    folders: list[str] = field(default_factory=list)
    feedpub_spec: str | None = None  # what the CI files install


def plan_show(root: Path, a: Answers, forge: str | None = None,
              feedpub_spec: str | None = None) -> Plan:
    """Every file init would write, checked (podcast.toml loads) but not written."""
    plan = Plan(root)
    plan.files[CONFIG_NAME] = podcast_toml(a).encode("utf-8")
    if not a.artwork:
        plan.files[ARTWORK] = placeholder_artwork()
    plan.files[".gitignore"] = GITIGNORE.encode("utf-8")
    plan.files["README.md"] = show_readme(a, forge).encode("utf-8")
    plan.folders.append("episodes")
    if forge:
        spec_text = feedpub_spec or ci.installed_spec()
        if not spec_text:
            raise UsageError(Problem(
                None, "--ci: cannot tell where CI should install feedpub from (this feedpub "
                "was not installed from a git or https URL)",
                expected="--feedpub-spec 'feedpub @ git+https://…/feedpub.git@<commit or tag>'"))
        plan.feedpub_spec = spec_text
        plan.files[ci.FORGES[forge].path] = ci.render(forge, spec_text).encode("utf-8")
    _check_loads(plan, a)
    return plan


def _check_loads(plan: Plan, a: Answers) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for name in (CONFIG_NAME, ARTWORK):
            if name in plan.files:
                (scratch / name).write_bytes(plan.files[name])
        if a.artwork and "://" not in a.artwork:
            src = plan.root / a.artwork
            if src.is_file():
                (scratch / a.artwork).parent.mkdir(parents=True, exist_ok=True)
                (scratch / a.artwork).write_bytes(src.read_bytes())
        try:
            load_show(scratch)
        except FeedpubError as err:
            raise UsageError([Problem(None, p.message, p.line, p.expected, p.hint)
                              for p in err.problems]) from None


def write_show(plan: Plan, force: bool = False) -> list[Path]:
    """Write the planned files; refuse, writing nothing, when one exists (unless ``force``)."""
    existing = [name for name in plan.files if (plan.root / name).exists()]
    if existing and not force:
        raise UsageError([Problem(plan.root / name, "already exists",
                                  hint="feedpub init never overwrites; pass --force to replace")
                          for name in existing])
    written = []
    for folder in plan.folders:
        (plan.root / folder).mkdir(parents=True, exist_ok=True)
    for name, content in plan.files.items():
        path = plan.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content)
        written.append(path)
    return written
