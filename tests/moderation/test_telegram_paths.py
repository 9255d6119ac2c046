"""Moderator and care paths on Telegram, end to end: the real python-telegram-bot
adapter against the loopback Bot API peer, with these plug-ins running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import HavenApp
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.moderation.plugin import ModerationPlugin
from bot.scheduler.mood_chart import PNG_SIGNATURE
from bot.scheduler.plugin import CarePlugin
from tests.adapters.support import FastBackend, haven_config, start_app
from tests.peers.running import running_telegram_peer
from tests.peers.telegram_peer import TelegramPeer

TOKEN_ENV = "HAVEN_TEST_MOD_TELEGRAM_TOKEN"
MOD = 1001
USER = 4242
MOD_GROUP = -100555


@pytest.fixture
async def peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TelegramPeer]:
    async with running_telegram_peer(monkeypatch, TOKEN_ENV) as server:
        yield server


@pytest.fixture
async def app(tmp_path: Path, peer: TelegramPeer) -> AsyncIterator[HavenApp]:
    config = haven_config(
        tmp_path,
        telegram={
            "enabled": True,
            "token_env": TOKEN_ENV,
            "base_url": peer.base_url,
            "edit_interval_s": 0.05,
            "min_edit_chars": 5,
        },
        privacy={"require_consent": False},
        moderation={"telegram_ids": [MOD], "telegram_chat_id": MOD_GROUP},
    )
    running = await start_app(
        config, FastBackend(), plugins=[ModerationPlugin(poll_s=0.05), CarePlugin()]
    )
    yield running
    await running.stop()


async def test_crisis_alert_reaches_the_moderator_chat_and_the_button_acknowledges(
    app: HavenApp, peer: TelegramPeer
) -> None:
    peer.private_message(USER, "I want to kill myself tonight")
    await peer.wait_sent(USER, 1)
    [alert] = await peer.wait_sent(MOD_GROUP, 1)
    assert "Crisis alert" in alert.text and "kill" not in alert.text
    [action] = alert.button_data()
    assert action.startswith("flag:ack:")
    flag_id = int(action.rsplit(":", 1)[1])
    peer.press(USER, alert, action)  # not a moderator: refused, nothing changes
    peer.press(MOD, alert, action)
    await peer.wait_sent(MOD_GROUP, 3)
    texts = [m.text for m in peer.sent(MOD_GROUP)[1:]]
    assert texts == [t("mod.not_permitted", "en"), t("mod.ack.done", "en", id=flag_id)]
    flag = await modstore.get_flag(app.db, flag_id)
    assert flag is not None and flag.acknowledged_by == f"telegram:{MOD}"


async def test_mod_commands_in_dm_and_group(app: HavenApp, peer: TelegramPeer) -> None:
    peer.private_message(MOD, "/mod flags")
    [reply] = await peer.wait_sent(MOD, 1)
    assert reply.text == t("mod.flags.none", "en")
    peer.group_message(MOD_GROUP, USER, "/mod stats")
    [refused] = await peer.wait_sent(MOD_GROUP, 1)
    assert refused.text == t("mod.not_permitted", "en")
    peer.group_message(MOD_GROUP, MOD, "/mod stats")
    await peer.wait_sent(MOD_GROUP, 2)
    assert peer.sent(MOD_GROUP)[1].text.startswith("Users:")
    peer.group_message(-999, MOD, "/mod stats")  # a moderator, but in an ordinary group
    [elsewhere] = await peer.wait_sent(-999, 1)
    assert elsewhere.text == t("mod.not_permitted", "en")


async def test_checkin_buttons_and_mood_chart_as_a_photo(app: HavenApp, peer: TelegramPeer) -> None:
    peer.private_message(USER, "/checkin 20:30 Europe/Berlin")
    [confirm] = await peer.wait_sent(USER, 1)
    assert confirm.text == t("checkin.set", "en", time="20:30", zone="Europe/Berlin")
    care = next(p for p in app.plugins if isinstance(p, CarePlugin)).care
    assert care is not None
    user = await app.core.store.get_user("telegram", str(USER))
    assert user is not None
    assert await care.checkin_job(user.id)  # what the scheduler runs at 20:30
    [_, checkin] = await peer.wait_sent(USER, 2)
    assert checkin.button_data() == [f"mood:{i}" for i in range(1, 6)]
    peer.press(USER, checkin, "mood:4")
    await peer.wait_sent(USER, 3)
    peer.private_message(USER, "/mood")
    [*_, chart] = await peer.wait_sent(USER, 4)
    assert chart.photo is not None and chart.photo[1].startswith(PNG_SIGNATURE)
    assert chart.caption is not None and "1 check-ins" in chart.caption
