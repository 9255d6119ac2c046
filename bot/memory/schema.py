"""The SQL schema, as an ordered list of migrations: the only place it lives.

``PRAGMA user_version`` records how many migrations a database has had. To
change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        locale TEXT,
        consent_at TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (platform, platform_user_id)
    );
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        chat_id TEXT NOT NULL,
        chat_kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        summary TEXT,
        summary_upto INTEGER
    );
    CREATE INDEX conversations_by_user_chat ON conversations (user_id, chat_id, ended_at);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        risk TEXT,
        platform_message_id TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
    CREATE INDEX messages_by_time ON messages (created_at);
    CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        platform TEXT NOT NULL,
        risk TEXT NOT NULL,
        score REAL NOT NULL DEFAULT 0,
        categories TEXT NOT NULL DEFAULT '[]',
        excerpt TEXT,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'escalated', 'resolved')),
        note TEXT,
        created_at TEXT NOT NULL,
        acknowledged_at TEXT,
        acknowledged_by TEXT,
        last_alert_at TEXT,
        alert_count INTEGER NOT NULL DEFAULT 0,
        resolved_at TEXT,
        resolved_by TEXT
    );
    CREATE INDEX flags_by_status ON flags (status, created_at);
    CREATE TABLE bans (
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        reason TEXT,
        until TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (platform, platform_user_id)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_platform TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT,
        allowed INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE preferences (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
    );
    CREATE TABLE moods (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
        note TEXT
    );
    CREATE INDEX moods_by_user ON moods (user_id, at);
    CREATE TABLE handled_updates (
        platform TEXT NOT NULL,
        update_id TEXT NOT NULL,
        handled_at TEXT NOT NULL,
        PRIMARY KEY (platform, update_id)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
