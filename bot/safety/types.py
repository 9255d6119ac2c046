"""The safety layer's vocabulary, shared by the core, memory and tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RiskLevel(StrEnum):
    NONE = "none"
    CONCERN = "concern"  # distress, no sign of suicidal thinking
    ELEVATED = "elevated"  # passive ideation
    HIGH = "high"  # active ideation, method, intent, plan, recent attempt, imminent

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self.rank < other.rank


_RANK = {RiskLevel.NONE: 0, RiskLevel.CONCERN: 1, RiskLevel.ELEVATED: 2, RiskLevel.HIGH: 3}


class Category(StrEnum):
    SUICIDAL_IDEATION = "suicidal_ideation"
    SELF_HARM = "self_harm"
    METHOD_SEEKING = "method_seeking"
    THIRD_PARTY = "third_party"
    ABUSE_VIOLENCE = "abuse_violence"
    DISTRESS = "distress"
    # An attempt to override the bot's instructions; it changes nothing, but is counted.
    PROMPT_INJECTION = "prompt_injection"


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    level: RiskLevel
    score: float  # 0..1
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=(), compare=False)  # rule ids, never user text

    def to_json(self) -> dict[str, object]:
        return {
            "risk": self.level.value,
            "score": round(self.score, 4),
            "categories": list(self.categories),
        }


@dataclass(frozen=True, slots=True)
class ModerationResult:
    allowed: bool
    text: str  # the cleaned reply (e.g. <think> stripped), or the safe fallback
    rule: str | None = None  # which rule failed
