"""Who a group message is for: mentions are matched exactly, not by prefix."""

from __future__ import annotations

from bot.adapters.discord.translate import strip_bot_mention
from bot.adapters.telegram.translate import BotIdentity, strip_mention

ME = BotIdentity(id=1, username="haven_bot")


def test_telegram_mention_removed_anywhere_any_case() -> None:
    assert strip_mention("@Haven_Bot I can't sleep", ME) == "I can't sleep"
    assert strip_mention("hey @haven_bot, are you there?", ME) == "hey , are you there?"


def test_telegram_longer_handle_is_someone_else() -> None:
    assert strip_mention("@haven_bot2 hello", ME) == "@haven_bot2 hello"


def test_discord_both_mention_forms_removed() -> None:
    assert strip_bot_mention("<@42> hi <@!42>", 42) == "hi"
    assert strip_bot_mention("<@421> hi", 42) == "<@421> hi"
