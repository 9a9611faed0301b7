"""The README's module map names every module of src/feedpub, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "feedpub"


def modules() -> set[str]:
    """``cli.py``, ``build/pipeline.py``…; a package's ``__init__.py`` is the package, ``build/``."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.endswith("/__init__.py"):
            rel = rel[: -len("__init__.py")]
        found.add(rel)
    return found


def listed() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "### Module map" in text, "README.md has no '### Module map' section"
    section = text.split("### Module map", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^- `([^`]+)`", section, re.MULTILINE)


def test_every_module_is_in_the_readme_module_map() -> None:
    names = listed()
    assert sorted(modules() - set(names)) == [], "add these to README.md's module map"
    assert sorted(set(names) - modules()) == [], "these are gone: remove them from the map"
    assert len(names) == len(set(names)), "a module is listed twice"
    assert names == sorted(names), "keep the map in alphabetical order"
