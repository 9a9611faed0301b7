"""`feedpub build`'s output on a terminal (a real pty), in a log (a pipe) and with --quiet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FEEDPUB = [sys.executable, "-m", "feedpub"]
ENV = {**os.environ, "FEEDPUB_ALLOW_TEST_HOSTS": "1", "PYTHONIOENCODING": "utf-8",
       "COLUMNS": "200"}
EPISODES = 6


def on_pty(root: Path, *args: str) -> tuple[int, str, str]:
    """Run feedpub with stderr on a pseudo-terminal: exit code, stdout, what the pty showed."""
    leader, follower = os.openpty()
    proc = subprocess.Popen([*FEEDPUB, "-C", str(root), *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=follower, env=ENV)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 1 << 16)
        except OSError:  # EIO: the process closed its side
            break
        if not data:
            break
        shown += data
    os.close(leader)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    return proc.wait(timeout=120), out, shown.decode()


def on_pipe(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FEEDPUB, "-C", str(root), *args], capture_output=True, text=True,
                          env=ENV, timeout=120)


@pytest.fixture
def show(make_show):  # type: ignore[no-untyped-def]
    for n in range(EPISODES):
        make_show.episode(f"ep-{n}", seconds=0.5, title=f"Episode {n}")
    make_show.episode("later", seconds=0.5, date="2099-01-01", title="Later")
    long = "Des notes bien trop longues pour Apple. " * 120  # > 4,000 bytes: a warning
    make_show.episode("long", seconds=0.5, description=long, title="Long")
    return make_show.root


def test_on_a_terminal_one_line_is_redrawn_then_cleared(show: Path, tmp_path: Path) -> None:
    code, out, shown = on_pty(show, "build", "-o", str(tmp_path / "out"))
    assert code == 0, shown
    total = EPISODES + 2
    # every stage on the same line, redrawn with \r, counted where it is counted
    assert f"\rfeedpub: probing audio {total}/{total}" in shown
    assert f"\rfeedpub: rendering episodes {total}/{total}" in shown
    assert "\rfeedpub: rendering the feed…" in shown
    assert "\rfeedpub: writing " in shown
    # notes and warnings get lines of their own; no line per episode
    lines = [seen for line in shown.split("\r\n")
             if (seen := line.rsplit("\r", 1)[-1].replace("\x1b[K", ""))]
    assert lines[0].startswith("scheduled: later on 2099-01-01")
    assert "[description-length]" in lines[1]
    assert all(line.startswith(("feedpub: warning: ", "  hint: ")) for line in lines[1:])
    assert shown.endswith("\r\x1b[K")  # the progress line is gone at the end
    assert re.fullmatch(re.escape(f"{tmp_path / 'out' / 'feed.xml'}: {EPISODES + 1} episodes "
                                  f"(1 scheduled for later), {total} rebuilt, 0 reused, "
                                  f"{total} probed, ") + r"[1-9]\d+ files written, 0 removed\n",
                        out)


def test_in_a_log_only_notes_warnings_and_one_summary_line(show: Path, tmp_path: Path) -> None:
    done = on_pipe(show, "build", "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    err = done.stderr.splitlines()
    assert err[0] == ("scheduled: later on 2099-01-01 00:00 (Europe/Paris), left out of "
                      "the feed until then")
    assert err[1].startswith("feedpub: warning: episodes/long/description.md: "
                             "[description-length]")
    assert all(line.startswith(("feedpub: warning: ", "  hint: ")) for line in err[1:])
    assert "\r" not in done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert f", {EPISODES + 2} probed, " in done.stdout

    again = on_pipe(show, "build", "-o", str(tmp_path / "out"))
    assert ", 0 probed, 0 files written, 0 removed" in again.stdout  # the lock knows


def test_quiet_prints_only_errors_and_warnings(show: Path, tmp_path: Path) -> None:
    code, out, shown = on_pty(show, "build", "-q", "-o", str(tmp_path / "out"))
    assert code == 0, shown
    assert shown.startswith("feedpub: warning: episodes/long/description.md: ")
    lines = shown.split("\r\n")
    assert all(line.startswith(("feedpub: warning: ", "  hint: ")) for line in lines[:-1])
    assert lines[-1] == ""  # and no progress line drawn after them
    assert "scheduled" not in shown and "probing" not in shown
    assert out.endswith(" removed\n")
    (show / "episodes" / "ep-3" / "ep-3.mp3").write_bytes(b"no audio")
    code, out, shown = on_pty(show, "build", "-q", "-o", str(tmp_path / "out"))
    assert code == 1 and out == ""
    assert shown.startswith("feedpub: error: episodes/ep-3/ep-3.mp3: ")
    assert "probing" not in shown
