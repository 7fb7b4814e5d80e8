"""The local Discord answers moderation requests as Discord does: the cog's tests
are only worth what the emulator's refusals and events are.

These call the bot's own REST client (interactions.py) directly, below the cog.
"""

import asyncio
import datetime

import pytest
from interactions.api.events import (
    BanCreate,
    BanRemove,
    MemberRemove,
    MemberUpdate,
    MessageDeleteBulk,
)
from interactions.client.errors import Forbidden, HTTPException, NotFound


def _in_guild(fake_discord, member):
    return (fake_discord.guild.id, member.id) in fake_discord.state.members


def _bot_role(fake_discord):
    return next(r for r in fake_discord.guild.roles if r.bot_id == fake_discord.bot.id)


async def _request_and_event(bot, event, request):
    """Make ``request`` and return the gateway event it caused (waited for, not slept)."""
    waiter = asyncio.create_task(bot.wait_for(event, timeout=5))
    await asyncio.sleep(0)  # let the waiter register before the request goes out
    await request
    return await waiter


async def test_kick_sends_member_remove(bot, fake_discord):
    guild, bob = fake_discord.guild, fake_discord.member("bob")
    event = await _request_and_event(
        bot, MemberRemove, bot.http.remove_guild_member(guild.id, bob.id, reason="test")
    )
    assert int(event.member.id) == bob.id
    assert not _in_guild(fake_discord, bob)


async def test_ban_sends_ban_add_and_deletes_messages_in_bulk(bot, fake_discord):
    guild, bob = fake_discord.guild, fake_discord.member("bob")
    await fake_discord.send("spam one", author=bob, expect=0)
    await fake_discord.send("spam two", author=bob, expect=0)
    bulk = asyncio.create_task(bot.wait_for(MessageDeleteBulk, timeout=5))
    event = await _request_and_event(
        bot, BanCreate, bot.http.create_guild_ban(guild.id, bob.id, delete_message_seconds=60)
    )
    assert int(event.user.id) == bob.id
    deleted = await bulk
    assert len(deleted.ids) == 2
    assert fake_discord.messages("general") == []
    assert bob.id in fake_discord.state.bans[guild.id]
    assert not _in_guild(fake_discord, bob)
    event = await _request_and_event(bot, BanRemove, bot.http.remove_guild_ban(guild.id, bob.id))
    assert int(event.user.id) == bob.id
    with pytest.raises(NotFound):
        await bot.http.remove_guild_ban(guild.id, bob.id)


async def test_timeout_sends_member_update(bot, fake_discord):
    guild, bob = fake_discord.guild, fake_discord.member("bob")
    until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    request = bot.http.modify_guild_member(
        guild.id, bob.id, communication_disabled_until=until.isoformat()
    )
    event = await _request_and_event(bot, MemberUpdate, request)
    assert event.after.communication_disabled_until is not None
    assert abs(event.after.communication_disabled_until.timestamp() - until.timestamp()) < 1
    request = bot.http.modify_guild_member(guild.id, bob.id, communication_disabled_until=None)
    event = await _request_and_event(bot, MemberUpdate, request)
    assert event.after.communication_disabled_until is None


async def test_discord_refuses_what_the_bot_may_not_do(bot, fake_discord, raise_above_bot):
    guild, http = fake_discord.guild, bot.http
    bob = fake_discord.member("bob")
    senior = fake_discord.member("senior", roles=["Seniors"])
    raise_above_bot(fake_discord.role_named("Seniors"))
    admin = fake_discord.member("root", permissions=1 << 3)
    with pytest.raises(Forbidden):
        await http.remove_guild_member(guild.id, fake_discord.owner.id)
    with pytest.raises(Forbidden):
        await http.create_guild_ban(guild.id, senior.id)
    with pytest.raises(Forbidden):
        await http.remove_guild_member(guild.id, senior.id)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    with pytest.raises(Forbidden):
        await http.modify_guild_member(guild.id, admin.id, communication_disabled_until=later)
    too_far = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=29)
    with pytest.raises(HTTPException, match="more than 28 days ahead") as refused:
        await http.modify_guild_member(guild.id, bob.id, communication_disabled_until=too_far)
    assert refused.value.status == 400
    with pytest.raises(HTTPException, match="delete_message_seconds") as refused:
        await http.create_guild_ban(guild.id, bob.id, delete_message_seconds=8 * 86400)
    assert refused.value.status == 400
    # Without the permission, nothing at all.
    role = _bot_role(fake_discord)
    role.permissions = 0
    with pytest.raises(Forbidden):
        await http.create_guild_ban(guild.id, bob.id)
    with pytest.raises(Forbidden):
        await http.remove_guild_member(guild.id, bob.id)
    assert all(_in_guild(fake_discord, m) for m in (bob, senior, admin))
    assert fake_discord.state.bans.get(guild.id, {}) == {}
    assert bob.communication_disabled_until is None
