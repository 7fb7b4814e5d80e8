"""The built-in scopes: objects and ids, all_* and clear_all_*."""

from __future__ import annotations

from plughost.config import Config

from .conftest import FakeGuild, FakeMember


async def test_object_and_id_address_the_same_document(conf: Config) -> None:
    guild = FakeGuild(10)
    await conf.guild(guild).name.set("ten")
    assert await conf.guild_from_id(10).name() == "ten"
    await conf.channel(FakeGuild(11)).topic.set("t")
    assert await conf.channel_from_id(11).topic() == "t"
    await conf.role(FakeGuild(12)).color.set(3)
    assert await conf.role_from_id(12).color() == 3
    await conf.user(FakeGuild(13)).tz.set("UTC")
    assert await conf.user_from_id(13).tz() == "UTC"
    await conf.member(FakeMember(guild, 14)).xp.set(5)
    assert await conf.member_from_ids(10, 14).xp() == 5


async def test_scopes_are_separate(conf: Config) -> None:
    await conf.guild_from_id(1).v.set("guild")
    await conf.channel_from_id(1).v.set("channel")
    await conf.role_from_id(1).v.set("role")
    await conf.user_from_id(1).v.set("user")
    await conf.member_from_ids(1, 1).v.set("member")
    await conf.v.set("global")
    values = [
        await conf.guild_from_id(1).v(),
        await conf.channel_from_id(1).v(),
        await conf.role_from_id(1).v(),
        await conf.user_from_id(1).v(),
        await conf.member_from_ids(1, 1).v(),
        await conf.v(),
    ]
    assert values == ["guild", "channel", "role", "user", "member", "global"]


async def test_all_scope_returns_int_keys_with_defaults(conf: Config) -> None:
    conf.register_guild(prefix="!", opts={"a": 1, "b": 2})
    conf.register_channel(on=False)
    conf.register_role(rank=0)
    conf.register_user(tz="UTC")
    await conf.guild_from_id(1).prefix.set("?")
    await conf.guild_from_id(2).opts.b.set(3)
    await conf.channel_from_id(5).on.set(True)
    await conf.role_from_id(6).rank.set(2)
    await conf.user_from_id(7).extra.set(1)
    assert await conf.all_guilds() == {
        1: {"prefix": "?", "opts": {"a": 1, "b": 2}},
        2: {"prefix": "!", "opts": {"a": 1, "b": 3}},
    }
    assert await conf.all_channels() == {5: {"on": True}}
    assert await conf.all_roles() == {6: {"rank": 2}}
    assert await conf.all_users() == {7: {"tz": "UTC", "extra": 1}}


async def test_all_members_by_guild_and_overall(conf: Config) -> None:
    conf.register_member(balance=0)
    await conf.member_from_ids(1, 10).balance.set(5)
    await conf.member_from_ids(1, 11).nick.set("x")
    await conf.member_from_ids(2, 10).balance.set(7)
    assert await conf.all_members(FakeGuild(1)) == {
        10: {"balance": 5},
        11: {"balance": 0, "nick": "x"},
    }
    assert await conf.all_members() == {
        1: {10: {"balance": 5}, 11: {"balance": 0, "nick": "x"}},
        2: {10: {"balance": 7}},
    }
    assert await conf.all_members(FakeGuild(3)) == {}


async def test_clear_all_per_scope(conf: Config) -> None:
    await conf.v.set(1)
    await conf.guild_from_id(1).v.set(1)
    await conf.channel_from_id(1).v.set(1)
    await conf.role_from_id(1).v.set(1)
    await conf.user_from_id(1).v.set(1)
    await conf.member_from_ids(1, 1).v.set(1)
    await conf.member_from_ids(2, 1).v.set(1)

    await conf.clear_all_members(FakeGuild(1))
    assert await conf.all_members() == {2: {1: {"v": 1}}}
    await conf.clear_all_members()
    assert await conf.all_members() == {}
    await conf.clear_all_guilds()
    assert await conf.all_guilds() == {}
    await conf.clear_all_channels()
    assert await conf.all_channels() == {}
    await conf.clear_all_roles()
    assert await conf.all_roles() == {}
    assert await conf.all_users() == {1: {"v": 1}}
    await conf.clear_all_users()
    assert await conf.all_users() == {}
    assert await conf.v() == 1
    await conf.clear_all_globals()
    assert await conf.v() is None


async def test_clear_all_only_touches_this_config(conf: Config) -> None:
    other = Config.get_conf(None, identifier=43, cog_name="Example")
    neighbour = Config.get_conf(None, identifier=42, cog_name="Example2")
    await conf.guild_from_id(1).v.set(1)
    await conf.v.set(1)
    await other.v.set(2)
    await neighbour.v.set(3)
    await conf.clear_all()
    assert await conf.all_guilds() == {}
    assert await conf.v() is None
    assert await other.v() == 2
    assert await neighbour.v() == 3


async def test_global_group_all(conf: Config) -> None:
    conf.register_global(a=1, b={"c": 2})
    await conf.b.c.set(3)
    assert await conf.all() == {"a": 1, "b": {"c": 3}}
