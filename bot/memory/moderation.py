"""Moderation and care data: flags queue, bans, audit log, moods, check-in preferences.

Queries only; the rules (who may, what is shown) live in ``bot/moderation``
and ``bot/scheduler``. Times are stored as ISO-8601 UTC strings with second
precision (``bot.memory.store.iso``), so string order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.memory.db import Database
from bot.memory.store import ban_active, iso

REDACTED = "[redacted]"
# Open queue order: the most serious first, then the oldest.
_RISK_ORDER = (
    "CASE f.risk WHEN 'high' THEN 0 WHEN 'elevated' THEN 1 WHEN 'concern' THEN 2 ELSE 3 END"
)


def _ts(moment: datetime) -> str:
    """UTC, second precision: the one spelling that sorts as time in SQL."""
    return iso(moment.astimezone(UTC))


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- flags -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagRecord:
    id: int
    user_id: int | None
    message_id: int | None
    platform: str
    risk: str
    score: float
    categories: tuple[str, ...]
    excerpt: str | None
    status: str
    note: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    last_alert_at: datetime | None
    alert_count: int
    resolved_at: datetime | None
    resolved_by: str | None
    # The flagged user's platform identity, for /mod ban; None once they forgot their data.
    user_platform: str | None = None
    user_platform_id: str | None = None
    user_consented: bool = False


def _categories(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except json.JSONDecodeError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _flag(row: sqlite3.Row) -> FlagRecord:
    """A row of ``_FLAG_SELECT`` (the flag joined with its user)."""
    return FlagRecord(
        id=row["id"],
        user_id=row["user_id"],
        message_id=row["message_id"],
        platform=row["platform"],
        risk=row["risk"],
        score=float(row["score"]),
        categories=_categories(row["categories"]),
        excerpt=row["excerpt"],
        status=row["status"],
        note=row["note"],
        created_at=parse_time(row["created_at"]) or datetime.fromtimestamp(0, UTC),
        acknowledged_at=parse_time(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        last_alert_at=parse_time(row["last_alert_at"]),
        alert_count=int(row["alert_count"]),
        resolved_at=parse_time(row["resolved_at"]),
        resolved_by=row["resolved_by"],
        user_platform=row["u_platform"],
        user_platform_id=row["u_pid"],
        user_consented=bool(row["u_consent"]),
    )


_FLAG_SELECT = (
    "SELECT f.*, u.platform AS u_platform, u.platform_user_id AS u_pid,"
    " u.consent_at AS u_consent FROM flags f LEFT JOIN users u ON u.id = f.user_id"
)


async def get_flag(db: Database, flag_id: int) -> FlagRecord | None:
    row = await db.fetchone(f"{_FLAG_SELECT} WHERE f.id = ?", (flag_id,))
    return _flag(row) if row else None


async def open_flags(db: Database, limit: int = 20) -> list[FlagRecord]:
    """Open and escalated flags, most serious and oldest first."""
    rows = await db.fetchall(
        f"{_FLAG_SELECT} WHERE f.status IN ('open', 'escalated')"
        f" ORDER BY {_RISK_ORDER}, f.created_at, f.id LIMIT ?",
        (limit,),
    )
    return [_flag(r) for r in rows]


async def open_flag_counts(db: Database) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT risk, COUNT(*) AS n FROM flags WHERE status IN ('open', 'escalated') GROUP BY risk"
    )
    return {row["risk"]: int(row["n"]) for row in rows}


async def acknowledge_flag(db: Database, flag_id: int, by: str, now: datetime) -> bool:
    """True when this call acknowledged it; False if missing or already acknowledged."""
    result = await db.execute(
        "UPDATE flags SET acknowledged_at = ?, acknowledged_by = ?"
        " WHERE id = ? AND acknowledged_at IS NULL",
        (_ts(now), by, flag_id),
    )
    return result.rowcount > 0


async def resolve_flag(
    db: Database, flag_id: int, by: str, now: datetime, note: str | None = None
) -> bool:
    """Resolving also acknowledges: a handled flag must stop re-alerting."""
    result = await db.execute(
        "UPDATE flags SET status = 'resolved', resolved_at = ?, resolved_by = ?,"
        " note = COALESCE(?, note), acknowledged_at = COALESCE(acknowledged_at, ?),"
        " acknowledged_by = COALESCE(acknowledged_by, ?) WHERE id = ? AND status != 'resolved'",
        (_ts(now), by, note, _ts(now), by, flag_id),
    )
    return result.rowcount > 0


async def escalate_flag(
    db: Database, flag_id: int, by: str, now: datetime, note: str | None = None
) -> bool:
    """Escalating is a moderator taking it on, so it counts as acknowledged."""
    result = await db.execute(
        "UPDATE flags SET status = 'escalated', note = COALESCE(?, note),"
        " acknowledged_at = COALESCE(acknowledged_at, ?),"
        " acknowledged_by = COALESCE(acknowledged_by, ?) WHERE id = ? AND status = 'open'",
        (note, _ts(now), by, flag_id),
    )
    return result.rowcount > 0


async def flags_due_alert(
    db: Database, now: datetime, realert_after: timedelta, *, risk: str = "high"
) -> list[FlagRecord]:
    """Unacknowledged, unresolved flags never alerted or last alerted long enough ago."""
    rows = await db.fetchall(
        f"{_FLAG_SELECT} WHERE f.risk = ? AND f.status != 'resolved'"
        " AND f.acknowledged_at IS NULL AND (f.last_alert_at IS NULL OR f.last_alert_at <= ?)"
        " ORDER BY f.id",
        (risk, _ts(now - realert_after)),
    )
    return [_flag(r) for r in rows]


async def mark_alerted(db: Database, flag_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE flags SET last_alert_at = ?, alert_count = alert_count + 1 WHERE id = ?",
        (_ts(now), flag_id),
    )


async def flag_context(db: Database, flag: FlagRecord, turns: int) -> list[sqlite3.Row]:
    """The flagged message and up to ``turns`` messages before it in its conversation."""
    if flag.message_id is None or turns < 0:
        return []
    return list(
        reversed(
            await db.fetchall(
                "SELECT m.id, m.role, m.content, m.created_at FROM messages m"
                " JOIN messages f ON f.id = ? WHERE m.conversation_id = f.conversation_id"
                " AND m.id <= f.id ORDER BY m.id DESC LIMIT ?",
                (flag.message_id, turns + 1),
            )
        )
    )


async def redact_resolved_flags(db: Database, before: datetime) -> int:
    """Blank the text of flags resolved before ``before``; the counts stay for stats."""
    result = await db.execute(
        "UPDATE flags SET excerpt = NULL, note = CASE WHEN note IS NULL THEN NULL ELSE ? END,"
        " message_id = NULL WHERE status = 'resolved' AND resolved_at < ?"
        " AND (excerpt IS NOT NULL OR message_id IS NOT NULL OR (note IS NOT NULL AND note != ?))",
        (REDACTED, _ts(before), REDACTED),
    )
    return max(result.rowcount, 0)


# -- bans --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BanRecord:
    platform: str
    platform_user_id: str
    reason: str | None
    until: datetime | None
    created_by: str
    created_at: datetime | None


async def ban_user(
    db: Database,
    platform: str,
    platform_user_id: str,
    *,
    by: str,
    now: datetime,
    until: datetime | None = None,
    reason: str | None = None,
) -> None:
    await db.execute(
        "INSERT INTO bans (platform, platform_user_id, reason, until, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, platform_user_id) DO UPDATE SET"
        " reason = excluded.reason, until = excluded.until, created_by = excluded.created_by,"
        " created_at = excluded.created_at",
        (platform, platform_user_id, reason, _ts(until) if until else None, by, _ts(now)),
    )


async def unban_user(db: Database, platform: str, platform_user_id: str) -> bool:
    result = await db.execute(
        "DELETE FROM bans WHERE platform = ? AND platform_user_id = ?", (platform, platform_user_id)
    )
    return result.rowcount > 0


async def get_ban(
    db: Database, platform: str, platform_user_id: str, now: datetime
) -> BanRecord | None:
    """The ban in force at ``now``, if any (an expired one counts as none)."""
    row = await db.fetchone(
        "SELECT * FROM bans WHERE platform = ? AND platform_user_id = ?",
        (platform, platform_user_id),
    )
    if row is None or not ban_active(row["until"], now):
        return None
    return BanRecord(
        row["platform"],
        row["platform_user_id"],
        row["reason"],
        parse_time(row["until"]),
        row["created_by"],
        parse_time(row["created_at"]),
    )


# -- audit log ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime | None
    actor_platform: str
    actor_id: str
    action: str
    target: str | None
    detail: str | None
    allowed: bool


async def write_audit(
    db: Database,
    *,
    actor_platform: str,
    actor_id: str,
    action: str,
    now: datetime,
    target: str | None = None,
    detail: str | None = None,
    allowed: bool = True,
) -> int:
    result = await db.execute(
        "INSERT INTO audit_log (at, actor_platform, actor_id, action, target, detail, allowed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_ts(now), actor_platform, actor_id, action, target, detail, int(allowed)),
    )
    return int(result.lastrowid or 0)


async def recent_audit(db: Database, limit: int = 20) -> list[AuditEntry]:
    rows = await db.fetchall("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
    return [
        AuditEntry(
            r["id"],
            parse_time(r["at"]),
            r["actor_platform"],
            r["actor_id"],
            r["action"],
            r["target"],
            r["detail"],
            bool(r["allowed"]),
        )
        for r in rows
    ]


# -- stats -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UsageStats:
    users: int
    consented_users: int
    messages_today: int
    messages_7d: int


async def usage_stats(db: Database, now: datetime) -> UsageStats:
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    row = await db.fetchone(
        "SELECT (SELECT COUNT(*) FROM users) AS users,"
        " (SELECT COUNT(*) FROM users WHERE consent_at IS NOT NULL) AS consented,"
        " (SELECT COUNT(*) FROM messages WHERE role = 'user' AND created_at >= ?) AS today,"
        " (SELECT COUNT(*) FROM messages WHERE role = 'user' AND created_at >= ?) AS week",
        (_ts(day_start), _ts(now - timedelta(days=7))),
    )
    assert row is not None
    return UsageStats(int(row["users"]), int(row["consented"]), int(row["today"]), int(row["week"]))


# -- moods -------------------------------------------------------------------


async def add_mood(
    db: Database, user_id: int, score: int, now: datetime, note: str | None = None
) -> int:
    if not 1 <= score <= 5:
        raise ValueError("mood score must be 1..5")
    result = await db.execute(
        "INSERT INTO moods (user_id, at, score, note) VALUES (?, ?, ?, ?)",
        (user_id, _ts(now), score, note),
    )
    return int(result.lastrowid or 0)


async def note_latest_mood(db: Database, user_id: int, note: str, since: datetime) -> bool:
    """Attach a note to the user's latest mood if it is recent; False when there is none."""
    row = await db.fetchone(
        "SELECT id FROM moods WHERE user_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1",
        (user_id, _ts(since)),
    )
    if row is None:
        return False
    await db.execute("UPDATE moods SET note = ? WHERE id = ?", (note, row["id"]))
    return True


