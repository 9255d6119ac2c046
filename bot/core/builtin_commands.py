"""The commands every adapter exposes, registered like any plug-in's."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

from bot.core.commands import CommandContext, CommandRegistry
from bot.core.turns import session_key
from bot.i18n import LANGUAGES, t
from bot.messages import Attachment, Button, Reply

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


async def start(ctx: CommandContext) -> AsyncIterator[Reply]:
    if ctx.core.needs_consent(ctx.user):
        yield ctx.core.disclaimer(ctx.language)
    else:
        yield Reply(text=ctx.t("welcome_back"), kind="text")


async def help_command(ctx: CommandContext) -> Reply:
    lines = [ctx.t("help.intro", name=ctx.config.bot.name), ""]
    for info in ctx.core.registry.names():
        lines.append(f"/{info.name} - {info.description(ctx.language)}")
    return Reply(text="\n".join(lines), kind="text")


async def reset(ctx: CommandContext) -> Reply:
    platform = ctx.incoming.platform.value
    ctx.core.cancel_generation(platform, ctx.incoming.user_id)
    if ctx.user is not None:
        conversation = await ctx.store.active_conversation(
            ctx.user.id, ctx.incoming.chat_id, ctx.incoming.chat_kind.value, create=False
        )
        if conversation is not None:
            await ctx.store.end_conversation(ctx.user.id, ctx.incoming.chat_id)
            ctx.core.forget_session(
                session_key(platform, ctx.incoming.user_id, ctx.incoming.chat_id, conversation.id)
            )
    ctx.core.drop_pending(platform, ctx.incoming.user_id)
    return Reply(text=ctx.t("reset.done"), kind="text")


async def forget(ctx: CommandContext) -> Reply:
    return Reply(
        text=ctx.t("forget.confirm"),
        buttons=(
            Button(ctx.t("forget.yes_button"), "forget:confirm"),
            Button(ctx.t("forget.no_button"), "forget:cancel"),
        ),
        kind="text",
    )


async def forget_action(ctx: CommandContext) -> Reply:
    if ctx.args[:1] != ["confirm"]:
        return Reply(text=ctx.t("forget.cancelled"), kind="text")
    platform = ctx.incoming.platform.value
    user_id = ctx.incoming.user_id
    ctx.core.cancel_generation(platform, user_id)
    ctx.core.drop_pending(platform, user_id)
    if ctx.user is not None:
        rows = await ctx.db.fetchall(
            "SELECT id, chat_id FROM conversations WHERE user_id = ?", (ctx.user.id,)
        )
        for row in rows:
            ctx.core.forget_session(session_key(platform, user_id, row["chat_id"], row["id"]))
    erased = await ctx.store.forget_user(platform, user_id)
    # The user row is gone: answer in the language they were using, then forget that too.
    return Reply(text=t("forget.done" if erased else "forget.nothing", ctx.language), kind="text")


async def export(ctx: CommandContext) -> Reply:
    data = await ctx.store.export_user(ctx.incoming.platform.value, ctx.incoming.user_id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return Reply(
        text=ctx.t("export.caption"),
        attachment=Attachment("haven-export.json", payload, "application/json"),
        kind="text",
    )


async def resources(ctx: CommandContext) -> Reply:
    return Reply(
        text=ctx.safety.format_resources(ctx.country, language=ctx.language), kind="crisis"
    )


async def country(ctx: CommandContext) -> Reply:
    code = ctx.args[0] if ctx.args else ""
    if not _COUNTRY.match(code) or ctx.user is None:
        return Reply(text=ctx.t("country.usage"), kind="notice")
    await ctx.store.set_preference(ctx.user.id, "country", code.upper())
    return Reply(text=ctx.t("country.set", country=code.upper()), kind="text")


async def language(ctx: CommandContext) -> Reply:
    code = ctx.args[0].lower() if ctx.args else ""
    if code not in LANGUAGES or ctx.user is None:
        return Reply(text=ctx.t("language.usage", choices=", ".join(LANGUAGES)), kind="notice")
    await ctx.store.set_preference(ctx.user.id, "language", code)
    return Reply(text=t("language.set", code), kind="text")


async def consent_action(ctx: CommandContext) -> AsyncIterator[Reply]:
    platform = ctx.incoming.platform.value
    user_id = ctx.incoming.user_id
    if ctx.args[:1] != ["yes"]:
        ctx.core.drop_pending(platform, user_id)
        yield Reply(text=ctx.t("consent.declined"), kind="text")
        return
    await ctx.core.record_consent(platform, user_id, ctx.incoming.locale)
    held = ctx.core.take_pending(platform, user_id)
    yield Reply(text=ctx.t("consent.thanks_pending" if held else "consent.thanks"), kind="text")
    async for reply in ctx.core.replay_pending(held):
        yield reply


def register_builtin_commands(registry: CommandRegistry) -> None:
    """Register the platform-neutral commands (skipping any a plug-in replaced)."""
    commands = [
        ("start", start, "help.start", False),
        ("help", help_command, "help.help", False),
        ("reset", reset, "help.reset", False),
        ("forget", forget, "help.forget", False),
        ("export", export, "help.export", True),  # a group must never see someone's export
        ("resources", resources, "help.resources", False),
        ("country", country, "help.country", False),
        ("language", language, "help.language", False),
    ]
    for name, handler, help_key, dm_only in commands:
        if name not in registry:
            registry.command(
                name,
                handler,
                help_key=help_key,
                dm_only=dm_only,
                # they store a preference, which needs consent first
                requires_consent=name in ("country", "language"),
            )
    for prefix, handler in (("consent", consent_action), ("forget", forget_action)):
        if registry.find_action(prefix) is None:
            registry.action(prefix, handler)
