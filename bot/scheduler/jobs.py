"""The care scheduler: daily check-ins per user and the daily retention pass.

APScheduler's ``AsyncIOScheduler`` runs every job as a coroutine on the
bot's own event loop, so jobs share the one database connection and never
need locks of their own. Preferences in SQLite are the source of truth: the
scheduler keeps jobs in memory and rebuilds them from the table at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import HavenConfig
from bot.memory import moderation as modstore
from bot.memory.store import MemoryStore, iso
from bot.ports import Notifier
from bot.scheduler.checkin_time import CheckinTime, CheckinTimeError, checkin_trigger
from bot.scheduler.checkins import LAST_SENT_KEY, checkin_allowed, checkin_message
from bot.scheduler.retention import RetentionResult, run_retention

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ConfigSource = Callable[[], HavenConfig]
RETENTION_JOB = "retention"
RETENTION_FIRST_DELAY = timedelta(seconds=60)  # after start-up, off the hot path
# Plug-ins start before the adapters: missed check-ins wait until they can be delivered.
CATCH_UP_DELAY = timedelta(seconds=15)
CATCH_UP_JOB = "checkin-catch-up"


def checkin_job_id(user_id: int) -> str:
    return f"checkin:{user_id}"


def _system_clock() -> datetime:
    return datetime.now(UTC)


def missed_fire(when: CheckinTime, now: datetime, grace: timedelta) -> datetime | None:
    """The latest fire time in (now - grace, now], if any: a run the bot was down for."""
    trigger = checkin_trigger(when)
    latest: datetime | None = None
    previous: datetime | None = None
    cursor = now - grace
    while True:
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None or fire > now:
            return latest
        if fire > now - grace:
            latest = fire
        previous = cursor = fire


class CareScheduler:
    def __init__(
        self,
        store: MemoryStore,
        notifier: Notifier,
        config: ConfigSource,
        *,
        clock: Clock = _system_clock,
        scheduler: AsyncIOScheduler | None = None,
    ) -> None:
        self.store = store
        self.db = store.db
        self.notifier = notifier
        self.config = config
        self.clock = clock
        self.scheduler = scheduler or AsyncIOScheduler(timezone=UTC)

    @property
    def grace_s(self) -> int:
        return self.config().scheduler.misfire_grace_s

    # -- lifecycle ----------------------------------------------------------------

    async def start(self, *, catch_up: bool = True) -> int:
        """Start the scheduler on the running loop and restore every check-in;
        with ``catch_up``, a check-in missed while the bot was down (within the
        grace time) is sent once, shortly after start-up. Returns how many
        check-ins were restored."""
        if not self.scheduler.running:
            self.scheduler.start()
        restored = await self.restore()
        config = self.config()
        self.scheduler.add_job(
            self.retention_job,
            CronTrigger(hour=config.scheduler.retention_hour_utc, minute=0, timezone=UTC),
            id=RETENTION_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self.grace_s,
            # Once soon after start too: a bot that is never up at night still purges.
            next_run_time=self.clock() + RETENTION_FIRST_DELAY,
        )
        if catch_up:
            self.scheduler.add_job(
                self.catch_up,
                "date",
                run_date=self.clock() + CATCH_UP_DELAY,
                id=CATCH_UP_JOB,
                replace_existing=True,
                misfire_grace_time=self.grace_s,
            )
        return restored

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def restore(self) -> int:
        count = 0
        for pref in await modstore.all_checkins(self.db):
            try:
                self.schedule(
                    pref.user_id, CheckinTime.from_pref({"time": pref.time, "zone": pref.zone})
                )
                count += 1
            except CheckinTimeError:
                log.warning("check-in preference of user %d is unusable; skipped", pref.user_id)
        log.info("restored %d daily check-ins", count)
        return count

    # -- check-ins ------------------------------------------------------------------

    def schedule(self, user_id: int, when: CheckinTime) -> None:
        self.scheduler.add_job(
            self.checkin_job,
            checkin_trigger(when),
            args=[user_id],
            id=checkin_job_id(user_id),
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self.grace_s,
        )

    def unschedule(self, user_id: int) -> bool:
        job = self.scheduler.get_job(checkin_job_id(user_id))
        if job is None:
            return False
        job.remove()
        return True

    def next_checkin(self, user_id: int) -> datetime | None:
        job = self.scheduler.get_job(checkin_job_id(user_id))
        return job.next_run_time if job is not None else None

    async def enable_checkin(self, user_id: int, chat_id: str, when: CheckinTime) -> None:
        await modstore.set_checkin(
            self.db, user_id, chat_id=chat_id, time=when.to_pref()["time"], zone=when.zone
        )
        self.schedule(user_id, when)

    async def disable_checkin(self, user_id: int) -> bool:
        removed = await modstore.clear_checkin(self.db, user_id)
        self.unschedule(user_id)
        return removed

    async def checkin_job(self, user_id: int) -> bool:
        """The job body; True when a check-in went out."""
        try:
            return await self._send_checkin(user_id)
        except Exception:  # a job must never take the scheduler down
            log.exception("check-in for user %d failed", user_id)
            return False

    async def _send_checkin(self, user_id: int) -> bool:
        pref = await modstore.get_checkin(self.db, user_id)
        if pref is None:  # the user forgot their data (cascade) or turned it off
            self.unschedule(user_id)
            return False
        now = self.clock()
        config = self.config()
        if not await checkin_allowed(
            self.db, pref, now, require_consent=config.privacy.require_consent
        ):
            return False
        chosen = await self.store.get_preference(user_id, "language")
        message = checkin_message(pref, config.bot.default_locale, chosen)
        sent = await self.notifier.send(message)
        if sent:
            await self.store.set_preference(user_id, LAST_SENT_KEY, iso(now))
        return bool(sent)

    async def catch_up(self) -> int:
        """Send one check-in to each user whose time passed while the bot was down."""
        now = self.clock()
        grace = timedelta(seconds=self.grace_s)
        sent = 0
        for pref in await modstore.all_checkins(self.db):
            try:
                when = CheckinTime.from_pref({"time": pref.time, "zone": pref.zone})
            except CheckinTimeError:
                continue
            missed = missed_fire(when, now, grace)
            if missed is None:
                continue
            last = modstore.parse_time(await self.store.get_preference(pref.user_id, LAST_SENT_KEY))
            if last is not None and last >= missed:
                continue
            if await self.checkin_job(pref.user_id):
                sent += 1
        return sent

    # -- retention --------------------------------------------------------------------

    async def retention_job(self) -> RetentionResult | None:
        try:
            return await run_retention(
                self.store, self.config().memory.retention_days, self.clock()
            )
        except Exception:
            log.exception("retention pass failed; it runs again tomorrow")
            return None
