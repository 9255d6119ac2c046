"""Fixtures for the core's tests: a real SQLite file per test, the test seams.
The conversation helpers live in ``tests.support.conversation``; they are
re-exported here because the core's tests import them from this module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore, build_core
from bot.memory.db import Database
from tests.core.fakes import KeywordSafety, ScriptedBackend
from tests.support.conversation import consent, db, make_config, msg, replies, texts

__all__ = ["consent", "db", "make_config", "msg", "replies", "texts"]


@pytest.fixture
def config(tmp_path: Path) -> HavenConfig:
    return make_config(tmp_path)


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
