"""``/mod ...``: the moderator console, the same on every platform.

One command with subcommands keeps Discord's slash-command list short and
lets Telegram and the terminal share the parser. Every attempt, allowed or
refused, lands in the audit log with who, what and when; refusals get one
plain sentence so nobody learns which moderator features exist.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.config import ConfigError, HavenConfig
from bot.core.commands import CommandContext, CommandRegistry
from bot.memory import moderation as modstore
from bot.messages import Reply
from bot.moderation.alerts import ACK_ACTION, Clock, age_text, shorten, system_clock
from bot.moderation.authz import ModeratorPolicy
from bot.moderation.parsing import (
    ParseError,
    UserRef,
    looks_like_duration,
    parse_count,
    parse_duration,
    parse_flag_id,
    parse_user,
)

log = logging.getLogger(__name__)

Reloader = Callable[[], Awaitable[HavenConfig]]
CONTEXT_TURNS = 3  # messages shown before a flagged one in /mod flag ID
LIST_LIMIT = 20
AUDIT_MAX = 100


@dataclass(slots=True)
class Outcome:
    """A subcommand's reply plus what the audit log records about it."""

    reply: Reply
    target: str | None = None
    detail: str | None = None


def actor(ctx: CommandContext) -> str:
    return f"{ctx.incoming.platform.value}:{ctx.incoming.user_id}"


def _text(ctx: CommandContext, key: str, **fmt: object) -> Reply:
    return Reply(text=ctx.t(key, **fmt), kind="text")


