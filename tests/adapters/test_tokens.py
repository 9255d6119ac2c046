"""An enabled platform without its token stops start-up with a message that
says where the token goes; both adapters share this check."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.telegram.adapter import TelegramAdapter
from bot.config import ConfigError
from bot.memory.db import Database
from tests.adapters.support import haven_config

UNSET_ENV = "HAVEN_TEST_TOKEN_NOBODY_SETS"


@pytest.mark.parametrize(
    ("adapter", "section", "hint"),
    [(TelegramAdapter, "telegram", "@BotFather"), (DiscordAdapter, "discord", "developer portal")],
)
async def test_missing_token_names_the_variable_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, adapter: type, section: str, hint: str
) -> None:
    monkeypatch.delenv(UNSET_ENV, raising=False)
    config = haven_config(tmp_path, **{section: {"enabled": True, "token_env": UNSET_ENV}})
    db = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    try:
        with pytest.raises(ConfigError) as caught:
            adapter(config, handler=object(), db=db)
    finally:
        await db.close()
    message = str(caught.value)
    assert UNSET_ENV in message and f"{section}.token_env" in message and hint in message


async def test_a_given_token_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UNSET_ENV, raising=False)
    config = haven_config(tmp_path, discord={"enabled": True, "token_env": UNSET_ENV})
    db = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    try:
        assert DiscordAdapter(config, handler=object(), db=db, token="given").token == "given"  # type: ignore[arg-type]
    finally:
        await db.close()
