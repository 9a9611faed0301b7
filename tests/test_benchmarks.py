"""The benchmarks cannot rot: issue 14's table, run at a tiny size, has every case.

No timing is asserted (performance is read from the benchmark's own ratios, never
from a timed test); what is checked is that every build, validation and baseline of
``benchmarks/rebuild.py`` runs, and that the table it prints gives each case of the
issue a numeric ratio, with the target and its verdict where the issue sets one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

#: case label (start) -> the issue's target ratio, or None where the issue sets none
CASES = {
    "cold build: no lock, no cache": 1.0,
    "fresh checkout: lock, no cache": None,
    "rebuild with nothing changed": 0.3,
    "rebuild after adding one episode": 0.5,
    "full rebuild after editing podcast.toml (`explicit`)": 1.5,
    "rebuild after editing podcast.toml (`description`)": 1.5,
    "`validate --offline`": 3.0,
    "with the site: rebuild with nothing changed": None,
    "with the site: after adding one episode": None,
    "with the site: full rebuild after editing `explicit`": None,
    "peak memory, full rebuild (MiB": 1.25,
    "peak memory, cold build (MiB": 1.25,
    "peak memory, full rebuild with the site": None,
}


def test_rebuild_benchmark_prints_every_case_of_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "rebuild.py"), "--episodes", "3", "--runs", "1",
         "--tmp", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("**3 episodes**")
    header = "| case | feedpub | baseline | ratio | target | met? |"
    rows = [line for line in lines if line.startswith("| ") and line != header]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    labels = [c[0] for c in cells]
    for start, target in CASES.items():
        found = [c for c in cells if c[0].startswith(start)]
        assert len(found) == 1, (start, labels)
        _, ours, base, ratio, shown_target, met = found[0]
        unit = "MiB" if start.startswith("peak memory") else "s"
        assert re.fullmatch(rf"\d+\.\d+( \(\d+\.\d+–\d+\.\d+\))? {unit}", ours), ours
        assert re.fullmatch(rf"\d+\.\d+( \(\d+\.\d+–\d+\.\d+\))? {unit}", base), base
        value = re.fullmatch(r"(\d+\.\d\d)×", ratio)
        assert value and float(value.group(1)) > 0, ratio
        if target is None:
            assert (shown_target, met) == ("—", "—")
        else:
            assert shown_target == f"≤ {target:g}×"
            assert met == ("yes" if float(value.group(1)) <= target else "no")
    assert len(rows) == len(CASES), labels
    assert not list(tmp_path.iterdir()), "the benchmark leaves its shows behind"


def test_generated_show_is_what_the_issue_asks_for(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import showgen
    finally:
        sys.path.remove(str(BENCH))
    from mutagen.mp3 import MP3

    root = tmp_path / "show"
    showgen.make_show(root, 3)
    folders = sorted((root / "episodes").iterdir())
    assert [f.name for f in folders] == ["ep-000000", "ep-000001", "ep-000002"]
    audio = [f / f"{f.name}.mp3" for f in folders]
    data = [p.read_bytes() for p in audio]
    assert len(set(data)) == 3 and len({len(d) for d in data}) == 1  # own bytes, same size
    for n, path in enumerate(audio):
        mp3 = MP3(path)
        assert 1.9 < mp3.info.length < 2.2
        assert str(mp3.tags["TIT2"]) == f"Épisode {n:07d}"
    notes = (folders[1] / "description.md").read_text(encoding="utf-8")
    assert 1300 < len(notes.encode()) < 1800
    assert all(s in notes for s in ("é", "🎙️", "**", "](https://", "\n- ", "`"))
    transcript = (folders[1] / "transcript.txt").read_text(encoding="utf-8")
    assert 3500 < len(transcript.encode()) < 4500
    assert transcript.startswith("Speaker #0\n") and "\n\nSpeaker #1\n" in transcript
    episode = tomllib.loads((folders[2] / "episode.toml").read_text(encoding="utf-8"))
    assert episode["guid"] == "bench-2" and episode["number"] == 3
    assert [s["label"] for s in episode["speakers"]] == ["Speaker #0", "Speaker #1"]
    showgen.set_show_field(root, "explicit", "true")
    assert tomllib.loads((root / "podcast.toml").read_text(encoding="utf-8"))["explicit"]

    out = tmp_path / "writer.xml"
    subprocess.run([sys.executable, str(BENCH / "lxml_writer.py"), str(root), str(out),
                    "--probe"], check=True)
    items = etree.parse(str(out)).findall("channel/item")
    assert len(items) == 3
    assert items[0].find("enclosure").get("length") == str(len(data[0]))
    assert items[0].find("{http://www.itunes.com/dtds/podcast-1.0.dtd}explicit").text == "true"


def test_memtrace_reports_who_holds_the_memory_at_the_peak(tmp_path: Path) -> None:
    """``benchmarks/memtrace.py`` at 3 episodes, one case: the report has its sections,
    with sizes, and feedpub's own files among the holders."""
    out = tmp_path / "report.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "memtrace.py"), "--episodes", "3", "--cases", "add",
         "--top", "40", "--frames", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    head = re.search(r"^## add: traced peak (\d+\.\d) MiB; snapshot (\d+\.\d) MiB", report,
                     re.MULTILINE)
    assert head and 0 < float(head.group(2)) <= float(head.group(1)), report[:500]
    for section in ("### by file", "### by line", "### by traceback"):
        assert section in report, section
    sizes = re.findall(r"^\s+(\d+\.\d\d) MiB\s+[\d,]+\s+(\S+)", report, re.MULTILINE)
    assert sizes and any(name.startswith(("build/", "feed/", "source/", "cache.py",
                                          "model.py")) for _, name in sizes), sizes[:40]