class ModerationCommands:
    def __init__(
        self,
        *,
        clock: Clock = system_clock,
        reload_config: Reloader | None = None,
    ) -> None:
        self.clock = clock
        self.reload_config = reload_config
        self._subcommands: dict[str, Callable[[CommandContext, str], Awaitable[Outcome]]] = {
            "help": self._help,
            "stats": self._stats,
            "flags": self._flags,
            "flag": self._flag,
            "ack": self._ack,
            "resolve": self._resolve,
            "escalate": self._escalate,
            "ban": self._ban,
            "unban": self._unban,
            "pause": self._pause,
            "resume": self._resume,
            "reload": self._reload,
            "audit": self._audit,
        }

    @property
    def subcommands(self) -> list[str]:
        return list(self._subcommands)

    # -- entry points ----------------------------------------------------------------

    async def handle_mod(self, ctx: CommandContext) -> Reply:
        sub, _, rest = ctx.arg_text.strip().partition(" ")
        sub = sub.lower() or "help"
        action = f"mod.{sub}" if sub in self._subcommands else "mod.unknown"
        denied = await self._authorize(ctx, action, rest)
        if denied is not None:
            return denied
        handler = self._subcommands.get(sub, self._help)
        try:
            outcome = await handler(ctx, rest.strip())
        except ParseError as exc:
            outcome = Outcome(
                _text(ctx, f"mod.bad.{exc}", usage=self._usage(sub)), detail=f"bad {exc}"
            )
        await self._audit_write(ctx, action, outcome.target, outcome.detail, allowed=True)
        return outcome.reply

    async def handle_flag_action(self, ctx: CommandContext) -> Reply:
        """The alert's acknowledge button: ``flag:ack:ID``."""
        denied = await self._authorize(ctx, "mod.ack", ":".join(ctx.args))
        if denied is not None:
            return denied
        if len(ctx.args) != 2 or ctx.args[0] != "ack":
            return Reply(text=ctx.t("action.expired"), kind="notice")
        try:
            outcome = await self._ack(ctx, ctx.args[1])
        except ParseError:
            return Reply(text=ctx.t("action.expired"), kind="notice")
        await self._audit_write(ctx, "mod.ack", outcome.target, outcome.detail, allowed=True)
        return outcome.reply

    # -- authorisation and audit -------------------------------------------------------

    async def _authorize(self, ctx: CommandContext, action: str, rest: str) -> Reply | None:
        decision = ModeratorPolicy.from_config(ctx.config.moderation).check(ctx.incoming)
        if decision.allowed:
            return None
        # Only the subcommand is recorded for a refusal, never its free text.
        await self._audit_write(
            ctx, action, None, decision.denial.value if decision.denial else None, allowed=False
        )
        log.info("moderator command refused (%s) on %s", decision.denial, ctx.incoming.platform)
        return Reply(text=ctx.t("mod.not_permitted"), kind="notice")

    async def _audit_write(
        self,
        ctx: CommandContext,
        action: str,
        target: str | None,
        detail: str | None,
        *,
        allowed: bool,
    ) -> None:
        await modstore.write_audit(
            ctx.db,
            actor_platform=ctx.incoming.platform.value,
            actor_id=ctx.incoming.user_id,
            action=action,
            now=self.clock(),
            target=target,
            detail=detail,
            allowed=allowed,
        )

    def _usage(self, sub: str) -> str:
        return USAGE.get(sub, USAGE["help"])

    # -- subcommands --------------------------------------------------------------------

    async def _help(self, ctx: CommandContext, rest: str) -> Outcome:
        lines = [ctx.t("mod.help.title")] + [f"/mod {USAGE[name]}" for name in self._subcommands]
        return Outcome(Reply(text="\n".join(lines)))

    async def _stats(self, ctx: CommandContext, rest: str) -> Outcome:
        now = self.clock()
        usage = await modstore.usage_stats(ctx.db, now)
        counts = await modstore.open_flag_counts(ctx.db)
        started = time.perf_counter()
        try:
            health = await asyncio.wait_for(ctx.core.backend.health(), timeout=10)
            backend = f"{health.name}: {'available' if health.available else 'unavailable'}"
            backend += f", circuit {health.state}" + (
                f" ({health.detail})" if health.detail else ""
            )
        except Exception as exc:  # stats must answer even when the backend is broken
            backend = f"unknown ({type(exc).__name__})"
        probe_ms = (time.perf_counter() - started) * 1000
        text = ctx.t(
            "mod.stats",
            users=usage.users,
            consented=usage.consented_users,
            today=usage.messages_today,
            week=usage.messages_7d,
            high=counts.get("high", 0),
            elevated=counts.get("elevated", 0),
            concern=counts.get("concern", 0),
            backend=backend,
            probe_ms=f"{probe_ms:.0f}",
            latency=_mean_latency(ctx),
            paused=ctx.t("mod.state.paused")
            if getattr(ctx.core, "paused", False)
            else ctx.t("mod.state.running"),
        )
        return Outcome(Reply(text=text))

    async def _flags(self, ctx: CommandContext, rest: str) -> Outcome:
        now = self.clock()
        flags = await modstore.open_flags(ctx.db, LIST_LIMIT)
        if not flags:
            return Outcome(_text(ctx, "mod.flags.none"))
        show = ctx.config.moderation.alert_excerpts
        lines = [ctx.t("mod.flags.title", count=len(flags))]
        for flag in flags:
            line = f"#{flag.id} {flag.risk} · {age_text(now - flag.created_at)} · {flag.status}"
            if flag.acknowledged_at is None and flag.risk == "high":
                line += " · " + ctx.t("mod.flags.unacked")
            if show and flag.excerpt:
                line += f" · “{shorten(flag.excerpt, 80)}”"
            lines.append(line)
        return Outcome(Reply(text="\n".join(lines)), detail=f"{len(flags)} shown")

    async def _flag(self, ctx: CommandContext, rest: str) -> Outcome:
        flag_id = parse_flag_id(rest.split(" ", 1)[0] if rest else "")
        flag = await modstore.get_flag(ctx.db, flag_id)
        if flag is None:
            return Outcome(_text(ctx, "mod.flag.missing", id=flag_id), target=f"flag:{flag_id}")
        now = self.clock()
        who = (
            f"{flag.user_platform}:{flag.user_platform_id}"
            if flag.user_platform
            else ctx.t("mod.flag.user_gone")
        )
        lines = [
            ctx.t(
                "mod.flag.head",
                id=flag.id,
                risk=flag.risk,
                score=f"{flag.score:.2f}",
                categories=", ".join(flag.categories) or "-",
            ),
            ctx.t(
                "mod.flag.meta",
                status=flag.status,
                platform=flag.platform,
                age=age_text(now - flag.created_at),
                alerts=flag.alert_count,
                user=who,
            ),
        ]
        if flag.acknowledged_at is not None:
            lines.append(
                ctx.t(
                    "mod.flag.acked",
                    by=flag.acknowledged_by or "?",
                    age=age_text(now - flag.acknowledged_at),
                )
            )
        if flag.note:
            lines.append(ctx.t("mod.flag.note", note=flag.note))
        # User words only where the operator allowed excerpts and the user consented to storage.
        if ctx.config.moderation.alert_excerpts and flag.user_consented:
            context = await modstore.flag_context(ctx.db, flag, CONTEXT_TURNS)
            if context:
                lines.append(ctx.t("mod.flag.context"))
                for row in context:
                    lines.append(f"  {row['role']}: {shorten(row['content'], 300)}")
            elif flag.excerpt:
                lines.append(ctx.t("mod.alert.excerpt", excerpt=shorten(flag.excerpt)))
        else:
            lines.append(ctx.t("mod.flag.no_context"))
        return Outcome(Reply(text="\n".join(lines)), target=f"flag:{flag_id}")

    async def _ack(self, ctx: CommandContext, rest: str) -> Outcome:
        flag_id = parse_flag_id(rest.split(" ", 1)[0] if rest else "")
        flag = await modstore.get_flag(ctx.db, flag_id)
        if flag is None:
            return Outcome(_text(ctx, "mod.flag.missing", id=flag_id), target=f"flag:{flag_id}")
        done = await modstore.acknowledge_flag(ctx.db, flag_id, actor(ctx), self.clock())
        key = "mod.ack.done" if done else "mod.ack.already"
        return Outcome(
            _text(ctx, key, id=flag_id, by=flag.acknowledged_by or actor(ctx)),
            target=f"flag:{flag_id}",
            detail=None if done else "already acknowledged",
        )

    async def _close(self, ctx: CommandContext, rest: str, *, resolve: bool) -> Outcome:
        head, _, note = rest.partition(" ")
        flag_id = parse_flag_id(head)
        note_text = note.strip()[:500] or None
        change = modstore.resolve_flag if resolve else modstore.escalate_flag
        done = await change(ctx.db, flag_id, actor(ctx), self.clock(), note_text)
        verb = "resolve" if resolve else "escalate"
        if not done:
            exists = await modstore.get_flag(ctx.db, flag_id) is not None
            key = f"mod.{verb}.unchanged" if exists else "mod.flag.missing"
            return Outcome(
                _text(ctx, key, id=flag_id), target=f"flag:{flag_id}", detail="no change"
            )
        return Outcome(
            _text(ctx, f"mod.{verb}.done", id=flag_id),
            target=f"flag:{flag_id}",
            detail="with note" if note_text else None,
        )

    async def _resolve(self, ctx: CommandContext, rest: str) -> Outcome:
        return await self._close(ctx, rest, resolve=True)

    async def _escalate(self, ctx: CommandContext, rest: str) -> Outcome:
        return await self._close(ctx, rest, resolve=False)

    async def _resolve_user(self, ctx: CommandContext, ref: UserRef) -> tuple[str, str] | None:
        if ref.flag_id is None:
            assert ref.platform is not None and ref.user_id is not None
            return ref.platform.value, ref.user_id
        flag = await modstore.get_flag(ctx.db, ref.flag_id)
        if flag is None or flag.user_platform is None or flag.user_platform_id is None:
            return None
        return flag.user_platform, flag.user_platform_id

    async def _ban(self, ctx: CommandContext, rest: str) -> Outcome:
        words = rest.split()
        if not words:
            raise ParseError("user")
        ref = parse_user(words[0], ctx.incoming.platform)
        duration = None
        reason_words = words[1:]
        if reason_words and looks_like_duration(reason_words[0]):
            duration = parse_duration(reason_words[0])
            reason_words = reason_words[1:]
        reason = " ".join(reason_words)[:300] or None
        who = await self._resolve_user(ctx, ref)
        if who is None:
            return Outcome(
                _text(ctx, "mod.ban.unknown", user=ref.label()),
                target=ref.label(),
                detail="unknown user",
            )
        now = self.clock()
        until: datetime | None = now + duration if duration is not None else None
        await modstore.ban_user(
            ctx.db, who[0], who[1], by=actor(ctx), now=now, until=until, reason=reason
        )
        target = f"{who[0]}:{who[1]}"
        until_text = until.strftime("%Y-%m-%d %H:%M UTC") if until else ctx.t("mod.ban.forever")
        detail = f"until {until.isoformat(timespec='seconds')}" if until else "permanent"
        if reason:
            detail += f"; reason: {reason}"
        return Outcome(
            _text(ctx, "mod.ban.done", user=target, until=until_text), target=target, detail=detail
        )

    async def _unban(self, ctx: CommandContext, rest: str) -> Outcome:
        words = rest.split()
        if not words:
            raise ParseError("user")
        ref = parse_user(words[0], ctx.incoming.platform)
        who = await self._resolve_user(ctx, ref)
        if who is None:
            return Outcome(
                _text(ctx, "mod.ban.unknown", user=ref.label()),
                target=ref.label(),
                detail="unknown user",
            )
        target = f"{who[0]}:{who[1]}"
        done = await modstore.unban_user(ctx.db, who[0], who[1])
        key = "mod.unban.done" if done else "mod.unban.none"
        return Outcome(
            _text(ctx, key, user=target), target=target, detail=None if done else "was not banned"
        )

    async def _pause(self, ctx: CommandContext, rest: str) -> Outcome:
        was = bool(getattr(ctx.core, "paused", False))
        ctx.core.paused = True  # type: ignore[attr-defined]
        log.warning("maintenance mode on (by a moderator)")
        return Outcome(_text(ctx, "mod.pause.already" if was else "mod.pause.done"))

    async def _resume(self, ctx: CommandContext, rest: str) -> Outcome:
        was = bool(getattr(ctx.core, "paused", False))
        ctx.core.paused = False  # type: ignore[attr-defined]
        log.warning("maintenance mode off (by a moderator)")
        return Outcome(_text(ctx, "mod.resume.done" if was else "mod.resume.already"))

    async def _reload(self, ctx: CommandContext, rest: str) -> Outcome:
        if self.reload_config is None:
            return Outcome(_text(ctx, "mod.reload.unavailable"), detail="unavailable")
        try:
            await self.reload_config()
        except ConfigError as exc:
            # The message names keys and values from the operator's own file, never user text.
            return Outcome(
                _text(ctx, "mod.reload.failed", error=str(exc)[:1500]), detail="invalid config"
            )
        return Outcome(_text(ctx, "mod.reload.done"))

    async def _audit(self, ctx: CommandContext, rest: str) -> Outcome:
        count = parse_count(rest.split(" ", 1)[0] if rest else None, 20, AUDIT_MAX)
        entries = await modstore.recent_audit(ctx.db, count)
        if not entries:
            return Outcome(_text(ctx, "mod.audit.none"))
        lines = [ctx.t("mod.audit.title", count=len(entries))]
        for entry in entries:
            when = entry.at.strftime("%Y-%m-%d %H:%M") if entry.at else "?"
            mark = "" if entry.allowed else " [" + ctx.t("mod.audit.refused") + "]"
            line = f"{when} {entry.actor_platform}:{entry.actor_id} {entry.action}{mark}"
            if entry.target:
                line += f" {entry.target}"
            if entry.detail:
                line += f" ({entry.detail})"
            lines.append(line)
        return Outcome(Reply(text="\n".join(lines)), detail=f"{len(entries)} shown")


