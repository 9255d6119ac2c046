"""Fixtures for the adapter tests: protocol peers on loopback and Haven wired to them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.support import FastBackend
from tests.peers.discord_peer import DiscordPeer
from tests.peers.running import running_discord_peer, running_telegram_peer
from tests.peers.telegram_peer import TelegramPeer

TELEGRAM_TOKEN_ENV = "HAVEN_TEST_TELEGRAM_TOKEN"
DISCORD_TOKEN_ENV = "HAVEN_TEST_DISCORD_TOKEN"


@pytest.fixture
async def telegram_peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TelegramPeer]:
    async with running_telegram_peer(monkeypatch, TELEGRAM_TOKEN_ENV) as peer:
        yield peer


@pytest.fixture
def backend() -> FastBackend:
    return FastBackend()


@pytest.fixture
async def discord_peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordPeer]:
    async with running_discord_peer(monkeypatch, DISCORD_TOKEN_ENV) as peer:
        yield peer
