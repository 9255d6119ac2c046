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
from bot.messages import ChatKind, Incoming, Outbound, Platform, Reply
from bot.safety import build_safety_layer
from tests.core.fakes import ScriptedBackend

MOD_TG = "1001"  # a Telegram moderator
MOD_DC = "2002"  # a Discord moderator by id
MOD_ROLE = "3003"  # a Discord moderator role
MOD_CHANNEL = 4004  # Discord moderator channel
MOD_CHAT = -5005  # Telegram moderator group


def make_config(tmp_path: Path, **sections: dict[str, object]) -> HavenConfig:
    base: dict[str, dict[str, object]] = {
        "memory": {"path": str(tmp_path / "haven.db")},
        "health": {"enabled": False},
        "limits": {"per_minute": 600, "burst": 100},
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
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    return HavenConfig(**base)  # type: ignore[arg-type]


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


def msg(
    text: str = "",
    *,
    user: str = "u1",
    chat: str | None = None,
    kind: ChatKind = ChatKind.DM,
    platform: Platform = Platform.TELEGRAM,
    action: str | None = None,
    roles: tuple[str, ...] = (),
    mod_chat: bool = False,
    locale: str | None = "en-GB",
) -> Incoming:
    return Incoming(
        platform=platform,
        user_id=user,
        chat_id=chat or user,
        chat_kind=kind,
        text=text,
        locale=locale,
        action=action,
        role_ids=roles,
        in_moderator_chat=mod_chat,
    )


async def replies(core: ConversationCore, incoming: Incoming) -> list[Reply]:
    out = [reply async for reply in core.handle(incoming)]
    for reply in out:
        await reply.final_text()
    return out


async def texts(core: ConversationCore, incoming: Incoming) -> list[str]:
    return [reply.text for reply in await replies(core, incoming)]


async def consent(core: ConversationCore, **kw: object) -> None:
    await replies(core, msg(action="consent:yes", **kw))  # type: ignore[arg-type]


@pytest.fixture
def config(tmp_path: Path) -> HavenConfig:
    return make_config(tmp_path)


@pytest.fixture
async def db(config: HavenConfig) -> AsyncIterator[Database]:
    database = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    yield database
    await database.close()


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
