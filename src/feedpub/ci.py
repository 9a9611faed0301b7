"""CI files for a show's repository: GitHub Actions, Forgejo Actions, GitLab CI.

The templates are package data (``feedpub/templates/ci/``).  Each pins its
actions by commit and feedpub itself by the exact source it was installed from
(PEP 610's ``direct_url.json``: ``pipx install git+https://…`` records the URL
and the commit), so a show's CI runs the feedpub its author tested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources

from .errors import Problem, UsageError

PYTHON = "3.12"


@dataclass(frozen=True)
class Forge:
    name: str
    path: str  # where the file goes in the show's repository
    template: str  # file name under feedpub/templates/ci/


FORGES = {
    "github": Forge("github", ".github/workflows/feedpub.yml", "github.yml"),
    "forgejo": Forge("forgejo", ".forgejo/workflows/feedpub.yml", "forgejo.yml"),
    "gitlab": Forge("gitlab", ".gitlab-ci.yml", "gitlab.yml"),
}


def template(forge: str) -> str:
    name = FORGES[forge].template
    return (resources.files("feedpub") / "templates" / "ci" / name).read_text(encoding="utf-8")


def installed_spec() -> str | None:
    """A pip requirement for the feedpub running now that a CI machine can install.

    Known only when feedpub was installed from a git repository (a ``file://`` one
    only works on this machine: :func:`is_local`) or an http(s) archive; a local
    folder or wheel (an editable checkout, ``pipx install ./dist/…whl``)
    is nowhere a CI machine can reach, and gives None.
    """
    try:
        text = metadata.distribution("feedpub").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"feedpub @ git+{url}@{vcs['commit_id']}"  # file:// too: see is_local
    if not url.startswith(("https://", "http://")):
        return None
    if "archive_info" in info:
        return f"feedpub @ {url}"
    return None


def is_local(spec: str) -> bool:
    """A requirement only this machine can install (a git repository on its disk)."""
    return "git+file:" in spec


def check_spec(spec: str) -> str:
    """The requirement as given, refused when it does not pin a version CI can install."""
    spec = spec.strip()
    if not spec or any(c in spec for c in "\n\"'$`"):
        raise UsageError(Problem(None, f"--feedpub-spec {spec!r} is not a usable pip "
                                 "requirement", expected="e.g. 'feedpub @ git+https://…@v0.3.0'"))
    return spec


def render(forge: str, spec: str, *, branch: str = "main", python: str = PYTHON) -> str:
    """The CI file for ``forge``, installing feedpub from ``spec``."""
    if forge not in FORGES:
        raise UsageError(Problem(None, f"unknown forge {forge!r}",
                                 expected=" or ".join(sorted(FORGES))))
    return (template(forge).replace("@@FEEDPUB_SPEC@@", check_spec(spec))
            .replace("@@BRANCH@@", branch).replace("@@PYTHON@@", python))
