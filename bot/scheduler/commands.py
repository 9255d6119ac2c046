"""``/checkin``, ``/mood`` and the mood buttons a check-in carries.

Both commands are DM-only: a check-in time or a mood chart says something
personal, and a group chat is the wrong place for it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from bot.core.commands import CommandContext, CommandRegistry
from bot.memory import moderation as modstore
from bot.memory.store import UserRecord
from bot.messages import Attachment, Platform, Reply
from bot.scheduler.checkin_time import CheckinTimeError, parse_checkin
from bot.scheduler.checkins import MOOD_ACTION
from bot.scheduler.jobs import CareScheduler, Clock
from bot.scheduler.mood_chart import MoodPoint, MoodSummary, render_mood_chart

log = logging.getLogger(__name__)

CHART_DAYS = 30
NOTE_WINDOW = timedelta(hours=24)  # /mood note attaches to a mood this recent
# A second button press this soon after the first corrects it instead of adding a point.
CORRECTION_WINDOW = timedelta(minutes=15)
NOTE_CHARS = 500


async def _user(ctx: CommandContext) -> UserRecord:
    """The stored user; with consent off (privacy.require_consent=false) created on demand."""
    if ctx.user is not None:
        return ctx.user
    return await ctx.store.ensure_user(
        ctx.incoming.platform.value, ctx.incoming.user_id, ctx.incoming.locale
    )


def summary_text(ctx: CommandContext, summary: MoodSummary) -> str:
    if summary.count == 0 or summary.average is None:
        return ctx.t("mood.summary_empty", days=CHART_DAYS)
    if summary.trend is None or abs(summary.trend) < 0.25:
        trend = ctx.t("mood.trend.steady")
    else:
        trend = ctx.t("mood.trend.up" if summary.trend > 0 else "mood.trend.down")
    return ctx.t(
        "mood.summary",
        days=CHART_DAYS,
        count=summary.count,
        average=f"{summary.average:.1f}",
        latest=summary.latest,
        trend=trend,
    )


class CareCommands:
    def __init__(
        self, care: CareScheduler, *, clock: Clock | None = None, chart_dir: Path | None = None
    ) -> None:
        self.care = care
        self.clock = clock or care.clock
        self.chart_dir = chart_dir

    # -- /checkin ------------------------------------------------------------------------

    async def checkin(self, ctx: CommandContext) -> Reply:
        user = await _user(ctx)
        args = ctx.args
        if not args:
            pref = await modstore.get_checkin(ctx.db, user.id)
            if pref is None:
                return Reply(text=ctx.t("checkin.none"))
            return Reply(text=ctx.t("checkin.status", time=pref.time, zone=pref.zone))
        if args[0].lower() in {"off", "stop", "aus", "no", "non"}:
            removed = await self.care.disable_checkin(user.id)
            return Reply(text=ctx.t("checkin.off" if removed else "checkin.none"))
        if len(args) > 2:
            return Reply(text=ctx.t("checkin.usage"), kind="notice")
        try:
            when = parse_checkin(args[0], args[1] if len(args) > 1 else None)
        except CheckinTimeError as exc:
            key = "checkin.bad_zone" if exc.reason == "zone" else "checkin.bad_time"
            return Reply(text=ctx.t(key) + "\n" + ctx.t("checkin.usage"), kind="notice")
        await self.care.enable_checkin(user.id, ctx.incoming.chat_id, when)
        return Reply(
            text=ctx.t("checkin.set", time=f"{when.hour:02d}:{when.minute:02d}", zone=when.zone)
        )

    # -- /mood -----------------------------------------------------------------------------

    async def mood(self, ctx: CommandContext) -> Reply:
        user = await _user(ctx)
        args = ctx.args
        if not args:
            return await self._chart(ctx, user)
        if args[0].lower() == "note":
            note = ctx.arg_text.strip()[4:].strip()[:NOTE_CHARS]
            if not note:
                return Reply(text=ctx.t("mood.usage"), kind="notice")
            found = await modstore.note_latest_mood(
                ctx.db, user.id, note, self.clock() - NOTE_WINDOW
            )
            return Reply(text=ctx.t("mood.note_saved" if found else "mood.no_recent"))
        if args[0] in {"1", "2", "3", "4", "5"}:
            note = ctx.arg_text.strip()[1:].strip()[:NOTE_CHARS] or None
            await modstore.add_mood(ctx.db, user.id, int(args[0]), self.clock(), note)
            return Reply(text=ctx.t("mood.saved", score=args[0]))
        return Reply(text=ctx.t("mood.usage"), kind="notice")

    async def _chart(self, ctx: CommandContext, user: UserRecord) -> Reply:
        now = self.clock()
        rows = await modstore.moods_since(ctx.db, user.id, now - timedelta(days=CHART_DAYS))
        points = [MoodPoint(at, score) for at, score in rows]
        if not points:
            return Reply(text=ctx.t("mood.summary_empty", days=CHART_DAYS))
        chart = await asyncio.to_thread(
            render_mood_chart, points, now=now, days=CHART_DAYS, title=ctx.t("mood.chart_title")
        )
        summary = summary_text(ctx, chart.summary)
        if ctx.incoming.platform is Platform.TERMINAL:
            path = await asyncio.to_thread(self._save_png, ctx, user, chart.png)
            return Reply(text=f"{summary}\n{ctx.t('mood.saved_png', path=str(path))}")
        return Reply(
            text=summary,
            attachment=Attachment("mood.png", chart.png, "image/png", kind="photo"),
        )

    def _save_png(self, ctx: CommandContext, user: UserRecord, png: bytes) -> Path:
        folder = self.chart_dir or Path(ctx.config.memory.path).parent / "charts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"mood-{user.id}.png"
        path.write_bytes(png)
        return path.resolve()

    # -- the check-in's buttons ----------------------------------------------------------

    async def mood_button(self, ctx: CommandContext) -> Reply:
        if len(ctx.args) != 1 or ctx.args[0] not in {"1", "2", "3", "4", "5"}:
            return Reply(text=ctx.t("action.expired"), kind="notice")
        if ctx.core.needs_consent(ctx.user):
            return ctx.core.disclaimer(ctx.language)
        user = await _user(ctx)
        score = int(ctx.args[0])
        now = self.clock()
        if not await modstore.correct_recent_mood(ctx.db, user.id, score, now - CORRECTION_WINDOW):
            await modstore.add_mood(ctx.db, user.id, score, now)
        return Reply(text=ctx.t("mood.saved", score=score))


def register_care_commands(
    registry: CommandRegistry, care: CareScheduler, *, chart_dir: Path | None = None
) -> CareCommands:
    """Add ``/checkin``, ``/mood`` and the ``mood:1..5`` buttons."""
    commands = CareCommands(care, chart_dir=chart_dir)
    registry.command(
        "checkin", commands.checkin, help_key="help.checkin", dm_only=True, requires_consent=True
    )
    registry.command(
        "mood", commands.mood, help_key="help.mood", dm_only=True, requires_consent=True
    )
    registry.action(MOOD_ACTION, commands.mood_button)
    return commands
