"""Haven on Telegram, end to end: the real python-telegram-bot against the Bot API peer.

Haven is built by ``HavenApp`` exactly as ``python -m bot run`` builds it,
with the real core, the real safety layer (lexicon only, for speed) and a
real SQLite file; only the model is the fast test backend.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import HavenApp
from bot.config import HavenConfig
from bot.i18n import t
from tests.adapters.conftest import TELEGRAM_TOKEN_ENV
from tests.adapters.support import FastBackend, haven_config, long_reply, start_app
from tests.peers.telegram_peer import TelegramPeer

USER = 4242
GROUP = -1001234


def telegram_config(tmp_path: Path, peer: TelegramPeer, **sections: dict[str, Any]) -> HavenConfig:
    telegram = {
        "enabled": True,
        "token_env": TELEGRAM_TOKEN_ENV,
        "base_url": peer.base_url,
        "edit_interval_s": 0.05,
        "min_edit_chars": 5,
        **sections.pop("telegram", {}),
    }
    privacy = {"require_consent": False, **sections.pop("privacy", {})}
    return haven_config(tmp_path, telegram=telegram, privacy=privacy, **sections)


@pytest.fixture
async def app(
    tmp_path: Path, telegram_peer: TelegramPeer, backend: FastBackend
) -> AsyncIterator[HavenApp]:
    running = await start_app(telegram_config(tmp_path, telegram_peer), backend)
    yield running
    await running.stop()


async def test_dm_gets_a_streamed_plain_text_reply(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    backend.hold_after_words = 8  # the first sentence goes out, then the model "thinks"
    telegram_peer.private_message(USER, "I feel anxious about my exams")
    [first] = await telegram_peer.wait_sent(USER, 1)
    assert first.text == "Thank you for telling me."
    backend.release.set()
    await telegram_peer.wait_for(lambda: telegram_peer.sent(USER)[0].text.endswith("right now?"))
    [reply] = telegram_peer.sent(USER)
    assert reply.versions[0] == "Thank you for telling me."
    assert reply.edits >= 1  # the same message grew: streamed by editing
    assert reply.parse_mode is None  # plain text: user text can never break formatting
    assert backend.seen == ["I feel anxious about my exams"]


async def test_typing_shows_while_the_model_is_slow(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    backend.hold_after_words = 0  # nothing to show until released
    telegram_peer.private_message(USER, "are you there?")
    await telegram_peer.wait_for(lambda: (USER, "typing") in telegram_peer.chat_actions)
    assert telegram_peer.sent(USER) == []
    backend.release.set()
    await telegram_peer.wait_for(
        lambda: (
            telegram_peer.sent(USER) != []
            and telegram_peer.sent(USER)[0].text.endswith("right now?")
        )
    )


async def test_group_answers_only_when_addressed(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    telegram_peer.group_message(GROUP, 7, "anyone up for lunch?")
    telegram_peer.group_message(GROUP, 7, "I can't sleep again", mention=True)
    [reply] = await telegram_peer.wait_sent(GROUP, 1)
    await telegram_peer.wait_for(lambda: telegram_peer.sent(GROUP)[0].text.endswith("right now?"))
    assert backend.seen == ["I can't sleep again"]  # the mention is stripped, lunch was ignored
    assert reply.reply_to is not None  # answers the user's message, so the group sees to whom
    telegram_peer.group_message(
        GROUP, 7, "thanks, that helps", reply_to=telegram_peer.sent(GROUP)[0]
    )
    await telegram_peer.wait_sent(GROUP, 2)
    assert backend.seen[-1] == "thanks, that helps"


async def test_long_reply_is_split_at_4096(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    text = long_reply(9500)
    backend.reply_for = lambda _t: text
    telegram_peer.private_message(USER, "tell me more")
    await telegram_peer.wait_for(
        lambda: (
            " ".join(" ".join(m.text.split()) for m in telegram_peer.sent(USER))
            == " ".join(text.split())
        ),
        within=20,
    )
    pieces = telegram_peer.sent(USER)
    assert len(pieces) == 3
    assert all(len(p.text) <= 4096 for p in pieces)
    assert all(p.text.rstrip()[-1] in ".?!" for p in pieces)  # cut at sentence ends


async def test_crisis_message_gets_resources_fast(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    started = time.perf_counter()
    # Telegram's language_code feeds the country: en-GB -> the UK's services.
    telegram_peer.private_message(USER, "I want to kill myself tonight", language_code="en-GB")
    await telegram_peer.wait_for(lambda: any("116 123" in m.text for m in telegram_peer.sent(USER)))
    elapsed = time.perf_counter() - started
    print(f"crisis resources visible after {elapsed * 1000:.0f} ms")  # measured, not asserted
    text = telegram_peer.sent(USER)[0].text
    assert "Samaritans" in text and "999" in text


async def test_429_on_send_and_edit_is_survived(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    telegram_peer.fail_next("sendMessage", retry_after=1)
    telegram_peer.fail_next("editMessageText", retry_after=1, count=2)
    backend.word_delay_s = 0.01
    telegram_peer.private_message(USER, "hello?")
    await telegram_peer.wait_for(
        lambda: (
            bool(telegram_peer.sent(USER))
            and telegram_peer.sent(USER)[0].text.endswith("right now?")
        ),
        within=15,
    )
    [reply] = telegram_peer.sent(USER)
    assert reply.text.startswith("Thank you for telling me.")
    assert len(telegram_peer.calls_of("sendMessage")) == 2  # the 429, then the retry


async def test_commands_are_published_in_every_language(
    app: HavenApp, telegram_peer: TelegramPeer
) -> None:
    names = {c["command"] for c in telegram_peer.commands["default:"]}
    assert {
        "start",
        "help",
        "reset",
        "forget",
        "export",
        "resources",
        "country",
        "language",
    } <= names
    german = {c["command"]: c["description"] for c in telegram_peer.commands["default:de"]}
    english = {c["command"]: c["description"] for c in telegram_peer.commands["default:"]}
    assert german["help"] != english["help"]
    group = {c["command"] for c in telegram_peer.commands["all_group_chats:"]}
    assert "export" not in group  # DM-only commands are not offered in groups


async def test_webhook_checks_the_secret_and_answers(
    tmp_path: Path,
    telegram_peer: TelegramPeer,
    backend: FastBackend,
    monkeypatch: pytest.MonkeyPatch,
    unused_tcp_port: int,
) -> None:
    monkeypatch.setenv("HAVEN_TEST_WEBHOOK_SECRET", "s3cret-Token_1")
    config = telegram_config(
        tmp_path,
        telegram_peer,
        telegram={
            "mode": "webhook",
            "webhook_url": f"http://127.0.0.1:{unused_tcp_port}/telegram/hook",
            "webhook_secret_env": "HAVEN_TEST_WEBHOOK_SECRET",
            "webhook_port": unused_tcp_port,
        },
    )
    app = await start_app(config, backend)
    try:
        assert telegram_peer.webhook == {
            "url": f"http://127.0.0.1:{unused_tcp_port}/telegram/hook",
            "secret_token": "s3cret-Token_1",
        }
        forged = json.dumps(
            {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 5, "type": "private"},
                    "text": "forged",
                },
            }
        ).encode()
        assert await telegram_peer.post_webhook(forged, secret="wrong") == 403
        assert await telegram_peer.post_webhook(forged, secret=None) == 403
        telegram_peer.private_message(USER, "hi from a webhook")
        await telegram_peer.wait_for(
            lambda: (
                telegram_peer.sent(USER) != []
                and telegram_peer.sent(USER)[0].text.endswith("right now?")
            )
        )
        assert backend.seen == ["hi from a webhook"]
        assert telegram_peer.sent(5) == []
    finally:
        await app.stop()


async def test_restart_neither_loses_nor_repeats(
    tmp_path: Path, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    config = telegram_config(tmp_path, telegram_peer)
    # 1) Answered, but the confirmation never reached Telegram (a crash right after).
    telegram_peer.hold_confirmations = True
    first = await start_app(config, backend)
    telegram_peer.private_message(USER, "first message")
    await telegram_peer.wait_for(
        lambda: any(m.text.endswith("right now?") for m in telegram_peer.sent(USER))
    )
    # 2) Arrives while the model is busy; the bot goes down mid-reply.
    backend.hold_after_words = 3
    backend.release.clear()
    backend.started.clear()
    telegram_peer.private_message(USER, "second message")
    await asyncio.wait_for(backend.started.wait(), 10)
    config_grace = first.config.bot.shutdown_grace_s
    first.config.bot.shutdown_grace_s = 0.1
    await first.stop()
    first.config.bot.shutdown_grace_s = config_grace
    telegram_peer.hold_confirmations = False
    assert backend.seen == ["first message", "second message"]

    backend.hold_after_words = None
    second = await start_app(config, backend)
    try:
        await telegram_peer.wait_for(
            lambda: (
                telegram_peer.pending_update_ids == []
                and sum(m.text.endswith("right now?") for m in telegram_peer.sent(USER)) == 2
            )
        )
        # "first message" was not generated again; "second message" was, once. (The core
        # stored the interrupted turn's user message already, so the prompt holds it twice.)
        assert len(backend.seen) == 3 and backend.seen[2].endswith("second message")
        finals = [m for m in telegram_peer.sent(USER) if m.text.endswith("right now?")]
        assert len(finals) == 2
    finally:
        await second.stop()


async def test_outbound_send_with_buttons_and_document(
    app: HavenApp, telegram_peer: TelegramPeer
) -> None:
    from bot.messages import Attachment, Button, Outbound, Platform

    ok = await app.notifier.send(
        Outbound(
            Platform.TELEGRAM, str(USER), "How was your day?", buttons=(Button("5", "mood:5"),)
        )
    )
    assert ok
    doc = Outbound(
        Platform.TELEGRAM,
        str(USER),
        "Your data",
        attachment=Attachment("export.json", b"{}", "application/json"),
    )
    assert await app.notifier.send(doc)
    prompt, document = telegram_peer.sent(USER)
    assert prompt.button_data() == ["mood:5"]
    assert document.document == ("export.json", b"{}") and document.caption == "Your data"
    assert not await app.notifier.send(Outbound(Platform.TELEGRAM, "not-a-chat", "x"))


async def _last_text(peer: TelegramPeer, chat: int, count: int) -> str:
    messages = await peer.wait_sent(chat, count)
    return messages[count - 1].text


async def test_every_command_through_telegram(
    tmp_path: Path, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    """Consent with an inline keyboard, then each built-in command, typed as a user would."""
    app = await start_app(
        telegram_config(tmp_path, telegram_peer, privacy={"require_consent": True}), backend
    )
    peer = telegram_peer
    try:
        peer.private_message(USER, "/start", language_code="en-GB")
        [disclaimer] = await peer.wait_sent(USER, 1)
        assert "AI" in disclaimer.text and disclaimer.button_data() == ["consent:yes", "consent:no"]
        peer.press(USER, disclaimer, "consent:yes")
        await peer.wait_sent(USER, 2)
        await peer.wait_for(lambda: bool(peer.answered_callbacks))
        assert (
            peer.sent(USER)[0].reply_markup is None
        )  # the keyboard is gone: one press counts once
        count = 2

        async def command(text: str, *, expect: int = 1) -> list[str]:
            nonlocal count
            peer.private_message(USER, text, language_code="en-GB")
            count += expect
            await peer.wait_sent(USER, count)
            await asyncio.sleep(0.05)  # a streamed reply may still be completing its edits
            return [m.text for m in peer.sent(USER)[count - expect : count]]

        [help_text] = await command("/help")
        for name in (
            "/start",
            "/reset",
            "/forget",
            "/export",
            "/resources",
            "/country",
            "/language",
        ):
            assert name in help_text
        [resources] = await command("/resources")
        assert "116 123" in resources  # en-GB: the UK's services
        [country] = await command("/country DE")
        assert "DE" in country or "Germany" in country or "Deutschland" in country
        [resources_de] = await command("/resources")
        assert resources_de != resources
        [language] = await command("/language de")
        [reset] = await command("/reset")
        assert reset == t("reset.done", "de")  # /language overrides the platform's language
        [_] = await command("/language en")
        await command("I keep worrying about tomorrow")
        await peer.wait_for(lambda: peer.sent(USER)[-1].text.endswith("right now?"))
        peer.private_message(USER, "/export")
        count += 1
        [*_, export] = await peer.wait_sent(USER, count)
        assert export.document is not None and export.document[0].endswith(".json")
        exported = json.loads(export.document[1])
        assert "I keep worrying about tomorrow" in json.dumps(exported)
        [confirm] = await command("/forget")
        forget_prompt = peer.sent(USER)[-1]
        assert forget_prompt.button_data()[0].startswith("forget:")
        peer.press(USER, forget_prompt, forget_prompt.button_data()[0])
        count += 1
        await peer.wait_sent(USER, count)
        assert "erased" in peer.sent(USER)[-1].text
        assert language and confirm
    finally:
        await app.stop()


async def test_plugin_commands_are_published_and_routed(
    tmp_path: Path, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    """Whatever the registry holds (here the moderation and care plug-ins) is offered."""
    config = telegram_config(tmp_path, telegram_peer, moderation={"telegram_ids": [USER]})
    app = await start_app(config, backend, discover_plugins=True)
    try:
        names = {c["command"] for c in telegram_peer.commands["default:"]}
        assert {"mod", "checkin", "mood"} <= names
        telegram_peer.private_message(USER, "/mod stats")
        [stats] = await telegram_peer.wait_sent(USER, 1)
        telegram_peer.private_message(USER + 1, "/mod stats")
        [refused] = await telegram_peer.wait_sent(USER + 1, 1)
        assert stats.text != refused.text
        assert refused.text == t("mod.not_permitted", "en")
    finally:
        await app.stop()
