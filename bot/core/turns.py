"""One model turn: wait in line, build the prompt, stream, moderate, store.

Everything a turn needs was gathered by the pipeline before it queued
(``Turn``); from here on it runs in its own task, so a slow adapter never
slows the model and the reply is stored even if nobody reads it. Every
failure ends in a calm reply with crisis resources, never a hung stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import HavenConfig
from bot.core.prompt import HistoryTurn, build_prompt, prompt_budget
from bot.core.scheduling import FairGate, UserLanes
from bot.core.streaming import SnapshotChannel, StreamOutcome, moderated_stream
from bot.core.summaries import RollingSummaries
from bot.i18n import t
from bot.memory.db import MemoryUnavailable
from bot.memory.store import ConversationRecord, MemoryStore, UserRecord
from bot.messages import Incoming
from bot.observability.metrics import HavenMetrics
from bot.safety.layer import ResponsePlan, SafetyLayer, with_resources
from bot.safety.types import ModerationResult, RiskAssessment
from model.base import Backend, BackendError, ChatMessage, GenerationParams

log = logging.getLogger(__name__)

HISTORY_FETCH_LIMIT = 80  # turns read from the db per prompt (the token budget decides)

UserKey = tuple[str, str]  # (platform, platform user id)


@dataclass(slots=True)
class Turn:
    """Everything one model turn needs, gathered before it waits in the queue."""

    incoming: Incoming
    user: UserRecord
    conversation: ConversationRecord
    message_id: int | None  # None while ``stored`` is still inserting it
    text: str
    language: str
    country: str | None
    assessment: RiskAssessment
    plan: ResponsePlan
    arrived: float
    history: list[HistoryTurn] | None = None  # earlier turns, when read just before
    stored: asyncio.Task[int] | None = None  # the user message's insert, when still running

    async def stored_id(self) -> int:
        """The user message's row id, once its insert is done (raises its error)."""
        if self.message_id is None:
            assert self.stored is not None
            self.message_id = await asyncio.shield(self.stored)
        return self.message_id


def session_key(platform: str, user_id: str, chat_id: str, conversation_id: int) -> str:
    """The backend session of one conversation (its KV cache is reused between turns)."""
    return f"{platform}:{user_id}:{chat_id}:{conversation_id}"


def turn_session(turn: Turn) -> str:
    return session_key(
        turn.incoming.platform.value,
        turn.incoming.user_id,
        turn.incoming.chat_id,
        turn.conversation.id,
    )


def generation_params(config: HavenConfig) -> GenerationParams:
    cfg = config.model
    return GenerationParams(
        max_new_tokens=cfg.max_new_tokens,
        temperature=cfg.temperature,
        top_p=cfg.top_p,
        top_k=cfg.top_k,
        repeat_penalty=cfg.repeat_penalty,
        timeout_s=cfg.timeout_s,
    )


