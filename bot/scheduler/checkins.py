"""What a daily check-in sends, and who must not get one.

Kept apart from the scheduler so the decision (banned? forgotten? which
language? buttons or a typed number?) is tested without waiting for a clock.
"""

from __future__ import annotations

from datetime import datetime

from bot.i18n import language_for_locale, t
from bot.memory import moderation as modstore
from bot.memory.db import Database
from bot.messages import Button, Outbound, Platform

MOOD_ACTION = "mood"  # buttons carry "mood:1" .. "mood:5"
LAST_SENT_KEY = "checkin.last_sent"


def mood_buttons(language: str) -> tuple[Button, ...]:
    return tuple(
        Button(t(f"mood.scale.{score}", language), f"{MOOD_ACTION}:{score}")
        for score in range(1, 6)
    )


def checkin_message(
    pref: modstore.CheckinPreference, default_language: str, chosen_language: str | None = None
) -> Outbound:
    """``chosen_language`` is the user's /language choice; it beats the platform locale."""
    language = chosen_language or language_for_locale(pref.locale, default_language)
    platform = Platform(pref.platform)
    if platform is Platform.TERMINAL:
        # The terminal shows no buttons: the user answers with a number.
        return Outbound(
            platform, pref.chat_id, t("checkin.prompt_terminal", language), meta={"kind": "checkin"}
        )
    return Outbound(
        platform,
        pref.chat_id,
        t("checkin.prompt", language),
        buttons=mood_buttons(language),
        meta={"kind": "checkin"},
    )


async def checkin_allowed(
    db: Database, pref: modstore.CheckinPreference, now: datetime, *, require_consent: bool = True
) -> bool:
    """False for a banned user, or one without consent where consent is required;
    a user who forgot their data has no preference row at all."""
    ban = await modstore.get_ban(db, pref.platform, pref.platform_user_id, now)
    if ban is not None:
        return False
    row = await db.fetchone("SELECT consent_at FROM users WHERE id = ?", (pref.user_id,))
    if row is None:
        return False
    return row["consent_at"] is not None or not require_consent
