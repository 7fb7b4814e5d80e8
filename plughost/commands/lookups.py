"""Members, users, roles and channels from what a member typed: a mention, an id or a name.

interactions.py's own converters match names case-sensitively, take the first of
several equal names silently, accept a channel id from any guild the bot is in,
and only recognise ids of 15 digits or more. plughost's, used for every prefixed
argument annotated ``interactions.Member``, ``User``, ``Role`` or a guild channel
class (and for hybrid commands' USER, ROLE, CHANNEL and MENTIONABLE options):

* ``<@123>`` / ``<@!123>`` / ``<@&123>`` / ``<#123>`` or a bare id: that one, looked
  up in this server (never another server's channel or role);
* otherwise a name, compared case-insensitively and exactly (``#general`` and
  ``@Mods`` may keep their sigil); several matches are an error listing them, so a
  command never acts on the wrong ``alex``.

Failures raise ``BadArgument`` with a short sentence; plughost's error boundary
names the argument and adds the usage line.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, TypeVar

import interactions
from interactions import Converter
from interactions.client.errors import BadArgument, HTTPException

__all__ = [
    "ChannelConverter",
    "MemberConverter",
    "MemberOrUserConverter",
    "MentionableConverter",
    "RoleConverter",
    "UserConverter",
    "find_by_name",
]

T = TypeVar("T")

_USER_MENTION: Final = re.compile(r"<@!?(\d{1,20})>")
_ROLE_MENTION: Final = re.compile(r"<@&(\d{1,20})>")
_CHANNEL_MENTION: Final = re.compile(r"<#(\d{1,20})>")
_ID: Final = re.compile(r"(\d{1,20})")
#: Candidates listed when a name is ambiguous; more are counted, not listed.
MAX_LISTED: Final = 5
# What a member typed, as shown back to them: short, and unable to break the
# inline code it is shown in (which also keeps @everyone from pinging).
_SHOWN_LENGTH: Final = 40


def shown(text: str) -> str:
    """``text`` as it is quoted in an error: no backticks, at most 40 characters."""
    text = text.replace("`", "'")
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"


def _snowflake(text: str, mention: re.Pattern[str]) -> int | None:
    match = mention.fullmatch(text) or _ID.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value < 2**64 else None


def find_by_name(
    candidates: Iterable[T], text: str, names: Callable[[T], Iterable[str | None]], noun: str
) -> T | None:
    """The one candidate one of whose ``names`` equals ``text`` ignoring case; None if
    none does; ``BadArgument`` listing them if several do (distinct by ``id``)."""
    wanted = text.casefold()
    found: dict[int, T] = {}
    for candidate in candidates:
        if any(name is not None and name.casefold() == wanted for name in names(candidate)):
            found.setdefault(int(getattr(candidate, "id", id(candidate))), candidate)
    if len(found) <= 1:
        return next(iter(found.values()), None)
    listed = [_describe(c) for c in list(found.values())[:MAX_LISTED]]
    more = len(found) - len(listed)
    tail = f" and {more} more" if more else ""
    raise BadArgument(
        f"{len(found)} {noun}s are called `{shown(text)}`: {', '.join(listed)}{tail}; "
        "use a mention or an id"
    )


def _describe(thing: Any) -> str:
    user = getattr(thing, "user", None)
    name = getattr(user, "username", None) or getattr(thing, "username", None)
    name = name or getattr(thing, "name", None) or "?"
    return f"`{shown(str(name))}` ({int(thing.id)})"


def _guild(ctx: Any, what: str) -> Any:
    guild = ctx.guild
    if guild is None:
        raise BadArgument(f"a {what} can only be given in a server")
    return guild


def _member_names(member: Any) -> tuple[str | None, ...]:
    user = member.user
    return (user.username, user.global_name, member.nick, member.display_name, user.tag)


def _user_names(user: Any) -> tuple[str | None, ...]:
    return (user.username, user.global_name, user.tag)


async def _by_id(fetch: Callable[[int], Awaitable[Any]], snowflake: int) -> Any:
    """``fetch(snowflake)`` (interactions.py's ``fetch_*`` read the cache first, then
    ask Discord, None when Discord does not know it); None when Discord refuses too."""
    try:
        return await fetch(snowflake)
    except HTTPException:
        return None


async def find_member(ctx: Any, text: str) -> interactions.Member:
    """The member of this server that ``text`` names; ``BadArgument`` otherwise."""
    guild = _guild(ctx, "member")
    text = text.strip()
    if (member_id := _snowflake(text, _USER_MENTION)) is not None:
        member = await _by_id(guild.fetch_member, member_id)
        if member is None:
            raise BadArgument(f"no member of this server has the id {member_id}")
        return member  # type: ignore[no-any-return]
    name = text.removeprefix("@")
    members: Sequence[Any] = guild.members
    if not guild.chunked:  # only part of the member list is cached: ask Discord too
        with contextlib.suppress(HTTPException):
            members = [*members, *await guild.search_members(name, limit=100)]
    member = find_by_name(members, name, _member_names, "member")
    if member is None:
        raise BadArgument(f"no member of this server is called `{shown(text)}`")
    return member  # type: ignore[no-any-return]


async def find_user(ctx: Any, text: str) -> interactions.User:
    """The user ``text`` names: by id anywhere, by name among this server's members
    (or, in a DM, the users the bot knows)."""
    text = text.strip()
    bot = ctx.bot
    if (user_id := _snowflake(text, _USER_MENTION)) is not None:
        user = await _by_id(bot.fetch_user, user_id)
        if user is None:
            raise BadArgument(f"no user has the id {user_id}")
        return user  # type: ignore[no-any-return]
    name = text.removeprefix("@")
    if ctx.guild is not None:
        member = find_by_name(ctx.guild.members, name, _member_names, "member")
        if member is not None:
            return member.user  # type: ignore[no-any-return]
    user = find_by_name(bot.cache.user_cache.values(), name, _user_names, "user")
    if user is None:
        raise BadArgument(f"no user called `{shown(text)}` is known here")
    return user  # type: ignore[no-any-return]


async def find_role(ctx: Any, text: str) -> interactions.Role:
    """The role of this server that ``text`` names; ``BadArgument`` otherwise."""
    guild = _guild(ctx, "role")
    text = text.strip()
    if (role_id := _snowflake(text, _ROLE_MENTION)) is not None:
        role = guild.get_role(role_id)
        if role is None:
            raise BadArgument(f"this server has no role with the id {role_id}")
        return role  # type: ignore[no-any-return]
    role = find_by_name(guild.roles, text, lambda r: (r.name, "@" + r.name), "role")
    if role is None:
        raise BadArgument(f"this server has no role called `{shown(text)}`")
    return role  # type: ignore[no-any-return]


_KINDS: Final[Mapping[type, str]] = MappingProxyType(
    {
        interactions.GuildText: "text channel",
        interactions.GuildVoice: "voice channel",
        interactions.GuildCategory: "category",
        interactions.ThreadChannel: "thread",
    }
)


def _kind(channel_types: frozenset[int] | None, cls: type) -> str:
    if cls in (interactions.GuildChannel, interactions.BaseChannel):
        return "channel" if channel_types is None else "channel of that kind"
    return _KINDS.get(cls, "channel of that kind")


async def find_channel(
    ctx: Any,
    text: str,
    cls: type = interactions.BaseChannel,
    channel_types: frozenset[int] | None = None,
) -> Any:
    """The channel (or thread) of this server that ``text`` names, an instance of
    ``cls`` and, if given, of one of ``channel_types``."""
    guild = _guild(ctx, "channel")
    text = text.strip()
    what = _kind(channel_types, cls)

    def fits(channel: Any) -> bool:
        kind = int(channel.type)
        return isinstance(channel, cls) and (channel_types is None or kind in channel_types)

    if (channel_id := _snowflake(text, _CHANNEL_MENTION)) is not None:
        channel = guild.get_channel(channel_id) or guild.get_thread(channel_id)
        if channel is None:
            raise BadArgument(f"this server has no channel with the id {channel_id}")
    else:
        pool = [c for c in (*guild.channels, *guild.threads) if fits(c)]
        channel = find_by_name(pool, text.removeprefix("#"), lambda c: (c.name,), what)
        if channel is None:
            raise BadArgument(f"this server has no {what} called `{shown(text)}`")
    if not fits(channel):
        raise BadArgument(f"{channel.mention} is not a {what}")
    return channel


class MemberConverter(Converter[interactions.Member]):
    """A member of this server by mention, id or (case-insensitive, unique) name."""

    async def convert(self, ctx: Any, argument: str) -> interactions.Member:
        return await find_member(ctx, argument)


class UserConverter(Converter[interactions.User]):
    """Any user by mention or id; by name among this server's members."""

    async def convert(self, ctx: Any, argument: str) -> interactions.User:
        return await find_user(ctx, argument)


