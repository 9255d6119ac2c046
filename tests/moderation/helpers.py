"""Shared by the moderation and scheduler tests: a real SQLite file, the real
core and safety layer, a scripted model (the one seam we double), a clock
tests move by hand and a notifier that records what would leave the machine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore, build_core
from bot.memory.db import Database
from bot.messages import Outbound
from bot.safety import build_safety_layer
from tests.support.backends import ScriptedBackend
from tests.support.conversation import consent, db, msg, replies, texts
from tests.support.conversation import make_config as make_test_config

__all__ = ["consent", "db", "msg", "replies", "texts"]

MOD_TG = "1001"  # a Telegram moderator
MOD_DC = "2002"  # a Discord moderator by id
MOD_ROLE = "3003"  # a Discord moderator role
MOD_CHANNEL = 4004  # Discord moderator channel
MOD_CHAT = -5005  # Telegram moderator group


MOD_SECTIONS: dict[str, dict[str, object]] = {
    "safety": {"semantic": False},
    "moderation": {
        "telegram_ids": [int(MOD_TG)],
        "discord_ids": [int(MOD_DC)],
        "discord_role_ids": [int(MOD_ROLE)],
        "discord_channel_id": MOD_CHANNEL,
        "telegram_chat_id": MOD_CHAT,
        "realert_minutes": 15,
    },
    "telegram": {"enabled": True},
    "discord": {"enabled": True},
}


def make_config(tmp_path: Path, **sections: dict[str, object]) -> HavenConfig:
    """The shared test config with moderators, their chats and both platforms on."""
    return make_test_config(tmp_path, MOD_SECTIONS, **sections)


class FakeClock:
    """A clock tests move by hand. It starts at the real time (whole seconds)
    because rows the core writes itself carry real timestamps."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RecordingNotifier:
    """Stands in for the platforms: records each Outbound; ``fail`` drops them."""

    sent: list[Outbound] = field(default_factory=list)
    fail: bool = False

    async def send(self, message: Outbound) -> bool:
        if self.fail:
            return False
        self.sent.append(message)
        return True


@pytest.fixture
def config(tmp_path: Path) -> HavenConfig:
    return make_config(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend()


@pytest.fixture
async def core(
    config: HavenConfig, db: Database, backend: ScriptedBackend
) -> AsyncIterator[ConversationCore]:
    built = build_core(config, db, backend, build_safety_layer(config))
    yield built
    await built.close(grace_s=1)
