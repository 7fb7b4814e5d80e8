"""Fixtures for the config tests: each API test runs on a real SQLite file and on PostgreSQL.

PostgreSQL isolation is one schema per test inside one database per session:
creating a database costs ~0.3 s here, a schema ~5 ms, and the config store
works inside whatever schema the DSN names (``?schema=``).
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from plughost.config import Config, ConfigStore, connect

WORKER = str(Path(__file__).with_name("worker.py"))


def worker_command(*args: str) -> list[str]:
    """argv running tests/config/worker.py in a fresh interpreter."""
    return [sys.executable, WORKER, *args]


_ADMIN_DSN = os.environ.get("PLUGHOST_TEST_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")


async def _admin(*statements: str, dsn: str = _ADMIN_DSN) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database for this test session, dropped at the end."""
    name = f"plughost_cfgtest_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {_ADMIN_DSN} is required under CI: {exc}")
        pytest.skip(f"PostgreSQL at {_ADMIN_DSN} unreachable: {exc}")
    try:
        yield f"{_ADMIN_DSN.rpartition('/')[0]}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_schema_dsn(pg_database: str) -> Iterator[str]:
    """A DSN to an empty schema of the session database, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE SCHEMA "{schema}"', dsn=pg_database))
    try:
        yield f"{pg_database}?schema={schema}"
    finally:
        asyncio.run(_admin(f'DROP SCHEMA "{schema}" CASCADE', dsn=pg_database))


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
