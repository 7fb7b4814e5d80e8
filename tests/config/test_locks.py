"""Red's locks: one asyncio.Lock per value path and per scope."""

from __future__ import annotations

import asyncio

import pytest

from plughost.config import Config

from .conftest import FakeGuild


async def test_value_lock_is_shared_while_referenced(conf: Config) -> None:
    lock = conf.guild_from_id(1).prefix.get_lock()
    assert conf.guild_from_id(1).prefix.get_lock() is lock
    assert conf.guild_from_id(2).prefix.get_lock() is not lock
    assert conf.guild_from_id(1).other.get_lock() is not lock
    assert isinstance(lock, asyncio.Lock)


async def test_scope_locks(conf: Config) -> None:
    conf.init_custom("C", 1)
    locks = [
        conf.get_guilds_lock(),
        conf.get_channels_lock(),
        conf.get_roles_lock(),
        conf.get_users_lock(),
        conf.get_members_lock(),
        conf.get_members_lock(FakeGuild(1)),
        conf.get_custom_lock("C"),
    ]
    assert len({id(lock) for lock in locks}) == len(locks)
    assert conf.get_members_lock(FakeGuild(1)) is locks[5]
    assert conf.get_guilds_lock() is locks[0]
    with pytest.raises(ValueError, match="not initialized"):
        conf.get_custom_lock("missing")


async def test_async_with_waits_for_a_held_value_lock(conf: Config) -> None:
    value = conf.guild_from_id(1).items
    lock = value.get_lock()
    order: list[str] = []
    await lock.acquire()

    async def edit() -> None:
        async with value([]) as items:
            order.append("edit")
            items.append(1)

    task = asyncio.create_task(edit())
    await asyncio.sleep(0)
    order.append("holder")
    lock.release()
    await task
    assert order == ["holder", "edit"]
    assert await value() == [1]
