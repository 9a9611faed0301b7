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
    assert f"audio 1/1: {SAMPLE_SLUG} (4:12, 504,144 bytes)" in proc.stderr
    assert proc.stdout.startswith(f"{out / 'feed.xml'}: 1 episodes, ")
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
        f"feedpub: error: episodes/{SAMPLE_SLUG}/episode.toml: duration '12min' does not match "
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
    assert f"out of date: {sample_show / 'public' / 'feed.xml'}" in proc.stdout
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
    assert run("--version").stdout.strip().endswith("0.1.0")
    bad = run("build", "--nope")
    assert bad.returncode == 2 and "No such option '--nope'" in bad.stderr
