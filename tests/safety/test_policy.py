"""What each level leads to: bypass, safety prompt, resources, helper reply, flags."""

from __future__ import annotations

from bot.config import HavenConfig
from bot.i18n import t
from bot.safety.policy import ResponsePolicy, own_level
from bot.safety.resources import ResourceDirectory
from bot.safety.types import RiskAssessment, RiskLevel


def policy(config: HavenConfig) -> ResponsePolicy:
    return ResponsePolicy(ResourceDirectory(), config.model.safety_system_prompt)


def test_high_bypasses_the_model_with_local_resources(config: HavenConfig) -> None:
    plan = policy(config).plan(
        RiskAssessment(RiskLevel.HIGH, 0.9, ("suicidal_ideation",)), language="en", country="GB"
    )
    assert plan.bypass_model and plan.flag
    assert plan.fixed_reply is not None
    assert "116 123" in plan.fixed_reply  # Samaritans
    assert "I'm an AI" in plan.fixed_reply
    assert "999" in plan.fixed_reply


def test_high_in_spanish(config: HavenConfig) -> None:
    plan = policy(config).plan(RiskAssessment(RiskLevel.HIGH, 0.9), language="es", country="ES")
    assert plan.fixed_reply is not None and "024" in plan.fixed_reply
    assert plan.fixed_reply.startswith(t("safety.crisis_reply", "es", resources="")[:20])


def test_elevated_uses_safety_prompt_and_appends_resources(config: HavenConfig) -> None:
    plan = policy(config).plan(RiskAssessment(RiskLevel.ELEVATED, 0.6), language="en", country="US")
    assert not plan.bypass_model and not plan.flag
    assert plan.system_prompt == config.model.safety_system_prompt
    assert plan.append_resources


def test_concern_and_none_are_normal(config: HavenConfig) -> None:
    for level in (RiskLevel.NONE, RiskLevel.CONCERN):
        plan = policy(config).plan(RiskAssessment(level, 0.3), language="en", country=None)
        assert (
            not plan.bypass_model
            and plan.system_prompt is None
            and not plan.append_resources
            and not plan.flag
        )


def test_third_party_gets_helper_reply(config: HavenConfig) -> None:
    worried = RiskAssessment(
        RiskLevel.ELEVATED, 0.6, ("suicidal_ideation", "third_party"), ("self:none",)
    )
    plan = policy(config).plan(worried, language="en", country="AU")
    assert plan.bypass_model and not plan.flag
    assert plan.fixed_reply is not None
    assert "ask them directly" in plan.fixed_reply
    assert "13 11 14" in plan.fixed_reply


def test_third_party_in_immediate_danger_is_flagged(config: HavenConfig) -> None:
    urgent = RiskAssessment(RiskLevel.HIGH, 0.9, ("third_party",), ("self:none",))
    plan = policy(config).plan(urgent, language="en", country="US")
    assert plan.flag and plan.fixed_reply is not None and "ask them directly" in plan.fixed_reply


def test_writer_at_risk_too_gets_the_crisis_reply(config: HavenConfig) -> None:
    both = RiskAssessment(RiskLevel.HIGH, 0.9, ("third_party", "suicidal_ideation"), ("self:high",))
    plan = policy(config).plan(both, language="en", country="US")
    assert plan.fixed_reply is not None and "Your safety matters" in plan.fixed_reply


def test_own_level_defaults_to_the_whole_assessment() -> None:
    assert own_level(RiskAssessment(RiskLevel.HIGH, 0.9)) == RiskLevel.HIGH
    assert (
        own_level(RiskAssessment(RiskLevel.HIGH, 0.9, (), ("self:concern",))) == RiskLevel.CONCERN
    )
