"""The command line as a podcaster uses it: exit codes, messages, files written."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import SAMPLE_SLUG

FEEDPUB = [sys.executable, "-m", "feedpub.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FEEDPUB, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_build_sample_show_with_dash_c(sample_show: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    proc = run("-C", str(sample_show), "build", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # not a terminal: no progress lines, only the summary
    # the lock proves the audio (its SHA-256): nothing parsed
    assert proc.stdout.startswith(f"{out / 'feed.xml'}: 1 episode, 1 rebuilt, 0 reused, "
                                  "0 probed, ")
    assert (out / "feed.xml").is_file()


def test_default_output_is_public(sample_show: Path) -> None:
    proc = run("build", "-q", cwd=sample_show)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (sample_show / "public" / "feed.xml").is_file()


def test_build_errors_exit_1_and_keep_the_old_feed(sample_show: Path) -> None:
    assert run("build", "-q", cwd=sample_show).returncode == 0
    feed = (sample_show / "public" / "feed.xml").read_bytes()
    toml = sample_show / "episodes" / SAMPLE_SLUG / "episode.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"04min"', '"12min"'),
                    encoding="utf-8")
    proc = run("build", "-q", cwd=sample_show)
    assert proc.returncode == 1
    assert proc.stderr == (
        f"feedpub: error: episodes/{SAMPLE_SLUG}/episode.toml:5: duration '12min' does not match "
        f"the audio (4:12, 252.1 s in {SAMPLE_SLUG}.mp3) (expected 12:00–12:59)\n")
    assert (sample_show / "public" / "feed.xml").read_bytes() == feed


def test_config_error_exit_code(tmp_path: Path) -> None:
    proc = run("-C", str(tmp_path), "build")
    assert proc.returncode == 2
    assert proc.stderr == ("feedpub: error: podcast.toml: no podcast.toml here\n"
                           "  hint: run feedpub in the show folder, or pass -C DIR\n")


def test_check_reports_stale_feed(sample_show: Path) -> None:
    proc = run("build", "--check", cwd=sample_show)
    assert proc.returncode == 1
    assert f"out of date: write {sample_show / 'public' / 'feed.xml'}" in proc.stdout
    assert not (sample_show / "public").exists()
    assert run("build", "-q", cwd=sample_show).returncode == 0
    proc = run("build", "--check", "-q", cwd=sample_show)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == "feed is up to date\n"


def test_new_episode_is_numbered_and_builds(sample_show: Path) -> None:
    proc = run("new", "Épisode spécial : l'IA & nous", cwd=sample_show)
    assert proc.returncode == 0, proc.stderr
    folder = Path(proc.stdout.strip())
    assert folder.name == "episode-special-l-ia-nous"
    data = tomllib.loads((folder / "episode.toml").read_text(encoding="utf-8"))
    assert data["title"] == "Épisode spécial : l'IA & nous"
    assert data["number"] == 1
    assert len(data["guid"]) == 36
    again = run("new", "Épisode spécial : l'IA & nous", cwd=sample_show)
    assert again.returncode == 1
    assert "episode folder already exists" in again.stderr
    second = run("new", "Suite", cwd=sample_show)
    assert tomllib.loads((Path(second.stdout.strip()) / "episode.toml").read_text())["number"] == 2


def test_help_everywhere() -> None:
    for args in ([], ["build"], ["new"]):
        proc = run(*args, "--help")
        assert proc.returncode == 0 and "Example:" in proc.stdout
    from feedpub import __version__

    assert run("--version").stdout == f"feedpub {__version__}\n"
    bad = run("build", "--nope")
    assert bad.returncode == 2 and "No such option '--nope'" in bad.stderr


def test_removed_transcript_disappears_from_the_output(sample_show: Path) -> None:
    # Without the site: its pages change too when a transcript goes (tests/test_site.py).
    assert run("build", "-q", "--no-site", cwd=sample_show).returncode == 0
    html = sample_show / "public" / SAMPLE_SLUG / "transcript.fr.html"
    mine = sample_show / "public" / "robots.txt"  # not feedpub's: must survive
    mine.write_text("User-agent: *\n", encoding="utf-8")
    assert html.is_file()
    (sample_show / "episodes" / SAMPLE_SLUG / "transcript.txt").unlink()
    check = run("build", "--check", "-q", "--no-site", cwd=sample_show)
    assert check.returncode == 1
    assert f"out of date: remove {html}" in check.stdout
    proc = run("build", "-q", "--no-site", cwd=sample_show)
    assert proc.returncode == 0
    assert proc.stdout.endswith("1 file written, 2 removed\n")
    assert not html.exists() and mine.is_file()


def test_unwritable_output_is_a_clear_error(sample_show: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    proc = run("-C", str(sample_show), "build", "-q", "--output", str(blocker / "out"))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"feedpub: error: {blocker / 'out'}")
    assert "cannot write: Not a directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_new_refuses_bad_titles_and_slugs(sample_show: Path) -> None:
    empty = run("new", "  ", cwd=sample_show)
    assert (empty.returncode, empty.stderr) == (
        1, "feedpub: error: the title is empty (expected the episode's title)\n")
    escape = run("new", "Title", "--slug", "../../escaped", cwd=sample_show)
    assert escape.returncode == 1
    assert "slug '../../escaped' is not usable in URLs" in escape.stderr
    assert not (sample_show.parent / "escaped").exists()
    multi = run("new", 'Line one\nline "two"', cwd=sample_show)
    assert multi.returncode == 0, multi.stderr
    data = tomllib.loads((Path(multi.stdout.strip()) / "episode.toml").read_text())
    assert data["title"] == 'Line one line "two"'
