"""The terminal as a full Haven: plug-in commands work there, and messages the
bot starts itself (check-ins) reach the terminal user on stdout, nobody else's."""

from __future__ import annotations

import io
from pathlib import Path

from bot.adapters.terminal import TerminalAdapter
from bot.app import HavenApp
from bot.i18n import t
from bot.messages import Button, Outbound, Platform
from bot.scheduler.mood_chart import PNG_SIGNATURE
from bot.scheduler.plugin import CarePlugin
from tests.core.conftest import make_config
from tests.core.fakes import KeywordSafety, ScriptedBackend
from tests.core.test_cli import run_bot

# No model needed for commands: an OpenAI-compatible server that is not there
# starts instantly (and would answer a chat message with the calm fallback).
NO_MODEL = {
    "HAVEN_MODEL__BACKEND": "openai",
    "HAVEN_MODEL__OPENAI__BASE_URL": "http://127.0.0.1:9/v1",
    "HAVEN_MODEL__OPENAI__MODEL": "none",
    "HAVEN_SAFETY__SEMANTIC": "false",
}


def test_chat_runs_plugins_for_the_operator(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    config = tmp_path / "haven.toml"
    config.write_text(f'[memory]\npath = "{db}"\n[scheduler]\nenabled = true\n')
    lines = ["/checkin 21:30 Europe/Berlin", "/mood 4 slept well", "/mood", "/mod reload"]
    result = run_bot(
        "chat",
        "--config",
        str(config),
        "--user",
        "op",
        stdin=("\n".join(lines) + "\n").encode(),
        env=NO_MODEL,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    out = result.stdout.decode()
    assert t("checkin.set", "en", time="21:30", zone="Europe/Berlin") in out
    assert t("mood.saved", "en", score=4) in out
    assert t("mod.reload.done", "en").splitlines()[0] in out
    assert t("mod.reload.unavailable", "en") not in out
    prefix = t("mood.saved_png", "en", path="")
    [chart_line] = [line for line in out.splitlines() if line.startswith(prefix)]
    chart = Path(chart_line[len(prefix) :])
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    # Nothing but replies on stdout: plug-in logs went to stderr.
    assert "scheduler" not in out.lower() and "moderation ready" not in out
    assert "moderation ready" in result.stderr.decode()


async def test_checkins_reach_the_terminal_user_only(tmp_path: Path) -> None:
    config = make_config(tmp_path, scheduler={"enabled": False})
    plugin = CarePlugin()
    app = await HavenApp.create(
        config, backend=ScriptedBackend(), safety=KeywordSafety(), plugins=[plugin]
    )
    out, err = io.StringIO(), io.StringIO()
    terminal = TerminalAdapter(
        config,
        app.core,
        user="op",
        stdin=io.BytesIO(b"/checkin 08:00 UTC\n"),
        stdout=out,
        stderr=err,
        interactive=False,
    )
    await app.start(adapters=[terminal])
    try:
        assert await terminal.run() == 0
        user = await app.core.store.get_user(Platform.TERMINAL.value, "op")
        assert user is not None and plugin.care is not None
        before = out.getvalue()
        assert await plugin.care.checkin_job(user.id)
        assert out.getvalue()[len(before) :] == t("checkin.prompt_terminal", "en") + "\n"
        # For another terminal user, or another platform's chat: not on this stdout.
        assert not await app.notifier.send(Outbound(Platform.TERMINAL, "someone-else", "private"))
        assert "private" not in out.getvalue() + err.getvalue()
    finally:
        await app.stop()


async def test_outbound_buttons_become_numbered_choices(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    app = await HavenApp.create(
        config, backend=ScriptedBackend(), safety=KeywordSafety(), plugins=[]
    )
    out = io.StringIO()
    terminal = TerminalAdapter(
        config,
        app.core,
        user="op",
        stdin=io.BytesIO(b""),
        stdout=out,
        stderr=io.StringIO(),
        interactive=True,
    )
    try:
        buttons = (Button("Low", "mood:1"), Button("High", "mood:5"))
        assert await terminal.send(
            Outbound(Platform.TERMINAL, "op", "How are you?", buttons=buttons)
        )
        assert out.getvalue() == "How are you?\n  1. Low\n  2. High\n"
        assert terminal._choice_for("2") == "mood:5"
    finally:
        await app.stop()


async def test_a_piped_file_is_not_rate_limited(tmp_path: Path) -> None:
    config = make_config(tmp_path, limits={"per_minute": 1, "burst": 2})
    backend = ScriptedBackend(reply="Reply to: {echo}")
    app = await HavenApp.create(config, backend=backend, safety=KeywordSafety(), plugins=[])
    lines = [f"line {n}" for n in range(8)]
    out = io.StringIO()
    terminal = TerminalAdapter(
        config,
        app.core,
        user="op",
        stdin=io.BytesIO(("\n".join(lines) + "\n").encode()),
        stdout=out,
        stderr=io.StringIO(),
        interactive=False,
    )
    await app.start(adapters=[terminal])
    try:
        assert await terminal.run() == 0
        assert out.getvalue().splitlines() == [f"Reply to: {line}" for line in lines]
    finally:
        await app.stop()
