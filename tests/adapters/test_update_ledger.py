"""The handled-update ledger on a real SQLite file, across a reopen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.memory.db import Database
from bot.memory.updates import UpdateLedger


async def test_ledger_survives_reopen_and_keeps_platforms_apart(tmp_path: Path) -> None:
    path = tmp_path / "haven.db"
    db = await Database.open(path)
    telegram = UpdateLedger(db, "telegram")
    assert await telegram.mark_handled(41)
    assert not await telegram.mark_handled(41)  # recorded once
    await db.close()

    db = await Database.open(path)
    try:
        telegram = UpdateLedger(db, "telegram")
        other = UpdateLedger(db, "discord")
        assert await telegram.is_handled(41)
        assert not await other.is_handled(41)
        ids = list(range(1, 1201))  # more than one query's worth of parameters
        for update_id in (5, 600, 1200):
            await telegram.mark_handled(update_id)
        assert await telegram.handled_among(ids) == {"5", "41", "600", "1200"}
        assert await telegram.prune(older_than=timedelta(days=3)) == 0
        assert await telegram.prune(older_than=timedelta(seconds=-1)) == 4
        assert await telegram.handled_among(ids) == set()
    finally:
        await db.close()
