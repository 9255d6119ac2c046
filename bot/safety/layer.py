"""The seam between the conversation core and the safety layer.

The core asks three things: how risky is this message (given the last few
turns), what should happen at that level, and may this model reply be sent.
Everything behind these calls (normalisation, lexicon, semantic classifier,
output rules, resources by country) can change without touching the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.config import CrisisResource
from bot.safety.types import ModerationResult, RiskAssessment, RiskLevel


@dataclass(frozen=True, slots=True)
class ResponsePlan:
    """What the core does with a message at a given risk."""

    bypass_model: bool  # high: fixed crisis reply, no model call
    fixed_reply: str | None  # the crisis (or helper-oriented) reply text
    system_prompt: str | None  # override for elevated risk; None keeps the persona
    append_resources: bool  # add crisis resources after the model's reply
    flag: bool  # create a flag row for moderators


@runtime_checkable
class SafetyLayer(Protocol):
    async def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        """Grade ``text``; ``history`` is the user's previous messages, oldest first."""
        ...

    def plan(
        self, assessment: RiskAssessment, *, language: str, country: str | None
    ) -> ResponsePlan: ...

    def moderate(
        self, reply: str, *, risk: RiskLevel, final: bool = True, language: str | None = None
    ) -> ModerationResult:
        """Check a model reply (or, with final=False, a streamed prefix of one).

        ``language`` picks the fallback text's language (English when None).
        """
        ...

    def resources(self, country: str | None) -> list[CrisisResource]: ...

    def format_resources(self, country: str | None, *, language: str) -> str: ...

    def country_for_locale(self, locale: str | None) -> str | None: ...


def with_resources(safety: SafetyLayer, body: str, country: str | None, language: str) -> str:
    """``body`` followed by the crisis lines for the user's country, in their language:
    the one shape of every reply that carries them (ban and pause notices, elevated
    replies, the fallback when the model fails)."""
    return f"{body}\n\n{safety.format_resources(country, language=language)}".strip()
