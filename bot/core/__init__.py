"""The platform-neutral conversation core."""

from __future__ import annotations

from typing import Any

from bot.config import HavenConfig
from bot.core.commands import (
    CommandContext,
    CommandInfo,
    CommandRegistry,
    CommandSpec,
    parse_command,
)
from bot.core.pipeline import ConversationCore, session_key
from bot.memory.db import Database
from bot.observability.metrics import HavenMetrics
from bot.safety.layer import SafetyLayer
from model.base import Backend

__all__ = [
    "CommandContext",
    "CommandInfo",
    "CommandRegistry",
    "CommandSpec",
    "ConversationCore",
    "build_core",
    "parse_command",
    "session_key",
]


def build_core(
    config: HavenConfig,
    db: Database,
    backend: Backend,
    safety: SafetyLayer,
    *,
    registry: CommandRegistry | None = None,
    metrics: HavenMetrics | None = None,
    summarizer: Any | None = None,
) -> ConversationCore:
    """The core with the built-in commands; plug-ins register theirs on
    ``core.registry`` (before or after, as long as it is before messages flow)."""
    return ConversationCore(
        config, db, backend, safety, registry=registry, metrics=metrics, summarizer=summarizer
    )
