"""The hot paths' shortcuts give exactly what the general code gives.

Whole-scope reads (``all_members`` ...) decode and merge in bulk and fall back
to a row-by-row loop for anything unusual; plain values skip an encode;
registered names are found as class properties. Each shortcut is checked
against a case that must take the general path.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from plughost.config import Config, ConfigStore, connect
from plughost.config.config import _KEPT_GROUPS
from plughost.config.keys import encode_parts

from .conftest import FakeGuild, FakeMember


async def test_all_members_matches_reading_each_member(conf: Config) -> None:
    conf.register_member(balance=0, nick=None)
    await conf.member_from_ids(1, 10).balance.set(5)
    await conf.member_from_ids(1, 11).extra.set([1, 2])
    await conf.member_from_ids(1, 12).set({"nick": "z", "balance": 9})  # stored out of order
    await conf.member_from_ids(2, 10).balance.set(7)
    everyone = await conf.all_members(FakeGuild(1))
    assert everyone == {m: await conf.member_from_ids(1, m).all() for m in (10, 11, 12)}
    # Registered keys first, in registration order, then stored-only keys.
    assert [list(data) for data in everyone.values()] == [
        ["balance", "nick"],
        ["balance", "nick", "extra"],
        ["balance", "nick"],
    ]
    # Fresh objects: changing what was read changes nothing stored or cached.
    everyone[11]["extra"].append(3)
    everyone[10]["balance"] = 100
    assert (await conf.all_members(FakeGuild(1)))[11]["extra"] == [1, 2]
    assert await conf.member_from_ids(1, 10).balance() == 5


async def test_whole_scope_reads_with_no_defaults_and_with_nested_defaults(conf: Config) -> None:
    await conf.guild_from_id(3).v.set(1)
    assert await conf.all_guilds() == {3: {"v": 1}}
    conf.register_guild(opts={"a": 1, "b": {"c": 2}})
    await conf.guild_from_id(4).opts.b.d.set(3)
    assert await conf.all_guilds() == {
        3: {"opts": {"a": 1, "b": {"c": 2}}, "v": 1},
        4: {"opts": {"a": 1, "b": {"c": 2, "d": 3}}},
    }


async def test_a_document_that_is_not_a_dict_is_returned_as_stored(conf: Config) -> None:
    conf.init_custom("PAIR", 2)
    conf.register_custom("PAIR", flag=False)
    # Setting the partial level stores one document per key, whatever it holds
    # (bare numbers: tests/config/test_document_column.py).
    await conf.custom("PAIR", "a").set({"x": [5], "w": "text", "y": {"flag": True}})
    expected = {"w": "text", "x": [5], "y": {"flag": True}}
    assert await conf.all_custom("PAIR", "a") == expected
    assert await conf.custom("PAIR", "a").all() == expected


async def test_keys_naming_one_id_twice_and_bad_ids(store: ConfigStore, conf: Config) -> None:
    conf.register_member(balance=0)
    prefix = ("Example", "42", "MEMBER", "1")
    # Rows no Config call writes (a restore could): "01" and "1" both read as
    # member 1, the later key in key order winning, as a loop would have it.
    await store.insert_rows(
        [
            (encode_parts((*prefix, "01")), json.dumps({"balance": 1})),
            (encode_parts((*prefix, "1")), json.dumps({"balance": 2})),
        ]
    )
    assert await conf.all_members(FakeGuild(1)) == {1: {"balance": 2}}
    await store.insert_rows([(encode_parts((*prefix, "x")), json.dumps({}))])
    with pytest.raises(ValueError, match="invalid literal for int"):
        await conf.all_members(FakeGuild(1))


async def test_a_damaged_row_is_an_error_not_a_gap(tmp_path: Path) -> None:
    # SQLite only: PostgreSQL's jsonb column cannot hold text that is not JSON.
    async with connect(f"sqlite:///{tmp_path / 'plughost.db'}") as store:
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        await conf.member_from_ids(1, 1).balance.set(1)
        await conf.member_from_ids(1, 3).balance.set(3)
        await store.insert_rows(
            [
                (encode_parts(("Example", "42", "MEMBER", "1", "2")), '{"balance": 2'),
            ]
        )
        with pytest.raises(json.JSONDecodeError):
            await conf.all_members(FakeGuild(1))


async def test_plain_values_are_checked_without_being_encoded(conf: Config) -> None:
    await conf.guild_from_id(1).set({"keep": 1})
    for plain in ("text", "é\U0001f600", 0, -(10**17), 10**30, True, None):
        await conf.guild_from_id(1).v.set(plain)
        assert await conf.guild_from_id(1).v() == plain
    for bad, why in (("a\x00b", "NUL"), ("a\ud800", "surrogate")):
        with pytest.raises(ValueError, match=why):
            await conf.guild_from_id(1).v.set(bad)
    with pytest.raises(TypeError):
        await conf.guild_from_id(1).v.set(10**5000)  # more digits than int -> str allows
    circular: list[object] = []
    circular.append(circular)
    with pytest.raises(TypeError, match="circular"):
        await conf.guild_from_id(1).v.set(circular)
    assert await conf.guild_from_id(1).all() == {"keep": 1, "v": None}


async def test_registered_names_keep_force_registration_per_config(store: ConfigStore) -> None:
    loose = Config.get_conf(None, identifier=1, cog_name="Loose")
    loose.register_guild(shared_name=1, nested={"inner": 2})
    strict = Config.get_conf(None, identifier=2, cog_name="Strict", force_registration=True)
    strict.register_guild(own=3)
    assert await loose.guild_from_id(1).shared_name() == 1
    assert await loose.guild_from_id(1).nested.inner() == 2
    # Another config registered these names; this one did not.
    with pytest.raises(AttributeError):
        strict.guild_from_id(1).shared_name  # noqa: B018
    with pytest.raises(AttributeError):
        strict.guild_from_id(1).get_attr("inner")
    assert await strict.guild_from_id(1).own() == 3
    # A registered name that is also a method keeps meaning the method, as in Red.
    loose.register_guild(clear=5)
    await loose.guild_from_id(1).shared_name.set(9)
    await loose.guild_from_id(1).clear()
    assert await loose.guild_from_id(1).shared_name() == 1
    assert await loose.guild_from_id(1).get_raw("clear") == 5


async def test_a_read_in_flight_does_not_outlive_a_clear(tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'plughost.db'}"
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        await conf.guild_from_id(1).v.set("old")
    async with connect(dsn):  # a fresh cache: the read below goes to the file
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        conf.register_guild(v="default")
        reading = asyncio.ensure_future(conf.guild_from_id(1).v())
        await asyncio.sleep(0)  # the read is now queued on the connection
        await conf.clear_all_guilds()
        assert await reading == "old"  # it ran before the delete
        # Its late result must not be cached over the delete.
        assert await conf.guild_from_id(1).v() == "default"
        assert await conf.all_guilds() == {}


async def test_kept_groups_follow_registration_and_force_registration(store: ConfigStore) -> None:
    conf = Config.get_conf(None, identifier=7, cog_name="Kept")
    assert await conf.guild_from_id(1).late() is None  # accessed before registration
    assert await conf.member_from_ids(1, 2).all() == {}
    conf.register_guild(late="registered", nested={"a": 1})
    conf.register_member(xp=0)
    assert await conf.guild_from_id(1).late() == "registered"
    assert await conf.guild_from_id(1).nested.a() == 1
    assert await conf.member_from_ids(1, 2).all() == {"xp": 0}
    conf.register_guild(late="changed")
    assert await conf.guild_from_id(1).late() == "changed"
    strict = Config.get_conf(None, identifier=7, cog_name="Kept", force_registration=True)
    assert strict is conf
    with pytest.raises(AttributeError):
        conf.guild_from_id(1).unregistered  # noqa: B018
    Config.get_conf(None, identifier=7, cog_name="Kept")  # force_registration off again
    assert await conf.guild_from_id(1).unregistered() is None


async def test_more_documents_than_the_kept_groups(conf: Config) -> None:
    conf.register_guild(n=0)
    count = _KEPT_GROUPS + 10  # the memo starts over on the way
    for guild in range(count):
        await conf.guild_from_id(guild).n.set(guild)
    for guild in (0, 1, _KEPT_GROUPS - 1, _KEPT_GROUPS, count - 1):
        assert await conf.guild_from_id(guild).n() == guild
    assert len(await conf.all_guilds()) == count


async def test_values_written_together_are_read_back_from_the_cache(
    store: ConfigStore, conf: Config
) -> None:
    # Concurrent sets: PostgreSQL's group commit writes them in one transaction.
    conf.register_member(balance=0)
    guild = FakeGuild(1)
    members = [FakeMember(guild, n) for n in range(1, 51)]
    await asyncio.gather(*(conf.member(m).balance.set(m.id * 10) for m in members))
    await asyncio.gather(*(conf.member(m).set_raw("note", value=f"n{m.id}") for m in members))
    misses = store.cache.misses
    assert [await conf.member(m).balance() for m in members] == [m.id * 10 for m in members]
    assert [await conf.member(m).note() for m in members] == [f"n{m.id}" for m in members]
    assert store.cache.misses == misses  # every read from the cache, none from the database
