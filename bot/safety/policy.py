"""What happens at each risk level: the one place the response rules live.

- high: the model is bypassed; a fixed warm crisis reply with local resources,
  flagged for moderators. Fixed text cannot fail, stall or say something unsafe.
- elevated: the model answers under the safety system prompt; resources follow.
- someone else at risk: a fixed helper-oriented reply with resources.
- concern / none: the normal conversation.
"""

from __future__ import annotations

from bot.safety.layer import ResponsePlan
from bot.safety.resources import ResourceDirectory
from bot.safety.strings import text
from bot.safety.types import Category, RiskAssessment, RiskLevel

NORMAL = ResponsePlan(
    bypass_model=False, fixed_reply=None, system_prompt=None, append_resources=False, flag=False
)


class ResponsePolicy:
    def __init__(self, directory: ResourceDirectory, safety_system_prompt: str) -> None:
        self._directory = directory
        self._safety_prompt = safety_system_prompt

    def plan(
        self, assessment: RiskAssessment, *, language: str, country: str | None
    ) -> ResponsePlan:
        level = assessment.level
        about_someone_else = Category.THIRD_PARTY.value in assessment.categories
        if (
            level >= RiskLevel.ELEVATED
            and about_someone_else
            and own_level(assessment) < RiskLevel.ELEVATED
        ):
            resources = self._directory.format(country, language=language)
            return ResponsePlan(
                bypass_model=True,
                fixed_reply=text("safety.helper_reply", language, resources=resources),
                system_prompt=None,
                append_resources=False,
                flag=level >= RiskLevel.HIGH,
            )
        if level >= RiskLevel.HIGH:
            resources = self._directory.format(country, language=language)
            return ResponsePlan(
                bypass_model=True,
                fixed_reply=text("safety.crisis_reply", language, resources=resources),
                system_prompt=None,
                append_resources=False,
                flag=True,
            )
        if level >= RiskLevel.ELEVATED:
            return ResponsePlan(
                bypass_model=False,
                fixed_reply=None,
                system_prompt=self._safety_prompt,
                append_resources=True,
                flag=False,
            )
        return NORMAL


SELF_PREFIX = "self:"


def own_level(assessment: RiskAssessment) -> RiskLevel:
    """The writer's own risk, apart from worry about someone else.

    The assessor records it as a ``self:<level>`` reason; without one the
    whole assessment is taken to be about the writer (the safe reading).
    """
    for reason in assessment.reasons:
        if reason.startswith(SELF_PREFIX):
            try:
                return RiskLevel(reason[len(SELF_PREFIX) :])
            except ValueError:
                break
    return assessment.level
