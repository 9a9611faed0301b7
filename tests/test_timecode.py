"""The one module of time helpers: clocks, SRT/VTT stamps, chapter and Apple durations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedpub import timecode as tc


def test_clocks_for_people() -> None:
    assert tc.clock(59.7) == "0:59"  # milliseconds dropped, as the HTML transcript shows
    assert tc.rounded_clock(59.7) == "1:00"  # nearest second, as build messages show
    assert tc.clock(3723.25) == "1:02:03"
    assert tc.exact_clock(3723.25) == "1:02:03.250"
    assert tc.exact_clock(120) == "2:00"


def test_stamps_for_files() -> None:
    assert tc.stamp(3723.25) == "01:02:03.250"
    assert tc.stamp(1.25, ",") == "00:00:01,250"
    assert tc.parse_stamp("01:02:03,250", tc.SRT_STAMP) == 3723.25
    assert tc.parse_stamp("1:02.250", tc.SRT_STAMP) == 62.25  # "." for "," is tolerated
    assert tc.parse_stamp("1:02:03", tc.SRT_STAMP) is None
    assert tc.parse_stamp("02:03.250", tc.VTT_STAMP) == 123.25
    assert tc.parse_stamp("02:03,250", tc.VTT_STAMP) is None  # a comma is SRT only


@given(st.integers(0, 99 * 3_600_000 - 1))
def test_stamps_round_trip_to_the_millisecond(millis: int) -> None:
    seconds = millis / 1000
    assert tc.parse_stamp(tc.stamp(seconds), tc.VTT_STAMP) == seconds
    assert tc.parse_stamp(tc.stamp(seconds, ","), tc.SRT_STAMP) == seconds
    assert tc.parse_time(tc.exact_clock(seconds)) == pytest.approx(seconds, abs=1e-9)


@pytest.mark.parametrize("value, seconds", [
    (12.5, 12.5), ("12.5", 12.5), ("1:02:03.5", 3723.5), ("02:03", 123.0), (0, 0.0),
    ("1:75", None), ("1:60:00", None), (-1, None), (True, None), (float("nan"), None),
    ("99999999999", None), (1e8, None), ("soon", None), (None, None)])
def test_chapter_times(value: object, seconds: float | None) -> None:
    assert tc.parse_time(value) == seconds


@pytest.mark.parametrize("text, seconds", [
    ("252", 252), ("4:12", 252), ("1:02:03", 3723), ("125:00", 7500),
    ("4:60", None), ("4:1", None), ("4.5", None), ("", None)])
def test_itunes_durations(text: str, seconds: int | None) -> None:
    assert tc.itunes_seconds(text) == seconds


def test_milliseconds() -> None:
    assert tc.ms(0.1 + 0.2) == tc.ms(0.3) == 300
    assert tc.milliseconds(1.23456) == 1.235


@pytest.mark.parametrize("text, seconds", [
    ("5711", 5711.0), ("5711.0", 5711.0), ("1:02:03", 3723.0), ("62:03", 3723.0),
    ("01:02:03.250", 3723.25), ("1:02,5", 62.5), ("1:60:00", None), ("1:61", None),
    ("0", None), ("soon", None), ("99999999", None)])
def test_lenient_durations_of_imported_feeds(text: str, seconds: float | None) -> None:
    assert tc.lenient_seconds(text) == seconds
