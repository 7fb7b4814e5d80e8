"""``async with value() as v``: edit in place, written back only when changed."""

from __future__ import annotations

import pytest

from plughost.config import Config


async def test_changes_are_written_on_exit(conf: Config) -> None:
    conf.register_member(balance=0, log=[])
    async with conf.member_from_ids(1, 2).all() as data:
        data["balance"] += 5
    async with conf.member_from_ids(1, 2).log() as log:
        log.append("paid")
    assert await conf.member_from_ids(1, 2).all() == {"balance": 5, "log": ["paid"]}


async def test_unchanged_block_writes_nothing(conf: Config) -> None:
    conf.register_guild(opts={"a": 1})
    async with conf.guild_from_id(1).all() as data:
        assert data == {"opts": {"a": 1}}
    async with conf.guild_from_id(1).opts() as opts:
        opts["a"] = 1  # same value: still unchanged
    assert await conf.all_guilds() == {}  # no document was created


async def test_block_that_raises_still_saves_its_changes(conf: Config) -> None:
    # Red's behaviour, kept so that Red cogs behave the same here.
    async def edit_then_fail() -> None:
        async with conf.guild_from_id(1).items([]) as items:
            items.append(1)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await edit_then_fail()
    assert await conf.guild_from_id(1).items() == [1]


async def test_only_lists_and_dicts(conf: Config) -> None:
    conf.register_guild(count=0)
    with pytest.raises(TypeError, match="mutable"):
        async with conf.guild_from_id(1).count():
            pass
    # The value's lock was released: it can be used again.
    assert not conf.guild_from_id(1).count.get_lock().locked()


async def test_non_json_change_is_refused_and_nothing_written(conf: Config) -> None:
    with pytest.raises(TypeError):
        async with conf.guild_from_id(1).items([]) as items:
            items.append(object())
    assert await conf.guild_from_id(1).items() is None
    assert await conf.all_guilds() == {}


async def test_lock_is_held_during_the_block(conf: Config) -> None:
    value = conf.guild_from_id(1).items
    lock = value.get_lock()
    async with value([]) as items:
        assert lock.locked()
        items.append(1)
    assert not lock.locked()
    async with value([], acquire_lock=False):
        assert not lock.locked()


async def test_nested_blocks_on_one_document_do_not_deadlock(conf: Config) -> None:
    conf.register_member(balance=0, log=[])
    member = conf.member_from_ids(1, 2)
    async with member.all() as outer:
        async with member.log() as log:
            log.append("inner")
        outer["balance"] = 1
    # The outer block saves last and wins, as in Red.
    assert await member.all() == {"balance": 1, "log": []}
