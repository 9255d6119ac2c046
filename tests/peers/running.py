"""A started peer for one test, with its token in the environment variable the
config names: the fixtures of the adapter and moderation suites build on these."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.peers.discord_peer import DiscordPeer
from tests.peers.telegram_peer import TelegramPeer


@asynccontextmanager
async def running_telegram_peer(
    monkeypatch: pytest.MonkeyPatch, token_env: str
) -> AsyncIterator[TelegramPeer]:
    peer = TelegramPeer()
    await peer.start()
    monkeypatch.setenv(token_env, peer.token)
    try:
        yield peer
    finally:
        await peer.stop()


@asynccontextmanager
async def running_discord_peer(
    monkeypatch: pytest.MonkeyPatch, token_env: str
) -> AsyncIterator[DiscordPeer]:
    import discord
    import yarl

    peer = DiscordPeer()
    await peer.start()
    monkeypatch.setenv(token_env, peer.token)
    # The adapter points discord.py's class-level endpoints at the peer;
    # recording them here puts the real ones back after the test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        yarl.URL(str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)),
    )
    try:
        yield peer
    finally:
        await peer.stop()
