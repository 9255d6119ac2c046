"""How tests talk to the real core: a config on its own SQLite file, messages
as a platform would send them, and replies drained to their final text.
Shared by the core, moderation and scheduler tests so they build turns alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore
from bot.memory.db import Database
from bot.messages import ChatKind, Incoming, Platform, Reply

Sections = Mapping[str, Mapping[str, object]]


def make_config(tmp_path: Path, *defaults: Sections, **sections: dict[str, object]) -> HavenConfig:
    """A config for one test: its own database, no health port, generous limits.
    ``defaults`` are a suite's own section values; ``sections`` win over them."""
    base: dict[str, dict[str, object]] = {
        "memory": {"path": str(tmp_path / "haven.db")},
        "health": {"enabled": False},
        "limits": {"per_minute": 600, "burst": 100},
    }
    for layer in (*defaults, sections):
        for name, values in layer.items():
            base.setdefault(name, {}).update(values)
    return HavenConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
async def db(config: HavenConfig) -> AsyncIterator[Database]:
    database = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    yield database
    await database.close()


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
    """Every reply to ``incoming`` with streams drained to their final text."""
    out = [reply async for reply in core.handle(incoming)]
    for reply in out:
        await reply.final_text()
    return out


async def texts(core: ConversationCore, incoming: Incoming) -> list[str]:
    return [reply.text for reply in await replies(core, incoming)]


async def consent(core: ConversationCore, **kw: object) -> None:
    await replies(core, msg(action="consent:yes", **kw))  # type: ignore[arg-type]
