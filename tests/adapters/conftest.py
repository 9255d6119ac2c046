"""Fixtures for the adapter tests: protocol peers on loopback and Haven wired to them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.support import FastBackend
from tests.peers.discord_peer import DiscordPeer
from tests.peers.telegram_peer import TelegramPeer

TELEGRAM_TOKEN_ENV = "HAVEN_TEST_TELEGRAM_TOKEN"
DISCORD_TOKEN_ENV = "HAVEN_TEST_DISCORD_TOKEN"


@pytest.fixture
async def telegram_peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TelegramPeer]:
    peer = TelegramPeer()
    await peer.start()
    monkeypatch.setenv(TELEGRAM_TOKEN_ENV, peer.token)
    yield peer
    await peer.stop()


@pytest.fixture
def backend() -> FastBackend:
    return FastBackend()


@pytest.fixture
async def discord_peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordPeer]:
    import discord
    import yarl

    peer = DiscordPeer()
    await peer.start()
    monkeypatch.setenv(DISCORD_TOKEN_ENV, peer.token)
    # The adapter points discord.py's class-level endpoints at the peer;
    # recording them here puts the real ones back after the test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        yarl.URL(str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)),
    )
    yield peer
    await peer.stop()
