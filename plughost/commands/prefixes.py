"""Per-guild prefixes (in the core cog's Config) and the prefixed-command manager.

The prefix of a guild lives in the guild scope of the core config, so every shard
process sharing a store sees a change (Config's cache is invalidated across
processes); the instance's prefix is the default, and the bot's mention always
works, so a guild that forgets its prefix can still reach ``prefix``.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Final, Protocol, cast

import interactions
from interactions.ext.hybrid_commands import HybridSlashCommand
from interactions.ext.prefixed_commands import PrefixedCommand, PrefixedManager

from plughost.commands.arguments import prepare_prefixed
from plughost.commands.cooldowns import defer_cooldown
from plughost.commands.groups import answer_bare_groups, describe_hybrid_subcommand
from plughost.config import StoreNotOpenError, StoreOutageError
from plughost.config.namespaces import CORE_CONFIG_ID, core_config

__all__ = [
    "CORE_CONFIG_ID",
    "MAX_PREFIX_LENGTH",
    "PREFIX_RULE",
    "PlughostPrefixedManager",
    "core_config",
    "guild_prefix",
    "guild_prefixes",
    "prefix_problem",
    "prefixes",
]

_log = logging.getLogger("plughost.commands")

#: Long prefixes make commands tedious to type; 16 fits a word and punctuation.
MAX_PREFIX_LENGTH: Final = 16
#: The rule in one sentence, for help texts and refusals (the CLI and ``prefix``).
PREFIX_RULE: Final = (
    f"A prefix is 1 to {MAX_PREFIX_LENGTH} visible characters, "
    "without backticks or spaces at either end."
)
# Categories a member cannot type or see: controls, format characters (zero-width
# spaces and joiners, bidi overrides, the BOM), line/paragraph separators,
# surrogates, private use, unassigned. A prefix holding one never matches what the
# member types, yet looks like one that would.
_HIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Letters Unicode calls visible that render blank (Hangul fillers, braille blank):
# a prefix of only these looks empty.
_BLANK_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Combining marks (a variation selector after an emoji) are fine inside a prefix
# but show nothing on their own.
_MARK_CATEGORIES: Final = frozenset({"Mn", "Me"})


def prefix_problem(prefix: str) -> str | None:
    """Why ``prefix`` cannot be a command prefix, in one short sentence; None if it can.

    The one rule for every prefix: the instance's (``plughost setup/edit --prefix``)
    and a guild's (the ``prefix`` command).
    """
    hidden = next(
        (
            c
            for c in prefix
            if unicodedata.category(c) in _HIDDEN_CATEGORIES or (c.isspace() and c != " ")
        ),
        None,
    )
    shows_nothing = all(
        c in _BLANK_LETTERS or c.isspace() or unicodedata.category(c) in _MARK_CATEGORIES
        for c in prefix
    )
    # In order: the first that applies is the one a member is told.
    faults = (
        (not prefix, "is empty"),
        (len(prefix) > MAX_PREFIX_LENGTH, f"has {len(prefix)} characters"),
        ("`" in prefix, "has a backtick"),
        (hidden is not None, f"has {_char_name(hidden or ' ')}, which nobody can see"),
        (prefix != prefix.strip(), "starts or ends with a space"),
        (shows_nothing, "shows nothing"),
    )
    why = next((why for faulty, why in faults if faulty), None)
    return None if why is None else f"That prefix {why}. {PREFIX_RULE}"


def _char_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: how a refusal names a character it cannot show."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X} (a control character)"


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


class DecidesPrefixes(Protocol):
    """A client whose prefixed manager keeps the prefixes decided per message (every
    ``plughost.Bot``: the one client that takes `prefixes` as its prefix source)."""

    prefixed: PlughostPrefixedManager


async def prefixes(bot: interactions.Client, message: interactions.Message) -> list[str]:
    """The guild's prefix, and the bot's mention in both of Discord's spellings."""
    # The raw fast path read them a moment ago, deciding this message may be a
    # command (plughost.runtime.chatter): the same answer, without a second read.
    manager = cast("DecidesPrefixes", bot).prefixed
    decided = manager.decided_prefixes.get(int(message.id))
    if decided is not None:
        return decided
    return await guild_prefixes(bot, int(message._guild_id) if message._guild_id else None)


async def guild_prefixes(bot: interactions.Client, guild_id: int | None) -> list[str]:
    """:func:`prefixes` from the guild's id alone (the raw fast path has no Message)."""
    user_id = bot.user.id
    # Only a plughost.Bot sets this function as its prefix source (Bot.__init__).
    own = await guild_prefix(cast("HasPrefix", bot), guild_id)
    return [own, f"<@{user_id}> ", f"<@!{user_id}> "]


class PlughostPrefixedManager(PrefixedManager):
    """interactions.py's prefixed manager, making every command it registers report
    bad arguments by name (see :mod:`plughost.commands.arguments`) and every hybrid
    group answer with its help when run bare (:mod:`plughost.commands.groups`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The prefixes of messages being dispatched, by message id, as the raw fast
        #: path read them (:mod:`plughost.runtime.chatter`); `prefixes` answers from here.
        self.decided_prefixes: dict[int, list[str]] = {}

    def add_command(self, command: PrefixedCommand) -> None:
        super().add_command(command)
        prepare_prefixed(command)
        answer_bare_groups(command)
        defer_cooldown(command)

    def prepare_hybrid_subcommand(self, callback: Any) -> None:
        """An ``_add_command_hook`` run after interactions.py's hybrid manager: it adds
        a hybrid subcommand's prefixed form straight to its base, bypassing
        `add_command`, so prepare the base again (idempotent), give the twin its own
        description, and let the group answer with its help when run bare."""
        if isinstance(callback, HybridSlashCommand) and callback.is_subcommand:
            base = self.commands.get(str(callback.name))
            if base is not None:
                prepare_prefixed(base)
                describe_hybrid_subcommand(base, callback)
                answer_bare_groups(base)
                defer_cooldown(base)