class MemberOrUserConverter(Converter[Any]):
    """A hybrid command's USER option typed after a prefix: what Discord resolves it to.

    In a server, a member of it; a mention or id of someone who is not a member is
    a user (as the slash form gets one: banning by id someone who left must work).
    In a DM, a user.
    """

    async def convert(self, ctx: Any, argument: str) -> Any:
        if ctx.guild is None:
            return await find_user(ctx, argument)
        try:
            return await find_member(ctx, argument)
        except BadArgument:
            if _snowflake(argument.strip(), _USER_MENTION) is None:
                raise
            return await find_user(ctx, argument)


class RoleConverter(Converter[interactions.Role]):
    """A role of this server by mention, id or (case-insensitive, unique) name."""

    async def convert(self, ctx: Any, argument: str) -> interactions.Role:
        return await find_role(ctx, argument)


class MentionableConverter(Converter[Any]):
    """A member or a role (a hybrid command's MENTIONABLE option): a role mention is a
    role; an id or a name is tried as a member first."""

    async def convert(self, ctx: Any, argument: str) -> Any:
        if _ROLE_MENTION.fullmatch(argument.strip()):
            return await find_role(ctx, argument)
        try:
            return await MemberOrUserConverter().convert(ctx, argument)
        except BadArgument as member_error:
            if ctx.guild is None:
                raise
            try:
                return await find_role(ctx, argument)
            except BadArgument:
                raise member_error from None


class ChannelConverter(Converter[Any]):
    """A channel or thread of this server by mention, id or (case-insensitive, unique)
    name, of class ``cls`` (``GuildText`` for text channels only) and, if given, of
    one of ``channel_types``."""

    def __init__(
        self, cls: type = interactions.BaseChannel, channel_types: Iterable[int] | None = None
    ) -> None:
        self.cls = cls
        self.channel_types = None if channel_types is None else frozenset(map(int, channel_types))

    async def convert(self, ctx: Any, argument: str) -> Any:
        return await find_channel(ctx, argument, self.cls, self.channel_types)
