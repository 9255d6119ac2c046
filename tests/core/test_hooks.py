"""The core's hooks for plug-ins: ``on_flag``, ``paused``, and ``app.config_path``
driving ``/mod reload`` in a running app."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import HavenApp
from bot.config import load_config
from bot.core import ConversationCore
from bot.i18n import t
from bot.messages import Outbound, Platform
from bot.moderation.plugin import ModerationPlugin
from bot.safety.types import RiskAssessment, RiskLevel
from tests.core.conftest import consent, msg, replies, texts
from tests.core.fakes import CRISIS_REPLY, RESOURCES_TEXT, KeywordSafety, ScriptedBackend


async def test_on_flag_gets_the_stored_flag_id_and_assessment(core: ConversationCore) -> None:
    seen: list[tuple[int, RiskAssessment]] = []
    core.on_flag = lambda flag_id, assessment: seen.append((flag_id, assessment))
    await consent(core)
    await texts(core, msg("I feel anxious today"))  # concern: no flag
    assert seen == []
    assert await texts(core, msg("I want to kill myself")) == [CRISIS_REPLY]
    [row] = await core.db.fetchall("SELECT id, risk FROM flags")
    assert [(flag_id, a.level) for flag_id, a in seen] == [(row["id"], RiskLevel.HIGH)]


async def test_a_failing_on_flag_loses_neither_reply_nor_flag(core: ConversationCore) -> None:
    def broken(flag_id: int, assessment: RiskAssessment) -> None:
        raise RuntimeError("alerter gone")

    core.on_flag = broken
    await consent(core)
    assert await texts(core, msg("I want to end my life")) == [CRISIS_REPLY]
    assert len(await core.db.fetchall("SELECT id FROM flags")) == 1


async def test_paused_core_answers_with_notice_and_resources(
    core: ConversationCore, backend: ScriptedBackend
) -> None:
    await consent(core)
    core.paused = True
    [notice] = await replies(core, msg("hello there"))
    assert notice.kind == "notice"
    assert notice.text == f"{t('mod.paused_notice', 'en')}\n\n{RESOURCES_TEXT}"
    assert backend.calls == []
    # The message itself is kept, with its risk grade.
    rows = await core.db.fetchall("SELECT role, content, risk FROM messages")
    assert [(r["role"], r["content"], r["risk"]) for r in rows] == [("user", "hello there", "none")]
    [crisis] = await replies(core, msg("I want to kill myself"))
    assert crisis.kind == "crisis" and crisis.text == CRISIS_REPLY


class RecordingAdapter:
    platform = Platform.TELEGRAM

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.arrived = asyncio.Event()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, message: Outbound) -> bool:
        self.sent.append(message)
        self.arrived.set()
        return True


def _write_config(path: Path, db: Path, name: str) -> None:
    path.write_text(
        f'[bot]\nname = "{name}"\n'
        f'[memory]\npath = "{db}"\n'
        "[health]\nenabled = false\n"
        "[safety]\nsemantic = false\n"
        "[telegram]\nenabled = true\n"
        "[moderation]\ntelegram_ids = [1001]\ntelegram_chat_id = -500\n"
    )


async def test_high_risk_alert_leaves_at_once_not_at_the_next_poll(tmp_path: Path) -> None:
    file = tmp_path / "haven.toml"
    _write_config(file, tmp_path / "h.db", "Haven")
    config = load_config(file)
    # A poll an hour away: only the core's on_flag hook can make this alert leave now.
    app = await HavenApp.create(
        config,
        backend=ScriptedBackend(),
        safety=KeywordSafety(),
        plugins=[ModerationPlugin(poll_s=3600)],
        config_path=file,
    )
    adapter = RecordingAdapter()
    await app.start(adapters=[adapter])
    try:
        await consent(app.core, user="42")
        await texts(app.core, msg("I want to kill myself", user="42"))
        await asyncio.wait_for(adapter.arrived.wait(), 30)
        [alert] = adapter.sent
        assert alert.chat_id == "-500" and alert.meta["kind"] == "crisis_alert"
        assert "kill" not in alert.text  # excerpts are off by default
    finally:
        await app.stop()


async def test_mod_reload_rereads_the_file_the_app_was_started_with(tmp_path: Path) -> None:
    file = tmp_path / "haven.toml"
    _write_config(file, tmp_path / "h.db", "Haven")
    app = await HavenApp.create(
        load_config(file),
        backend=ScriptedBackend(),
        safety=KeywordSafety(),
        plugins=[ModerationPlugin(poll_s=3600)],
        config_path=file,
    )
    await app.start(adapters=[RecordingAdapter()])
    try:
        assert app.config_path == file
        _write_config(file, tmp_path / "h.db", "Harbour")
        [reply] = await texts(app.core, msg("/mod reload", user="1001"))
        assert reply.startswith(t("mod.reload.done", "en")[:20])
        assert app.core.config.bot.name == "Harbour" and app.config.bot.name == "Harbour"
        # An invalid file leaves the running config in force.
        file.write_text('[model]\nmax_new_tokens = "lots"\n')
        [refused] = await texts(app.core, msg("/mod reload", user="1001"))
        assert "model.max_new_tokens" in refused
        assert app.core.config.bot.name == "Harbour"
    finally:
        await app.stop()
