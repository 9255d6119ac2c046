"""The daily retention pass: old messages go, old resolved flags lose their text."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.memory import moderation as modstore
from bot.memory.store import MemoryStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetentionResult:
    messages_deleted: int
    flags_redacted: int


async def run_retention(store: MemoryStore, days: int, now: datetime) -> RetentionResult:
    """Delete messages older than ``days`` and redact flags resolved before that window.

    Flags are redacted rather than deleted so ``/mod stats`` keeps honest
    counts; only their text and message link go.
    """
    redacted = await modstore.redact_resolved_flags(store.db, now - timedelta(days=days))
    deleted = await store.purge_older_than(days)
    log.info("retention: %d messages deleted, %d resolved flags redacted", deleted, redacted)
    return RetentionResult(deleted, redacted)