class TurnRunner:
    """Runs queued turns for the core; ``config`` is a callable because
    ``/mod reload`` swaps the core's config while the bot runs."""

    def __init__(
        self,
        config: Callable[[], HavenConfig],
        store: MemoryStore,
        backend: Backend,
        safety: SafetyLayer,
        metrics: HavenMetrics,
        gate: FairGate,
        lanes: UserLanes,
        summaries: RollingSummaries | None,
    ) -> None:
        self._config = config
        self.store = store
        self.backend = backend
        self.safety = safety
        self.metrics = metrics
        self.gate = gate
        self.lanes = lanes
        self.summaries = summaries

    async def run(self, key: UserKey, turn: Turn, channel: SnapshotChannel) -> None:
        """Wait for the user's earlier turns, then for a fair backend slot; always
        finish the channel, so a reader never hangs."""
        try:
            async with self.lanes.turn(key):
                self.lanes.set_current(key, asyncio.current_task())
                try:
                    outcome = await self._generate(key, turn, channel)
                finally:
                    self.lanes.set_current(key, None)
                await turn.stored_id()  # the user's message is stored before the reply
                final = outcome.text
                if turn.plan.append_resources and not outcome.replaced:
                    final = with_resources(self.safety, final, turn.country, turn.language)
                channel.finish(final)
                self.metrics.reply_latency.observe(time.monotonic() - turn.arrived)
                await self.store.add_message(
                    turn.conversation, "assistant", final, risk=turn.assessment.level.value
                )
        except asyncio.CancelledError:
            channel.finish(channel.latest or "")
            raise
        except MemoryUnavailable as exc:
            self.metrics.memory_errors.inc()
            log.error("could not store a reply: %s", exc)
            channel.finish(channel.latest or t("memory.busy", turn.language))
        except Exception:
            log.exception("a model turn failed unexpectedly")
            channel.finish(self.fallback_text(turn))

    async def prompt(self, turn: Turn) -> list[ChatMessage]:
        """System prompt (config only) + rolling summary + the newest history that fits."""
        conversation = turn.conversation
        history = turn.history
        if history is None:
            message_id = await turn.stored_id()
            conversation = await self.store.get_conversation(conversation.id) or conversation
            records = await self.store.recent_messages(
                conversation.id, HISTORY_FETCH_LIMIT, after_id=conversation.summary_upto
            )
            # Earlier turns only: user messages queued after this one wait their turn.
            history = [
                HistoryTurn(r.id, r.role, r.content)
                for r in records
                if r.id != message_id and not (r.role == "user" and r.id > message_id)
            ]
        cfg = self._config().model
        system = turn.plan.system_prompt or cfg.system_prompt
        # The whole budget search in one worker-thread hop: tokenizers block.
        built = await asyncio.to_thread(
            build_prompt,
            system_prompt=system,
            summary=conversation.summary,
            history=history,
            current=turn.text,
            budget=prompt_budget(cfg.n_ctx, cfg.max_new_tokens),
            count=self.backend.count_tokens,
        )
        if built.dropped and self.summaries is not None:
            self.summaries.later(conversation, history[: built.dropped])
        return built.messages

    async def _generate(self, key: UserKey, turn: Turn, channel: SnapshotChannel) -> StreamOutcome:
        """Prompt, backend and output moderation, under the fair gate and the
        timeout; any backend failure becomes the calm fallback."""
        risk = turn.assessment.level
        config = self._config()

        def moderate(text: str, final: bool) -> ModerationResult:
            return self.safety.moderate(text, risk=risk, final=final, language=turn.language)

        def first_text() -> None:
            self.metrics.first_text_latency.observe(time.monotonic() - turn.arrived)

        try:
            async with self.gate.slot(key):
                self.metrics.in_flight.inc()
                try:
                    async with asyncio.timeout(config.model.timeout_s):
                        messages = await self.prompt(turn)
                        await turn.stored_id()  # a failed insert means no reply
                        deltas = self.backend.stream(
                            messages, generation_params(config), session=turn_session(turn)
                        )
                        outcome = await moderated_stream(
                            deltas, moderate, channel, on_first_text=first_text
                        )
                finally:
                    self.metrics.in_flight.dec()
        except TimeoutError:
            self.metrics.backend_errors.labels("timeout").inc()
            self.metrics.fallbacks.labels("timeout").inc()
            log.warning("backend timed out after %.0f s", config.model.timeout_s)
            return StreamOutcome(self.fallback_text(turn), "", True, "timeout")
        except BackendError as exc:
            self.metrics.backend_errors.labels(type(exc).__name__).inc()
            self.metrics.fallbacks.labels("backend_error").inc()
            log.warning("backend failed: %s", type(exc).__name__)
            return StreamOutcome(self.fallback_text(turn), "", True, "backend_error")
        if outcome.replaced:
            self.metrics.moderation_replacements.inc()
            self.metrics.fallbacks.labels("moderation").inc()
            log.info("output moderation replaced a reply (rule %s)", outcome.rule)
        elif not outcome.text:
            self.metrics.fallbacks.labels("empty").inc()
            return StreamOutcome(self.fallback_text(turn), outcome.raw, True, "empty")
        return outcome

    def fallback_text(self, turn: Turn) -> str:
        return with_resources(
            self.safety, t("fallback.error", turn.language), turn.country, turn.language
        )
