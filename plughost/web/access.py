"""Who may see what, asked of plughost's permission chain on every request.

Bot owners see the whole instance. Anyone else sees a guild only if the bot is in it
and the chain would let them run ``cog enable`` there: by default its owner, its
administrators and members with Manage Server (the command's
``admin_or_permissions(manage_guild=True)``), and whomever the guild's rules open
that command to; never a blocklisted member. Nothing is cached between requests:
a role taken away in Discord closes the page on the next load.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, final

import interactions
from interactions.client.errors import HTTPException

from plughost.core.perm_commands import PermError, find_command
from plughost.permissions.requests import request_for
from plughost.runtime.parts import RunningBot, running_bot_of

__all__ = ["GUILD_COMMAND", "Access", "Shard"]

log = logging.getLogger("plughost.web.access")

#: The command whose permission opens a guild's pages: the chat path to the same changes.
GUILD_COMMAND: Final = "cog enable"


@final
@dataclass(frozen=True, slots=True)
class Shard:
    """One shard's client, and the same object as a plughost bot."""

    client: interactions.Client
    bot: RunningBot


def _cache_has_every_member(guild: interactions.Guild) -> bool:
    # Discord sends every member with a guild below its "large" threshold (and a bot
    # with the members intent may chunk the rest): then a cache miss means "not a
    # member", and the servers list costs no REST call per guild. Measured with 20
    # guilds: a servers page took 21 ms (p50) with a 404 per guild, 0.35 ms without
    # (bench/web.py).
    count = guild.member_count
    return bool(count) and len(guild._member_ids) >= count


async def _member(
    client: interactions.Client, guild: interactions.Guild, user_id: int
) -> interactions.Member | None:
    """The member, from the cache, else from Discord (None: not a member)."""
    member = client.cache.get_member(guild.id, user_id)
    if member is not None or _cache_has_every_member(guild):
        return member  # a miss in a complete cache: not a member, no need to ask
    try:
        return await client.fetch_member(user_id, guild.id)
    except HTTPException:
        log.warning("could not look up member %s of guild %s", user_id, guild.id)
        return None


class Access:
    """The bots of this process, and who may see which of their guilds."""

    def __init__(self, clients: Sequence[interactions.Client]) -> None:
        shards = []
        for client in clients:
            bot = running_bot_of(client)
            if bot is None:
                raise TypeError("the web console serves plughost bots (plughost.Bot)")
            shards.append(Shard(client, bot))
        if not shards:
            raise ValueError("the web console needs at least one bot")
        self.shards: tuple[Shard, ...] = tuple(shards)

    @property
    def main(self) -> Shard:
        """The shard that runs instance-wide changes (as the chat command would, on it)."""
        return self.shards[0]

    def is_owner(self, user_id: int) -> bool:
        return any(user_id in s.bot.permission_chain.owner_ids for s in self.shards)

    def owner_ids(self) -> frozenset[int]:
        return frozenset().union(*(s.bot.permission_chain.owner_ids for s in self.shards))

    def shard_of(self, guild_id: int) -> tuple[Shard, interactions.Guild] | None:
        """The shard whose bot is in ``guild_id``, and the guild; None if none is."""
        for shard in self.shards:
            guild = shard.client.cache.get_guild(guild_id)
            if guild is not None:
                return shard, guild
        return None

    async def may_manage(self, user_id: int, guild_id: int) -> bool:
        """Whether ``user_id`` may see and change guild ``guild_id``'s pages."""
        found = self.shard_of(guild_id)
        if found is None:
            return False  # the bot is not there: nothing to see, whatever the id
        shard, guild = found
        if user_id in shard.bot.permission_chain.owner_ids:
            return True
        member = await _member(shard.client, guild, user_id)
        if member is None:
            return False
        try:
            cog_name, command = find_command(shard.bot, GUILD_COMMAND)
        except PermError:
            return False  # no core cog: nobody but owners
        request = request_for(shard.client, member, guild, None, command, cog_name=cog_name)
        decision = await shard.bot.permission_chain.decide(request)
        return decision.allowed

    async def guilds_for(self, user_id: int) -> list[interactions.Guild]:
        """The guilds ``user_id`` may see, by name."""
        visible = []
        for shard in self.shards:
            for guild in shard.client.guilds:
                if await self.may_manage(user_id, int(guild.id)):
                    visible.append(guild)
        return sorted(visible, key=lambda g: (g.name.lower(), int(g.id)))
