"""Per-guild prefixes (in the core cog's Config) and the prefixed-command manager.

The prefix of a guild lives in the guild scope of the core config, so every shard
process sharing a store sees a change (Config's cache is invalidated across
processes); the instance's prefix is the default, and the bot's mention always
works, so a guild that forgets its prefix can still reach ``prefix``.
"""

from __future__ import annotations

import logging
from typing import Any, Final, Protocol, cast

import interactions
from interactions.ext.hybrid_commands import HybridSlashCommand
from interactions.ext.prefixed_commands import PrefixedCommand, PrefixedManager

from plughost.commands.arguments import prepare_prefixed
from plughost.config import StoreNotOpenError, StoreOutageError
from plughost.config.namespaces import CORE_CONFIG_ID, core_config

__all__ = [
    "CORE_CONFIG_ID",
    "PlughostPrefixedManager",
    "core_config",
    "guild_prefix",
    "guild_prefixes",
    "prefixes",
]

_log = logging.getLogger("plughost.commands")

#: Long prefixes make commands tedious and let one guild shadow every message.
MAX_PREFIX_LENGTH: Final = 10


class HasPrefix(Protocol):
    """A client with an instance-wide default prefix (every ``plughost.Bot``)."""

    prefix: str
    #: The last prefix read for each guild: what serves while the store is down.
    known_prefixes: dict[int, str]


async def guild_prefix(bot: HasPrefix, guild_id: int | None) -> str:
    """The prefix of ``guild_id`` (None: a DM): its own, else the instance's."""
    default = bot.prefix
    if guild_id is None:
        return default
    try:
        stored = await core_config().guild_from_id(int(guild_id)).prefix()
    except StoreNotOpenError:
        return default  # no store open (a bare Bot in a unit test): the default serves
    except StoreOutageError:
        # The store is down (its owner was told once): commands that need no
        # store keep answering, at the prefix this bot last read.
        return bot.known_prefixes.get(int(guild_id), default)
    prefix = stored if isinstance(stored, str) and stored else default
    bot.known_prefixes[int(guild_id)] = prefix
    return prefix


async def set_guild_prefix(guild_id: int, prefix: str | None) -> None:
    """Store ``prefix`` for ``guild_id``; None goes back to the instance's."""
    group = core_config().guild_from_id(int(guild_id))
    if prefix is None:
        await group.prefix.clear()
    else:
        await group.prefix.set(prefix)


async def prefixes(bot: interactions.Client, message: interactions.Message) -> list[str]:
    """The guild's prefix, and the bot's mention in both of Discord's spellings."""
    return await guild_prefixes(bot, int(message._guild_id) if message._guild_id else None)


async def guild_prefixes(bot: interactions.Client, guild_id: int | None) -> list[str]:
    """:func:`prefixes` from the guild's id alone (the raw fast path has no Message)."""
    user_id = bot.user.id
    # Only a plughost.Bot sets this function as its prefix source (Bot.__init__).
    own = await guild_prefix(cast("HasPrefix", bot), guild_id)
    return [own, f"<@{user_id}> ", f"<@!{user_id}> "]


class PlughostPrefixedManager(PrefixedManager):
    """interactions.py's prefixed manager, making every command it registers report
    bad arguments by name (see :mod:`plughost.commands.arguments`)."""

    def add_command(self, command: PrefixedCommand) -> None:
        super().add_command(command)
        prepare_prefixed(command)

    def prepare_hybrid_subcommand(self, callback: Any) -> None:
        """An ``_add_command_hook`` run after interactions.py's hybrid manager: it adds
        a hybrid subcommand's prefixed form straight to its base, bypassing
        `add_command`, so prepare the base again (idempotent)."""
        if isinstance(callback, HybridSlashCommand) and callback.is_subcommand:
            base = self.commands.get(str(callback.name))
            if base is not None:
                prepare_prefixed(base)
