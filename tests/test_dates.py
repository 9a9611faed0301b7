"""Dates and declared durations: strict parsing, exact messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from feedpub.dates import DateProblem, parse_date, parse_duration, rfc2822, zone

PARIS = zone("Europe/Paris")


@pytest.mark.parametrize("value", [
    "13/05/2025", "2025-05-13", date(2025, 5, 13), datetime(2025, 5, 13, 0, 0),
    "2025-05-13T00:00:00+02:00", "2025-05-12T22:00:00+00:00",
])
def test_accepted_forms_give_the_seed_date(value: object) -> None:
    moment = parse_date(value, PARIS)
    assert rfc2822(moment, PARIS) == "Tue, 13 May 2025 00:00:00 +0200"


def test_winter_date_uses_winter_offset() -> None:
    assert rfc2822(parse_date("05/01/2025", PARIS), PARIS) == "Sun, 05 Jan 2025 00:00:00 +0100"


def test_aware_datetime_keeps_its_instant() -> None:
    moment = parse_date(datetime(2025, 5, 13, 6, 0, tzinfo=UTC), PARIS)
    assert rfc2822(moment, PARIS) == "Tue, 13 May 2025 08:00:00 +0200"


@pytest.mark.parametrize("value, message", [
    ("31/02/2025", "'31/02/2025' is not a real date"),
    ("05/13/2025", "'05/13/2025' has no month 13 (it looks like MM/DD/YYYY)"),
    ("13/13/2025", "'13/13/2025' has no month 13"),
    ("2025-02-30", "'2025-02-30' is not a date"),
    ("next tuesday", "'next tuesday' is not a date"),
    (20250513, "a date must be text or a TOML date, not int"),
])
def test_bad_dates(value: object, message: str) -> None:
    with pytest.raises(DateProblem) as info:
        parse_date(value, PARIS)
    assert str(info.value) == message


@pytest.mark.parametrize("value, low, high", [
    ("04min", 240, 299.99), ("4 min", 240, 299.99), ("1h", 3600, 7199.99),
    ("1h05", 3900, 3959.99), ("4:12", 250, 254), ("00:04:12", 250, 254),
    (252, 250, 254), ("252", 250, 254), ("1h02min30s", 3748, 3752),
])
def test_duration_ranges(value: object, low: float, high: float) -> None:
    declared = parse_duration(value)
    assert declared.low == pytest.approx(low, abs=0.01)
    assert declared.high == pytest.approx(high, abs=0.01)


def test_04min_accepts_only_four_something() -> None:
    declared = parse_duration("04min")
    assert declared.accepts(240.0) and declared.accepts(252.07) and declared.accepts(299.9)
    assert not declared.accepts(239.9) and not declared.accepts(300.0)


@pytest.mark.parametrize("value, message", [
    ("4:75", "'4:75' is not a valid clock time"),
    ("1:61:00", "'1:61:00' is not a valid clock time"),
    ("about four minutes", "'about four minutes' is not a duration"),
    (True, "a duration must be a number of seconds or text such as '04min'"),
])
def test_bad_durations(value: object, message: str) -> None:
    with pytest.raises(DateProblem) as info:
        parse_duration(value)
    assert str(info.value) == message
