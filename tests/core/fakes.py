"""Test doubles at the core's two seams (Backend, SafetyLayer), nothing deeper.

``ScriptedBackend`` is a real Backend: it streams word by word through the
event loop and can be held, failed or slowed on command, so ordering and
fairness can be checked without timing. ``KeywordSafety`` grades by fixed
phrases, so a test states exactly which level a message gets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from bot.config import CrisisResource
from bot.safety.layer import ResponsePlan
from bot.safety.types import ModerationResult, RiskAssessment, RiskLevel
from model.base import BackendError, BackendHealth, ChatMessage, GenerationParams


@dataclass
class Call:
    messages: list[ChatMessage]
    session: str | None
    user_text: str


@dataclass
class ScriptedBackend:
    name: str = "scripted"
    reply: str = "That sounds hard. I'm here with you. What feels heaviest right now?"
    fail_with: BaseException | None = None
    hang: bool = False  # never yields until released via `gate`
    tokens_per_message: int = 4
    calls: list[Call] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # user texts in the order generation started
    gate: asyncio.Event | None = None  # when set: every stream waits for it first
    closed: bool = False

    async def start(self) -> None:
        return None

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        user_text = messages[-1].content
        self.calls.append(Call(list(messages), session, user_text))
        self.order.append(user_text)
        if self.gate is not None:
            await self.gate.wait()
        if self.hang:
            await asyncio.Event().wait()
        if self.fail_with is not None:
            raise self.fail_with
        reply = self.reply.replace("{echo}", user_text)
        for word in reply.split(" "):
            await asyncio.sleep(0)
            yield word + " "

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        # Deterministic: words plus a per-message template overhead.
        return sum(len(m.content.split()) + self.tokens_per_message for m in messages)

    async def health(self) -> BackendHealth:
        return BackendHealth(self.name, True)

    async def close(self) -> None:
        self.closed = True


class BrokenBackend(ScriptedBackend):
    def __init__(self) -> None:
        super().__init__(fail_with=BackendError("model crashed"))


HIGH_PHRASES = ("kill myself", "end my life")
ELEVATED_PHRASES = ("want to disappear", "better off without me")
CONCERN_PHRASES = ("anxious", "sad", "stressed")
CRISIS_REPLY = "CRISIS-REPLY: please call a crisis line now. You deserve support."
RESOURCES_TEXT = "RESOURCES: Example Line 000"
FORBIDDEN = "FORBIDDEN"


class KeywordSafety:
    def __init__(self) -> None:
        self.assessed: list[tuple[str, tuple[str, ...]]] = []
        self.moderated: list[tuple[str, bool]] = []

    async def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        self.assessed.append((text, tuple(history)))
        low = text.lower()
        if any(p in low for p in HIGH_PHRASES):
            return RiskAssessment(RiskLevel.HIGH, 0.95, ("suicidal_ideation",))
        if any(p in low for p in ELEVATED_PHRASES):
            return RiskAssessment(RiskLevel.ELEVATED, 0.6, ("suicidal_ideation",))
        if any(p in low for p in CONCERN_PHRASES):
            return RiskAssessment(RiskLevel.CONCERN, 0.3, ("distress",))
        return RiskAssessment(RiskLevel.NONE, 0.01)

    def plan(self, assessment: RiskAssessment, *, language: str, country: str | None) -> ResponsePlan:
        if assessment.level is RiskLevel.HIGH:
            return ResponsePlan(True, CRISIS_REPLY, None, True, True)
        if assessment.level is RiskLevel.ELEVATED:
            return ResponsePlan(False, None, "SAFETY-PROMPT", True, True)
        return ResponsePlan(False, None, None, False, False)

    def moderate(
        self, reply: str, *, risk: RiskLevel, final: bool = True, language: str | None = None
    ) -> ModerationResult:
        self.moderated.append((reply, final))
        if FORBIDDEN in reply:
            return ModerationResult(False, "SAFE-FALLBACK: I'd rather not say that.", "forbidden")
        return ModerationResult(True, reply)

    def resources(self, country: str | None) -> list[CrisisResource]:
        return [CrisisResource(name="Example Line", phone="000")]

    def format_resources(self, country: str | None, *, language: str) -> str:
        return RESOURCES_TEXT

    def country_for_locale(self, locale: str | None) -> str | None:
        if locale and "-" in locale:
            return locale.split("-", 1)[1].upper()
        return None
