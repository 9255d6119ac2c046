"""The Database: pragmas, migrations, locking and unusable locations."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest

from bot.memory.db import Database, MemoryBusy, MemoryUnavailable, split_statements
from bot.memory.schema import MIGRATIONS, SCHEMA_VERSION


async def test_open_creates_folder_and_applies_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "deeper" / "haven.db"
    db = await Database.open(path, 1234)
    try:
        assert path.exists()
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        assert (await db.fetchone("PRAGMA secure_delete"))[0] == 1
        assert (await db.fetchone("PRAGMA busy_timeout"))[0] == 1234
        assert await db.schema_version() == SCHEMA_VERSION
        tables = {
            r["name"]
            for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"users", "conversations", "messages", "flags", "bans", "preferences"} <= tables
    finally:
        await db.close()


async def test_reopen_does_not_rerun_migrations(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    db = await Database.open(path)
    await db.execute(
        "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t', '1', 'now')"
    )
    await db.close()
    db = await Database.open(path)
    try:
        assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 1
    finally:
        await db.close()


async def test_old_database_is_migrated_forward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A db at version 1 gets a later migration applied, data kept."""
    path = tmp_path / "old.db"
    db = await Database.open(path)
    await db.execute(
        "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t', '7', 'now')"
    )
    await db.close()
    extra = (
        "ALTER TABLE users ADD COLUMN nickname TEXT;\nCREATE INDEX users_nick ON users (nickname);"
    )
    monkeypatch.setattr("bot.memory.db.MIGRATIONS", [*MIGRATIONS, extra])
    db = await Database.open(path)
    try:
        assert await db.schema_version() == len(MIGRATIONS) + 1
        row = await db.fetchone("SELECT platform_user_id, nickname FROM users")
        assert row["platform_user_id"] == "7" and row["nickname"] is None
    finally:
        await db.close()


async def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.db"
    db = await Database.open(path)
    await db.close()
    broken = "ALTER TABLE users ADD COLUMN a TEXT;\nTHIS IS NOT SQL;"
    monkeypatch.setattr("bot.memory.db.MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(MemoryUnavailable):
        await Database.open(path)
    monkeypatch.setattr("bot.memory.db.MIGRATIONS", MIGRATIONS)
    db = await Database.open(path)
    try:
        columns = {r["name"] for r in await db.fetchall("PRAGMA table_info(users)")}
        assert "a" not in columns
        assert await db.schema_version() == SCHEMA_VERSION
    finally:
        await db.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(MemoryUnavailable, match="newer"):
        await Database.open(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
async def test_read_only_folder_gives_clear_error(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(MemoryUnavailable, match=r"memory\.path|writable"):
            await Database.open(ro / "sub" / "haven.db")
        with pytest.raises(MemoryUnavailable):
            await Database.open(ro / "haven.db")
    finally:
        ro.chmod(0o700)


async def test_path_under_a_file_gives_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MemoryUnavailable, match="cannot create the folder"):
        await Database.open(blocker / "haven.db")


async def test_folder_as_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MemoryUnavailable, match="folder"):
        await Database.open(tmp_path)


async def test_locked_by_another_process_raises_memory_busy(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    db = await Database.open(path, busy_timeout_ms=50)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(MemoryBusy):
            await db.execute(
                "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t', '1', 'x')"
            )
        with pytest.raises(MemoryBusy):
            async with db.transaction():
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    # The lock is gone: the same Database works again.
    await db.execute(
        "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t', '1', 'x')"
    )
    await db.close()


async def test_transaction_rolls_back_on_error_and_serialises(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "tx.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute(
                    "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t','1','x')"
                )
                raise RuntimeError("boom")
        assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 0

        seen: list[int] = []

        async def writer() -> None:
            async with db.transaction():
                await db.execute(
                    "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t','2','x')"
                )
                await asyncio.sleep(0.01)
                # Another task's insert must not land inside this transaction.
                seen.append((await db.fetchone("SELECT count(*) FROM users"))[0])
                raise RuntimeError("roll back")

        async def other() -> None:
            await asyncio.sleep(0)
            await db.execute(
                "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('t','3','x')"
            )

        results = await asyncio.gather(writer(), other(), return_exceptions=True)
        assert isinstance(results[0], RuntimeError)
        assert seen == [1]
        ids = [r[0] for r in await db.fetchall("SELECT platform_user_id FROM users")]
        assert ids == ["3"]
    finally:
        await db.close()


async def test_many_tasks_statements_and_transactions_interleave_safely(tmp_path: Path) -> None:
    """Plain statements skip the lock (aiosqlite queues them in order); a
    transaction still sees none of them and loses only its own rows."""
    db = await Database.open(tmp_path / "many.db")
    sql = "INSERT INTO users (platform, platform_user_id, created_at) VALUES (?, ?, 'x')"
    try:
        counts: list[int] = []

        async def rolled_back(n: int) -> None:
            async with db.transaction():
                before = (await db.fetchone("SELECT count(*) FROM users"))[0]
                await db.execute(sql, ("tx", str(n)))
                await asyncio.sleep(0)
                await db.execute(sql, ("tx", f"{n}b"))
                counts.append((await db.fetchone("SELECT count(*) FROM users"))[0] - before)
                raise RuntimeError("roll back")

        jobs = [db.insert(sql, ("plain", str(n))) for n in range(120)]
        jobs[30:30] = [rolled_back(n) for n in range(5)]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        assert sum(isinstance(r, RuntimeError) for r in results) == 5
        assert counts == [2] * 5  # nobody else's row landed inside a transaction
        rows = await db.fetchall("SELECT platform, count(*) AS n FROM users GROUP BY platform")
        assert [(r["platform"], r["n"]) for r in rows] == [("plain", 120)]
    finally:
        await db.close()


async def test_closed_database_raises_memory_unavailable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.db")
    await db.close()
    with pytest.raises(MemoryUnavailable):
        await db.fetchone("SELECT 1")


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = """
    CREATE TABLE a (x);
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        UPDATE a SET x = 1;
        UPDATE a SET x = 2;
    END;
    CREATE TABLE b (y);
    """
    parts = split_statements(script)
    assert len(parts) == 3
    assert "UPDATE a SET x = 2" in parts[1]


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
async def test_unwritable_location_gives_clear_error_even_for_root() -> None:
    # /proc accepts no new files for anyone, root included.
    with pytest.raises(MemoryUnavailable, match="HAVEN_MEMORY__PATH"):
        await Database.open("/proc/haven-test.db")
