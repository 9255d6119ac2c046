"""500 users x 4 messages at once through the Telegram peer: one reply each, in order, none lost."""

from __future__ import annotations

from pathlib import Path

from bench.telegram_load import run_load


async def test_500_users_4_messages_each(tmp_path: Path) -> None:
    result = await run_load(users=500, messages_per_user=4, workdir=tmp_path, within_s=300)
    print(f"{result.messages} messages in {result.seconds:.1f} s ({result.per_second:.0f}/s)")
    assert result.problems == ()
    assert result.replies == 2000
