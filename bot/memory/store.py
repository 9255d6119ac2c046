"""Conversation memory: users, conversations, messages and preferences.

Everything is keyed per (platform, user, chat): a conversation belongs to one
user in one chat, so a DM history can never be read into a group prompt, nor
one user's history into another's. Nothing here is written before consent;
the pipeline decides when a row may exist.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.memory.db import Database
from bot.safety.types import RiskAssessment


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None = None) -> str:
    return (moment or utcnow()).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    platform: str
    platform_user_id: str
    locale: str | None
    consent_at: str | None

    @property
    def consented(self) -> bool:
        return self.consent_at is not None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: int
    user_id: int
    chat_id: str
    chat_kind: str
    started_at: str
    summary: str | None
    summary_upto: int | None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    conversation_id: int
    role: str
    content: str
    risk: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class UserContext:
    """Who is writing, read in one query: the stored user (None before
    consent), their chosen language and country, and whether a ban applies."""

    user: UserRecord | None
    language: str | None
    country: str | None
    banned: bool


@dataclass(frozen=True, slots=True)
class Intake:
    """What a text message needs before safety runs, read in one round trip:
    who is writing, their open conversation in this chat (None: none yet) and
    its newest messages after the summary, oldest first."""

    context: UserContext
    conversation: ConversationRecord | None
    history: list[MessageRecord]
    # Row id of this very platform message when it was stored before (a
    # platform re-delivering after a crash mid-reply); None normally.
    redelivered: int | None = None


# The columns ``_context`` reads: user, language and country preferences, ban
# (``users u`` and ``bans b`` joined on the key ``k``).
_CONTEXT_COLUMNS = (
    "SELECT u.id, u.platform, u.platform_user_id, u.locale, u.consent_at,"
    " (SELECT value FROM preferences p WHERE p.user_id = u.id AND p.key = 'language')"
    "   AS pref_language,"
    " (SELECT value FROM preferences p WHERE p.user_id = u.id AND p.key = 'country')"
    "   AS pref_country,"
    " b.platform AS ban_platform, b.until AS ban_until"
)
_CONTEXT_JOINS = (
    " LEFT JOIN users u ON u.platform = k.platform AND u.platform_user_id = k.uid"
    " LEFT JOIN bans b ON b.platform = k.platform AND b.platform_user_id = k.uid"
)

# One statement, one trip to SQLite's thread: under load each trip costs a
# thread wake-up, and this runs for every message.
_INTAKE_SQL = (
    _CONTEXT_COLUMNS + ","
    " c.id AS c_id, c.chat_kind AS c_kind, c.started_at AS c_started,"
    " c.summary AS c_summary, c.summary_upto AS c_upto,"
    # The same platform message stored already: the platform delivered it again.
    " (SELECT max(id) FROM messages WHERE conversation_id = c.id AND role = 'user'"
    "   AND platform_message_id = :pmid) AS redelivered,"
    " (SELECT json_group_array(json_array(m.id, m.role, m.content, m.risk, m.created_at))"
    "   FROM (SELECT id, role, content, risk, created_at FROM messages"
    "         WHERE conversation_id = c.id AND id > coalesce(c.summary_upto, 0)"
    "         ORDER BY id DESC LIMIT :limit) m) AS history"
    " FROM (SELECT :platform AS platform, :uid AS uid) k"
    + _CONTEXT_JOINS
    + " LEFT JOIN conversations c ON c.id = (SELECT id FROM conversations"
    "   WHERE user_id = u.id AND chat_id = :chat AND ended_at IS NULL ORDER BY id DESC LIMIT 1)"
)


def ban_active(until: str | None, now: datetime | None = None) -> bool:
    """Whether a ban with this stored expiry is in force (at ``now``, default: now)."""
    if not until:
        return True
    try:
        end = datetime.fromisoformat(until)
    except ValueError:
        return True  # unreadable expiry: keep the ban rather than lift it by accident
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return end > (now or utcnow())


def _user(row: sqlite3.Row) -> UserRecord:
    return UserRecord(
        row["id"], row["platform"], row["platform_user_id"], row["locale"], row["consent_at"]
    )


def _conversation(row: sqlite3.Row) -> ConversationRecord:
    return ConversationRecord(
        row["id"],
        row["user_id"],
        row["chat_id"],
        row["chat_kind"],
        row["started_at"],
        row["summary"],
        row["summary_upto"],
    )


def _context(row: sqlite3.Row) -> UserContext:
    """A row selected with ``_CONTEXT_COLUMNS``."""
    user = _user(row) if row["id"] is not None else None
    banned = row["ban_platform"] is not None and ban_active(row["ban_until"])
    return UserContext(user, row["pref_language"], row["pref_country"], banned)


def _message(row: sqlite3.Row) -> MessageRecord:
    return MessageRecord(
        row["id"],
        row["conversation_id"],
        row["role"],
        row["content"],
        row["risk"],
        row["created_at"],
    )


async def create_flag(
    db: Database,
    *,
    user_id: int | None,
    platform: str,
    assessment: RiskAssessment,
    message_id: int | None = None,
    excerpt: str | None = None,
) -> int:
    """Record a risk flag for moderators; alerts are built on top of these rows.

    ``excerpt`` is stored only when the caller decided it may be (config
    ``moderation.alert_excerpts``); by default flags carry no user text.
    """
    return await db.insert(
        "INSERT INTO flags (user_id, message_id, platform, risk, score, categories, excerpt,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            message_id,
            platform,
            assessment.level.value,
            float(assessment.score),
            json.dumps(list(assessment.categories)),
            excerpt,
            iso(),
        ),
    )


class MemoryStore:
    """The core's memory operations on one ``Database``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- users and consent ---------------------------------------------------

    async def get_user(self, platform: str, platform_user_id: str) -> UserRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM users WHERE platform = ? AND platform_user_id = ?",
            (platform, platform_user_id),
        )
        return _user(row) if row else None

    async def ensure_user(
        self, platform: str, platform_user_id: str, locale: str | None = None
    ) -> UserRecord:
        await self.db.execute(
            "INSERT INTO users (platform, platform_user_id, locale, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, platform_user_id) DO UPDATE SET"
            " locale = COALESCE(excluded.locale, users.locale)",
            (platform, platform_user_id, locale, iso()),
        )
        user = await self.get_user(platform, platform_user_id)
        assert user is not None
        return user

    async def record_consent(
        self, platform: str, platform_user_id: str, locale: str | None = None
    ) -> UserRecord:
        async with self.db.transaction():
            user = await self.ensure_user(platform, platform_user_id, locale)
            if user.consent_at is None:
                await self.db.execute(
                    "UPDATE users SET consent_at = ? WHERE id = ?", (iso(), user.id)
                )
            fresh = await self.get_user(platform, platform_user_id)
        assert fresh is not None
        return fresh

    async def is_banned(self, platform: str, platform_user_id: str) -> bool:
        row = await self.db.fetchone(
            "SELECT until FROM bans WHERE platform = ? AND platform_user_id = ?",
            (platform, platform_user_id),
        )
        return row is not None and ban_active(row["until"])

    async def user_context(self, platform: str, platform_user_id: str) -> UserContext:
        """User, preferences and ban in one round trip (this runs for every message)."""
        row = await self.db.fetchone(
            _CONTEXT_COLUMNS + " FROM (SELECT ? AS platform, ? AS uid) k" + _CONTEXT_JOINS,
            (platform, platform_user_id),
        )
        assert row is not None
        return _context(row)

    async def intake(
        self,
        platform: str,
        platform_user_id: str,
        chat_id: str,
        limit: int,
        *,
        platform_message_id: str | None = None,
    ) -> Intake:
        """``user_context`` + ``active_conversation(create=False)`` +
        ``recent_messages(limit, after_id=summary_upto)`` in one query."""
        row = await self.db.fetchone(
            _INTAKE_SQL,
            {
                "platform": platform,
                "uid": platform_user_id,
                "chat": chat_id,
                "limit": limit,
                "pmid": platform_message_id,
            },
        )
        assert row is not None
        context = _context(row)
        user = context.user
        if user is None or row["c_id"] is None:
            return Intake(context, None, [])
        conversation = ConversationRecord(
            row["c_id"],
            user.id,
            chat_id,
            row["c_kind"],
            row["c_started"],
            row["c_summary"],
            row["c_upto"],
        )
        history = sorted(
            (
                MessageRecord(mid, conversation.id, role, content, risk, created)
                for mid, role, content, risk, created in json.loads(row["history"] or "[]")
            ),
            key=lambda m: m.id,
        )
        return Intake(context, conversation, history, row["redelivered"])

    # -- preferences ---------------------------------------------------------

    async def get_preference(self, user_id: int, key: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT value FROM preferences WHERE user_id = ? AND key = ?", (user_id, key)
        )
        return row["value"] if row else None

    async def set_preference(self, user_id: int, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO preferences (user_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
            (user_id, key, value),
        )

    async def preferences(self, user_id: int) -> dict[str, str]:
        rows = await self.db.fetchall(
            "SELECT key, value FROM preferences WHERE user_id = ?", (user_id,)
        )
        return {row["key"]: row["value"] for row in rows}

    # -- conversations and messages -----------------------------------------

    async def active_conversation(
        self, user_id: int, chat_id: str, chat_kind: str, *, create: bool = True
    ) -> ConversationRecord | None:
        """The open conversation of this user in this chat (created on demand)."""
        row = await self.db.fetchone(
            "SELECT * FROM conversations WHERE user_id = ? AND chat_id = ? AND ended_at IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (user_id, chat_id),
        )
        if row is not None or not create:
            return _conversation(row) if row else None
        new_id = await self.db.insert(
            "INSERT INTO conversations (user_id, chat_id, chat_kind, started_at) VALUES (?, ?, ?, ?)",
            (user_id, chat_id, chat_kind, iso()),
        )
        row = await self.db.fetchone("SELECT * FROM conversations WHERE id = ?", (new_id,))
        assert row is not None
        return _conversation(row)

    async def end_conversation(self, user_id: int, chat_id: str) -> bool:
        """Close the open conversation (``/reset``); its messages are kept."""
        result = await self.db.execute(
            "UPDATE conversations SET ended_at = ? WHERE user_id = ? AND chat_id = ?"
            " AND ended_at IS NULL",
            (iso(), user_id, chat_id),
        )
        return result.rowcount > 0

    async def add_message(
        self,
        conversation: ConversationRecord,
        role: str,
        content: str,
        *,
        risk: str | None = None,
        platform_message_id: str | None = None,
    ) -> int:
        return await self.db.insert(
            "INSERT INTO messages (conversation_id, user_id, role, content, risk,"
            " platform_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                conversation.id,
                conversation.user_id,
                role,
                content,
                risk,
                platform_message_id,
                iso(),
            ),
        )

    async def recent_messages(
        self, conversation_id: int, limit: int = 64, *, after_id: int | None = None
    ) -> list[MessageRecord]:
        """The last ``limit`` messages, oldest first (only those after ``after_id``)."""
        rows = await self.db.fetchall(
            "SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id DESC LIMIT ?",
            (conversation_id, after_id or 0, limit),
        )
        return [_message(row) for row in reversed(rows)]

    async def set_summary(self, conversation_id: int, summary: str, upto_message_id: int) -> None:
        await self.db.execute(
            "UPDATE conversations SET summary = ?, summary_upto = ? WHERE id = ?",
            (summary, upto_message_id, conversation_id),
        )

    async def get_conversation(self, conversation_id: int) -> ConversationRecord | None:
        row = await self.db.fetchone("SELECT * FROM conversations WHERE id = ?", (conversation_id,))
        return _conversation(row) if row else None

    # -- user rights and retention ------------------------------------------

    async def forget_user(self, platform: str, platform_user_id: str) -> bool:
        """Delete every row about the user, then empty the WAL.

        Rows go by ``ON DELETE CASCADE`` (conversations, messages, flags,
        preferences, moods); ``secure_delete`` zeroes the freed bytes and the
        TRUNCATE checkpoint removes old page copies from the WAL file. A ban
        record stays: forgetting must not lift a moderator's ban.
        """
        user = await self.get_user(platform, platform_user_id)
        if user is None:
            return False
        async with self.db.transaction():
            await self.db.execute("DELETE FROM messages WHERE user_id = ?", (user.id,))
            await self.db.execute("DELETE FROM users WHERE id = ?", (user.id,))
        await self.db.checkpoint_truncate()
        return True

    async def export_user(self, platform: str, platform_user_id: str) -> dict[str, Any]:
        """Everything stored about the user, as plain JSON-ready data."""
        user = await self.get_user(platform, platform_user_id)
        exported: dict[str, Any] = {
            "format": "haven-export-1",
            "exported_at": iso(),
            "platform": platform,
            "user_id": platform_user_id,
        }
        if user is None:
            exported.update(user=None, conversations=[], preferences={}, moods=[], flags=[])
            return exported
        exported["user"] = {"locale": user.locale, "consent_at": user.consent_at}
        exported["preferences"] = await self.preferences(user.id)
        conversations = []
        for conv in await self.db.fetchall(
            "SELECT * FROM conversations WHERE user_id = ? ORDER BY id", (user.id,)
        ):
            messages = await self.db.fetchall(
                "SELECT role, content, risk, created_at FROM messages WHERE conversation_id = ?"
                " ORDER BY id",
                (conv["id"],),
            )
            conversations.append(
                {
                    "chat_id": conv["chat_id"],
                    "chat_kind": conv["chat_kind"],
                    "started_at": conv["started_at"],
                    "ended_at": conv["ended_at"],
                    "summary": conv["summary"],
                    "messages": [dict(m) for m in messages],
                }
            )
        exported["conversations"] = conversations
        exported["moods"] = [
            dict(row)
            for row in await self.db.fetchall(
                "SELECT at, score, note FROM moods WHERE user_id = ? ORDER BY at", (user.id,)
            )
        ]
        exported["flags"] = [
            dict(row)
            for row in await self.db.fetchall(
                "SELECT risk, score, categories, status, created_at, resolved_at FROM flags"
                " WHERE user_id = ? ORDER BY id",
                (user.id,),
            )
        ]
        return exported

    async def purge_older_than(self, days: int) -> int:
        """Delete messages older than ``days`` (retention); returns how many went.

        Conversations left empty are removed too; the WAL is emptied afterwards
        so the text is gone from disk, not just from the tables.
        """
        cutoff = iso(utcnow() - timedelta(days=days))
        async with self.db.transaction():
            result = await self.db.execute("DELETE FROM messages WHERE created_at < ?", (cutoff,))
            await self.db.execute(
                "DELETE FROM conversations WHERE started_at < ? AND NOT EXISTS"
                " (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id)",
                (cutoff,),
            )
        if result.rowcount:
            await self.db.checkpoint_truncate()
        return max(result.rowcount, 0)
