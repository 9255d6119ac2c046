"""``/mod reload``: re-read the config file without a restart.

The new config is validated in full before anything changes; an invalid
file leaves the running one in force. Whoever wires the app decides what a
new config touches (``apply``); by default the core's ``config``, which
moderator lists, alerts, privacy, retention and bot texts are read from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.config import HavenConfig, load_config

Apply = Callable[[HavenConfig], None]


def config_reloader(path: Path | str | None, apply: Apply) -> Callable[[], Awaitable[HavenConfig]]:
    async def reload() -> HavenConfig:
        # File I/O and validation off the loop; raises ConfigError when invalid.
        fresh = await asyncio.to_thread(load_config, path)
        apply(fresh)
        return fresh

    return reload
