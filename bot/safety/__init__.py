"""The safety layer: risk grading, response policy, output moderation, crisis resources.

The core builds it with ``build_safety_layer(config)`` and talks to it only
through the ``SafetyLayer`` protocol in ``bot/safety/layer.py``.
"""

from __future__ import annotations

from bot.config import HavenConfig
from bot.safety.layer import ResponsePlan, SafetyLayer
from bot.safety.service import HavenSafety
from bot.safety.types import Category, ModerationResult, RiskAssessment, RiskLevel

__all__ = [
    "Category",
    "HavenSafety",
    "ModerationResult",
    "ResponsePlan",
    "RiskAssessment",
    "RiskLevel",
    "SafetyLayer",
    "build_safety_layer",
]


def build_safety_layer(config: HavenConfig) -> HavenSafety:
    """Cheap and synchronous; ``await layer.warm_up()`` loads the semantic model off the loop."""
    return HavenSafety(config)
