"""Haven on Discord, end to end: the real discord.py against the REST + gateway peer.

Haven is built by ``HavenApp`` exactly as ``python -m bot run`` builds it,
with the real core and safety layer and a real SQLite file; only the model
is the fast test backend.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import adapter as discord_adapter
from bot.app import HavenApp
from bot.config import HavenConfig
from bot.i18n import t
from bot.messages import Attachment, Button, Outbound, Platform
from tests.adapters.conftest import DISCORD_TOKEN_ENV
from tests.adapters.support import FastBackend, haven_config, long_reply, start_app
from tests.peers.discord_peer import DiscordPeer

USER = "3100000000000000001"
FINAL_END = "right now?"


def discord_config(tmp_path: Path, peer: DiscordPeer, **sections: dict[str, Any]) -> HavenConfig:
    discord_section = {
        "enabled": True,
        "token_env": DISCORD_TOKEN_ENV,
        "api_base": peer.api_base,
        "gateway_url": peer.gateway_url,
        "edit_interval_s": 0.05,
        "channel_ids": [int(peer.quiet_channel_id)],
        **sections.pop("discord", {}),
    }
    privacy = {"require_consent": False, **sections.pop("privacy", {})}
    return haven_config(tmp_path, discord=discord_section, privacy=privacy, **sections)


@pytest.fixture(autouse=True)
def fast_guild_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    # discord.py waits this long after the last GUILD_CREATE before on_ready.
    monkeypatch.setattr(discord_adapter, "GUILD_READY_TIMEOUT_S", 0.05)


@pytest.fixture
async def app(
    tmp_path: Path, discord_peer: DiscordPeer, backend: FastBackend
) -> AsyncIterator[HavenApp]:
    running = await start_app(discord_config(tmp_path, discord_peer), backend)
    yield running
    await running.stop()


def _finished(peer: DiscordPeer, channel: str, count: int = 1) -> bool:
    done = [m for m in peer.sent(channel) if m.content.endswith(FINAL_END)]
    return len(done) >= count


async def test_dm_gets_a_streamed_reply_that_cannot_ping(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    backend.hold_after_words = 8
    await discord_peer.dm(USER, "I feel anxious about my exams")
    channel = discord_peer.dm_channel_for(USER)
    await discord_peer.wait_for(lambda: len(discord_peer.sent(channel)) == 1)
    assert discord_peer.sent(channel)[0].content == "Thank you for telling me."
    backend.release.set()
    await discord_peer.wait_for(lambda: _finished(discord_peer, channel))
    [reply] = discord_peer.sent(channel)
    assert reply.versions[0] == "Thank you for telling me." and reply.edits >= 1
    assert reply.allowed_mentions == {"parse": []}
    assert reply.reference is None  # a DM needs no reply arrow


async def test_typing_shows_while_the_model_is_slow(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    backend.hold_after_words = 0
    await discord_peer.dm(USER, "are you there?")
    channel = discord_peer.dm_channel_for(USER)
    await discord_peer.wait_for(lambda: channel in discord_peer.typing)
    assert discord_peer.sent(channel) == []
    backend.release.set()
    await discord_peer.wait_for(lambda: _finished(discord_peer, channel))


async def test_server_answers_only_when_addressed(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    peer = discord_peer
    await peer.guild_message("41", "anyone seen the match?")
    await peer.guild_message("42", "hello Haven", bot=True)  # another bot
    await peer.guild_message("43", "I can't sleep again", mention=True)
    await peer.wait_for(lambda: _finished(peer, peer.channel_id))
    assert backend.seen == ["I can't sleep again"]
    [reply] = peer.sent(peer.channel_id)
    assert reply.reference is not None  # replies to the user's message
    await peer.guild_message("43", "thanks", reply_to=reply)
    await peer.wait_for(lambda: _finished(peer, peer.channel_id, 2))
    await peer.guild_message("44", "is this the support channel?", channel_id=peer.quiet_channel_id)
    await peer.wait_for(lambda: _finished(peer, peer.quiet_channel_id))
    assert backend.seen[1:] == ["thanks", "is this the support channel?"]


async def test_user_text_is_escaped_and_never_pings(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    backend.reply_for = lambda text: f"You wrote: {text}"
    await discord_peer.dm(USER, "**shout** @everyone <@&5>")
    channel = discord_peer.dm_channel_for(USER)
    await discord_peer.wait_for(
        lambda: "shout" in "".join(m.content for m in discord_peer.sent(channel))
    )
    [reply] = discord_peer.sent(channel)
    assert "\\*\\*shout\\*\\*" in reply.content  # shown literally, not as bold
    assert "@everyone" not in reply.content  # escaped with a zero-width space
    assert reply.allowed_mentions == {"parse": []}


async def test_long_reply_is_split_at_2000(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    text = long_reply(4500)
    backend.reply_for = lambda _t: text
    await discord_peer.dm(USER, "tell me more")
    channel = discord_peer.dm_channel_for(USER)
    squashed = " ".join(text.split())
    await discord_peer.wait_for(
        lambda: (
            " ".join(" ".join(m.content.split()) for m in discord_peer.sent(channel)) == squashed
        ),
        within=20,
    )
    pieces = discord_peer.sent(channel)
    assert len(pieces) == 3 and all(len(p.content) <= 2000 for p in pieces)


async def test_crisis_message_gets_resources(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    started = time.perf_counter()
    await discord_peer.dm(USER, "I want to end my life")
    channel = discord_peer.dm_channel_for(USER)
    await discord_peer.wait_for(
        lambda: any("findahelpline" in m.content for m in discord_peer.sent(channel))
    )
    print(f"crisis resources visible after {(time.perf_counter() - started) * 1000:.0f} ms")


async def test_rate_limit_is_survived(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    channel = discord_peer.dm_channel_for(USER)
    discord_peer.rate_limit_next("POST", f"/channels/{channel}/messages", retry_after=0.3)
    discord_peer.rate_limit_next("PATCH", f"/channels/{channel}/messages", retry_after=0.3)
    await discord_peer.dm(USER, "hello?")
    await discord_peer.wait_for(lambda: _finished(discord_peer, channel), within=15)
    assert len(discord_peer.sent(channel)) == 1


async def test_dropped_gateway_resumes_without_losing_a_message(
    app: HavenApp, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    await discord_peer.drop()
    await discord_peer.dm(USER, "are you still there?")  # sent while the socket is down
    channel = discord_peer.dm_channel_for(USER)
    await discord_peer.wait_for(lambda: _finished(discord_peer, channel), within=20)
    assert len(discord_peer.resumes) == 1 and len(discord_peer.identifies) == 1
    assert backend.seen == ["are you still there?"]


async def test_slash_commands_registered_and_answered(
    tmp_path: Path, discord_peer: DiscordPeer, backend: FastBackend
) -> None:
    app = await start_app(
        discord_config(tmp_path, discord_peer, privacy={"require_consent": True}), backend
    )
    peer = discord_peer
    try:
        names = set(peer.command_names())
        assert {
            "start",
            "help",
            "reset",
            "forget",
            "export",
            "resources",
            "country",
            "language",
        } <= names
        help_cmd = next(c for c in peer.commands["global"] if c["name"] == "help")
        assert help_cmd["description_localizations"]["de"] == t("help.help", "de")

        record = await peer.slash("start", USER, locale="fr")
        await peer.wait_for(lambda: record.original is not None and bool(record.original.content))
        assert record.original is not None
        assert record.original.custom_ids() == ["haven:consent:yes", "haven:consent:no"]
        assert "IA" in record.original.content  # the interaction locale picked French
        press = await peer.click(USER, record.original, "haven:consent:yes")
        await peer.wait_for(lambda: bool(press.followups))
        assert record.original.components == []  # buttons removed: one press counts once

        record = await peer.slash("country", USER, options={"details": "DE"}, locale="en-GB")
        await peer.wait_for(lambda: record.original is not None and bool(record.original.content))
        record = await peer.slash("resources", USER, locale="en-GB")
        await peer.wait_for(lambda: record.original is not None and bool(record.original.content))
        assert record.original is not None and "112" in record.original.content  # Germany now

        record = await peer.slash("help", USER, in_guild=True, locale="de")
        await peer.wait_for(lambda: record.original is not None and bool(record.original.content))
        assert record.original is not None and record.original.ephemeral  # only the user sees it

        await peer.dm(USER, "I keep worrying about tomorrow")
        channel = peer.dm_channel_for(USER)
        await peer.wait_for(lambda: _finished(peer, channel))
        record = await peer.slash("export", USER)
        await peer.wait_for(lambda: record.original is not None and bool(record.original.files))
        assert record.original is not None
        name, data = record.original.files[0]
        assert name.endswith(".json") and b"I keep worrying about tomorrow" in data

        record = await peer.slash("forget", USER)
        await peer.wait_for(
            lambda: record.original is not None and bool(record.original.custom_ids())
        )
        assert record.original is not None
        confirm = record.original.custom_ids()[0]
        press = await peer.click(USER, record.original, confirm)
        await peer.wait_for(lambda: bool(press.followups))
        assert "erased" in press.followups[0].content

        # The same commands typed as text in a DM.
        await peer.dm(USER, "/help")
        await peer.wait_for(lambda: any("/forget" in m.content for m in peer.sent(channel)))
    finally:
        await app.stop()


async def test_outbound_to_channel_and_user(app: HavenApp, discord_peer: DiscordPeer) -> None:
    ok = await app.notifier.send(
        Outbound(
            Platform.DISCORD,
            discord_peer.channel_id,
            "A flag needs a look",
            buttons=(Button("Acknowledge", "ack:1"),),
        )
    )
    assert ok
    [alert] = discord_peer.sent(discord_peer.channel_id)
    assert alert.custom_ids() == ["haven:ack:1"] and alert.allowed_mentions == {"parse": []}
    ok = await app.notifier.send(
        Outbound(
            Platform.DISCORD,
            USER,
            "Your mood chart",
            attachment=Attachment("mood.png", b"\x89PNG", "image/png", "photo"),
            meta={"target": "user"},
        )
    )
    assert ok
    [chart] = discord_peer.sent_to_user(USER)
    assert chart.files == [("mood.png", b"\x89PNG")]
    assert not await app.notifier.send(Outbound(Platform.DISCORD, "404", "nobody"))
