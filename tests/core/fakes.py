"""Test doubles at the core's two seams (Backend, SafetyLayer), nothing deeper.

``ScriptedBackend`` (shared, in ``tests.support.backends``) streams word by
word and can be held, failed or slowed on command. ``KeywordSafety`` grades by
fixed phrases, so a test states exactly which level a message gets.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import CrisisResource
from bot.safety.layer import ResponsePlan
from bot.safety.types import ModerationResult, RiskAssessment, RiskLevel
from model.base import BackendError
from tests.support.backends import Call, ScriptedBackend

__all__ = [
    "CRISIS_REPLY",
    "FORBIDDEN",
    "RESOURCES_TEXT",
    "BrokenBackend",
    "Call",
    "KeywordSafety",
    "ScriptedBackend",
]


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

    def plan(
        self, assessment: RiskAssessment, *, language: str, country: str | None
    ) -> ResponsePlan:
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
