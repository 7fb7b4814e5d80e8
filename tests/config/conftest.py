"""Fixtures for the config tests: each API test runs on a real SQLite file and on PostgreSQL.

PostgreSQL isolation is one schema per test (tests/conftest.py's ``pg_schema_dsn``):
creating a database costs ~0.3 s here, a schema ~5 ms, and the config store
works inside whatever schema the DSN names (``?schema=``).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from plughost.config import Config, ConfigStore, connect
from plughost.config.backends.postgres import PostgresStore

WORKER = str(Path(__file__).with_name("worker.py"))


def worker_command(*args: str) -> list[str]:
    """argv running tests/config/worker.py in a fresh interpreter."""
    return [sys.executable, WORKER, *args]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A DSN to an empty store: an SQLite file in tmp_path, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plughost.db'}"
    return str(request.getfixturevalue("pg_schema_dsn"))


@pytest.fixture
async def store(dsn: str) -> AsyncIterator[ConfigStore]:
    async with connect(dsn) as opened:
        yield opened


@pytest.fixture
async def conf(store: ConfigStore) -> Config:
    return Config.get_conf(None, identifier=42, cog_name="Example")


class FakeGuild:
    """What Config needs of a Discord guild: an integer id."""

    def __init__(self, id: int) -> None:
        self.id = id


class FakeMember:
    """What Config needs of a Discord member: its id and its guild."""

    def __init__(self, guild: FakeGuild, id: int) -> None:
        self.guild = guild
        self.id = id


async def terminate_listener(dsn: str, store: ConfigStore) -> None:
    """End the store's LISTEN connection from the server side, and wait until it sees that."""
    assert isinstance(store, PostgresStore)
    pid = store.listener.backend_pid
    admin = await asyncpg.connect(dsn.partition("?")[0])
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    # The loss is noticed when the socket closes; the listener offers no event
    # for it, so yield to the loop until it has run the termination callback.
    while store.listener.backend_pid == pid:  # noqa: ASYNC110
        await asyncio.sleep(0)
