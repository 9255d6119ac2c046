"""Moderators: who they are, ``/mod`` commands, crisis alerts, the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import HavenConfig

if TYPE_CHECKING:
    from bot.moderation.plugin import ModerationPlugin


def haven_plugins(config: HavenConfig) -> list[ModerationPlugin]:
    """Found by ``bot.app.discover_plugins``."""
    from bot.moderation.plugin import ModerationPlugin

    return [ModerationPlugin()]
