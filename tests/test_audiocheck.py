"""feedpub audio check: loudness and true peak against independent references, and advice.

Test signals are made at known levels, encoded by real encoders (LAME, libsndfile), and the
measured figures are compared with pyloudnorm (an independent BS.1770 implementation) run
on the very samples the file decodes to, and with a 4x-oversampled peak computed here.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from feedpub.audiocheck import Targets, advice, analyse, analyse_all, check_show

RATE = 48000


def reference_loudness(samples: np.ndarray, rate: int) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def reference_true_peak(samples: np.ndarray) -> float:
    from scipy.signal import resample_poly

    over = resample_poly(samples, 4, 1, axis=0)
    return 20 * math.log10(float(np.abs(over).max()))


def signal(kind: str, seconds: float = 8.0, channels: int = 2, seed: int = 7) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    if kind == "tone":
        mono = np.sin(2 * np.pi * 997 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    else:  # noise, band-limited a little so lossy coding keeps its level
        rng = np.random.default_rng(seed)
        mono = np.convolve(rng.standard_normal(len(t)), np.ones(4) / 4, mode="same")
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


def at_level(x: np.ndarray, lufs: float) -> np.ndarray:
    return x * 10 ** ((lufs - reference_loudness(x, RATE)) / 20)


def decoded(path: Path) -> np.ndarray:
    """The samples a decoder gets from the file, as (samples, channels) floats."""
    import av

    with av.open(str(path)) as c:
        frames = [f.to_ndarray() for f in c.decode(c.streams.audio[0])]
        planar = c.streams.audio[0].codec_context.format.is_planar
        channels = c.streams.audio[0].codec_context.channels
    data = np.concatenate(frames, axis=1)
    data = data if planar else data.reshape(-1, channels).T
    if data.dtype.kind == "i":
        data = data / float(np.iinfo(data.dtype).max)
    return data.T.astype(np.float64)


def write_mp3(path: Path, x: np.ndarray, kbps: int = 128, tags: bool = False) -> Path:
    import lameenc

    channels = 1 if x.ndim == 1 else x.shape[1]
    enc = lameenc.Encoder()
    enc.set_bit_rate(kbps)
    enc.set_in_sample_rate(RATE)
    enc.set_channels(channels)
    enc.set_quality(2)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    path.write_bytes(enc.encode(pcm) + enc.flush())
    if tags:
        from mutagen.id3 import APIC, ID3, TALB, TIT2, TRCK

        tag = ID3()
        tag.add(TIT2(encoding=3, text="Episode title"))
        tag.add(TALB(encoding=3, text="Test Show"))
        tag.add(TRCK(encoding=3, text="3"))
        tag.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=b"\xff" * 2048))
        tag.save(path)
    return path


def write_flac(path: Path, x: np.ndarray) -> Path:
    import soundfile as sf

    sf.write(path, x, RATE, format="FLAC", subtype="PCM_24")
    return path


@pytest.mark.parametrize("lufs", [-30.0, -16.0, -6.0])
@pytest.mark.parametrize("kind,writer", [("tone", "mp3"), ("noise", "flac")])
def test_loudness_and_true_peak_match_the_references(tmp_path: Path, lufs: float, kind: str,
                                                     writer: str) -> None:
    x = at_level(signal(kind), lufs)
    if np.abs(x).max() >= 1.0:  # -6 LUFS noise would clip: keep it under full scale
        x = x / (np.abs(x).max() * 1.05)
    path = (write_mp3 if writer == "mp3" else write_flac)(tmp_path / f"a.{writer}", x)
    samples = decoded(path)
    found = analyse(path)
    assert found.loudness is not None and found.true_peak is not None
    assert abs(found.loudness - reference_loudness(samples, RATE)) <= 0.5
    assert abs(found.true_peak - reference_true_peak(samples)) <= 0.5
    assert found.channels == 2 and found.sample_rate == RATE
    assert abs(found.duration - 8.0) < 0.1


def test_levels_far_from_the_target_get_the_number_and_the_fix(tmp_path: Path) -> None:
    quiet = analyse(write_mp3(tmp_path / "quiet.mp3", at_level(signal("tone"), -30.0),
                              tags=True))
    loud = signal("tone")
    hot = analyse(write_flac(tmp_path / "hot.flac", loud * 0.98 / np.abs(loud).max()))
    on_target = analyse(write_mp3(tmp_path / "ok.mp3", at_level(signal("tone"), -16.0),
                                  tags=True))
    quiet_advice = [str(p) for p in advice(quiet, Targets(), "quiet.mp3")]
    gap = -16.0 - quiet.loudness  # type: ignore[operator]
    assert any("dB quieter than \u221216.0" in a and f"{gap:.1f}" in a for a in quiet_advice)
    assert any("normalise to \u221216.0 LUFS" in a for a in quiet_advice)
    hot_advice = [str(p) for p in advice(hot, Targets(), "hot.flac")]
    assert any("louder than" in a for a in hot_advice)
    assert any("true peak" in a and "dBTP" in a for a in hot_advice)
    assert any("flac audio in a feed" in a for a in hot_advice)
    assert [p.message for p in advice(on_target, Targets(), "ok.mp3")] == [
        "both channels carry the same signal"]


def test_stereo_320_kbps_for_a_voice_show_and_untagged_files_are_warned(tmp_path: Path) -> None:
    x = at_level(signal("noise", channels=2), -16.0)
    x[:, 1] = np.roll(x[:, 1], 5)  # real stereo, so only the bitrate is at fault
    loud = analyse(write_mp3(tmp_path / "big.mp3", x, kbps=320))
    assert loud.bitrate == 320000 and loud.tags["title"] is None
    messages = [p.message for p in advice(loud, Targets(spoken=True), "big.mp3")]
    assert any(m.startswith("320 kbps stereo for a spoken show") for m in messages)
    assert "no title tag" in messages and "no embedded cover art" in messages
    music = [p.message for p in advice(loud, Targets(spoken=False), "big.mp3")]
    assert any("above the recommended 128-256 kbps" in m for m in music)
    tagged = analyse(write_mp3(tmp_path / "tagged.mp3", x, kbps=128, tags=True))
    assert tagged.tags == {"title": "Episode title", "show": "Test Show", "episode": "3",
                           "cover_bytes": 2048}


def test_silence_at_the_ends_is_measured(tmp_path: Path) -> None:
    x = at_level(signal("tone", seconds=4.0, channels=1), -19.0)
    padded = np.concatenate([np.zeros(3 * RATE), x, np.zeros(RATE // 2)])
    found = analyse(write_flac(tmp_path / "pad.flac", padded))
    assert abs(found.silence_start - 3.0) < 0.05
    assert abs(found.silence_end - 0.5) < 0.05
    assert "3.0 s of silence at the start" in [p.message for p in
                                               advice(found, Targets(), "pad.flac")]


def test_a_broken_file_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"ID3" + b"\x00" * 40)
    results = analyse_all([bad, write_flac(tmp_path / "ok.flac", signal("tone", 1.0, 1) * 0.1)])
    assert "bad.mp3" in str(results[0])
    assert not isinstance(results[1], Exception) and results[1].file == "ok.flac"


def test_show_report_points_out_the_episode_far_from_the_median(make_show) -> None:
    levels = {"ep-1": -16.0, "ep-2": -16.5, "ep-3": -15.8, "ep-4": -24.0}
    for slug, lufs in levels.items():
        folder = make_show.episode(slug, seconds=None)
        write_mp3(folder / f"{slug}.mp3", at_level(signal("tone", 3.0), lufs), tags=True)
    report = check_show(make_show.root, jobs=2)
    assert set(report.analyses) == set(levels)
    assert [slug for slug, _, _ in report.outliers] == ["ep-4"]
    only = check_show(make_show.root, ("ep-2",))
    assert list(only.analyses) == ["ep-2"]


def test_cli_table_json_and_targets_from_podcast_toml(make_show) -> None:
    folder = make_show.episode("ep-1", seconds=None)
    write_mp3(folder / "ep-1.mp3", at_level(signal("tone", 3.0), -20.0), tags=True)
    run = [sys.executable, "-m", "feedpub", "-C", str(make_show.root), "audio", "check"]
    text = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].split()[:4] == ["episode", "LUFS", "LRA", "dBTP"]
    assert "dB quieter than \u221216.0" in text.stdout
    strict = subprocess.run(run + ["--strict"], capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1
    (make_show.root / "podcast.toml").write_text(
        (make_show.root / "podcast.toml").read_text() + "\n[audio]\nloudness = -20\n")
    data = json.loads(subprocess.run(run + ["--format", "json"], capture_output=True,
                                     text=True, timeout=120, check=True).stdout)
    assert data["targets"]["loudness"] == -20.0
    assert data["episodes"][0]["advice"] == [{"message": "both channels carry the same signal",
                                              "hint": "encode as mono: half the data, "
                                                      "same sound"}]
    (make_show.root / "podcast.toml").write_text(
        (make_show.root / "podcast.toml").read_text() + "loudnes = 3\n")
    bad = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "audio.loudnes: unknown key" in bad.stderr


def test_analyses_are_kept_in_the_lock_and_never_decoded_twice(make_show, monkeypatch) -> None:
    from feedpub import audiocheck
    from feedpub.build import build, write_outputs

    folder = make_show.episode("ep-1", seconds=None)
    audio = write_mp3(folder / "ep-1.mp3", at_level(signal("tone", 3.0), -20.0), tags=True)
    write_outputs(build(make_show.root), make_show.root / "public")
    first = check_show(make_show.root)
    assert first.recorded == 1
    lock = json.loads((make_show.root / "feedpub.lock").read_text())["episodes"]["ep-1"]
    assert list(lock["analysis"]) == [lock["audio"]["sha256"]]

    def no_decoding(path: Path) -> None:
        raise AssertionError(f"{path} was decoded again")

    monkeypatch.setattr(audiocheck, "analyse", no_decoding)
    again = check_show(make_show.root)
    assert again.recorded == 0 and again.analyses == first.analyses
    write_outputs(build(make_show.root), make_show.root / "public")  # a rebuild keeps them
    audio.unlink()  # a CI checkout without the audio still gets the report
    from_lock = check_show(make_show.root)
    assert from_lock.analyses == first.analyses and not from_lock.problems
    assert [str(p.message) for p in from_lock.advice["ep-1"]] == [
        str(p.message) for p in first.advice["ep-1"]]


def test_the_site_shows_a_loudness_plot_once_the_audio_was_checked(make_show) -> None:
    import html5lib

    from feedpub.build import build, write_outputs

    folder = make_show.episode("ep-1", seconds=None)
    write_mp3(folder / "ep-1.mp3", at_level(signal("tone", 8.0), -20.0), tags=True)
    public = make_show.root / "public"
    write_outputs(build(make_show.root), public)
    page = public / "ep-1" / "index.html"
    assert "<svg" not in page.read_text(encoding="utf-8")  # not measured yet
    report = check_show(make_show.root)
    write_outputs(build(make_show.root), public)
    text = page.read_text(encoding="utf-8")
    assert '<figure class="loudness"' in text and "<polyline" in text
    expected = f"{report.analyses['ep-1'].loudness:.1f} LUFS integrated, target -16 LUFS"
    assert expected in text
    assert "http" not in text.split('<figure class="loudness"')[1].split("</figure>")[0] \
        .replace("http://www.w3.org/2000/svg", "")  # nothing loaded from anywhere
    html5lib.HTMLParser(strict=True).parse(text)  # still valid HTML
