"""Check-in times: parsing, zone validation, and fire times across DST switches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler.checkin_time import CheckinTimeError, next_runs, parse_checkin
from bot.scheduler.jobs import missed_fire


def test_parse_and_defaults() -> None:
    when = parse_checkin("20:30", "Europe/Berlin")
    assert (when.hour, when.minute, when.zone) == (20, 30, "Europe/Berlin")
    assert parse_checkin("7.05").zone == "UTC"
    assert parse_checkin("07h05", "Asia/Tokyo").label() == "07:05 Asia/Tokyo"


@pytest.mark.parametrize("text", ["24:00", "20:60", "8pm", "", "20:3", "2030"])
def test_bad_times(text: str) -> None:
    with pytest.raises(CheckinTimeError) as info:
        parse_checkin(text, "UTC")
    assert info.value.reason == "time"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/", "x" * 80]
)
def test_bad_zones(zone: str) -> None:
    with pytest.raises(CheckinTimeError) as info:
        parse_checkin("20:30", zone)
    assert info.value.reason == "zone"


def test_berlin_spring_forward_keeps_local_time() -> None:
    # 2025-03-30 02:00 CET -> 03:00 CEST: 20:30 local is 19:30 UTC before, 18:30 UTC after.
    runs = next_runs(
        parse_checkin("20:30", "Europe/Berlin"), datetime(2025, 3, 28, 12, tzinfo=UTC), 4
    )
    assert [r.astimezone(UTC).hour for r in runs] == [19, 19, 18, 18]
    assert [r.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d %H:%M") for r in runs] == [
        "28 20:30",
        "29 20:30",
        "30 20:30",
        "31 20:30",
    ]


def test_berlin_fall_back_keeps_local_time() -> None:
    # 2025-10-26 03:00 CEST -> 02:00 CET.
    runs = next_runs(
        parse_checkin("20:30", "Europe/Berlin"), datetime(2025, 10, 25, 12, tzinfo=UTC), 2
    )
    assert [r.astimezone(UTC).strftime("%d %H:%M") for r in runs] == ["25 18:30", "26 19:30"]


def test_time_inside_the_skipped_hour_still_fires_once_that_day() -> None:
    # 02:30 does not exist in Berlin on 2025-03-30; the check-in must not be lost or doubled.
    runs = next_runs(
        parse_checkin("02:30", "Europe/Berlin"), datetime(2025, 3, 29, 12, tzinfo=UTC), 3
    )
    days = [r.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat() for r in runs]
    assert days == ["2025-03-30", "2025-03-31", "2025-04-01"]


def test_repeated_hour_fires_once() -> None:
    # 02:30 happens twice in Berlin on 2025-10-26: one check-in, not two.
    runs = next_runs(
        parse_checkin("02:30", "Europe/Berlin"), datetime(2025, 10, 25, 12, tzinfo=UTC), 3
    )
    days = [r.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat() for r in runs]
    assert days == ["2025-10-26", "2025-10-27", "2025-10-28"]


def test_zones_far_apart_on_the_same_utc_day() -> None:
    start = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
    tokyo = next_runs(parse_checkin("08:00", "Asia/Tokyo"), start, 1)[0]
    la = next_runs(parse_checkin("08:00", "America/Los_Angeles"), start, 1)[0]
    assert tokyo.astimezone(UTC) == datetime(2025, 6, 1, 23, 0, tzinfo=UTC)
    assert la.astimezone(UTC) == datetime(2025, 6, 1, 15, 0, tzinfo=UTC)


def test_missed_fire_within_grace() -> None:
    when = parse_checkin("20:30", "Europe/Berlin")  # 18:30 UTC in June
    at = datetime(2025, 6, 1, 18, 30, tzinfo=UTC)
    assert missed_fire(when, at + timedelta(minutes=20), timedelta(hours=1)) == at
    assert missed_fire(when, at + timedelta(hours=2), timedelta(hours=1)) is None
    assert missed_fire(when, at - timedelta(minutes=1), timedelta(hours=1)) is None
    # A long outage with a long grace still yields one (the latest) run: coalesced.
    latest = missed_fire(when, at + timedelta(days=2, minutes=5), timedelta(days=3))
    assert latest == at + timedelta(days=2)
