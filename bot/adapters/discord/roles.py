"""Server roles for someone writing in a DM, so a moderator by role is one there too.

Discord sends roles only with server messages and server interactions: a DM
carries none, so a moderator who holds the role but is not listed by id
would be refused in a DM. For commands and button presses in a DM, and only
when ``moderation.discord_role_ids`` is set, this asks for the user's roles in
the server that holds the moderator channel (one REST call, no privileged
intent) and remembers the answer briefly.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import discord

from bot.adapters.discord.translate import role_ids

log = logging.getLogger(__name__)

TTL_S = 60.0  # a role taken away counts within a minute
MAX_ENTRIES = 10_000


class ModeratorGuildRoles:
    def __init__(
        self,
        client: discord.Client,
        channel_id: int,
        *,
        ttl_s: float = TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.channel_id = channel_id
        self.ttl_s = ttl_s
        self.clock = clock
        self._cache: OrderedDict[int, tuple[float, tuple[str, ...]]] = OrderedDict()

    async def for_user(self, user_id: int) -> tuple[str, ...]:
        cached = self._cache.get(user_id)
        if cached is not None and self.clock() - cached[0] < self.ttl_s:
            return cached[1]
        roles = await self._lookup(user_id)
        self._cache[user_id] = (self.clock(), roles)
        self._cache.move_to_end(user_id)
        while len(self._cache) > MAX_ENTRIES:
            self._cache.popitem(last=False)
        return roles

    async def _lookup(self, user_id: int) -> tuple[str, ...]:
        channel = self.client.get_channel(self.channel_id)
        guild = getattr(channel, "guild", None)
        if guild is None:
            return ()
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                return ()  # not in the moderators' server
            except discord.HTTPException as exc:
                log.warning("could not read a member's roles: %s", type(exc).__name__)
                return ()
        return role_ids(member)
