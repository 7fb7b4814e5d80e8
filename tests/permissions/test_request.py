"""Requests built from interactions.py's cache agree with interactions.py's own models.

The chain's request is built from the cache dicts with plain ints (fast); these
tests hold it to what upstream's slow model properties (``Member.roles``,
``Member.guild_permissions``, ``Member.channel_permissions``) compute.
"""

from __future__ import annotations

import asyncio
from typing import Any

import interactions
import pytest

from plughost.permissions.requests import ChainCheck, request_for, request_from_context
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord
from plughost.testing.emulator.invocations import Invoker

from .cogs import attach

SEND = int(interactions.Permissions.SEND_MESSAGES)
KICK = int(interactions.Permissions.KICK_MEMBERS)
VIEW = int(interactions.Permissions.VIEW_CHANNEL)
MANAGE_MESSAGES = int(interactions.Permissions.MANAGE_MESSAGES)


async def _cached_member(bot: Bot, discord: FakeDiscord, name: str, roles: list[str]) -> Any:
    member = discord.member(name, roles=roles)
    guild = bot.cache.get_guild(discord.guild.id)
    found = await guild.fetch_member(member.user.id, force=True)
    assert len(found._role_ids) == len(roles)
    return found


@pytest.fixture
async def ria(bot: Bot, fake_discord: FakeDiscord) -> Any:
    """A member with three roles; two of them tie on position (ordered by id)."""
    last = asyncio.ensure_future(
        bot.wait_for("role_create", checks=lambda e: e.role.name == "High", timeout=5)
    )
    await asyncio.sleep(0)  # the waiter is registered
    fake_discord.add_role("Low", SEND)
    fake_discord.add_role("Mid", KICK)
    fake_discord.add_role("High", MANAGE_MESSAGES)
    await last  # role events arrive in order: all three are in the guild's cache
    member = await _cached_member(bot, fake_discord, "ria", ["Low", "High", "Mid"])
    mid = bot.cache.get_role(fake_discord.role_named("Mid").id)
    high = bot.cache.get_role(fake_discord.role_named("High").id)
    high.position = mid.position  # as a GUILD_ROLE_UPDATE would leave it
    return member


def _general(bot: Bot, discord: FakeDiscord) -> Any:
    return bot.cache.get_channel(discord.channel_named("general").id)


async def test_roles_and_permissions_match_upstream(
    bot: Bot, fake_discord: FakeDiscord, ria: Any
) -> None:
    guild = bot.cache.get_guild(fake_discord.guild.id)
    channel = _general(bot, fake_discord)
    mid = fake_discord.role_named("Mid").id
    channel.permission_overwrites = [
        interactions.PermissionOverwrite(id=guild.id, type=0, allow=0, deny=SEND | VIEW),
        interactions.PermissionOverwrite(id=mid, type=0, allow=VIEW, deny=0),
        interactions.PermissionOverwrite(id=ria.id, type=1, allow=SEND, deny=KICK),
    ]
    request = request_for(bot, ria, guild, channel, None)
    upstream_order = sorted(ria.roles, key=lambda r: r.position, reverse=True)
    assert request.role_ids == (*(int(r.id) for r in upstream_order), int(guild.id))
    assert request.guild_permissions == int(ria.guild_permissions)
    assert request.channel_permissions == int(ria.channel_permissions(channel))
    assert request.channel_permissions & (SEND | VIEW) == SEND | VIEW
    assert not request.channel_permissions & KICK
    # The bot's permissions: its own request's. (Not upstream's: the emulator's bot is
    # an administrator, and upstream's Permissions.ALL grows with every pseudo-flag
    # the process has created, where plughost's is Discord's defined bits.)
    as_bot = request_for(bot, guild.me, guild, channel, None)
    assert request.bot_permissions == as_bot.channel_permissions
    assert request.guild_owner_id == int(guild._owner_id)


async def test_the_guild_owner_holds_everything(bot: Bot, fake_discord: FakeDiscord) -> None:
    guild = bot.cache.get_guild(fake_discord.guild.id)
    owner = await guild.fetch_member(guild._owner_id)
    request = request_for(bot, owner, guild, _general(bot, fake_discord), None)
    # Every permission Discord defines (upstream's ALL also counts pseudo-flags).
    defined = 0
    for flag in interactions.Permissions.__members__.values():
        defined |= int(flag) if int(flag).bit_count() == 1 else 0
    assert request.guild_permissions & defined == defined
    assert request.channel_permissions == request.guild_permissions


async def test_the_hot_path_leaves_bot_permissions_unknown_unless_needed(
    bot: Bot, fake_discord: FakeDiscord, ria: Any
) -> None:
    channel = fake_discord.channel_named("general")
    member = fake_discord.member("ria")
    payload = Invoker(fake_discord.state, fake_discord.emulator.url).slash(
        "ping", member, channel, {}
    )
    ctx = bot.slash_context.from_dict(bot, payload.payload)
    full = request_from_context(ctx)
    lean = request_from_context(ctx, bot_permissions=False)
    assert full.bot_permissions is not None
    assert lean.bot_permissions is None
    assert {**_fields(lean), "bot_permissions": full.bot_permissions} == _fields(full)
    check = bot.chain_check
    assert isinstance(check, ChainCheck)
    assert check.request(ctx).bot_permissions is None
    # A cog's permission link may read every field: then requests are built in full.
    await attach(bot)
    assert check.request(ctx) == full


def _fields(request: Any) -> dict[str, Any]:
    return {name: getattr(request, name) for name in request.__slots__}
