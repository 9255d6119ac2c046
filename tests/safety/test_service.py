"""The SafetyLayer object the core holds: async, protocol-shaped, survives a broken model."""

from __future__ import annotations

import threading

from bot.config import HavenConfig
from bot.safety import SafetyLayer, build_safety_layer
from bot.safety.semantic import SemanticClassifier, SemanticUnavailable
from bot.safety.service import HavenSafety
from bot.safety.types import RiskLevel


def test_implements_the_protocol(lexicon_only_config: HavenConfig) -> None:
    assert isinstance(build_safety_layer(lexicon_only_config), SafetyLayer)


async def test_semantic_disabled_uses_lexicon(lexicon_only_config: HavenConfig) -> None:
    layer = build_safety_layer(lexicon_only_config)
    assessment = await layer.assess("I'm going to kill myself tonight")
    assert assessment.level == RiskLevel.HIGH
    assert layer.semantic_status == "disabled"


async def test_broken_model_is_reported_and_lexicon_still_works(config: HavenConfig) -> None:
    def broken() -> SemanticClassifier:
        raise SemanticUnavailable("model files missing")

    layer = HavenSafety(config, semantic_loader=broken)
    await layer.warm_up()
    assert layer.semantic_status == "unavailable: model files missing"
    assert (await layer.assess("I want to die")).level == RiskLevel.ELEVATED


async def test_unexpected_load_error_is_reported(config: HavenConfig) -> None:
    def crashes() -> SemanticClassifier:
        raise OSError("disk on fire")

    layer = HavenSafety(config, semantic_loader=crashes)
    assert (await layer.assess("hello")).level == RiskLevel.NONE
    assert layer.semantic_status.startswith("unavailable: OSError")


async def test_model_loads_off_the_event_loop_once(
    config: HavenConfig, semantic: SemanticClassifier
) -> None:
    calls: list[str] = []

    def loader() -> SemanticClassifier:
        calls.append(threading.current_thread().name)
        return semantic

    layer = HavenSafety(config, semantic_loader=loader)
    await layer.warm_up()
    await layer.warm_up()
    await layer.assess("hello")
    assert len(calls) == 1
    assert calls[0] != threading.main_thread().name
    assert layer.semantic_status == "ready"


async def test_plan_moderate_resources_round_trip(lexicon_only_config: HavenConfig) -> None:
    layer = build_safety_layer(lexicon_only_config)
    country = layer.country_for_locale("en-NZ")
    assessment = await layer.assess("I took a bunch of pills")
    plan = layer.plan(assessment, language="en", country=country)
    assert plan.bypass_model and plan.fixed_reply is not None and "1737" in plan.fixed_reply
    assert layer.resources("NZ")[0].phone == "1737"
    assert layer.moderate("<think>x</think>Hi", risk=RiskLevel.NONE).text == "Hi"
    assert not layer.moderate("take 20 mg", risk=RiskLevel.NONE, language="fr").allowed
