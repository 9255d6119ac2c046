"""Consent before anything is stored: the disclaimer and the messages held for it.

Until someone agrees, their messages live in RAM only (a few per chat, a
bounded number of people) and are answered after "I agree". A crisis cannot
wait for a button, so it is assessed at once and answered with the crisis
reply, still without storing anything.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot.config import HavenConfig
from bot.i18n import t
from bot.memory.store import UserRecord
from bot.messages import Button, Incoming, Reply
from bot.observability.metrics import HavenMetrics
from bot.safety.layer import ResponsePlan, SafetyLayer
from bot.safety.types import RiskAssessment

MAX_PENDING_PER_USER = 5  # pre-consent messages held in RAM per chat
MAX_PENDING_USERS = 10_000  # beyond this, the longest-idle chat's held messages go

ChatKey = tuple[str, str, str]  # (platform, platform user id, chat id)


@dataclass(slots=True)
class PendingMessage:
    """A message that arrived before consent: RAM only, answered after "I agree"."""

    incoming: Incoming
    text: str
    answered: bool = False  # a crisis reply already went out
    crisis_reply: str | None = None
    assessment: RiskAssessment | None = None


def crisis_text(safety: SafetyLayer, plan: ResponsePlan, language: str, country: str | None) -> str:
    """The fixed crisis reply of the plan, or the resources when it has none."""
    if plan.fixed_reply:
        return plan.fixed_reply
    return safety.format_resources(country, language=language)


class ConsentDesk:
    """Decides whether consent is still needed, shows the disclaimer, holds messages.

    ``config`` is a callable because ``/mod reload`` swaps the core's config
    while the bot runs.
    """

    def __init__(
        self, config: Callable[[], HavenConfig], safety: SafetyLayer, metrics: HavenMetrics
    ) -> None:
        self._config = config
        self.safety = safety
        self.metrics = metrics
        self._pending: OrderedDict[ChatKey, list[PendingMessage]] = OrderedDict()

    def needs_consent(self, user: UserRecord | None) -> bool:
        if not self._config().privacy.require_consent:
            return False
        return user is None or not user.consented

    def disclaimer(self, language: str) -> Reply:
        config = self._config()
        return Reply(
            text=t(
                "consent.disclaimer",
                language,
                name=config.bot.name,
                days=config.memory.retention_days,
            ),
            buttons=(
                Button(t("consent.yes_button", language), "consent:yes"),
                Button(t("consent.no_button", language), "consent:no"),
            ),
            kind="consent",
        )

    # -- messages held in RAM ------------------------------------------------------

    def hold(self, incoming: Incoming, text: str) -> PendingMessage | None:
        """Keep ``text`` for after consent; None when this chat already holds the maximum."""
        key = (incoming.platform.value, incoming.user_id, incoming.chat_id)
        held = self._pending.setdefault(key, [])
        self._pending.move_to_end(key)
        while len(self._pending) > MAX_PENDING_USERS:
            self._pending.popitem(last=False)
        if len(held) >= MAX_PENDING_PER_USER:
            return None
        item = PendingMessage(incoming, text)
        held.append(item)
        return item

    def take(self, platform: str, user_id: str) -> list[PendingMessage]:
        """Held messages of this user (every chat), oldest first; they leave RAM."""
        taken: list[PendingMessage] = []
        for key in [k for k in self._pending if k[0] == platform and k[1] == user_id]:
            taken.extend(self._pending.pop(key))
        return taken

    def drop(self, platform: str, user_id: str) -> int:
        return len(self.take(platform, user_id))

    # -- a message before consent -------------------------------------------------------

    async def before_consent(
        self, incoming: Incoming, text: str, language: str, country: str | None
    ) -> AsyncIterator[Reply]:
        """Nothing is stored: the message waits in RAM for "I agree". A crisis
        is answered at once (assessed, not stored)."""
        held = self.hold(incoming, text)
        assessment = await self.safety.assess(text, ())
        self.metrics.risk.labels(assessment.level.value).inc()
        plan = self.safety.plan(assessment, language=language, country=country)
        if plan.bypass_model:
            reply_text = crisis_text(self.safety, plan, language, country)
            if held is not None:
                held.answered = True
                held.crisis_reply = reply_text
                held.assessment = assessment
            yield Reply(text=reply_text, kind="crisis")
        if held is None:
            yield Reply(text=t("pending.dropped", language), kind="notice")
        yield self.disclaimer(language)
