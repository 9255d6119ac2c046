"""The conversation core: one ``Incoming`` in, a stream of ``Reply`` out.

Order for a text message: command routing -> ban and rate limit -> consent
-> safety on input -> memory -> prompt -> backend -> safety on output ->
memory -> reply stream. The core knows no platform and no model: adapters
call ``handle`` and backends sit behind the ``Backend`` protocol. This module
routes and takes a message in; consent lives in ``consent.py``, the model
turn in ``turns.py``, rolling summaries in ``summaries.py``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.config import HavenConfig
from bot.core.commands import CommandContext, CommandRegistry, parse_command, run_handler
from bot.core.consent import ConsentDesk, PendingMessage, crisis_text
from bot.core.prompt import HistoryTurn
from bot.core.ratelimit import RateLimiter
from bot.core.scheduling import FairGate, QueueFull, UserLanes
from bot.core.streaming import SnapshotChannel
from bot.core.summaries import RollingSummaries, Summarize
from bot.core.text import clean_text
from bot.core.turns import HISTORY_FETCH_LIMIT, Turn, TurnRunner, UserKey, session_key
from bot.i18n import language_for_locale, t
from bot.memory.db import Database, MemoryUnavailable
from bot.memory.store import (
    ConversationRecord,
    Intake,
    MemoryStore,
    UserContext,
    UserRecord,
    create_flag,
)
from bot.messages import Incoming, Platform, Reply
from bot.observability.metrics import HavenMetrics
from bot.safety.layer import SafetyLayer, with_resources
from bot.safety.types import RiskAssessment
from model.base import Backend

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = [
    "HISTORY_FETCH_LIMIT",
    "ConversationCore",
    "PendingMessage",
    "Turn",
    "Who",
    "session_key",
]

# Called with (flag id, assessment) right after a flag is stored: the alerter
# sends at once instead of at its next poll.
FlagCallback = Callable[[int, RiskAssessment], None]


@dataclass(frozen=True, slots=True)
class Who:
    user: UserRecord | None  # None until first stored (after consent)
    language: str
    country: str | None
    banned: bool


class ConversationCore:
    """Implements the ``Handler`` protocol (``bot/ports.py``).

    ``paused`` (maintenance, ``/mod pause``): safety still runs and a crisis
    still gets its reply and a flag, but nothing reaches the model.
    """

    def __init__(
        self,
        config: HavenConfig,
        db: Database,
        backend: Backend,
        safety: SafetyLayer,
        *,
        registry: CommandRegistry | None = None,
        metrics: HavenMetrics | None = None,
        rate_limiter: RateLimiter | None = None,
        summarizer: Summarize | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.store = MemoryStore(db)
        self.backend = backend
        self.safety = safety
        self.metrics = metrics or HavenMetrics()
        self.registry = registry or CommandRegistry()
        self.rate_limiter = rate_limiter or RateLimiter(
            config.limits.per_minute, config.limits.burst
        )
        self.gate = FairGate(config.limits.max_concurrent_generations)
        self.lanes = UserLanes(config.limits.max_queued_per_user)
        self.summarizer = summarizer
        self.paused = False
        self.on_flag: FlagCallback | None = None
        self.consent = ConsentDesk(lambda: self.config, safety, self.metrics)
        self.summaries = (
            RollingSummaries(self.store, backend, self.gate, summarizer, self._spawn)
            if summarizer is not None
            else None
        )
        self.turns = TurnRunner(
            lambda: self.config,
            self.store,
            backend,
            safety,
            self.metrics,
            self.gate,
            self.lanes,
            self.summaries,
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        from bot.core.builtin_commands import register_builtin_commands

        register_builtin_commands(self.registry)

    def _spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """A background task that ``idle()`` and ``close()`` wait for."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Read here so nothing is reported as "never retrieved"; whoever awaits it handles it.
            log.debug("background task ended with %s", type(task.exception()).__name__)

    # -- the Handler protocol -------------------------------------------------

    async def handle(self, incoming: Incoming) -> AsyncIterator[Reply]:
        self.metrics.messages.labels(incoming.platform.value).inc()
        try:
            async for reply in self._route(incoming):
                self.metrics.replies.labels(incoming.platform.value, reply.kind).inc()
                yield reply
        except MemoryUnavailable as exc:
            self.metrics.memory_errors.inc()
            log.error("memory unavailable while handling a message: %s", exc)
            language = language_for_locale(incoming.locale, self.config.bot.default_locale)
            yield Reply(text=t("memory.busy", language), kind="error")

    def run_text(self, incoming: Incoming, text: str) -> AsyncIterator[Reply]:
        """The pipeline for ``text`` as if ``incoming``'s user sent it (no command routing)."""
        return self._message(incoming, text)

    async def _route(self, incoming: Incoming) -> AsyncIterator[Reply]:
        if incoming.action:
            async for reply in self._action(incoming, await self.who(incoming)):
                yield reply
            return
        cleaned = clean_text(incoming.text or "", self.config.bot.max_message_chars)
        command = parse_command(cleaned.text)
        if command is not None:
            who = await self.who(incoming)
            async for reply in self._command(
                incoming, who, command.name, command.args, command.arg_text
            ):
                yield reply
            return
        if not cleaned.text:
            yield Reply(text=t("input.empty", (await self.who(incoming)).language), kind="notice")
            return
        # A text message: who, conversation and history in one round trip.
        intake = await self._intake(incoming)
        who = self._who(incoming, intake.context)
        if cleaned.truncated:
            limit = self.config.bot.max_message_chars
            yield Reply(text=t("input.truncated", who.language, limit=limit), kind="notice")
        async for reply in self._message(incoming, cleaned.text, who=who, intake=intake):
            yield reply

    # -- who is talking --------------------------------------------------------

    async def who(self, incoming: Incoming) -> Who:
        """The sender's stored record, language, country and ban state (one query)."""
        found = await self.store.user_context(incoming.platform.value, incoming.user_id)
        return self._who(incoming, found)

    def _intake(self, incoming: Incoming) -> Awaitable[Intake]:
        return self.store.intake(
            incoming.platform.value,
            incoming.user_id,
            incoming.chat_id,
            HISTORY_FETCH_LIMIT,
            platform_message_id=incoming.message_id,
        )

    def _who(self, incoming: Incoming, found: UserContext) -> Who:
        language = found.language or language_for_locale(
            incoming.locale, self.config.bot.default_locale
        )
        country = (
            found.country
            or self.safety.country_for_locale(incoming.locale)
            or self.config.safety.default_country
        )
        return Who(found.user, language, country, found.banned)

    def context(
        self,
        incoming: Incoming,
        *,
        name: str,
        args: list[str],
        arg_text: str,
        who: Who,
    ) -> CommandContext:
        return CommandContext(
            incoming=incoming,
            name=name,
            args=args,
            arg_text=arg_text,
            language=who.language,
            country=who.country,
            config=self.config,
            db=self.db,
            store=self.store,
            safety=self.safety,
            core=self,
            user=who.user,
        )

    def needs_consent(self, user: UserRecord | None) -> bool:
        return self.consent.needs_consent(user)

    def allowed(self, incoming: Incoming) -> bool:
        """The per-user rate limit. The terminal is exempt: its one person owns
        the process, and it sends a line only after the last reply ended."""
        if incoming.platform is Platform.TERMINAL:
            return True
        return self.rate_limiter.allow((incoming.platform.value, incoming.user_id))

    # -- commands and buttons --------------------------------------------------

    async def _command(
        self, incoming: Incoming, who: Who, name: str, args: list[str], arg_text: str
    ) -> AsyncIterator[Reply]:
        spec = self.registry.get(name)
        if spec is None:
            yield Reply(text=t("command.unknown", who.language, command=name), kind="notice")
            return
        if spec.dm_only and incoming.chat_kind.value != "dm":
            yield Reply(text=t("command.dm_only", who.language, command=name), kind="notice")
            return
        if not self.allowed(incoming):
            self.metrics.rate_limited.inc()
            yield Reply(text=t("rate.limited_unstored", who.language), kind="notice")
            return
        if spec.requires_consent and self.needs_consent(who.user):
            yield self.disclaimer(who.language)
            return
        ctx = self.context(incoming, name=name, args=args, arg_text=arg_text, who=who)
        async for reply in self._guarded(spec.handler, ctx):
            yield reply

    async def _action(self, incoming: Incoming, who: Who) -> AsyncIterator[Reply]:
        found = self.registry.find_action(incoming.action or "")
        if found is None:
            yield Reply(text=t("action.expired", who.language), kind="notice")
            return
        handler, prefix, args = found
        ctx = self.context(incoming, name=prefix, args=args, arg_text=":".join(args), who=who)
        async for reply in self._guarded(handler, ctx):
            yield reply

    async def _guarded(self, handler: Any, ctx: CommandContext) -> AsyncIterator[Reply]:
        """A failing plug-in command gets a calm reply, never a crashed adapter."""
        try:
            async for reply in run_handler(handler, ctx):
                yield reply
        except MemoryUnavailable:
            raise
        except Exception as exc:
            log.exception("command %s failed: %s", ctx.name, type(exc).__name__)
            yield Reply(text=ctx.t("command.error"), kind="error")

    def disclaimer(self, language: str) -> Reply:
        return self.consent.disclaimer(language)

    # -- consent ---------------------------------------------------------------

    async def record_consent(
        self, platform: str, platform_user_id: str, locale: str | None = None
    ) -> UserRecord:
        """Store the user's agreement (the "I agree" button, or the terminal operator)."""
        return await self.store.record_consent(platform, platform_user_id, locale)

    def take_pending(self, platform: str, user_id: str) -> list[PendingMessage]:
        """Held messages of this user (every chat), oldest first; they leave RAM."""
        return self.consent.take(platform, user_id)

    def drop_pending(self, platform: str, user_id: str) -> int:
        return self.consent.drop(platform, user_id)

    async def replay_pending(self, pending: Sequence[PendingMessage]) -> AsyncIterator[Reply]:
        """After consent: store and answer what was held (a crisis message that
        was answered already is stored and flagged, not answered twice)."""
        for item in pending:
            async for reply in self._message(item.incoming, item.text, pending=item):
                yield reply

    # -- a text message ----------------------------------------------------------

    async def _message(
        self,
        incoming: Incoming,
        text: str,
        *,
        pending: PendingMessage | None = None,
        who: Who | None = None,
        intake: Intake | None = None,
    ) -> AsyncIterator[Reply]:
        arrived = time.monotonic()
        platform = incoming.platform.value
        if who is None or intake is None or pending is not None:
            intake = await self._intake(incoming)
            who = self._who(incoming, intake.context)
        user, language, country = who.user, who.language, who.country

        if pending is None and who.banned:
            body = t("banned", language, name=self.config.bot.name)
            yield Reply(text=with_resources(self.safety, body, country, language), kind="notice")
            return

        if pending is None and not self.allowed(incoming):
            self.metrics.rate_limited.inc()
            if user is not None and not self.needs_consent(user):
                conversation = intake.conversation or await self._conversation(user, incoming)
                await self.store.add_message(
                    conversation, "user", text, platform_message_id=incoming.message_id
                )
                yield Reply(text=t("rate.limited", language), kind="notice")
            else:
                yield Reply(text=t("rate.limited_unstored", language), kind="notice")
            return

        if self.needs_consent(user):
            async for reply in self.consent.before_consent(incoming, text, language, country):
                yield reply
            return

        if user is None:  # consent not required: the first message creates the user
            user = await self.store.ensure_user(platform, incoming.user_id, incoming.locale)

        conversation = intake.conversation
        records = intake.history
        if conversation is None:  # first message here, or the first after /reset
            conversation = await self._conversation(user, incoming)
        redelivered = intake.redelivered if pending is None else None
        if redelivered is not None:
            # The platform sent this message again (a crash before its reply was
            # confirmed): answer it, but neither store it twice nor show the
            # model the first copy and whatever followed it.
            records = [r for r in records if r.id < redelivered]
        context_turns = self.config.safety.context_turns
        history = [r.content for r in records if r.role == "user"][-context_turns:]
        if pending is not None and pending.assessment is not None:
            assessment = pending.assessment  # the grade its crisis reply was based on
        else:
            assessment = await self.safety.assess(text, history)
        self.metrics.risk.labels(assessment.level.value).inc()
        plan = self.safety.plan(assessment, language=language, country=country)
        store_message = (
            _already_stored(redelivered)
            if redelivered is not None
            else self.store.add_message(
                conversation,
                "user",
                text,
                risk=assessment.level.value,
                platform_message_id=incoming.message_id,
            )
        )

        def model_turn(message_id: int | None, stored: asyncio.Task[int] | None = None) -> Turn:
            return Turn(
                incoming=incoming,
                user=user,
                conversation=conversation,
                message_id=message_id,
                text=text,
                language=language,
                country=country,
                assessment=assessment,
                plan=plan,
                arrived=arrived,
                history=[HistoryTurn(r.id, r.role, r.content) for r in records],
                stored=stored,
            )

        if not plan.flag and not plan.bypass_model and not self.paused:
            # A model turn: the insert runs while the turn builds its prompt
            # (one SQLite trip fewer before the reply starts); the turn waits
            # for it before generating, and it completes even if the turn is cancelled.
            async for reply in self._start_turn(model_turn(None, self._spawn(store_message))):
                yield reply
            return
        message_id = await store_message
        if plan.flag:
            await self._flag(user, platform, assessment, message_id, text)

        if plan.bypass_model:
            reply_text = (
                pending.crisis_reply
                if pending is not None and pending.answered and pending.crisis_reply
                else crisis_text(self.safety, plan, language, country)
            )
            await self.store.add_message(
                conversation, "assistant", reply_text, risk=assessment.level.value
            )
            if pending is None or not pending.answered:
                yield Reply(text=reply_text, kind="crisis")
            return

        if self.paused:  # maintenance (/mod pause): a notice and resources, no model
            notice = with_resources(
                self.safety, t("mod.paused_notice", language), country, language
            )
            yield Reply(text=notice, kind="notice")
            return

        async for reply in self._start_turn(model_turn(message_id)):
            yield reply

    async def _start_turn(self, turn: Turn) -> AsyncIterator[Reply]:
        """Queue the turn behind the user's earlier ones; the reply streams from its task."""
        key: UserKey = (turn.incoming.platform.value, turn.incoming.user_id)
        busy = self.lanes.busy(key)
        try:
            self.lanes.reserve(key)
        except QueueFull:
            yield Reply(text=t("queue.full", turn.language), kind="notice")
            return
        if busy:
            turn.history = None  # replies stored while it waits must be read afresh
            self.metrics.queued.inc()
            yield Reply(text=t("queue.busy", turn.language), kind="notice")
        channel = SnapshotChannel()
        self._spawn(self.turns.run(key, turn, channel))
        yield Reply(stream=aiter(channel), kind="model")

    async def _flag(
        self,
        user: UserRecord,
        platform: str,
        assessment: RiskAssessment,
        message_id: int,
        text: str,
    ) -> None:
        excerpt = text[:280] if self.config.moderation.alert_excerpts else None
        flag_id = await create_flag(
            self.db,
            user_id=user.id,
            platform=platform,
            assessment=assessment,
            message_id=message_id,
            excerpt=excerpt,
        )
        if self.on_flag is not None:
            try:
                self.on_flag(flag_id, assessment)
            except Exception as exc:  # the flag is stored; the alerter's poll still finds it
                log.error("the new-flag callback failed: %s", type(exc).__name__)

    async def _conversation(self, user: UserRecord, incoming: Incoming) -> ConversationRecord:
        conversation = await self.store.active_conversation(
            user.id, incoming.chat_id, incoming.chat_kind.value
        )
        assert conversation is not None
        return conversation

    # -- lifecycle -----------------------------------------------------------------

    def cancel_generation(self, platform: str, user_id: str) -> bool:
        return self.lanes.cancel_current((platform, user_id))

    def forget_session(self, session: str) -> None:
        """Drop a conversation's backend state (KV cache holds its text in RAM)."""
        forget = getattr(self.backend, "forget", None)
        if forget is None:
            return
        try:
            forget(session)
        except Exception as exc:
            log.debug("backend could not forget a session: %s", type(exc).__name__)

    async def idle(self) -> None:
        """Wait until every reply in flight (and background summary) is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace_s: float | None = None) -> None:
        """Let replies in flight finish within ``grace_s``, then cancel the rest."""
        grace = self.config.bot.shutdown_grace_s if grace_s is None else grace_s
        if self._tasks:
            _done, still = await asyncio.wait(list(self._tasks), timeout=grace)
            for task in still:
                task.cancel()
            if still:
                await asyncio.gather(*still, return_exceptions=True)


async def _already_stored(message_id: int) -> int:
    return message_id