async def correct_recent_mood(db: Database, user_id: int, score: int, since: datetime) -> bool:
    """Change the user's mood recorded since ``since`` (a second button press); False if none."""
    row = await db.fetchone(
        "SELECT id FROM moods WHERE user_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1",
        (user_id, _ts(since)),
    )
    if row is None:
        return False
    await db.execute("UPDATE moods SET score = ? WHERE id = ?", (score, row["id"]))
    return True


async def moods_since(db: Database, user_id: int, since: datetime) -> list[tuple[datetime, int]]:
    rows = await db.fetchall(
        "SELECT at, score FROM moods WHERE user_id = ? AND at >= ? ORDER BY at, id",
        (user_id, _ts(since)),
    )
    out: list[tuple[datetime, int]] = []
    for row in rows:
        moment = parse_time(row["at"])
        if moment is not None:
            out.append((moment, int(row["score"])))
    return out


# -- check-in preferences ----------------------------------------------------

CHECKIN_KEY = "checkin"


@dataclass(frozen=True, slots=True)
class CheckinPreference:
    user_id: int
    platform: str
    platform_user_id: str
    chat_id: str
    time: str  # "HH:MM"
    zone: str  # IANA name
    locale: str | None = None


async def set_checkin(db: Database, user_id: int, *, chat_id: str, time: str, zone: str) -> None:
    value = json.dumps({"chat_id": chat_id, "time": time, "zone": zone})
    await db.execute(
        "INSERT INTO preferences (user_id, key, value) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
        (user_id, CHECKIN_KEY, value),
    )


