"""One SQLite connection for the whole bot, opened safely and migrated on open.

Every domain module (``store.py``, ``moderation.py``, ``updates.py``) takes a
``Database`` and goes through its helpers, so locking, error translation and
pragmas live in one place. One connection plus one asyncio lock serialises
writers; a second process holding the file past ``busy_timeout`` surfaces as
``MemoryBusy``, which the pipeline turns into a calm reply.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.memory.schema import MIGRATIONS

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class MemoryUnavailable(Exception):
    """The database cannot be used (read-only or missing location, corrupt file)."""


class MemoryBusy(MemoryUnavailable):
    """Another process held a write lock past busy_timeout; retrying later may work."""


@dataclass(frozen=True, slots=True)
class Executed:
    rowcount: int
    lastrowid: int | None


def split_statements(script: str) -> list[str]:
    """Split a migration into statements; executescript() would commit on its
    own, and a migration must run inside our transaction."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def _translate(exc: sqlite3.Error, path: Path) -> MemoryUnavailable:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return MemoryBusy(f"the database {path} is locked by another process; try again shortly")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return MemoryUnavailable(
            f"the database {path} cannot be written ({exc}); point memory.path at a "
            "writable location (HAVEN_MEMORY__PATH=...)"
        )
    return MemoryUnavailable(f"database error on {path}: {exc}")


async def _join_worker(pending: aiosqlite.Connection) -> None:
    """After a failed connect, aiosqlite stops its thread without waiting; wait
    for it here, or it reports to an event loop that may be closed by then.
    (``_thread`` is aiosqlite's own attribute; the version is pinned.)"""
    thread = getattr(pending, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5.0)


class Database:
    """Use ``await Database.open(path, busy_timeout_ms)``; close with ``await db.close()``."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        # Set inside transaction(): statements from the owning task join it
        # instead of waiting for the lock it already holds.
        self._in_tx: contextvars.ContextVar[bool] = contextvars.ContextVar(
            f"haven_db_tx_{id(self)}", default=False
        )
        self._closed = False

    @classmethod
    async def open(cls, path: Path | str, busy_timeout_ms: int = 5000) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MemoryUnavailable(
                    f"cannot create the folder for the database {path}: {exc.strerror or exc}; "
                    "point memory.path at a writable location (HAVEN_MEMORY__PATH=...)"
                ) from exc
            if path.is_dir():
                raise MemoryUnavailable(f"memory.path {path} is a folder; it must name a file")
        pending = aiosqlite.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
        try:
            conn = await pending
        except sqlite3.Error as exc:
            await _join_worker(pending)
            raise _translate(exc, path) from exc
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db._configure(busy_timeout_ms)
            await db._migrate()
        except sqlite3.Error as exc:
            await conn.close()
            raise _translate(exc, path) from exc
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self, busy_timeout_ms: int) -> None:
        await self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        row = await (await self._conn.execute("PRAGMA journal_mode = WAL")).fetchone()
        mode = str(row[0]).lower() if row else ""
        if mode != "wal" and str(self.path) != ":memory:":
            raise MemoryUnavailable(
                f"the database {self.path} cannot switch to WAL mode (got {mode!r}); "
                "is the location writable?"
            )
        await self._conn.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros: /forget leaves no text behind.
        await self._conn.execute("PRAGMA secure_delete = ON")
        await self._conn.execute("PRAGMA synchronous = NORMAL")

    async def _migrate(self) -> None:
        row = await (await self._conn.execute("PRAGMA user_version")).fetchone()
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            raise MemoryUnavailable(
                f"the database {self.path} has schema version {version}, newer than this "
                f"Haven ({len(MIGRATIONS)}); upgrade Haven or use another memory.path"
            )
        for index in range(version, len(MIGRATIONS)):
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_statements(MIGRATIONS[index]):
                    await self._conn.execute(statement)
                await self._conn.execute(f"PRAGMA user_version = {index + 1}")
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            log.info("database migrated to schema version %d", index + 1)

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw connection, for the rare query the helpers do not cover."""
        return self._conn

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _guard(self) -> AsyncIterator[None]:
        """Keep other tasks' statements out of an open transaction.

        Outside a transaction a statement goes straight to aiosqlite's queue,
        which already runs statements one at a time: many users' reads and
        writes then follow each other on SQLite's thread without a round trip
        to the event loop in between. Between this check and the statement
        being queued there is no ``await``, so a transaction cannot slip in.
        """
        if self._closed:
            raise MemoryUnavailable(f"the database {self.path} is closed")
        if self._in_tx.get():
            yield
            return
        if not self._lock.locked():
            yield
            return
        async with self._lock:
            if self._closed:
                raise MemoryUnavailable(f"the database {self.path} is closed")
            yield

    async def execute(self, sql: str, params: Params = ()) -> Executed:
        async with self._guard():
            try:
                cursor = await self._conn.execute(sql, params)
                result = Executed(cursor.rowcount, cursor.lastrowid)
                await cursor.close()
                return result
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    async def insert(self, sql: str, params: Params = ()) -> int:
        """An INSERT in one trip to the connection's thread; returns the new rowid."""
        async with self._guard():
            try:
                row = await self._conn.execute_insert(sql, params)
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc
        if row is None or row[0] is None:
            raise MemoryUnavailable(f"an insert into {self.path} returned no row id")
        return int(row[0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> Executed:
        async with self._guard():
            try:
                cursor = await self._conn.executemany(sql, rows)
                result = Executed(cursor.rowcount, cursor.lastrowid)
                await cursor.close()
                return result
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        # execute_fetchall: one trip to the connection's thread instead of three.
        async with self._guard():
            try:
                return list(await self._conn.execute_fetchall(sql, params))
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """``async with db.transaction():`` groups writes atomically; other
        tasks' statements wait until it ends. Nested use joins the outer one."""
        if self._in_tx.get():
            yield self
            return
        if self._closed:
            raise MemoryUnavailable(f"the database {self.path} is closed")
        async with self._lock:
            token = self._in_tx.set(True)
            try:
                try:
                    await self._conn.execute("BEGIN IMMEDIATE")
                except sqlite3.Error as exc:
                    raise _translate(exc, self.path) from exc
                try:
                    yield self
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                try:
                    await self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    await self._conn.execute("ROLLBACK")
                    raise _translate(exc, self.path) from exc
            finally:
                self._in_tx.reset(token)

    async def checkpoint_truncate(self) -> None:
        """Copy the WAL into the main file and empty it, so deleted text that
        still sat in old WAL frames is gone from disk too."""
        async with self._guard():
            try:
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    async def close(self) -> None:
        if self._closed:
            return
        async with self._lock:
            self._closed = True
            try:
                await self._conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            await self._conn.close()
