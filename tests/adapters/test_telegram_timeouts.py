"""A send that times out is not sent twice; the user's words are kept anyway.

The Bot API peer takes the ``sendMessage`` at once but answers it later than
the client waits, so python-telegram-bot raises ``TimedOut`` for a message
the user already sees: exactly the case where a blind retry duplicates it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.adapters.telegram import adapter as telegram_adapter
from bot.adapters.telegram import calls
from bot.app import HavenApp
from tests.adapters.conftest import TELEGRAM_TOKEN_ENV
from tests.adapters.support import DEFAULT_REPLY, FastBackend, haven_config, start_app
from tests.peers.telegram_peer import TelegramPeer

USER = 5151
CLIENT_WAITS_S = 0.3
PEER_ANSWERS_AFTER_S = 1.0


@pytest.fixture
async def app(
    tmp_path: Path,
    telegram_peer: TelegramPeer,
    backend: FastBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[HavenApp]:
    monkeypatch.setattr(telegram_adapter, "READ_TIMEOUT_S", CLIENT_WAITS_S)
    config = haven_config(
        tmp_path,
        telegram={
            "enabled": True,
            "token_env": TELEGRAM_TOKEN_ENV,
            "base_url": telegram_peer.base_url,
            "edit_interval_s": 0.05,
            "min_edit_chars": 5,
        },
        privacy={"require_consent": False},
    )
    running = await start_app(config, backend)
    yield running
    await running.stop()


async def test_a_timed_out_send_is_not_repeated(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    peer = telegram_peer
    peer.delay_next("sendMessage", PEER_ANSWERS_AFTER_S)
    peer.private_message(USER, "/help")
    [shown] = await peer.wait_sent(USER, 1)
    # The next message in this chat is handled only after the first is done
    # with, retries included: its answer marks the end of the first.
    peer.private_message(USER, "/resources")
    await peer.wait_sent(USER, 2, within=15)
    texts = [m.text for m in peer.sent(USER)]
    assert texts[0] == shown.text and "/forget" in texts[0]  # the help, once
    assert len(texts) == 2 and texts[1] != texts[0]
    assert len(peer.calls_of("sendMessage")) == 2


async def test_a_timed_out_stream_keeps_the_conversation(
    app: HavenApp, telegram_peer: TelegramPeer, backend: FastBackend
) -> None:
    peer = telegram_peer
    peer.delay_next("sendMessage", PEER_ANSWERS_AFTER_S)
    peer.private_message(USER, "I feel anxious about my exams")
    await peer.wait_sent(USER, 1)
    peer.private_message(USER, "/help")
    await peer.wait_for(lambda: any("/forget" in m.text for m in peer.sent(USER)), within=15)
    first_reply = [m for m in peer.sent(USER) if "/forget" not in m.text]
    assert len(first_reply) == 1  # shown (in part) once, never sent again
    assert len(peer.calls_of("sendMessage")) == 2
    rows = await app.db.fetchall("SELECT role, content FROM messages ORDER BY id")
    assert [(r["role"], r["content"]) for r in rows] == [
        ("user", "I feel anxious about my exams"),
        ("assistant", DEFAULT_REPLY),
    ]


def _failure(kind: type[NetworkError], cause: Exception) -> NetworkError:
    """What python-telegram-bot raises for an httpx failure (it keeps it as the cause)."""
    try:
        raise kind("network trouble") from cause
    except NetworkError as exc:
        return exc


class Flaky:
    """A Bot API call that fails once the given way, then works."""

    def __init__(self, failure: NetworkError) -> None:
        self.failure = failure
        self.tries = 0

    async def __call__(self) -> str:
        self.tries += 1
        if self.tries == 1:
            raise self.failure
        return "sent"


@pytest.mark.parametrize(
    ("failure", "resent"),
    [
        (_failure(TimedOut, httpx.ReadTimeout("read")), False),  # may have arrived
        (_failure(NetworkError, httpx.RemoteProtocolError("dropped")), False),
        (_failure(TimedOut, httpx.ConnectTimeout("connect")), True),  # never left
        (_failure(NetworkError, httpx.ConnectError("refused")), True),
        (_failure(TimedOut, httpx.PoolTimeout("pool")), True),
    ],
)
async def test_sends_are_retried_only_when_they_never_left(
    failure: NetworkError, resent: bool
) -> None:
    send = Flaky(failure)
    if resent:
        assert await calls.call(send, idempotent=False) == "sent"
        assert send.tries == 2
    else:
        with pytest.raises(calls.DeliveryUncertain):
            await calls.call(send, idempotent=False)
        assert send.tries == 1
    edit = Flaky(failure)  # an edit is safe to repeat, whatever happened
    assert await calls.call(edit) == "sent" and edit.tries == 2
