"""Fixtures for the user data tests: a store on a real SQLite file or PostgreSQL, real
cogs registered with a real plugin manager, and two users with data everywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from plughost.cogs.cog import Cog, instantiate
from plughost.config import ConfigStore, connect
from plughost.config.keys import decode_key
from plughost.hooks.caller import AsyncHookCaller, new_plugin_manager, register_plugin
from plughost.userdata import RECORDS_COG

from .cogs import ALICE, BOB, Economy, Notes, Silent, fill_retired


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plughost.db'}"
    return str(request.getfixturevalue("pg_schema_dsn"))


@pytest.fixture
async def store(dsn: str) -> AsyncIterator[ConfigStore]:
    async with connect(dsn) as opened:
        yield opened


@dataclass
class World:
    """The store, the hook caller and the cogs registered with it."""

    store: ConfigStore
    caller: AsyncHookCaller
    cogs: dict[str, Cog] = field(default_factory=dict)

    def add(self, cls: type[Cog], name: str) -> Any:
        # The bot is never used by these cogs: Cog only stores it at construction.
        cog = instantiate(cls, None, name)  # type: ignore[arg-type]
        register_plugin(self.caller.plugin_manager, cog, name)
        self.cogs[name] = cog
        return cog

    async def rows(self) -> dict[tuple[str, ...], Any]:
        """Every document in the store but the request log, by decoded key."""
        found: dict[tuple[str, ...], Any] = {}
        async for batch in self.store.iter_rows():
            for key, text in batch:
                parts = decode_key(key)
                if parts[0] != RECORDS_COG:
                    found[parts] = text
        return found


@pytest.fixture
async def world(store: ConfigStore) -> World:
    """economy, notes and silent loaded; "retired" only in the store; Alice and Bob
    with data in every scope of each."""
    world = World(store, AsyncHookCaller(new_plugin_manager()))
    economy = world.add(Economy, "economy")
    notes = world.add(Notes, "notes")
    silent = world.add(Silent, "silent")
    for user in (ALICE, BOB):
        await economy.fill(user)
        await notes.fill(user)
        await silent.fill(user)
        await fill_retired(user)
    return world


def owned_by(rows: dict[tuple[str, ...], Any], user_id: int) -> set[tuple[str, ...]]:
    """The USER- and MEMBER-scope document keys of ``user_id`` among ``rows``."""
    uid = str(user_id)
    return {
        parts
        for parts in rows
        if (parts[2] == "USER" and parts[3:] == (uid,))
        or (parts[2] == "MEMBER" and parts[4:] == (uid,))
    }


# The installed-cog fixture, for the command and CLI tests.
from .installed import installed_cogs  # noqa: E402, F401 - a fixture, found by name
