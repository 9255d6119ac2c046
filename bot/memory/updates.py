"""Which platform updates were already answered, so a restart never answers one twice.

Telegram re-sends every update whose offset was not confirmed. The Telegram
adapter confirms an offset only after the update was handled, so after a
crash it gets back everything it had not finished (nothing lost) and skips
what this ledger says it finished (nothing repeated).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.memory.db import Database

# SQLite's default limit on host parameters is 999 on old builds; stay under it.
_CHUNK = 500


def _now() -> str:
    return datetime.now(UTC).isoformat()


class UpdateLedger:
    """Handled update ids for one platform, in the ``handled_updates`` table."""

    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform

    async def is_handled(self, update_id: int | str) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM handled_updates WHERE platform = ? AND update_id = ?",
            (self.platform, str(update_id)),
        )
        return row is not None

    async def handled_among(self, update_ids: Iterable[int | str]) -> set[str]:
        """The subset of ``update_ids`` already handled (as strings)."""
        ids = [str(u) for u in update_ids]
        found: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT update_id FROM handled_updates WHERE platform = ? AND update_id IN ({marks})",
                (self.platform, *chunk),
            )
            found.update(str(row[0]) for row in rows)
        return found

    async def mark_handled(self, update_id: int | str) -> bool:
        """Record ``update_id``; False if it was already recorded."""
        result = await self.db.execute(
            "INSERT OR IGNORE INTO handled_updates (platform, update_id, handled_at) VALUES (?, ?, ?)",
            (self.platform, str(update_id), _now()),
        )
        return result.rowcount == 1

    async def prune(self, older_than: timedelta = timedelta(days=3)) -> int:
        """Forget entries older than Telegram keeps updates (24 h), with margin."""
        cutoff = (datetime.now(UTC) - older_than).isoformat()
        result = await self.db.execute(
            "DELETE FROM handled_updates WHERE platform = ? AND handled_at < ?",
            (self.platform, cutoff),
        )
        return max(0, result.rowcount)
