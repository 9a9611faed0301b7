"""Golden output: the sample show's published files, byte for byte.

Any change to what podcast apps receive shows up here as a diff to review.
After an intended change, run ``bash scripts/test.sh --update-golden -k golden``
and commit the new files with the change that explains them.
"""

from __future__ import annotations

from pathlib import Path

from feedpub.build import build, write_outputs
from feedpub.output import MANIFEST

EXPECTED = Path(__file__).parent / "cases" / "trench-tech" / "expected"


def published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != MANIFEST}


def test_sample_show_output_is_unchanged(sample_show: Path, tmp_path: Path,
                                         update_golden: bool) -> None:
    out = tmp_path / "public"
    write_outputs(build(sample_show, site=False), out)  # the site: tests/test_site.py
    got = published(out)
    if update_golden:
        for rel, data in got.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = published(EXPECTED)
    assert sorted(got) == sorted(expected)
    for rel, data in expected.items():
        assert got[rel].decode("utf-8") == data.decode("utf-8"), rel
