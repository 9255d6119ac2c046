"""``/mod`` through the real core: who may run what, where, and what it leaves behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.memory.db import Database
from bot.messages import ChatKind, Platform
from bot.moderation.commands import ModerationCommands, register_moderation
from bot.moderation.reload import config_reloader
from tests.core.fakes import ScriptedBackend
from tests.moderation.helpers import (
    MOD_DC,
    MOD_ROLE,
    MOD_TG,
    FakeClock,
    consent,
    make_config,
    msg,
    replies,
    texts,
)

NOT_PERMITTED = t("mod.not_permitted", "en")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    # The same moderators as the test config, so a reload changes nothing by itself.
    path.write_text(
        f'[memory]\npath = "{tmp_path / "haven.db"}"\n[safety]\nsemantic = false\n'
        "[limits]\nper_minute = 600\nburst = 100\n"
        f"[moderation]\ntelegram_ids = [{MOD_TG}]\ndiscord_ids = [{MOD_DC}]\n"
        f"discord_role_ids = [{MOD_ROLE}]\n"
    )
    return path


@pytest.fixture
def mod(core: ConversationCore, clock: FakeClock, config_file: Path) -> ModerationCommands:
    def apply(fresh: HavenConfig) -> None:
        core.config = fresh

    return register_moderation(
        core.registry, clock=clock, reload_config=config_reloader(config_file, apply)
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


async def run(core: ConversationCore, text: str, **kw: object) -> str:
    out = await texts(core, msg(text, **kw))  # type: ignore[arg-type]
    assert len(out) == 1
    return out[0]


async def high_flag(core: ConversationCore, user: str = "555") -> int:
    await consent(core, user=user)
    await replies(core, msg("I want to kill myself, I can't go on", user=user))
    rows = await core.db.fetchall("SELECT id FROM flags ORDER BY id DESC LIMIT 1")
    return int(rows[0]["id"])


SAMPLE_ARGS = {
    "help": "",
    "stats": "",
    "flags": "",
    "flag": "1",
    "ack": "1",
    "resolve": "1 done",
    "escalate": "1",
    "ban": "telegram:9 1d",
    "unban": "telegram:9",
    "pause": "",
    "resume": "",
    "reload": "",
    "audit": "5",
}


async def test_every_subcommand_as_moderator_user_and_wrong_place(
    core: ConversationCore, mod: ModerationCommands, db: Database
) -> None:
    assert set(SAMPLE_ARGS) == set(mod.subcommands)
    await high_flag(core)
    for sub, args in SAMPLE_ARGS.items():
        line = f"/mod {sub} {args}".strip()
        assert await run(core, line, user=MOD_TG) != NOT_PERMITTED, sub
        assert await run(core, line, user="42") == NOT_PERMITTED, sub
        assert (
            await run(core, line, user=MOD_TG, chat="-77", kind=ChatKind.GROUP) == NOT_PERMITTED
        ), sub
        assert (
            await run(
                core,
                line,
                user=MOD_DC,
                platform=Platform.DISCORD,
                chat="c1",
                kind=ChatKind.GROUP,
                mod_chat=True,
            )
            != NOT_PERMITTED
        ), sub
        assert (
            await run(core, line, user="88", platform=Platform.DISCORD, roles=(MOD_ROLE,))
            != NOT_PERMITTED
        ), sub
        assert await run(core, line, user="alice", platform=Platform.TERMINAL) != NOT_PERMITTED, sub
    refused = await db.fetchall("SELECT actor_id, action, detail FROM audit_log WHERE allowed = 0")
    assert len(refused) == 2 * len(SAMPLE_ARGS)
    assert {r["detail"] for r in refused} == {"not_moderator", "wrong_place"}
    allowed = await db.fetchall("SELECT action FROM audit_log WHERE allowed = 1")
    assert {r["action"] for r in allowed} == {f"mod.{s}" for s in SAMPLE_ARGS}


async def test_refusal_records_no_free_text(
    core: ConversationCore, mod: ModerationCommands, db: Database
) -> None:
    await run(core, "/mod ban telegram:9 my secret reason", user="42")
    (row,) = await db.fetchall("SELECT * FROM audit_log")
    assert (row["actor_platform"], row["actor_id"], row["action"], row["allowed"]) == (
        "telegram",
        "42",
        "mod.ban",
        0,
    )
    assert row["target"] is None and "secret" not in (row["detail"] or "")


async def test_ban_blocks_the_pipeline_and_unban_lifts_it(
    core: ConversationCore,
    mod: ModerationCommands,
    db: Database,
    backend: ScriptedBackend,
    clock: FakeClock,
) -> None:
    await consent(core, user="9")
    reply = await run(core, "/mod ban telegram:9 7d spamming the bot", user=MOD_TG)
    assert "telegram:9" in reply
    banned = await texts(core, msg("hello there", user="9"))
    assert banned[0].startswith(t("banned", "en", name="Haven")[:20])
    assert backend.calls == []
    (entry,) = await db.fetchall("SELECT * FROM audit_log WHERE action = 'mod.ban'")
    assert entry["actor_id"] == MOD_TG and entry["target"] == "telegram:9"
    assert "reason: spamming the bot" in entry["detail"] and "until" in entry["detail"]
    assert entry["at"] == clock().isoformat(timespec="seconds")
    await run(core, "/mod unban telegram:9", user=MOD_TG)
    out = await replies(core, msg("hello there", user="9"))
    assert out[-1].kind == "model" and len(backend.calls) == 1


async def test_ban_expires(
    core: ConversationCore, mod: ModerationCommands, db: Database, clock: FakeClock
) -> None:
    await run(core, "/mod ban 9 30m", user=MOD_TG)
    assert await modstore.get_ban(db, "telegram", "9", clock()) is not None
    assert await modstore.get_ban(db, "telegram", "9", clock.advance(minutes=31)) is None


async def test_ban_by_flag_reference(
    core: ConversationCore, mod: ModerationCommands, db: Database
) -> None:
    flag_id = await high_flag(core, user="555")
    reply = await run(core, f"/mod ban #{flag_id} perm", user=MOD_TG)
    assert "telegram:555" in reply and "no end date" in reply
    assert await core.store.is_banned("telegram", "555")
    assert "can't find" in await run(core, "/mod ban #9999", user=MOD_TG)


async def test_flags_queue_detail_and_lifecycle(
    core: ConversationCore, mod: ModerationCommands, db: Database
) -> None:
    flag_id = await high_flag(core)
    queue = await run(core, "/mod flags", user=MOD_TG)
    assert f"#{flag_id} high" in queue and "NOT acknowledged" in queue
    detail = await run(core, f"/mod flag {flag_id}", user=MOD_TG)
    assert "telegram:555" in detail and "kill" not in detail  # excerpts are off by default
    assert "Acknowledged" not in detail
    assert "acknowledged" in await run(core, f"/mod ack {flag_id}", user=MOD_TG)
    assert "already" in await run(core, f"/mod ack {flag_id}", user=MOD_TG)
    assert "escalated" in await run(
        core, f"/mod escalate {flag_id} called the helpline", user=MOD_TG
    )
    assert "resolved" in await run(core, f"/mod resolve {flag_id} safe now", user=MOD_TG)
    assert "already resolved" in await run(core, f"/mod resolve {flag_id}", user=MOD_TG)
    assert await run(core, "/mod flags", user=MOD_TG) == t("mod.flags.none", "en")
    flag = await modstore.get_flag(db, flag_id)
    assert flag is not None and flag.status == "resolved" and flag.note == "safe now"
    assert flag.acknowledged_by == f"telegram:{MOD_TG}" and flag.resolved_by == f"telegram:{MOD_TG}"
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert actions == [
        "mod.flags",
        "mod.flag",
        "mod.ack",
        "mod.ack",
        "mod.escalate",
        "mod.resolve",
        "mod.resolve",
        "mod.flags",
    ]


async def test_flag_detail_shows_consented_context_only_when_allowed(
    tmp_path: Path, db: Database, clock: FakeClock
) -> None:
    from bot.core import build_core
    from bot.safety import build_safety_layer

    config = make_config(tmp_path, moderation={"alert_excerpts": True})
    core = build_core(config, db, ScriptedBackend(), build_safety_layer(config))
    try:
        register_moderation(core.registry, clock=clock)
        await consent(core, user="555")
        await replies(core, msg("work has been rough lately", user="555"))
        flag_id = await high_flag(core, user="555")
        detail = await run(core, f"/mod flag {flag_id}", user=MOD_TG)
        assert "work has been rough lately" in detail and "kill myself" in detail
        # A user who erased their data leaves no text behind for moderators.
        await core.store.forget_user("telegram", "555")
        assert "no flag" in (await run(core, f"/mod flag {flag_id}", user=MOD_TG)).lower()
    finally:
        await core.close(grace_s=1)


async def test_stats(core: ConversationCore, mod: ModerationCommands) -> None:
    await high_flag(core)
    await replies(core, msg("just a normal day", user="555"))
    stats = await run(core, "/mod stats", user=MOD_TG)
    assert "Users: 1 (1 consented)" in stats
    assert "User messages: 2 today, 2 in 7 days" in stats
    assert "Open flags: 1 high" in stats
    assert "scripted: available" in stats and "running" in stats


async def test_audit_lists_newest_first(core: ConversationCore, mod: ModerationCommands) -> None:
    await run(core, "/mod pause", user=MOD_TG)
    await run(core, "/mod ban telegram:77", user="42")
    listing = await run(core, "/mod audit 10", user=MOD_TG)
    lines = listing.splitlines()[1:]
    assert "mod.ban [refused]" in lines[0] and "telegram:42" in lines[0]
    assert "mod.pause" in lines[1] and f"telegram:{MOD_TG}" in lines[1]


async def test_bad_arguments_get_usage_not_errors(
    core: ConversationCore, mod: ModerationCommands
) -> None:
    assert "Usage: /mod flag ID" in await run(core, "/mod flag abc", user=MOD_TG)
    assert "Usage: /mod ban" in await run(core, "/mod ban", user=MOD_TG)
    assert "duration" in await run(core, "/mod ban telegram:9 0d", user=MOD_TG)
    for typo in ("3dd", "7", "2days"):  # not a ban with no end and the typo as its reason
        assert "duration" in await run(core, f"/mod ban telegram:9 {typo} spamming", user=MOD_TG)
    assert not await core.store.is_banned("telegram", "9")
    assert "no flag #404" in await run(core, "/mod resolve 404", user=MOD_TG)
    assert (await run(core, "/mod nonsense", user=MOD_TG)).startswith("Moderator commands")


async def test_acknowledge_button(
    core: ConversationCore, mod: ModerationCommands, db: Database
) -> None:
    flag_id = await high_flag(core)
    press = msg(
        action=f"flag:ack:{flag_id}",
        user=MOD_TG,
        chat=str(-5005),
        kind=ChatKind.GROUP,
        mod_chat=True,
    )
    assert "acknowledged" in (await texts(core, press))[0]
    stranger = msg(
        action=f"flag:ack:{flag_id}", user="42", chat=str(-5005), kind=ChatKind.GROUP, mod_chat=True
    )
    assert (await texts(core, stranger))[0] == NOT_PERMITTED
    flag = await modstore.get_flag(db, flag_id)
    assert flag is not None and flag.acknowledged_by == f"telegram:{MOD_TG}"


async def test_reload_applies_a_valid_config_and_keeps_an_invalid_one_out(
    core: ConversationCore, mod: ModerationCommands, config_file: Path
) -> None:
    assert await run(core, "/mod stats", user="4242") == NOT_PERMITTED
    edit(config_file, f"[{MOD_TG}]", f"[{MOD_TG}, 4242]")
    assert "re-read" in await run(core, "/mod reload", user=MOD_TG)
    assert await run(core, "/mod stats", user="4242") != NOT_PERMITTED
    edit(config_file, "[memory]\n", "[memory]\nretention_days = -3\n")
    reply = await run(core, "/mod reload", user=MOD_TG)
    assert "invalid" in reply and "old one stays" in reply and "memory.retention_days" in reply
    assert await run(core, "/mod stats", user="4242") != NOT_PERMITTED
    assert json.dumps(core.config.moderation.telegram_ids) == f"[{MOD_TG}, 4242]"
