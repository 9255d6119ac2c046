"""Scheduled care: daily check-ins, mood tracking and the retention pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import HavenConfig

if TYPE_CHECKING:
    from bot.scheduler.plugin import CarePlugin


def haven_plugins(config: HavenConfig) -> list[CarePlugin]:
    """Found by ``bot.app.discover_plugins``."""
    from bot.scheduler.plugin import CarePlugin

    return [CarePlugin()]