def _mean_latency(ctx: CommandContext) -> str:
    metrics = getattr(ctx.core, "metrics", None)
    registry = getattr(metrics, "registry", None)
    if registry is None:
        return "-"
    total = registry.get_sample_value("haven_reply_latency_seconds_sum")
    count = registry.get_sample_value("haven_reply_latency_seconds_count")
    if not count:
        return "-"
    return f"{total / count:.2f} s"


USAGE: dict[str, str] = {
    "help": "help",
    "stats": "stats",
    "flags": "flags",
    "flag": "flag ID",
    "ack": "ack ID",
    "resolve": "resolve ID [note]",
    "escalate": "escalate ID [note]",
    "ban": "ban USER [30m|12h|7d|2w|perm] [reason]   (USER: telegram:ID, discord:ID, <@ID>, #FLAG)",
    "unban": "unban USER",
    "pause": "pause",
    "resume": "resume",
    "reload": "reload",
    "audit": "audit [N]",
}


def register_moderation(
    registry: CommandRegistry,
    *,
    clock: Clock = system_clock,
    reload_config: Reloader | None = None,
) -> ModerationCommands:
    """Add ``/mod`` and the alert acknowledge button (``flag:ack:ID``) to the registry."""
    commands = ModerationCommands(clock=clock, reload_config=reload_config)
    registry.command("mod", commands.handle_mod, help_key="mod.help")
    registry.action(ACK_ACTION, commands.handle_flag_action)
    return commands
