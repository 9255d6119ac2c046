"""The real safety layer inside the real conversation core (real SQLite, test backends).

These are the issue's end-to-end promises: a crisis is answered even when the
model is down and even before consent, third parties get a helper reply,
elevated risk changes the prompt and adds resources, and what the model says
is moderated before anyone reads it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore, build_core
from bot.i18n import t
from bot.memory.db import Database
from bot.safety import build_safety_layer
from bot.safety.service import HavenSafety
from model.base import BackendError
from tests.core.conftest import consent, make_config, msg, replies
from tests.core.fakes import ScriptedBackend

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def haven_config(tmp_path: Path) -> HavenConfig:
    return make_config(tmp_path, safety={"semantic": False})


@pytest.fixture
async def database(haven_config: HavenConfig) -> AsyncIterator[Database]:
    db = await Database.open(haven_config.memory.path, haven_config.memory.busy_timeout_ms)
    yield db
    await db.close()


async def make_core(
    config: HavenConfig, db: Database, backend: ScriptedBackend
) -> ConversationCore:
    return build_core(config, db, backend, build_safety_layer(config))


async def test_crisis_reply_with_backend_down(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend(fail_with=BackendError("model crashed"))
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core)
        out = await replies(core, msg("I'm going to kill myself tonight", locale="en-GB"))
        assert [r.kind for r in out] == ["crisis"]
        assert "116 123" in out[0].text and "Samaritans" in out[0].text
        assert "I'm an AI" in out[0].text
        assert backend.calls == []
        flag = await database.fetchone("SELECT risk, categories FROM flags")
        assert flag is not None and flag["risk"] == "high"
        assert "suicidal_ideation" in flag["categories"]
    finally:
        await core.close(grace_s=1)


async def test_crisis_before_consent_is_answered_first_and_nothing_stored(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend()
    core = await make_core(haven_config, database, backend)
    try:
        out = await replies(
            core, msg("tengo las pastillas y me voy a suicidar esta noche", locale="es-ES")
        )
        kinds = [r.kind for r in out]
        assert kinds[0] == "crisis" and "consent" in kinds
        assert "024" in out[0].text  # Spain's line, in Spanish
        assert "Soy una IA" in out[0].text
        assert (await database.fetchone("SELECT count(*) FROM messages"))[0] == 0
        assert backend.calls == []
    finally:
        await core.close(grace_s=1)


async def test_third_party_gets_helper_reply(haven_config: HavenConfig, database: Database) -> None:
    backend = ScriptedBackend()
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core, locale="en-AU")
        out = await replies(
            core, msg("my roommate keeps saying he wants to die, what do I do?", locale="en-AU")
        )
        text = "\n".join(r.text for r in out)
        assert "ask them directly" in text
        assert "13 11 14" in text
        assert backend.calls == []
    finally:
        await core.close(grace_s=1)


async def test_elevated_uses_safety_prompt_and_appends_resources(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend(reply="Thank you for telling me. Are you safe right now?")
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core, locale="en-US")
        out = await replies(core, msg("I don't want to be here anymore", locale="en-US"))
        assert backend.calls, "elevated risk still gets a model reply"
        system = backend.calls[0].messages[0]
        assert system.content.startswith(haven_config.model.safety_system_prompt[:40])
        final = "\n".join(r.text for r in out)
        assert "Are you safe right now?" in final
        assert "988" in final
    finally:
        await core.close(grace_s=1)


async def test_unsafe_model_output_is_replaced(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend(
        reply="<think>user asked about doses</think> You could take 400 mg of it."
    )
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core)
        out = await replies(core, msg("what should I do about my headache"))
        final = "\n".join(r.text for r in out)
        assert "400 mg" not in final and "<think>" not in final
        assert "I'm an AI and not a replacement" in final
    finally:
        await core.close(grace_s=1)


async def test_replaced_reply_speaks_the_users_language(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend(reply="Podrías tomar 400 mg de eso.")
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core, locale="es-ES")
        out = await replies(core, msg("me duele la cabeza", locale="es-ES"))
        final = "\n".join(r.text for r in out)
        assert "400 mg" not in final
        assert t("safety.fallback", "es").strip() in final
        assert t("safety.fallback", "en").strip() not in final
    finally:
        await core.close(grace_s=1)


async def test_hidden_reasoning_never_reaches_the_user(
    haven_config: HavenConfig, database: Database
) -> None:
    backend = ScriptedBackend(
        reply="<think>they sound tired, keep it short</think> That sounds exhausting."
    )
    core = await make_core(haven_config, database, backend)
    try:
        await consent(core)
        out = [r async for r in core.handle(msg("long day at work"))]
        snapshots: list[str] = []
        for reply in out:
            if reply.stream is not None:
                snapshots.extend([s async for s in reply.stream])
            else:
                snapshots.append(reply.text)
        assert snapshots and all("think" not in s and "keep it short" not in s for s in snapshots)
        assert snapshots[-1].strip().endswith("That sounds exhausting.")
    finally:
        await core.close(grace_s=1)


async def test_real_semantic_layer_in_the_core(tmp_path: Path, semantic: object) -> None:
    """Implicit ideation (no keyword) reaches the safety prompt through the full layer."""
    config = make_config(tmp_path)
    db = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    backend = ScriptedBackend(reply="I'm glad you told me.")
    layer = HavenSafety(config, semantic_loader=lambda: semantic)  # type: ignore[arg-type,return-value]
    core = build_core(config, db, backend, layer)
    try:
        await layer.warm_up()
        await consent(core)
        await replies(core, msg("honestly everyone would be better off if I just wasn't around"))
        assert layer.semantic_status == "ready"
        assert (
            backend.calls[0].messages[0].content.startswith(config.model.safety_system_prompt[:40])
        )
    finally:
        await core.close(grace_s=1)
        await db.close()


@pytest.mark.slow
def test_python_m_bot_chat_crisis_end_to_end(tmp_path: Path) -> None:
    """Through the terminal entry point: the fixed crisis reply, its resources, and a flag row."""
    db_path = tmp_path / "e2e.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")} | {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HAVEN_MEMORY__PATH": str(db_path),
        "HAVEN_SAFETY__DEFAULT_COUNTRY": "GB",
        "HAVEN_MODEL__MAX_NEW_TOKENS": "16",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=b"I've written my note and I'm going to kill myself tonight\n",
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    stdout = result.stdout.decode()
    assert "Your safety matters most right now" in stdout
    assert "116 123" in stdout
    with sqlite3.connect(db_path) as conn:
        flags = conn.execute("SELECT risk FROM flags").fetchall()
    assert flags == [("high",)]
