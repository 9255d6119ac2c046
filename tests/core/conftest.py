"""Fixtures for the core's tests: a real SQLite file per test, the test seams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore, build_core
from bot.memory.db import Database
from bot.messages import ChatKind, Incoming, Platform, Reply
from tests.core.fakes import KeywordSafety, ScriptedBackend


def make_config(tmp_path: Path, **sections: dict[str, object]) -> HavenConfig:
    base: dict[str, dict[str, object]] = {
        "memory": {"path": str(tmp_path / "haven.db")},
        "health": {"enabled": False},
        "limits": {"per_minute": 600, "burst": 100},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    return HavenConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def config(tmp_path: Path) -> HavenConfig:
    return make_config(tmp_path)


@pytest.fixture
async def db(config: HavenConfig) -> AsyncIterator[Database]:
    database = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    yield database
    await database.close()


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend()


@pytest.fixture
def safety() -> KeywordSafety:
    return KeywordSafety()


@pytest.fixture
async def core(
    config: HavenConfig, db: Database, backend: ScriptedBackend, safety: KeywordSafety
) -> AsyncIterator[ConversationCore]:
    built = build_core(config, db, backend, safety)
    yield built
    await built.close(grace_s=1)


def msg(
    text: str = "",
    *,
    user: str = "u1",
    chat: str | None = None,
    kind: ChatKind = ChatKind.DM,
    platform: Platform = Platform.TELEGRAM,
    action: str | None = None,
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
