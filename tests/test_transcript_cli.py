"""``feedpub transcript convert``: exit codes, exact messages, atomic output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub.cli import cli
from transcript_samples import TIMED_SRT, write_timed_srt


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["transcript", "convert", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_srt_to_vtt() -> None:
    write_timed_srt(Path("."))
    assert run("transcript.srt", "out/transcript.fr.vtt") == (
        0, "out/transcript.fr.vtt: 4 segments written as VTT (text/vtt)\n", "")
    vtt = Path("out/transcript.fr.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.200\n<v Speaker #0>Bienvenue")


def test_every_timed_format_converts_back_to_the_same_srt() -> None:
    write_timed_srt(Path("."))
    for step, (src, dst) in enumerate([("transcript.srt", "a.vtt"), ("a.vtt", "b.json"),
                                       ("b.json", "c.srt")]):
        assert run(src, dst)[0] == 0, step
    assert Path("c.srt").read_text(encoding="utf-8") == TIMED_SRT
    assert json.loads(Path("b.json").read_text(encoding="utf-8"))["version"] == "1.0.0"


def test_html_takes_language_option() -> None:
    write_timed_srt(Path("."))
    assert run("transcript.srt", "t.html", "--language", "fr") == (
        0, "t.html: 4 segments written as HTML (text/html)\n", "")
    assert '<html lang="fr">' in Path("t.html").read_text(encoding="utf-8")


def test_untimed_input_to_timed_output_is_refused() -> None:
    Path("transcript.txt").write_text("Speaker #0\nBonjour.\n", encoding="utf-8")
    assert run("transcript.txt", "transcript.srt") == (
        2, "", "feedpub: error: transcript.txt: has no timings, so it cannot be written as "
        "SRT (expected timed input: SRT, VTT, or JSON with startTime and endTime)\n"
        "  hint: write .html or .txt instead; timings are never invented\n")
    assert not Path("transcript.srt").exists()
    assert run("transcript.txt", "transcript.html") == (
        0, "transcript.html: 1 segment written as HTML (text/html)\n", "")


def test_unknown_formats() -> None:
    write_timed_srt(Path("."))
    assert run("transcript.srt", "out.docx") == (
        2, "", "feedpub: error: out.docx: cannot write .docx transcripts "
        "(expected one of .vtt, .srt, .json, .html, .txt)\n")
    Path("in.sub").write_text("x", encoding="utf-8")
    assert run("in.sub", "out.vtt") == (
        2, "", "feedpub: error: in.sub: cannot read .sub transcripts "
        "(expected one of .txt, .srt, .vtt, .json)\n")
    assert run("missing.srt", "out.vtt") == (2, "", "feedpub: error: missing.srt: no such file\n")


def test_bad_input_lists_every_problem_and_leaves_output_untouched() -> None:
    Path("out.vtt").write_text("previous\n", encoding="utf-8")
    Path("bad.srt").write_text("1\n00:00:02,000 --> 00:00:03,000\nb\n\n"
                               "2\n00:00:01,000 --> 00:00:1,500\na\n\n"
                               "3\n00:00:04,000 --> 00:00:05,000\n\n", encoding="utf-8")
    code, out, err = run("bad.srt", "out.vtt")
    assert (code, out) == (1, "")
    assert err == ("feedpub: error: bad.srt:6: cue 2: malformed timestamp '00:00:1,500' "
                   "(expected HH:MM:SS,mmm)\n"
                   "feedpub: error: bad.srt:10: cue 3 is empty "
                   "(expected text after the timing line)\n")
    Path("bad.srt").write_text("1\n00:00:02,000 --> 00:00:03,000\nb\n\n"
                               "2\n00:00:01,000 --> 00:00:01,500\na\n", encoding="utf-8")
    assert run("bad.srt", "out.vtt") == (
        1, "", "feedpub: error: bad.srt:6: cue 2 starts at 00:00:01.000, before cue 1 "
        "(at 00:00:02.000) (expected cues in time order)\n")
    assert Path("out.vtt").read_text(encoding="utf-8") == "previous\n"
    assert sorted(os.listdir(".")) == ["bad.srt", "out.vtt"]  # no temp file left behind


def test_help_documents_the_command() -> None:
    result = CliRunner().invoke(cli, ["transcript", "convert", "-h"])
    assert result.exit_code == 0
    assert "Usage: cli transcript convert [OPTIONS] IN OUT" in result.stdout
    assert "Example: feedpub transcript convert" in result.stdout


def test_installed_entry_point(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("feedpub")
    if not script.exists():
        pytest.skip("the feedpub script is not installed next to this Python")
    write_timed_srt(tmp_path)
    done = subprocess.run([str(script), "transcript", "convert", "transcript.srt",
                           "transcript.json"], capture_output=True, text=True, cwd=tmp_path,
                          check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "transcript.json: 4 segments written as JSON (application/json)\n", "")
    assert json.loads((tmp_path / "transcript.json").read_text(encoding="utf-8"))[
        "segments"][0]["speaker"] == "Speaker #0"


def test_output_that_cannot_be_written() -> None:
    write_timed_srt(Path("."))
    Path("taken").write_text("a file, not a folder", encoding="utf-8")
    code, out, err = run("transcript.srt", "taken/transcript.vtt")
    assert code == 1 and out == ""
    assert err.startswith("feedpub: error: taken/transcript.vtt: cannot write: ")
