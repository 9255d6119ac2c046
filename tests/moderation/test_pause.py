"""``/mod pause``: users get a notice and resources instead of the model; a crisis still gets help."""

from __future__ import annotations

import pytest

from bot.core import ConversationCore
from bot.i18n import t
from bot.moderation.commands import register_moderation
from tests.core.fakes import ScriptedBackend
from tests.moderation.helpers import MOD_TG, FakeClock, consent, msg, replies


@pytest.fixture
def paused_core(core: ConversationCore, clock: FakeClock) -> ConversationCore:
    if not hasattr(core, "paused"):
        pytest.skip("the core's maintenance hook (ConversationCore.paused) is not there yet")
    register_moderation(core.registry, clock=clock)
    return core


async def test_pause_and_resume(paused_core: ConversationCore, backend: ScriptedBackend) -> None:
    core = paused_core
    await consent(core, user="7")
    await replies(core, msg("/mod pause", user=MOD_TG))
    (notice,) = await replies(core, msg("work was hard today", user="7"))
    assert notice.kind == "notice" and notice.text.startswith(t("mod.paused_notice", "en")[:30])
    assert backend.calls == []
    # A crisis while paused still gets the crisis reply and a flag for moderators.
    (crisis,) = await replies(core, msg("I want to kill myself", user="7"))
    assert crisis.kind == "crisis"
    assert len(await core.db.fetchall("SELECT id FROM flags")) == 1
    await replies(core, msg("/mod resume", user=MOD_TG))
    out = await replies(core, msg("thanks for listening", user="7"))
    assert out[-1].kind == "model" and len(backend.calls) == 1
