"""plughost's own Configs, and what code without a store sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from plughost.commands.embeds import DEFAULT_EMBED_COLOR, embed_color_for
from plughost.commands.prefixes import guild_prefix
from plughost.config import (
    Config,
    StoreClosedError,
    StoreNotOpenError,
    connect,
    current_store,
)
from plughost.config.namespaces import (
    COGS,
    CORE,
    PERMISSIONS,
    USERDATA,
    cogs_config,
    core_config,
    permissions_config,
    userdata_config,
)


class _Bot:
    prefix = "!"


async def test_without_a_store_reads_raise_store_not_open() -> None:
    with pytest.raises(StoreNotOpenError, match="no config store is open"):
        current_store()
    with pytest.raises(RuntimeError):  # what callers caught before it had a type
        await core_config().guild_from_id(1).prefix()
    # Code that works without a store falls back to its defaults.
    assert await guild_prefix(_Bot(), 1) == "!"
    assert await embed_color_for(1) == DEFAULT_EMBED_COLOR


async def test_a_closed_store_is_not_open_either(dsn: str) -> None:
    async with connect(dsn) as store:
        pass
    with pytest.raises(StoreNotOpenError):
        store.check_open()
    assert issubclass(StoreClosedError, StoreNotOpenError)


async def test_every_namespace_reads_its_defaults_in_each_store(tmp_path: Path) -> None:
    for run in range(2):  # a new store gets a new Config object: registered again
        async with connect(f"sqlite:///{tmp_path}/{run}.db"):
            assert await core_config().guild_from_id(5).prefix() is None
            assert await core_config().embed_color() == DEFAULT_EMBED_COLOR
            assert await cogs_config().enabled() == {}
            assert await permissions_config().guild_from_id(5).mod_roles() == []
            assert await permissions_config().lists.block_users() == []
            assert await userdata_config().all_custom("REQUEST") == {}
            await core_config().guild_from_id(5).prefix.set("?")
            assert await guild_prefix(_Bot(), 5) == "?"


async def test_a_namespace_is_the_config_a_cog_name_gets(tmp_path: Path) -> None:
    async with connect(f"sqlite:///{tmp_path}/x.db"):
        for namespace in (CORE, COGS, PERMISSIONS, USERDATA):
            conf = namespace.config()
            assert conf is namespace.config()
            same = Config.get_conf(
                None, identifier=namespace.identifier, cog_name=namespace.cog_name
            )
            assert same is conf
