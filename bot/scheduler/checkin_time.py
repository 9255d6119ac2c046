"""Parsing and validating a check-in time, and the trigger that fires it.

A check-in is a wall-clock time in the user's own time zone, so the trigger
carries a zoneinfo zone: APScheduler then keeps 20:30 at 20:30 local across
daylight-saving switches instead of drifting by an hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
# IANA names only: letters, digits, '_', '-', '+', '/'; no leading '/' or '..'.
_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")
DEFAULT_ZONE = "UTC"


class CheckinTimeError(ValueError):
    """The user typed a time or zone we cannot use; ``reason`` picks the message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "time" or "zone"


@dataclass(frozen=True, slots=True)
class CheckinTime:
    hour: int
    minute: int
    zone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def label(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d} {self.zone}"

    def to_pref(self) -> dict[str, str]:
        return {"time": f"{self.hour:02d}:{self.minute:02d}", "zone": self.zone}

    @classmethod
    def from_pref(cls, pref: dict[str, str]) -> CheckinTime:
        return parse_checkin(pref["time"], pref.get("zone"))


def validate_zone(name: str) -> str:
    """Return the zone's canonical spelling or raise CheckinTimeError("zone")."""
    candidate = name.strip()
    if not candidate or len(candidate) > 64 or not _ZONE.match(candidate):
        raise CheckinTimeError("zone")
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise CheckinTimeError("zone") from exc
    return candidate


def parse_checkin(time_text: str, zone: str | None = None) -> CheckinTime:
    match = _TIME.match(time_text.strip())
    if match is None:
        raise CheckinTimeError("time")
    return CheckinTime(
        int(match.group(1)), int(match.group(2)), validate_zone(zone or DEFAULT_ZONE)
    )


class DailyTrigger(CronTrigger):
    """A CronTrigger that fires at most once per local calendar day.

    APScheduler 3.11's CronTrigger fires twice when the time falls in the
    hour repeated at a fall-back switch (02:30 in Berlin on the last Sunday
    of October); a daily check-in must not arrive twice.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        if previous_fire_time is None:
            return fire
        day = previous_fire_time.astimezone(self.timezone).date()
        while fire is not None and fire.astimezone(self.timezone).date() == day:
            fire = super().get_next_fire_time(fire, fire)
        return fire


def checkin_trigger(when: CheckinTime) -> CronTrigger:
    return DailyTrigger(hour=when.hour, minute=when.minute, timezone=when.tz)


def next_runs(when: CheckinTime, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire times strictly after ``after`` (aware datetimes)."""
    trigger = checkin_trigger(when)
    runs: list[datetime] = []
    previous: datetime | None = None
    now = after
    while len(runs) < count:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:  # a daily cron never ends; guard anyway
            break
        if fire > after:
            runs.append(fire)
        previous, now = fire, fire
    return runs
