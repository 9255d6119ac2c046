"""Haven's safety layer: the object the core talks to (see ``bot/safety/layer.py``).

Construction is cheap and synchronous. The semantic model loads once, in a
worker thread, on ``warm_up()`` or on the first assessment; if it cannot load
the lexicon carries on alone and ``semantic_status`` says why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import CrisisResource, HavenConfig
from bot.safety.assessor import RiskAssessor
from bot.safety.layer import ResponsePlan
from bot.safety.lexicon import Lexicon
from bot.safety.moderation import OutputModerator
from bot.safety.policy import ResponsePolicy
from bot.safety.resources import ResourceDirectory
from bot.safety.semantic import HEAD_PATH, SemanticClassifier, SemanticUnavailable
from bot.safety.types import ModerationResult, RiskAssessment, RiskLevel

log = logging.getLogger(__name__)

SemanticLoader = Callable[[], SemanticClassifier]


class HavenSafety:
    """Implements the ``SafetyLayer`` protocol."""

    def __init__(
        self,
        config: HavenConfig,
        *,
        semantic_loader: SemanticLoader | None = None,
        head_path: Path = HEAD_PATH,
    ) -> None:
        self._config = config
        self.directory = ResourceDirectory(config.safety.resources, config.safety.default_country)
        self.assessor = RiskAssessor(Lexicon(), None, context_turns=config.safety.context_turns)
        self.policy = ResponsePolicy(self.directory, config.model.safety_system_prompt)
        self.moderator = OutputModerator(
            (config.model.system_prompt, config.model.safety_system_prompt)
        )
        self._loader: SemanticLoader = semantic_loader or (
            lambda: SemanticClassifier.load(head_path)
        )
        self._load_task: asyncio.Task[None] | None = None
        self.semantic_status = "loading" if config.safety.semantic else "disabled"

    # --- lifecycle ---------------------------------------------------------
    async def warm_up(self) -> None:
        """Load the semantic model now (a few seconds) instead of on the first message."""
        await self._ensure_semantic()

    @property
    def semantic_ready(self) -> bool:
        return self.assessor.semantic is not None

    async def _ensure_semantic(self) -> None:
        if not self._config.safety.semantic or self.semantic_ready:
            return
        if self._load_task is None:
            self._load_task = asyncio.ensure_future(asyncio.to_thread(self._load_now))
        await asyncio.shield(self._load_task)

    def _load_now(self) -> None:
        """Blocking: load and attach the classifier; on failure the lexicon carries on alone."""
        try:
            classifier = self._loader()
        except SemanticUnavailable as exc:
            self.semantic_status = f"unavailable: {exc}"
            log.warning("semantic safety layer unavailable, lexicon only: %s", exc)
            return
        except Exception as exc:
            self.semantic_status = f"unavailable: {type(exc).__name__}: {exc}"
            log.exception("semantic safety layer failed to load, lexicon only")
            return
        self.assessor.use_semantic(classifier)
        self.semantic_status = "ready"
        log.info("semantic safety layer ready")

    # --- the SafetyLayer protocol -----------------------------------------
    async def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        await self._ensure_semantic()
        return await asyncio.to_thread(self.assessor.assess, text, tuple(history))

    def assess_sync(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        """For command-line tools: blocking, and loads the model in this thread if needed."""
        if (
            self._config.safety.semantic
            and not self.semantic_ready
            and self.semantic_status == "loading"
        ):
            self._load_now()
        return self.assessor.assess(text, tuple(history))

    def plan(
        self, assessment: RiskAssessment, *, language: str, country: str | None
    ) -> ResponsePlan:
        return self.policy.plan(assessment, language=language, country=country)

    def moderate(
        self, reply: str, *, risk: RiskLevel, final: bool = True, language: str | None = None
    ) -> ModerationResult:
        return self.moderator.check(reply, risk=risk, final=final, language=language)

    def resources(self, country: str | None) -> list[CrisisResource]:
        return self.directory.resources(country)

    def format_resources(self, country: str | None, *, language: str) -> str:
        return self.directory.format(country, language=language)

    def country_for_locale(self, locale: str | None) -> str | None:
        return self.directory.country_for_locale(locale)
