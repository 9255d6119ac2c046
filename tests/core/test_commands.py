"""Built-in commands and the registry other packages plug into."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.core import CommandContext, CommandRegistry, ConversationCore, parse_command
from bot.memory.db import Database
from bot.messages import ChatKind, Reply
from tests.core.conftest import consent, msg, replies, texts
from tests.core.fakes import RESOURCES_TEXT, ScriptedBackend


def test_parse_command_handles_bot_suffix_and_args() -> None:
    parsed = parse_command("/country@HavenBot  de ")
    assert parsed is not None and parsed.name == "country" and parsed.args == ["de"]
    assert parse_command("/") is None
    assert parse_command("not a command") is None
    assert parse_command("/../etc") is None


def test_registry_rejects_duplicates_and_bad_names() -> None:
    registry = CommandRegistry()

    async def handler(ctx: CommandContext) -> None:
        return None

    registry.command("mood", handler, help_key="help.help")
    with pytest.raises(ValueError):
        registry.command("mood", handler)
    with pytest.raises(ValueError):
        registry.command("Bad Name", handler)
    with pytest.raises(ValueError):
        registry.action("a:b", handler)


async def test_plugin_command_and_action_are_routed(core: ConversationCore) -> None:
    seen: list[tuple[str, list[str], str]] = []

    async def mood(ctx: CommandContext) -> AsyncIterator[Reply]:
        seen.append((ctx.name, ctx.args, ctx.language))
        yield Reply(text=f"mood {ctx.arg_text}")
        yield Reply(text="second")

    async def pick(ctx: CommandContext) -> list[Reply]:
        return [Reply(text=f"picked {':'.join(ctx.args)}")]

    core.registry.command("mood", mood, help_key="help.help")
    core.registry.action("mood", pick)
    assert await texts(core, msg("/mood 4 okay", locale="de-DE")) == ["mood 4 okay", "second"]
    assert seen == [("mood", ["4", "okay"], "de")]
    assert await texts(core, msg(action="mood:set:4")) == ["picked set:4"]
    assert "mood" in [info.name for info in core.registry.names()]


async def test_failing_plugin_gets_calm_reply(core: ConversationCore) -> None:
    async def broken(ctx: CommandContext) -> None:
        raise RuntimeError("bug")

    core.registry.command("broken", broken)
    [reply] = await replies(core, msg("/broken"))
    assert reply.kind == "error"


async def test_requires_consent_shows_disclaimer(core: ConversationCore) -> None:
    async def needs(ctx: CommandContext) -> Reply:
        return Reply(text="stored something")

    core.registry.command("needs", needs, requires_consent=True)
    [reply] = await replies(core, msg("/needs"))
    assert reply.kind == "consent"
    await consent(core)
    assert await texts(core, msg("/needs")) == ["stored something"]


async def test_unknown_command_and_expired_button(core: ConversationCore) -> None:
    assert "/help" in (await texts(core, msg("/nosuch")))[0]
    assert (await replies(core, msg(action="gone:1")))[0].kind == "notice"


async def test_builtin_names_and_help(core: ConversationCore) -> None:
    names = [info.name for info in core.registry.names()]
    for expected in (
        "start",
        "help",
        "reset",
        "forget",
        "export",
        "resources",
        "country",
        "language",
    ):
        assert expected in names
    help_text = (await texts(core, msg("/help")))[0]
    assert "/forget" in help_text and "/export" in help_text


async def test_start_shows_disclaimer_then_welcome(core: ConversationCore) -> None:
    [first] = await replies(core, msg("/start"))
    assert first.kind == "consent" and "not a therapist" in first.text
    await consent(core)
    assert "Welcome back" in (await texts(core, msg("/start")))[0]


async def test_resources_come_from_safety(core: ConversationCore) -> None:
    assert await texts(core, msg("/resources")) == [RESOURCES_TEXT]


async def test_country_and_language_are_stored_and_used(
    core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    await consent(core)
    assert "DE" in (await texts(core, msg("/country de")))[0]
    assert "usage" not in (await texts(core, msg("/language es")))[0]
    rows = {r["key"]: r["value"] for r in await db.fetchall("SELECT key, value FROM preferences")}
    assert rows == {"country": "DE", "language": "es"}
    assert (await texts(core, msg("")))[0].startswith("No he recibido")
    assert "two-letter" not in (await texts(core, msg("/country")))[0]  # Spanish usage text now
    assert "/country" in (await texts(core, msg("/country Germany")))[0]


async def test_export_is_json_of_everything_and_dm_only(core: ConversationCore) -> None:
    await consent(core)
    await texts(core, msg("export me please"))
    await texts(core, msg("/country fr"))
    [reply] = await replies(core, msg("/export"))
    assert reply.attachment is not None and reply.attachment.mime == "application/json"
    data = json.loads(reply.attachment.data)
    assert data["preferences"] == {"country": "FR"}
    contents = [m["content"] for c in data["conversations"] for m in c["messages"]]
    assert "export me please" in contents
    group = await replies(core, msg("/export", chat="g", kind=ChatKind.GROUP))
    assert group[0].attachment is None


async def test_forget_asks_then_erases_everything(
    core: ConversationCore, db: Database, config
) -> None:  # type: ignore[no-untyped-def]
    marker = "ZEBRA-MARKER-4471-unique"
    await consent(core)
    for i in range(30):
        await texts(core, msg(f"{marker} message number {i} " + "padding " * 20))
    await texts(core, msg("/country de"))
    await texts(core, msg(f"{marker} group", chat="g1", kind=ChatKind.GROUP))
    await consent(core, user="other")
    await texts(core, msg("other user stays", user="other"))
    base = config.memory.path
    on_disk = [base.with_name(base.name + suffix) for suffix in ("", "-wal", "-shm")]
    assert any(marker.encode() in p.read_bytes() for p in on_disk if p.exists())
    [ask] = await replies(core, msg("/forget"))
    assert {b.action for b in ask.buttons} == {"forget:confirm", "forget:cancel"}
    assert "Okay" in (await texts(core, msg(action="forget:cancel")))[0]
    assert (await db.fetchone("SELECT count(*) FROM messages"))[0] > 0

    done = await texts(core, msg(action="forget:confirm"))
    assert "erased" in done[0]
    for table in ("messages", "conversations", "preferences", "flags"):
        row = await db.fetchone(
            f"SELECT count(*) FROM {table} t JOIN users u ON u.id = t.user_id"
            " WHERE u.platform_user_id = 'u1'"
        )
        assert row[0] == 0
    assert await db.fetchone("SELECT 1 FROM users WHERE platform_user_id = 'u1'") is None
    assert (await db.fetchone("SELECT count(*) FROM messages"))[0] == 2  # the other user's
    # No byte of the text remains in the database or its WAL.
    for path in on_disk:
        if path.exists():
            assert marker.encode() not in path.read_bytes(), path
    assert "nothing stored" in (await texts(core, msg(action="forget:confirm")))[0]