async def clear_checkin(db: Database, user_id: int) -> bool:
    result = await db.execute(
        "DELETE FROM preferences WHERE user_id = ? AND key = ?", (user_id, CHECKIN_KEY)
    )
    return result.rowcount > 0


def _checkin(row: sqlite3.Row) -> CheckinPreference | None:
    try:
        value = json.loads(row["value"])
        return CheckinPreference(
            row["user_id"],
            row["platform"],
            row["platform_user_id"],
            str(value["chat_id"]),
            str(value["time"]),
            str(value["zone"]),
            row["locale"],
        )
    except (json.JSONDecodeError, KeyError, TypeError):
        return None  # a damaged row is skipped, never fatal to start-up


_CHECKIN_SELECT = (
    "SELECT p.user_id, p.value, u.platform, u.platform_user_id, u.locale FROM preferences p"
    " JOIN users u ON u.id = p.user_id WHERE p.key = ?"
)


async def get_checkin(db: Database, user_id: int) -> CheckinPreference | None:
    row = await db.fetchone(f"{_CHECKIN_SELECT} AND p.user_id = ?", (CHECKIN_KEY, user_id))
    return _checkin(row) if row else None


async def all_checkins(db: Database) -> list[CheckinPreference]:
    rows = await db.fetchall(f"{_CHECKIN_SELECT} ORDER BY p.user_id", (CHECKIN_KEY,))
    return [pref for pref in (_checkin(r) for r in rows) if pref is not None]
