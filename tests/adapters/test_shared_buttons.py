"""Buttons in a shared Telegram group: a refused press leaves them for a moderator.

The crisis alert's Acknowledge button sits in the moderators' group; someone
who may not acknowledge presses it first. (Discord's side of this is in
``tests/moderation/test_discord_paths.py``.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import HavenApp
from bot.i18n import t
from bot.moderation.plugin import ModerationPlugin
from tests.adapters.conftest import TELEGRAM_TOKEN_ENV
from tests.adapters.support import FastBackend, haven_config, start_app
from tests.peers.telegram_peer import TelegramPeer

MOD = 1001
USER = 4242
MOD_GROUP = -100777


@pytest.fixture
async def app(
    tmp_path: Path, telegram_peer: TelegramPeer, backend: FastBackend
) -> AsyncIterator[HavenApp]:
    config = haven_config(
        tmp_path,
        telegram={
            "enabled": True,
            "token_env": TELEGRAM_TOKEN_ENV,
            "base_url": telegram_peer.base_url,
            "edit_interval_s": 0.05,
            "min_edit_chars": 5,
        },
        privacy={"require_consent": False},
        moderation={"telegram_ids": [MOD], "telegram_chat_id": MOD_GROUP},
    )
    running = await start_app(config, backend, plugins=[ModerationPlugin(poll_s=0.05)])
    yield running
    await running.stop()


async def test_a_refused_press_leaves_the_alert_button(
    app: HavenApp, telegram_peer: TelegramPeer
) -> None:
    peer = telegram_peer
    peer.private_message(USER, "I want to kill myself tonight")
    [alert] = await peer.wait_sent(MOD_GROUP, 1)
    [action] = alert.button_data()

    peer.press(USER, alert, action)  # in the group, but not a moderator
    [_, refusal] = await peer.wait_sent(MOD_GROUP, 2)
    assert refusal.text == t("mod.not_permitted", "en")
    assert alert.button_data() == [action]  # still there for the moderators

    peer.press(MOD, alert, action)
    [*_, done] = await peer.wait_sent(MOD_GROUP, 3)
    flag_id = int(action.rsplit(":", 1)[1])
    assert done.text == t("mod.ack.done", "en", id=flag_id)
    await peer.wait_for(lambda: alert.button_data() == [])  # taken effect: the button goes
    with pytest.raises(AssertionError):
        peer.press(MOD, alert, action)
